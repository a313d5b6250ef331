"""What a run's journal says it has reached: for resuming a run, and for ``run.summary``.

The writer thread does no summary work; ``run.summary`` folds the journal's new records when it is
read, so a training loop that never reads the summary never pays for it.
"""

from __future__ import annotations

import time
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
    from cairn.sync.http import HttpSink


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


@dataclass
class StoredRun:
    """What a store (the local one, or a team server's) holds of a run: where a run continued
    without its journal, or with a journal behind the store, starts from."""

    project: str
    name: str
    created_at: float
    config: dict[str, Any]
    tags: list[str]
    last_seq: int
    last_step: int | None
    summary: SummaryState
    explicit_summary: dict[str, Any]


def stored_locally(store: Store | None, run_id: str) -> StoredRun | None:
    """What the local ``store`` holds of the run; None if nothing (or no store)."""
    if store is None:
        return None
    try:
        info = store.run(run_id)
    except RunNotFoundError:
        return None
    summary, explicit = store.summary_state(run_id)
    return StoredRun(
        info.project,
        info.name,
        info.created_at,
        info.config,
        info.tags,
        info.last_seq,
        info.last_step,
        summary,
        explicit,
    )


STORED_TIMEOUT = 30.0
"""Seconds ``init(id=...)`` waits for a team server to apply what it holds of the run."""


def stored_on_server(
    sink: HttpSink, run_id: str, timeout: float = STORED_TIMEOUT
) -> StoredRun | None:
    """What the team server holds of the run (None: nothing), once its applier has applied
    every record it queued of it: a state short of them would continue the run from the wrong
    step. ServerError when the server does not answer, refuses, or has not applied them in
    ``timeout`` seconds: not knowing whether the server has the run, starting it afresh could
    lose what is logged (the server skips seqs it holds)."""
    import httpx

    from cairn.server_client import ServerError

    deadline = time.monotonic() + timeout
    while True:
        try:
            state = sink.stored_run(run_id)
        except httpx.TransportError as exc:  # no answer: a connection refused, a timeout...
            raise ServerError(f"{sink.login.url} did not answer ({exc})") from None
        if state is None:
            return None
        if state["applied_seq"] >= state["queued_seq"]:
            return StoredRun(
                sink.project,
                state["name"],
                state["created_at"],
                state["config"],
                state["tags"],
                state["applied_seq"],
                state["last_step"],
                SummaryState(state["summary_state"], state["metric_defs"]),
                state["summary_explicit"],
            )
        if time.monotonic() > deadline:
            raise ServerError(
                f"{sink.login.url} has not applied the {state['queued_seq'] - state['applied_seq']} "
                f"records of run {run_id!r} it holds after {timeout:g} s; try again in a moment"
            )
        time.sleep(0.2)


def find_resumable(store_dir: Path, run_id: str, stored: StoredRun | None) -> Resumed | None:
    """Run ``run_id``'s state from its journal, else from what the store holds (``stored``);
    None if neither has it.

    When the store holds records the journal lacks (the journal was deleted, cut short, or
    replaced by an older copy, or the run went on on another machine), the run continues after
    the store's last seq and step: a seq the store already holds would be skipped by every later
    sync, silently.
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
    if stored is None:
        return found
    next_step = (stored.last_step + 1) if stored.last_step is not None else 0
    if found is None:  # a finished run's applied journal is removed: the store has it all
        fold = JournalFold(
            config=stored.config,
            tags=stored.tags,
            summary=stored.summary,
            explicit_summary=stored.explicit_summary,
            next_seq=stored.last_seq + 1,
            next_step=next_step,
        )
        return Resumed(stored.project, stored.name, stored.created_at, fold, None)
    if stored.last_seq >= found.fold.next_seq:  # the journal is behind the store
        found.fold.next_seq = stored.last_seq + 1
        found.fold.next_step = max(found.fold.next_step, next_step)
        found.fold.config, found.fold.tags = stored.config, stored.tags
        found.fold.summary, found.fold.explicit_summary = stored.summary, stored.explicit_summary
    return found
