"""Finding one run by reference (``project/id``, ``id`` or a unique display name), as SQL text.

``Store.find_run`` runs these statements through SQLAlchemy (SQLite or PostgreSQL), and a cold
read of a local store (``cairn.store.local_reader``) through the stdlib's ``sqlite3``: the same
statements give the same ``RunInfo``, and the cold read never loads SQLAlchemy.
"""

from __future__ import annotations

import os
from typing import Any

from cairn.errors import RunNotFoundError
from cairn.store.models import RunInfo
from cairn.store.sql_text import Query, json_value

HEARTBEAT_TIMEOUT = 300.0
"""Seconds without a heartbeat after which a running run reads as crashed.

Live runs beat every ``cairn.sdk.HEARTBEAT_INTERVAL`` (15 s), from a thread of their own. A beat
into SQLite waits for the write lock like any write, up to the busy timeout
(``engine.BUSY_TIMEOUT_MS``, 120 s): this is 2.5 times that, so a live run whose store is locked
for as long as SQLite lets a writer wait (and then some) does not read as crashed.
``$CAIRN_HEARTBEAT_TIMEOUT`` overrides.
"""


def heartbeat_timeout() -> float:
    """``HEARTBEAT_TIMEOUT``, or ``$CAIRN_HEARTBEAT_TIMEOUT`` when set."""
    return float(os.environ.get("CAIRN_HEARTBEAT_TIMEOUT", HEARTBEAT_TIMEOUT))


_FIND = """
SELECT runs.id, runs.project_id, runs.name, runs.created_at, runs.updated_at,
       runs.heartbeat_at, runs.finished_at, runs.exit_code, runs.error, runs.notes,
       runs.group_name, runs.job_type, runs.host, runs.program, runs.config, runs.summary,
       runs.metric_defs, runs.history_keys, runs.history_rows, runs.last_step, runs.last_seq,
       runs.reproduction_of, runs.sweep_id,
       CASE WHEN runs.state = 'running' AND runs.heartbeat_at < :cutoff THEN 'crashed'
            ELSE runs.state END AS state,
       projects.name AS project
FROM runs JOIN projects ON projects.id = runs.project_id
WHERE (runs.id = :key OR runs.name = :key) {project}
ORDER BY CASE WHEN runs.id = :key THEN 0 ELSE 1 END
LIMIT 2
"""

_TAGS = "SELECT tag FROM run_tags WHERE run_id = :run_id"

_NUMBER = """
SELECT count(*) AS runs_so_far FROM runs
WHERE project_id = :project_id AND (created_at, id) <= (:created_at, :run_id)
"""
"""The run's rank by creation within its project, as ``Store`` numbers a page of runs."""


def find_run(query: Query, ref: str, cutoff: float) -> RunInfo:
    """The run ``ref`` names; a running run whose last heartbeat is before ``cutoff`` reads as
    crashed. Raises RunNotFoundError when no run, or more than one, matches."""
    project, _, key = ref.rpartition("/")
    params: dict[str, Any] = {"key": key, "cutoff": cutoff}
    if project:
        params["project"] = project
    sql = _FIND.format(project="AND projects.name = :project" if project else "")
    rows = [dict(row) for row in query(sql, params)]
    by_id = [r for r in rows if r["id"] == key]
    if by_id:
        rows = by_id
    if len(rows) != 1:
        what = "no run" if not rows else "more than one run"
        raise RunNotFoundError(
            f"{what} matches {ref!r}: give `project/run_id` (`cairn runs ls` lists them)"
        )
    [row] = rows
    tags = [r["tag"] for r in query(_TAGS, {"run_id": row["id"]})]
    numbered = {"project_id": row["project_id"], "created_at": row["created_at"]}
    [count] = query(_NUMBER, {**numbered, "run_id": row["id"]})
    return run_info(row, tags, int(count["runs_so_far"]))


def run_info(row: Any, tags: list[str], number: int) -> RunInfo:
    """A run's row (its JSON columns decoded or not yet) as a ``RunInfo``."""
    return RunInfo(
        id=row["id"],
        project=row["project"],
        name=row["name"],
        state=row["state"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        heartbeat_at=row["heartbeat_at"],
        finished_at=row["finished_at"],
        exit_code=row["exit_code"],
        error=row["error"],
        notes=row["notes"],
        group=row["group_name"],
        job_type=row["job_type"],
        host=row["host"],
        program=row["program"],
        config=json_value(row["config"]),
        summary=json_value(row["summary"]),
        tags=sorted(tags),
        history_keys=list(json_value(row["history_keys"])),
        metric_defs=list(json_value(row["metric_defs"])),
        history_rows=row["history_rows"],
        last_step=row["last_step"],
        last_seq=row["last_seq"],
        reproduction_of=row["reproduction_of"],
        sweep_id=row["sweep_id"],
        number=number,
    )
