"""The local store as a live run's sink, opened on first use.

``cairn.init()`` returns before the store is opened: the run's syncer or heartbeat thread opens
it (loading SQLAlchemy and checking the migrations) in the background, while the script goes on.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cairn.journal.records import Record

if TYPE_CHECKING:
    from cairn.store.store import Store


class LocalSink:
    """A ``Sink`` on the store in a ``.cairn`` folder, which ``store()`` opens once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._store: Store | None = None
        self._lock = threading.Lock()

    def store(self) -> Store:
        """The open store (opened here by the first caller; the others wait for it). Raises
        ``StoreError`` as ``Store.local`` does, and tries again at the next call."""
        with self._lock:
            if self._store is None:
                from cairn.store.store import Store

                self._store = Store.local(self.root)
            return self._store

    def reserve_run_number(self, project: str) -> int:
        """The project's next run number: from the SQLite file directly when it is at this
        Cairn's schema (or new), without opening the store; else through the store."""
        from cairn.store.numbering import reserve_run_number

        number = reserve_run_number(self.root, project)
        return number if number is not None else self.store().reserve_run_number(project)

    def apply(self, run_id: str, records: Sequence[Record]) -> int:
        return self.store().apply(run_id, records)

    def last_seq(self, run_id: str) -> int:
        return self.store().last_seq(run_id)

    def heartbeat(self, run_id: str, at: float | None = None) -> None:
        self.store().heartbeat(run_id, at)

    def put_blob(self, data: bytes) -> str:
        return self.store().put_blob(data)

    def has_blob(self, digest: str) -> bool:
        return self.store().has_blob(digest)
