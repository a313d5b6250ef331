"""Writers of one SQLite database take turns on a lock instead of polling for it.

SQLite lets one transaction write at a time. A writer that finds the database taken waits in
SQLite's busy handler, which sleeps and tries again, up to 100 ms between tries: under many
concurrent writers (a team server's threads, or many training processes sharing a store) the
writers that just missed a turn keep sleeping while others get through, and a few wait for
seconds. Here writers queue on a lock instead: the threads of a process on a ``threading``
lock, the processes on an exclusive ``flock`` of a file beside the database; each is woken when
the lock is released, without polling. ``BEGIN IMMEDIATE`` still runs inside the turn, so a
writer that does not take turns (an older Cairn) is still kept out by SQLite's own lock.
"""

from __future__ import annotations

import fcntl
import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

_open: weakref.WeakSet[WriteTurns] = weakref.WeakSet()
WRITE = "cairn_write"
"""The execution option that marks a connection as a writer (``engine`` begins it IMMEDIATE)."""


class WriteTurns:
    """Turns to write to the SQLite database at ``path``; None (PostgreSQL, or SQLite in memory):
    no turns, the database queues its writers itself."""

    def __init__(self, path: Path | None) -> None:
        self._lock_path = None if path is None else path.with_name(path.name + ".writer")
        self._lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None
        _open.add(self)

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the database's write turn for the block (re-entrant within a thread)."""
        if self._lock_path is None:
            yield
            return
        with self._lock:
            if self._fd is None:
                self._fd = os.open(self._lock_path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o666)
            fd = self._fd
            if self._depth == 0:
                fcntl.flock(fd, fcntl.LOCK_EX)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    fcntl.flock(fd, fcntl.LOCK_UN)

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
            self._fd = None

    def _forget_after_fork(self) -> None:
        """In a forked child (a server's workers): a new lock and a file of its own. Sharing
        the parent's open file would make their ``flock`` one lock, held by both; and the
        thread lock may have been held by a parent thread that does not exist here."""
        if self._fd is not None:
            os.close(self._fd)  # the child's copy: the parent's lock stays with the parent
        self._lock, self._depth, self._fd = threading.RLock(), 0, None


def _after_fork_in_child() -> None:
    for turns in list(_open):
        turns._forget_after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)


def sqlite_path(url: str) -> Path | None:
    """The database file of a ``sqlite:///`` URL; None for another database or one in memory."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    path = url.removeprefix(prefix).split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


@contextmanager
def write_transaction(engine: Engine, turns: WriteTurns) -> Iterator[Connection]:
    """A write transaction on ``engine`` (marked as a writer, ``WRITE``), taken in
    this process's turn among the file's writers; committed when the block ends."""
    with (
        turns.turn(),
        engine.connect().execution_options(**{WRITE: True}) as conn,
        conn.begin(),
    ):
        yield conn
