"""What a project's runs hold, for pickers: flattened config paths, summary keys, metric keys.

Config paths join nested keys with ``.`` (``{"model": {"width": 64}}`` → ``model.width``), as the
filter language spells them; lists and empty objects are values, not further paths.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import msgspec
from sqlalchemy import Text, cast, select

from cairn.store.schema import projects, runs
from cairn.store.store import Store

_decode = msgspec.json.Decoder().decode


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


def _paths(config: Mapping[str, Any], prefix: str, into: set[str]) -> None:
    for key, value in config.items():
        if isinstance(value, dict) and value:
            _paths(value, f"{prefix}{key}.", into)
        else:
            into.add(f"{prefix}{key}")


def project_columns(store: Store, project: str) -> tuple[list[str], list[str]]:
    """The sorted union of flattened config paths and of summary keys over a project's runs."""
    # The JSON is read as text and decoded by msgspec: only its keys matter here, and this is
    # several times faster than the column's own deserializer over thousands of runs.
    query = (
        select(cast(runs.c.config, Text), cast(runs.c.summary, Text))
        .select_from(runs.join(projects, projects.c.id == runs.c.project_id))
        .where(projects.c.name == project)
    )
    config: set[str] = set()
    summary: set[str] = set()
    with store._read() as conn:
        for config_text, summary_text in conn.execute(query):
            _paths(_decode(config_text), "", config)
            summary.update(_decode(summary_text))
    return sorted(config), sorted(summary)


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
