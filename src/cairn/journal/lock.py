"""One writer per journal: an exclusive ``flock`` on ``<journal>.lock``, held while it writes.

Two processes continuing one run (distributed ranks, a requeued job racing its predecessor) would
otherwise interleave or overwrite each other's records. The lock is taken without waiting: the
second writer gets ``RunLockedError`` naming the holder (pid, host, since when: written into the
lock file). The OS drops the lock when the holder dies, even by ``kill -9``; readers (``cairn
sync`` of a live run) take no lock. A process forked while holding it closes its copy in the
child, so a ``kill -9`` of the parent alone frees the run.
"""

from __future__ import annotations

import errno
import fcntl
import itertools
import json
import os
import sys
import time
import weakref
from pathlib import Path
from typing import Any

from cairn.errors import RunLockedError

_held: weakref.WeakSet[JournalLock] = weakref.WeakSet()
HOLDER_WAIT = 2.0
"""Seconds a refused writer waits for the holder to write its pid and host into the lock file."""


def lock_path(journal: Path) -> Path:
    return journal.with_name(f"{journal.name}.lock")


class JournalLock:
    """An exclusive lock on a journal, taken with ``acquire`` and given back with ``release``."""

    def __init__(self, path: Path, fd: int, made: list[Path]) -> None:
        self.path = path
        self._fd: int | None = fd
        self._made = made
        """Folders ``acquire`` created, outermost first: removed again on release if empty."""

    @classmethod
    def acquire(cls, journal: str | os.PathLike[str], *, what: str | None = None) -> JournalLock:
        """Lock ``journal`` for writing, or raise ``RunLockedError`` if another writer holds it.
        ``what`` names it in that error (default: the journal's path)."""
        journal = Path(journal)
        path = lock_path(journal)
        made = make_dirs(journal.parent, sync=False)
        for attempt in itertools.count():
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except FileNotFoundError:  # the folder was just removed by a refused init's release
                if attempt >= 3:
                    raise
                made += make_dirs(journal.parent, sync=False)
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                    raise
                raise _locked(what or f"the journal {journal}", path) from None
            if _same_file(fd, path):
                break
            os.close(fd)  # released and removed by its holder while we waited: take the new one
        info = {
            "pid": os.getpid(),
            "host": os.uname().nodename,  # socket.gethostname(), without importing socket
            "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
            "argv": sys.argv[:8],
        }
        os.ftruncate(fd, 0)
        # Not fsynced: a lock is a kernel object that no crash leaves held, and the file only
        # says who holds it (the journal's first sync makes the run's folder durable).
        os.pwrite(fd, json.dumps(info).encode(), 0)
        lock = cls(path, fd, made)
        _held.add(lock)
        return lock

    @property
    def made(self) -> list[Path]:
        """The folders ``acquire`` created for the journal, outermost first (not yet fsynced)."""
        return list(self._made)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self, *, keep_folders: bool = False) -> None:
        """Remove the lock file and unlock (a no-op if already released). The folders
        ``acquire`` created go too if empty (a run that never started), unless
        ``keep_folders``: other runs' folders may be made in them at any moment."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        _held.discard(self)
        try:
            if _same_file(fd, self.path):
                os.unlink(self.path)
            fcntl.flock(fd, fcntl.LOCK_UN)  # also for a forked child that kept a copy
        finally:
            os.close(fd)
        for folder in [] if keep_folders else reversed(self._made):
            try:
                folder.rmdir()  # made for a run that never started (init failed)
            except OSError:
                break


def holder(path: Path) -> dict[str, Any]:
    """What the lock file at ``path`` says of its holder (empty if nothing readable)."""
    try:
        found = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _locked(what: str, path: Path) -> RunLockedError:
    info = holder(path)
    deadline = time.monotonic() + HOLDER_WAIT
    while not info and time.monotonic() < deadline:  # it has locked, and is writing who it is
        time.sleep(0.01)
        info = holder(path)
    pid, host = info.get("pid"), info.get("host")
    if pid is None:
        who = f"another process (it has not written its pid to {path} yet)"
        fix = "wait for it to finish"
    else:
        who = f"pid {pid} on host {host}, since {info.get('started', '?')}"
        fix = (
            f"wait for it to finish, or kill pid {pid} on host {host}; if that process is gone, "
            "the lock is released by the OS (unless a process it started, such as a data "
            "loader worker, still runs)"
        )
    return RunLockedError(
        f"{what} is being written by another process: {who} holds {path}. Two processes writing "
        f"one run would overwrite each other's records: {fix}.",
        pid=pid if isinstance(pid, int) else None,
        host=host if isinstance(host, str) else None,
        path=path,
    )


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


def make_dirs(folder: Path, *, sync: bool = True) -> list[Path]:
    """Create ``folder`` and its missing parents, fsyncing the parent of each one created (so
    its name survives a power cut) unless ``sync`` is False (the caller fsyncs them later);
    returns those created, outermost first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    made = []
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            continue
        made.append(path)
        if sync:
            fsync_dir(path.parent)
    return made


def fsync_dir(folder: Path) -> None:
    """Make the names in ``folder`` durable (a no-op where the file system cannot)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _close_in_child() -> None:
    for lock in list(_held):
        if lock._fd is not None:
            os.close(lock._fd)  # closing (not unlocking) leaves the parent's lock as it is
            lock._fd = None
    _held.clear()


os.register_at_fork(after_in_child=_close_in_child)
