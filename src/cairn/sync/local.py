"""The local store as a live run's sink, opened on first use.

``cairn.init()`` returns before the store is opened: the run's syncer or heartbeat thread opens
it (loading SQLAlchemy and checking the migrations) in the background, while the script goes on.
The runs of one process share the ``Store`` of a folder (``shared_store``): a second run does
not open, check and compile its statements again (half of a short run's CPU time).
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cairn.journal.records import Record

if TYPE_CHECKING:
    from cairn.store.store import Store


ARROW_EAGER_COMMIT = "MIMALLOC_ARENA_EAGER_COMMIT"
"""The option of mimalloc (pyarrow's allocator) that commits a whole arena at its first use."""


def commit_arrow_memory_as_used() -> None:
    """Before a run's syncer loads pyarrow: have pyarrow's allocator commit memory as it is
    used rather than an arena at a time, about 10 MB less resident in a training script
    (docs/performance.md). The setting is the process's, read when pyarrow first allocates, so
    it is left alone once pyarrow is loaded, or when the variable is set: a user's choice stands.
    """
    if "pyarrow" not in sys.modules:
        os.environ.setdefault(ARROW_EAGER_COMMIT, "0")


class LocalSink:
    """A ``Sink`` on the store in a ``.cairn`` folder, which ``store()`` opens once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._store: Store | None = None
        self._lock = threading.Lock()

    def store(self) -> Store:
        """The open store (the first caller gets it from ``shared_store``; the others wait for
        it). Raises ``StoreError`` as ``Store.local`` does, and tries again at the next call."""
        with self._lock:
            if self._store is None:
                self._store = shared_store(self.root)
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


_SHARED: dict[tuple[int, Path], tuple[Store, tuple[int, int]]] = {}
_SHARING = threading.Lock()
SHARED_MOST = 4
"""Stores kept open for later runs at most, the last used: a process logs into one store, as a
rule; one that goes through many (a test suite's temporary folders) must not keep a file
handle and a connection pool open for each."""


def shared_store(root: Path) -> Store:
    """This process's ``Store`` of the folder ``root``, opened by the first run that asks.

    It is opened again when its database is no longer the file it opened (the folder was
    deleted or replaced: its connections would write into the deleted file) and in a forked
    child (an engine's connections must not cross a fork)."""
    from cairn.store.store import DB_NAME, Store

    key = (os.getpid(), root.resolve())
    with _SHARING:
        kept = _SHARED.pop(key, None)
        if kept is not None and kept[1] == _identity(root / DB_NAME):
            _SHARED[key] = kept  # the last used, last
            return kept[0]
        store = Store.local(root)
        identity = _identity(root / DB_NAME)
        if identity is not None:
            _SHARED[key] = (store, identity)
            while len(_SHARED) > SHARED_MOST:  # dropped, not closed: a live run may still use it
                del _SHARED[next(iter(_SHARED))]
        return store


@atexit.register
def _close_shared() -> None:
    """Close this process's stores when it exits: SQLite folds its write-ahead log into the
    database when the last connection closes, so a script leaves ``cairn.db`` whole rather than
    a ``cairn.db-wal`` of up to a few MB beside it until the next process opens the store."""
    with _SHARING:
        mine = [key for key in _SHARED if key[0] == os.getpid()]
        for key in mine:
            store, _ = _SHARED.pop(key)
            store.close()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)
