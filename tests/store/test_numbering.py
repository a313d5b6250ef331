"""Run numbers from the SQLite file with the stdlib: the same counter as the ``Store``'s, a new
database given exactly the schema the migrations make, anything else left to the ``Store``."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from cairn.errors import StoreError
from cairn.store.numbering import HEAD_SQL, reserve_run_number, schema_script
from cairn.store.store import DB_NAME, Store
from cairn.sync.local import LocalSink


def test_head_sql_is_what_the_migrations_make(tmp_path: Path) -> None:
    Store.local(tmp_path).close()
    assert schema_script(tmp_path / DB_NAME) == HEAD_SQL.read_text(), (
        "migrations/head.sqlite.sql is behind the migrations: remake it from a store the "
        "migrations made, `python -c \"from cairn.store import Store; Store.local('/tmp/s')\"` "
        "then `python -m cairn.store.numbering /tmp/s/cairn.db > "
        "src/cairn/store/migrations/head.sqlite.sql`"
    )
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        filled = [t for t in tables if t != "alembic_version" and _count(db, t)]
    assert filled == []  # the migrations leave no rows but the revision: the script has none


def test_a_new_store_gets_the_migrations_schema(tmp_path: Path) -> None:
    migrated, created = tmp_path / "migrated", tmp_path / "created"
    Store.local(migrated).close()
    created.mkdir()
    assert reserve_run_number(created, "p") == 1
    assert schema_script(created / DB_NAME) == schema_script(migrated / DB_NAME)
    with sqlite3.connect(created / DB_NAME) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store = Store.local(created)  # the Store finds it current: nothing to migrate
    try:
        assert store.reserve_run_number("p") == 2
    finally:
        store.close()


def test_numbers_count_per_project_with_the_store(tmp_path: Path) -> None:
    store = Store.local(tmp_path)
    try:
        assert store.reserve_run_number("p") == 1
        assert [reserve_run_number(tmp_path, "p") for _ in range(2)] == [2, 3]
        assert reserve_run_number(tmp_path, "q") == 1
        assert store.reserve_run_number("p") == 4
        assert [p.name for p in store.projects()] == ["p", "q"]
    finally:
        store.close()


def test_what_only_the_store_can_handle_returns_none(tmp_path: Path) -> None:
    older, newer, broken, folder = (tmp_path / n for n in ("older", "newer", "broken", "folder"))
    for root in (older, newer):
        Store.local(root).close()
    with sqlite3.connect(older / DB_NAME) as db:
        db.execute("UPDATE alembic_version SET version_num = '0010'")
    with sqlite3.connect(newer / DB_NAME) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    broken.mkdir()
    (broken / DB_NAME).write_bytes(b"not a database, not at all" * 100)
    (folder / DB_NAME).mkdir(parents=True)
    for root in (older, newer, broken, folder):
        assert reserve_run_number(root, "p") is None
    with pytest.raises(StoreError, match="newer Cairn"):
        Store.local(newer)


def _reserve_in_child(root: str, start: Any, results: Any) -> None:
    try:
        start.wait(timeout=30)
        sink = LocalSink(Path(root))  # as init() numbers a run: here, else through the Store
        results.put([sink.reserve_run_number("p") for _ in range(5)])
    except BaseException as exc:
        results.put(repr(exc))


def test_processes_numbering_a_new_store_at_once(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    count = 4
    start, results = ctx.Barrier(count), ctx.Queue()
    children = [
        ctx.Process(target=_reserve_in_child, args=(str(tmp_path), start, results))
        for _ in range(count)
    ]
    for child in children:
        child.start()
    got = [results.get(timeout=60) for _ in children]
    for child in children:
        child.join(timeout=30)
    numbers = sorted(n for batch in got for n in batch)
    assert numbers == list(range(1, 5 * count + 1)), got


def _count(db: sqlite3.Connection, table: str) -> int:
    return int(db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])


def test_a_reservation_waits_its_turn_with_the_stores_writers(tmp_path: Path) -> None:
    """Numbering queues on the store's write turn rather than polling SQLite's lock (whose busy
    handler sleeps up to 100 ms a try: under many processes some inits waited for seconds)."""
    import threading

    from cairn.store.write_turns import WriteTurns

    assert reserve_run_number(tmp_path, "p") == 1
    turns = WriteTurns(tmp_path / DB_NAME)
    got: list[int | None] = []
    with turns.turn():
        reserving = threading.Thread(target=lambda: got.append(reserve_run_number(tmp_path, "p")))
        reserving.start()
        reserving.join(0.5)
        assert reserving.is_alive() and got == [], "it took a number while a writer held the turn"
    reserving.join(30)
    turns.close()
    assert got == [2]
