"""The catalogue of a project's keys: every flattened config path, summary key and metric key its
runs have, with how many runs have each, kept as runs are applied and deleted (migration 0014).

The column pickers and the metric list read it instead of every run's JSON: at 100,000 runs the
scan took seconds. Each run adds its keys when they first appear in it and takes them away when
they leave it (a removed summary key, a replaced config) or when it is deleted; a key no run has
any more is dropped. Keys longer than MAX_KEY characters are left out (an index entry must stay
small on PostgreSQL, and a record the store cannot apply would stop a run's sync for good).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, TextClause, and_, delete, select, text, update

from cairn.store.schema import project_keys

KINDS = ("config", "summary", "metric")
MAX_KEY = 1000
UPSERT_ROWS = 300
"""Keys counted up in one statement at most: 601 parameters, under the 999 of SQLite before
3.32."""

Keys = dict[str, frozenset[str]]
"""A run's keys by kind (``config``, ``summary``, ``metric``)."""


def flatten_config(config: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"model": {"width": 64}}`` → ``{"model.width": 64}``; lists and ``{}`` stay values."""
    out: dict[str, Any] = {}
    for key, value in config.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            out.update(flatten_config(value, f"{path}."))
        else:
            out[path] = value
    return out


def run_keys(
    config: Mapping[str, Any], summary: Iterable[str], metrics: Iterable[str]
) -> dict[str, frozenset[str]]:
    """The catalogue keys of one run."""
    return {
        "config": frozenset(flatten_config(config)),
        "summary": frozenset(summary),
        "metric": frozenset(metrics),
    }


def change(conn: Connection, project_id: int, before: Keys, after: Keys) -> None:
    """Count a run's keys in ``after`` and no longer those only in ``before`` (a new run: empty
    ``before``; a deleted run: empty ``after``), inside the caller's write transaction."""
    added = _rows(project_id, after, before)
    removed = _rows(project_id, before, after)
    for start in range(0, len(added), UPSERT_ROWS):
        _count_up(conn, project_id, added[start : start + UPSERT_ROWS])
    for kind in KINDS:
        gone = sorted(row["key"] for row in removed if row["kind"] == kind)
        if not gone:
            continue
        where = and_(
            project_keys.c.project_id == project_id,
            project_keys.c.kind == kind,
            project_keys.c.key.in_(gone),
        )
        conn.execute(update(project_keys).where(where).values(runs=project_keys.c.runs - 1))
        conn.execute(delete(project_keys).where(where, project_keys.c.runs <= 0))


def _count_up(conn: Connection, project_id: int, rows: list[dict[str, Any]]) -> None:
    """One statement that adds a run to each of ``rows``' keys, inserting those new to the
    project: an executemany of one upsert a key, whose parameters SQLAlchemy processed one row
    at a time, was a fifth of applying a short run of 50 config keys (profiled). The same SQL
    on SQLite and PostgreSQL; compiled once for each number of rows."""
    params: dict[str, Any] = {"project_id": project_id}
    for i, row in enumerate(rows):
        params[f"kind{i}"], params[f"key{i}"] = row["kind"], row["key"]
    conn.execute(_upsert(len(rows)), params)


@functools.lru_cache(maxsize=64)
def _upsert(rows: int) -> TextClause:
    values = ", ".join(f"(:project_id, :kind{i}, :key{i}, 1)" for i in range(rows))
    return text(
        f'INSERT INTO project_keys (project_id, kind, "key", runs) VALUES {values} '
        'ON CONFLICT (project_id, kind, "key") DO UPDATE SET runs = project_keys.runs + 1'
    )


def _rows(project_id: int, keys: Keys, minus: Keys) -> list[dict[str, Any]]:
    # Sorted, so that two writers on PostgreSQL lock the same rows in the same order.
    return [
        {"project_id": project_id, "kind": kind, "key": key, "runs": 1}
        for kind in KINDS
        for key in sorted(keys.get(kind, frozenset()) - minus.get(kind, frozenset()))
        if len(key) <= MAX_KEY
    ]


def keys(conn: Connection, project_id: int, kind: str) -> dict[str, int]:
    """The project's keys of one kind, sorted as Python sorts (a database's collation may not),
    each with how many runs have it."""
    query = select(project_keys.c.key, project_keys.c.runs).where(
        project_keys.c.project_id == project_id, project_keys.c.kind == kind
    )
    return {key: int(runs) for key, runs in sorted(conn.execute(query).all())}
