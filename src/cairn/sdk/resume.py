"""Continuing a run: what its journal (or, without one, the store) says it had reached."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cairn.errors import RunNotFoundError
from cairn.journal.file import read_journal
from cairn.journal.records import (
    ConfigUpdate,
    DefineMetric,
    History,
    RunStart,
    SummaryUpdate,
)
from cairn.sdk.location import journal_path
from cairn.store.summary import SummaryState

if TYPE_CHECKING:
    from cairn.store.store import Store


@dataclass
class Resumed:
    project: str
    name: str
    created_at: float
    next_seq: int
    next_step: int
    config: dict[str, Any]
    tags: list[str]
    summary: SummaryState
    explicit_summary: dict[str, Any] = field(default_factory=dict)
    valid_bytes: int | None = None
    """Where the journal's good frames end: a torn tail is cut there before appending."""


def find_resumable(store_dir: Path, run_id: str, store: Store | None) -> Resumed | None:
    """The state of run ``run_id`` from its journal, else from the store; None if neither has it."""
    path = journal_path(store_dir, run_id)
    if path.exists():
        found = _from_journal(path)
        if found is not None:
            return found
    if store is None:
        return None
    try:
        info = store.run(run_id)
    except RunNotFoundError:
        return None
    return Resumed(
        project=info.project,
        name=info.name,
        created_at=info.created_at,
        next_seq=info.last_seq + 1,
        next_step=(info.last_step + 1) if info.last_step is not None else 0,
        config=info.config,
        tags=info.tags,
        summary=SummaryState(),
        valid_bytes=None,
    )


def _from_journal(path: Path) -> Resumed | None:
    result = read_journal(path)
    start = next((r for r in result.records if isinstance(r, RunStart)), None)
    if start is None:
        return None
    config, tags = start.config, start.tags
    summary = SummaryState()
    explicit: dict[str, Any] = {}
    next_step = 0
    for record in result.records:
        if isinstance(record, History):
            summary.add_row(record.values)
            next_step = max(next_step, record.step + 1)
        elif isinstance(record, RunStart):
            config, tags = record.config, record.tags
        elif isinstance(record, ConfigUpdate):
            config = record.config
        elif isinstance(record, SummaryUpdate):
            explicit.update(record.set)
            for key in record.remove:
                explicit.pop(key, None)
        elif isinstance(record, DefineMetric):
            summary.define(record.name, record.summary, record.step_metric)
    return Resumed(
        project=start.project,
        name=start.name,
        created_at=start.created_at,
        next_seq=result.records[-1].seq + 1,
        next_step=next_step,
        config=config,
        tags=tags,
        summary=summary,
        explicit_summary=explicit,
        valid_bytes=result.valid_bytes,
    )
