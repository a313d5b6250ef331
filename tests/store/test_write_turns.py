"""Writers of one SQLite store take turns: across processes, across threads, and after a fork."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import threading
import time
from pathlib import Path
from typing import Any

from cairn.store.store import Store
from cairn.store.write_turns import WriteTurns, sqlite_path

HOLD = 0.5


def _lock_is_free(path: Path) -> bool:
    """Whether an exclusive flock of ``path`` can be had right now (from a new open file)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def _take_turn(db: str, held: Any, release: Any, results: Any) -> None:
    turns = WriteTurns(Path(db))
    with turns.turn():
        results.put(("got", time.time()))
        held.set()
        release.wait(30)


def test_a_turn_held_in_one_process_keeps_another_waiting(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    held, release, results = ctx.Event(), ctx.Event(), ctx.Queue()
    db = tmp_path / "cairn.db"
    child = ctx.Process(target=_take_turn, args=(str(db), held, release, results))
    child.start()
    try:
        assert held.wait(60)
        waited = threading.Thread(target=lambda: (time.sleep(HOLD), release.set()))
        waited.start()
        started = time.monotonic()
        with WriteTurns(db).turn():
            elapsed = time.monotonic() - started
        waited.join()
    finally:
        release.set()
        child.join(30)
    assert child.exitcode == 0
    assert elapsed >= HOLD * 0.8, f"took the turn after {elapsed:.3f} s, while the child held it"


def test_threads_take_turns_one_at_a_time(tmp_path: Path) -> None:
    turns = WriteTurns(tmp_path / "cairn.db")
    inside, most = 0, 0
    guard = threading.Lock()

    def write() -> None:
        nonlocal inside, most
        for _ in range(50):
            with turns.turn():
                with guard:
                    inside += 1
                    most = max(most, inside)
                time.sleep(0.0005)
                with guard:
                    inside -= 1

    threads = [threading.Thread(target=write) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == 1


def test_a_nested_turn_keeps_the_lock_until_the_outer_one_ends(tmp_path: Path) -> None:
    db = tmp_path / "cairn.db"
    turns = WriteTurns(db)
    lock_file = tmp_path / "cairn.db.writer"
    with turns.turn():
        with turns.turn():
            assert not _lock_is_free(lock_file)
        assert not _lock_is_free(lock_file)
    assert _lock_is_free(lock_file)


def test_a_forked_child_takes_its_own_turn(tmp_path: Path) -> None:
    """A server forks its workers after opening the store: the child must not share the
    parent's lock file (one flock held by both) nor inherit its thread lock as held."""
    ctx = multiprocessing.get_context("fork")
    db = tmp_path / "cairn.db"
    turns = WriteTurns(db)
    results = ctx.Queue()
    with turns.turn():  # the parent holds the turn while it forks
        child = ctx.Process(target=lambda: (turns.turn().__enter__(), results.put(time.time())))
        child.start()
        time.sleep(HOLD)
        released = time.time()
    got = results.get(timeout=30)
    child.join(30)
    assert child.exitcode == 0
    assert got >= released, "the forked child wrote while its parent held the turn"


def test_turns_only_for_a_sqlite_file() -> None:
    assert sqlite_path("sqlite:////data/cairn.db") == Path("/data/cairn.db")
    assert sqlite_path("sqlite:///rel/cairn.db?timeout=5") == Path("rel/cairn.db")
    assert sqlite_path("sqlite://") is None
    assert sqlite_path("sqlite:///:memory:") is None
    assert sqlite_path("postgresql+psycopg://u@h/db") is None


def test_the_store_writes_inside_a_turn(tmp_path: Path) -> None:
    store = Store.local(tmp_path)
    try:
        held = threading.Event()
        release = threading.Event()
        other = WriteTurns(tmp_path / "cairn.db")

        def hold() -> None:
            with other.turn():
                held.set()
                release.wait(30)

        holder = threading.Thread(target=hold)
        holder.start()
        assert held.wait(10)
        threading.Timer(HOLD, release.set).start()
        started = time.monotonic()
        store.reserve_run_number("p")
        elapsed = time.monotonic() - started
        holder.join()
    finally:
        store.close()
    assert elapsed >= HOLD * 0.8, "the store wrote while another writer held the turn"
