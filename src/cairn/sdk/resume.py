"""What a run's journal says it has reached: for resuming a run, and for ``run.summary``.

The writer thread does no summary work; ``run.summary`` folds the journal's new records when it is
read, so a training loop that never reads the summary never pays for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cairn.errors import RunNotFoundError
from cairn.journal.file import JournalReader
from cairn.journal.records import (
    ConfigUpdate,
    DefineMetric,
    History,
    Record,
    RunStart,
    SummaryUpdate,
)
from cairn.sdk.location import journal_path
from cairn.store.summary import SummaryState

if TYPE_CHECKING:
    from cairn.store.store import Store


@dataclass
class JournalFold:
    """The state of a run after the records folded into it so far."""

    start: RunStart | None = None
    config: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    summary: SummaryState = field(default_factory=SummaryState)
    explicit_summary: dict[str, Any] = field(default_factory=dict)
    next_seq: int = 1
    next_step: int = 0

    def add(self, records: list[Record]) -> None:
        rows: list[dict[str, float]] = []
        for record in records:
            if type(record) is History:
                rows.append(record.values)
                self.next_step = max(self.next_step, record.step + 1)
            elif isinstance(record, RunStart):
                self.start = self.start or record
                self.config, self.tags = record.config, record.tags
            elif isinstance(record, ConfigUpdate):
                self.config = record.config
            elif isinstance(record, SummaryUpdate):
                self.explicit_summary.update(record.set)
                for key in record.remove:
                    self.explicit_summary.pop(key, None)
            elif isinstance(record, DefineMetric):
                self.summary.define(record.name, record.summary, record.step_metric)
        if rows:
            self.summary.add_rows(rows)
        if records:
            self.next_seq = records[-1].seq + 1


@dataclass
class Resumed:
    """Where a run stands when it is continued."""

    project: str
    name: str
    created_at: float
    fold: JournalFold
    reader: JournalReader | None
    """The journal's reader, positioned after its last good frame (None: no journal here)."""

    @property
    def valid_bytes(self) -> int | None:
        return self.reader.valid_bytes if self.reader else None


def find_resumable(store_dir: Path, run_id: str, store: Store | None) -> Resumed | None:
    """Run ``run_id``'s state from its journal, else from the store; None if neither has it.

    When the store holds records the journal lacks (the journal was deleted, cut short, or
    replaced by an older copy), the run continues after the store's last seq and step: a seq
    the store already holds would be skipped by every later sync, silently.
    """
    path = journal_path(store_dir, run_id)
    found: Resumed | None = None
    if path.exists():
        reader = JournalReader(path)
        fold = JournalFold()
        while records := reader.read():
            fold.add(records)
        if fold.start is not None:
            start = fold.start
            found = Resumed(start.project, start.name, start.created_at, fold, reader)
    info = None
    if store is not None:
        try:
            info = store.run(run_id)
        except RunNotFoundError:
            info = None
    if info is None or store is None:
        return found
    next_step = (info.last_step + 1) if info.last_step is not None else 0
    if found is None:  # a finished run's applied journal is removed: the store has it all
        summary, explicit = store.summary_state(run_id)
        fold = JournalFold(
            config=info.config,
            tags=info.tags,
            summary=summary,
            explicit_summary=explicit,
            next_seq=info.last_seq + 1,
            next_step=next_step,
        )
        return Resumed(info.project, info.name, info.created_at, fold, None)
    if info.last_seq >= found.fold.next_seq:  # the journal is behind the store
        found.fold.next_seq = info.last_seq + 1
        found.fold.next_step = max(found.fold.next_step, next_step)
        found.fold.config, found.fold.tags = info.config, info.tags
        found.fold.summary, found.fold.explicit_summary = store.summary_state(run_id)
    return found
