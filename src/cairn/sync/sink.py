"""Where a syncer ships journal records. ``cairn.store.Store`` is the local sink as it is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from cairn.journal.records import Record


class Sink(Protocol):
    """Applies a run's journal records idempotently by ``seq`` (see ``Store.apply``)."""

    def apply(self, run_id: str, records: Sequence[Record]) -> int:
        """Apply what is new; returns the run's last applied seq."""
        ...

    def last_seq(self, run_id: str) -> int:
        """The last applied seq of a run, 0 if the sink has never seen it."""
        ...

    def heartbeat(self, run_id: str, at: float | None = None) -> None:
        """Record that the run's process is alive."""
        ...

    def put_blob(self, data: bytes) -> str:
        """Store content-addressed bytes a record refers to; returns their sha256 hex digest."""
        ...

    def has_blob(self, digest: str) -> bool:
        """Whether the sink already holds the bytes with this sha256."""
        ...
