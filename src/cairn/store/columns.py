"""What a project's runs hold, for pickers: flattened config paths, summary keys, metric keys.

Config paths join nested keys with ``.`` (``{"model": {"width": 64}}`` → ``model.width``), as the
filter language spells them; lists and empty objects are values, not further paths.

``default_columns`` is the one rule for which of them a table shows when nobody chose: the
workspace (through ``/projects/{p}/columns``) and ``cairn runs ls`` both use it, over a project's
latest DEFAULTS_FROM runs. The lists of keys come from the project's catalogue
(``store.catalogue``), not from reading every run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import Text, cast, select

from cairn.store import catalogue
from cairn.store.catalogue import flatten_config
from cairn.store.projects import project_id
from cairn.store.schema import runs
from cairn.store.store import Store

__all__ = ["flatten_config"]  # re-exported: the one flattening, kept with the catalogue

_decode = msgspec.json.Decoder().decode
_encode = msgspec.json.Encoder(order="sorted").encode

DEFAULT_CONFIG = 4
DEFAULT_SUMMARY = 4
DEFAULTS_FROM = 1_000
"""How many of a project's latest runs choose its default columns (all of them, up to this)."""
_JUDGED = re.compile(r"^(val|valid|validation|eval|test)[/_.]", re.IGNORECASE)
_INTERNAL = re.compile(r"^(grad|gradients|parameters|params|system|sys)[/_.]", re.IGNORECASE)


@dataclass
class ColumnStats:
    """What ``default_columns`` needs to know of a set of runs, gathered one run at a time."""

    values: dict[str, set[bytes]] = field(default_factory=dict)  # config path → distinct values
    present: dict[str, int] = field(default_factory=dict)  # config path → runs having it
    summary: set[str] = field(default_factory=set)

    def add(self, config: Mapping[str, Any], summary: Iterable[str]) -> None:
        for path, value in flatten_config(config).items():
            self.values.setdefault(path, set()).add(_encode(value))
            self.present[path] = self.present.get(path, 0) + 1
        self.summary.update(summary)


def rank_config(stats: ColumnStats) -> list[str]:
    """Config paths, most telling first: the ones that vary among the runs having them (the most
    distinct values first), then the constant ones; a run lacking a path does not make it vary."""
    return sorted(
        stats.values,
        key=lambda path: (-len(stats.values[path]), -stats.present[path], path),
    )


def rank_summary(keys: Iterable[str]) -> list[str]:
    """Summary keys, most telling first: validation/test metrics, then the others, then gradient,
    parameter and system statistics; ``_``-prefixed keys are left out."""

    def rank(key: str) -> tuple[int, str]:
        return (0 if _JUDGED.match(key) else 2 if _INTERNAL.match(key) else 1, key)

    return sorted((key for key in keys if not key.startswith("_")), key=rank)


def default_columns(stats: ColumnStats) -> list[str]:
    """The default data columns as column ids (``config.lr``, ``summary.val/acc``), most telling
    first: up to 4 config paths that vary (the constant ones when none does), then up to 4
    summary keys (gradient, parameter and system statistics only when there is nothing else)."""
    ranked = rank_config(stats)
    varying = [path for path in ranked if len(stats.values[path]) > 1]
    metrics = rank_summary(stats.summary)
    judged = [key for key in metrics if not _INTERNAL.match(key)]
    return [f"config.{path}" for path in (varying or ranked)[:DEFAULT_CONFIG]] + [
        f"summary.{key}" for key in (judged or metrics)[:DEFAULT_SUMMARY]
    ]


def project_stats(store: Store, project: str) -> ColumnStats:
    """The column statistics of a project's latest DEFAULTS_FROM runs (an unknown project has
    none): enough to choose default columns, and a bounded read at any size of project."""
    # The JSON is read as text and decoded by msgspec, several times faster than the column's own
    # deserializer over thousands of runs. The project's id is looked up first: joined by name,
    # PostgreSQL cast every run's JSON before sorting (1 s at 50,000 runs); by id it walks the
    # (project_id, created_at) index backwards and stops at the limit.
    stats = ColumnStats()
    with store._read() as conn:
        found = project_id(conn, project)
        if found is None:
            return stats
        query = (
            select(cast(runs.c.config, Text), cast(runs.c.summary, Text))
            .where(runs.c.project_id == found)
            .order_by(runs.c.created_at.desc())
            .limit(DEFAULTS_FROM)
        )
        for config_text, summary_text in conn.execute(query):
            stats.add(_decode(config_text), _decode(summary_text))
    return stats


def project_columns(store: Store, project: str) -> tuple[list[str], list[str]]:
    """The sorted flattened config paths and summary keys of any of a project's runs."""
    with store._read() as conn:
        found = project_id(conn, project)
        if found is None:
            return [], []
        return list(catalogue.keys(conn, found, "config")), list(
            catalogue.keys(conn, found, "summary")
        )


def metric_keys(store: Store, project: str, run_ids: Sequence[str] | None = None) -> list[str]:
    """The sorted union of the history keys of some runs of a project (all of them for None)."""
    with store._read() as conn:
        found = project_id(conn, project)
        if found is None:
            return []
        if run_ids is None:
            return list(catalogue.keys(conn, found, "metric"))
        keys: set[str] = set()
        ids = list(run_ids)
        for start in range(0, len(ids), 500):
            query = select(cast(runs.c.history_keys, Text)).where(
                runs.c.project_id == found, runs.c.id.in_(ids[start : start + 500])
            )
            for (text,) in conn.execute(query.distinct()):
                keys.update(_decode(text))
    return sorted(keys)
