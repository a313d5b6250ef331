"""What a project's runs hold, for pickers: flattened config paths, summary keys, metric keys.

Config paths join nested keys with ``.`` (``{"model": {"width": 64}}`` → ``model.width``), as the
filter language spells them; lists and empty objects are values, not further paths.

``default_columns`` is the one rule for which of them a table shows when nobody chose: the
workspace (through ``/projects/{p}/columns``) and ``cairn runs ls`` both use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import Text, cast, select

from cairn.store.schema import projects, runs
from cairn.store.store import Store

_decode = msgspec.json.Decoder().decode
_encode = msgspec.json.Encoder(order="sorted").encode

DEFAULT_CONFIG = 4
DEFAULT_SUMMARY = 4
_JUDGED = re.compile(r"^(val|valid|validation|eval|test)[/_.]", re.IGNORECASE)
_INTERNAL = re.compile(r"^(grad|gradients|parameters|params|system|sys)[/_.]", re.IGNORECASE)


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
    """The column statistics of all of a project's runs (an unknown project has none)."""
    # The JSON is read as text and decoded by msgspec, several times faster than the column's own
    # deserializer over thousands of runs.
    query = (
        select(cast(runs.c.config, Text), cast(runs.c.summary, Text))
        .select_from(runs.join(projects, projects.c.id == runs.c.project_id))
        .where(projects.c.name == project)
    )
    stats = ColumnStats()
    with store._read() as conn:
        for config_text, summary_text in conn.execute(query):
            stats.add(_decode(config_text), _decode(summary_text))
    return stats


def project_columns(store: Store, project: str) -> tuple[list[str], list[str]]:
    """The sorted union of flattened config paths and of summary keys over a project's runs."""
    stats = project_stats(store, project)
    return sorted(stats.values), sorted(stats.summary)


def metric_keys(store: Store, project: str, run_ids: Sequence[str] | None = None) -> list[str]:
    """The sorted union of the history keys of some runs of a project (all of them for None)."""
    query = (
        select(cast(runs.c.history_keys, Text))
        .select_from(runs.join(projects, projects.c.id == runs.c.project_id))
        .where(projects.c.name == project)
    )
    if run_ids is not None:
        query = query.where(runs.c.id.in_(list(run_ids)))
    keys: set[str] = set()
    with store._read() as conn:
        for (text,) in conn.execute(query.distinct()):
            keys.update(_decode(text))
    return sorted(keys)
