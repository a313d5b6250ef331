"""One writer per journal: a second one, in this process or another, is refused by name."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from tests.fakes.journals import history_rows

from cairn.errors import CairnError, RunLockedError
from cairn.journal.file import JournalWriter, read_journal
from cairn.journal.lock import JournalLock, lock_path

HOLD = textwrap.dedent(
    """
    import sys
    from cairn.journal.file import JournalWriter
    writer = JournalWriter(sys.argv[1])
    print("locked", flush=True)
    sys.stdin.read()  # hold it until the test closes stdin or kills us
    writer.close()
    """
)


def _holder(path: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "locked", child.stderr.read() if child.stderr else ""
    return child


def test_a_second_process_is_refused_naming_the_holder(tmp_path: Path) -> None:
    path = tmp_path / "runs" / "r" / "journal"
    child = _holder(path)
    try:
        with pytest.raises(RunLockedError) as info:
            JournalWriter(path)
        message = str(info.value)
        assert f"pid {child.pid} on host {socket.gethostname()}" in message
        assert f"kill pid {child.pid}" in message and "released by the OS" in message
        assert str(lock_path(path)) in message
        assert info.value.pid == child.pid and info.value.host == socket.gethostname()
        assert isinstance(info.value, CairnError)
        assert read_journal(path).clean, "reading needs no lock"
    finally:
        child.communicate("", timeout=30)
    assert child.returncode == 0
    assert not lock_path(path).exists(), "the holder removed its lock file when it closed"
    JournalWriter(path).close()


def test_kill_9_of_the_holder_releases_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    child = _holder(path)
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)
    assert lock_path(path).exists(), "a killed holder leaves its lock file behind..."
    writer = JournalWriter(path)  # ...but not its lock
    writer.append(history_rows(1, first_seq=1))
    writer.close()
    assert [r.seq for r in read_journal(path).records] == [1]


def test_a_second_writer_in_the_same_process_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    first = JournalWriter(path)
    with pytest.raises(RunLockedError, match=f"pid {os.getpid()}"):
        JournalWriter(path)
    first.close()
    first.close()  # closing twice is harmless
    second = JournalWriter(path)
    second.close()


def test_a_lock_taken_first_is_handed_to_the_writer(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    lock = JournalLock.acquire(path, what="run 'x'")
    with pytest.raises(RunLockedError, match=r"^run 'x' is being written by another process"):
        JournalLock.acquire(path, what="run 'x'")
    writer = JournalWriter(path, lock=lock)
    writer.close()
    assert not lock.held
    JournalLock.acquire(path).release()


def test_a_lock_given_back_before_any_journal_removes_the_folders_it_made(tmp_path: Path) -> None:
    path = tmp_path / "runs" / "ghost" / "journal"
    JournalLock.acquire(path).release()
    assert not (tmp_path / "runs").exists()


def test_a_writer_that_cannot_open_the_journal_gives_the_lock_back(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    path.mkdir()  # a folder where the file should be
    with pytest.raises(OSError):
        JournalWriter(path)
    assert not lock_path(path).exists()
    JournalLock.acquire(path).release()


FORK = textwrap.dedent(
    """
    import os, sys, time
    from cairn.journal.lock import JournalLock
    lock = JournalLock.acquire(sys.argv[1])
    if os.fork() == 0:  # a data loader worker, say: it outlives its parent
        print("child", flush=True)  # after the at-fork hooks ran
        time.sleep(60)
        os._exit(0)
    sys.stdin.read()
    """
)


def test_a_forked_child_does_not_keep_the_lock_when_its_parent_dies(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    parent = subprocess.Popen(
        [sys.executable, "-c", FORK, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        start_new_session=True,
    )
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "child"
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=30)
        JournalLock.acquire(path).release()  # the child still runs, without the lock
    finally:
        os.killpg(parent.pid, signal.SIGKILL)  # the orphaned child too
        parent.communicate(timeout=30)
