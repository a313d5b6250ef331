"""Opening a store database: schema at the Alembic head, migrations match it, WAL, locks."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from cairn.errors import StoreError
from cairn.store import Store
from cairn.store.blobs import BlobStore
from cairn.store.engine import (
    MIGRATIONS,
    SCHEMA_REVISION,
    create_store_engine,
    current_revision,
    database_url,
    ensure_schema,
    upgrade,
)
from cairn.store.schema import metadata
from cairn.store.store import DB_NAME


def _script() -> ScriptDirectory:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg)


def _columns(inspector: Any, table: str) -> dict[str, tuple[str, bool]]:
    return {
        c["name"]: (str(c["type"]).upper(), bool(c["nullable"]))
        for c in inspector.get_columns(table)
    }


def test_schema_revision_is_the_alembic_head() -> None:
    assert _script().get_heads() == [SCHEMA_REVISION]


def test_fresh_store_gets_the_schema_at_head(tmp_path: Path) -> None:
    store = Store.local(tmp_path)
    try:
        assert current_revision(store.engine) == SCHEMA_REVISION
        names = set(sa.inspect(store.engine).get_table_names())
        assert set(metadata.tables) <= names
    finally:
        store.close()


@pytest.fixture
def empty_database(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Callable[[str], str]:
    """Makes URLs of new, empty databases on the test's backend."""

    def make(name: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / name}.db"
        url: str = request.getfixturevalue("postgres").empty_database()
        return url

    return make


def test_migrations_create_exactly_the_schema(empty_database: Callable[[str], str]) -> None:
    """Migrations up to head and ``schema.metadata`` describe the same tables, columns, keys and
    indexes, on SQLite and on PostgreSQL."""
    migrated = create_store_engine(empty_database("migrated"))
    ensure_schema(migrated)
    reference = create_store_engine(empty_database("reference"))
    metadata.create_all(reference)
    try:
        got, want = sa.inspect(migrated), sa.inspect(reference)
        assert set(got.get_table_names()) == set(want.get_table_names()) | {"alembic_version"}
        for table in metadata.tables:
            assert _columns(got, table) == _columns(want, table), table
            assert (
                got.get_pk_constraint(table)["constrained_columns"]
                == (want.get_pk_constraint(table)["constrained_columns"])
            ), table
            fks = [
                (fk["constrained_columns"], fk["referred_table"], fk["options"].get("ondelete"))
                for fk in got.get_foreign_keys(table)
            ]
            assert fks == [
                (fk["constrained_columns"], fk["referred_table"], fk["options"].get("ondelete"))
                for fk in want.get_foreign_keys(table)
            ], table
            assert {(i["name"], tuple(i["column_names"])) for i in got.get_indexes(table)} == {
                (i["name"], tuple(i["column_names"])) for i in want.get_indexes(table)
            }, table
            assert {tuple(u["column_names"]) for u in got.get_unique_constraints(table)} == {
                tuple(u["column_names"]) for u in want.get_unique_constraints(table)
            }, table
    finally:
        migrated.dispose()
        reference.dispose()


def test_a_store_at_the_first_revision_is_migrated_keeping_its_data(
    empty_database: Callable[[str], str], tmp_path: Path
) -> None:
    """Every migration runs, on data, on SQLite and on PostgreSQL."""
    first = _script().get_bases()[0]
    url = empty_database("store")
    engine = create_store_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, first)
        conn.execute(
            sa.text("INSERT INTO projects (name, created_at, run_counter) VALUES ('p', 1.0, 4)")
        )
        conn.commit()
    assert current_revision(engine) == first
    engine.dispose()
    store = Store(url, BlobStore(tmp_path / "blobs"))
    try:
        assert current_revision(store.engine) == SCHEMA_REVISION
        assert store.reserve_run_number("p") == 5
    finally:
        store.close()


def test_unknown_revision_says_to_upgrade_cairn(tmp_path: Path) -> None:
    Store.local(tmp_path).close()
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreError, match=r"revision 9999.*newer Cairn.*pip install -U cairn"):
        Store.local(tmp_path)


def test_reopening_keeps_the_data(tmp_path: Path) -> None:
    store = Store.local(tmp_path)
    store.reserve_run_number("p")
    store.close()
    store = Store.local(tmp_path)
    try:
        assert store.reserve_run_number("p") == 2
    finally:
        store.close()


def test_wal_mode_is_on(tmp_path: Path) -> None:
    store = Store.local(tmp_path)
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        store.close()
    with sqlite3.connect(tmp_path / DB_NAME) as db:  # WAL is a property of the file
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_new_store_opens_while_another_process_switches_it_to_wal(
    tmp_path: Path,
) -> None:
    """Processes opening a new store at once each switch the new file to WAL. One that holds
    the file's write lock for that (before the switch has taken) made another's switch fail at
    once with "database is locked" (SQLite refuses a lock upgrade that could deadlock without
    waiting): the switch is now tried again, within the busy timeout."""
    other = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None, check_same_thread=False)
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    other.execute("BEGIN IMMEDIATE")  # the write lock a switch to WAL takes
    ends = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    ends.start()
    try:
        store = Store.local(tmp_path)
        try:
            assert store.reserve_run_number("p") == 1
        finally:
            store.close()
    finally:
        ends.join()
        other.close()
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_unopenable_database_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "missing" / "deeper").mkdir(parents=True)
    (tmp_path / "missing" / "deeper" / DB_NAME).mkdir()  # a folder where the file should be
    with pytest.raises(StoreError, match="cannot open the store"):
        Store.local(tmp_path / "missing" / "deeper")


def test_threads_opening_a_new_store_at_once(tmp_path: Path) -> None:
    count = 8
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []
    numbers: list[int] = []
    lock = threading.Lock()

    def open_store() -> None:
        try:
            barrier.wait(timeout=30)
            store = Store.local(tmp_path)
            number = store.reserve_run_number("p")
            store.close()
            with lock:
                numbers.append(number)
        except BaseException as exc:
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(numbers) == list(range(1, count + 1))


def _open_in_child(root: str, start: Any, results: Any) -> None:
    try:
        start.wait(timeout=30)
        store = Store.local(root)
        results.put(store.reserve_run_number("p"))
        store.close()
    except BaseException as exc:
        results.put(repr(exc))


def test_processes_opening_a_new_store_at_once(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    count = 4
    start = ctx.Barrier(count)
    results = ctx.Queue()
    children = [
        ctx.Process(target=_open_in_child, args=(str(tmp_path), start, results))
        for _ in range(count)
    ]
    for child in children:
        child.start()
    got = [results.get(timeout=120) for _ in children]
    for child in children:
        child.join(timeout=60)
        assert child.exitcode == 0
    failures = [got_one for got_one in got if not isinstance(got_one, int)]
    assert not failures, failures
    assert sorted(got) == list(range(1, count + 1)), got
    store = Store.local(tmp_path)
    try:
        assert current_revision(store.engine) == SCHEMA_REVISION
    finally:
        store.close()


# ---- a team server's database: migrated by `cairn db upgrade`, never by the server itself --------


def _at_revision(url: str, revision: str) -> None:
    engine = create_store_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()
    engine.dispose()


def test_a_store_that_may_not_migrate_refuses_an_empty_or_older_database(
    empty_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = empty_database("server")
    with pytest.raises(StoreError, match=r"has no Cairn schema: create it with `cairn db upgrade`"):
        Store(url, BlobStore(tmp_path / "blobs"), migrate=False)
    older = _script().get_revision(SCHEMA_REVISION).down_revision
    assert isinstance(older, str)
    _at_revision(url, older)
    with pytest.raises(
        StoreError, match=rf"revision {older}, behind .*back it up.*cairn db upgrade"
    ):
        Store(url, BlobStore(tmp_path / "blobs"), migrate=False)
    assert current_revision(create_store_engine(url)) == older  # refused, not migrated
    engine = create_store_engine(url)
    assert upgrade(engine) == (older, SCHEMA_REVISION)
    assert upgrade(engine) == (SCHEMA_REVISION, SCHEMA_REVISION)
    engine.dispose()
    Store(url, BlobStore(tmp_path / "blobs"), migrate=False).close()


def test_messages_never_show_the_database_password(postgres: Any, tmp_path: Path) -> None:
    url = postgres.empty_database().replace("cairn@", "cairn:s3cret-pw@")
    with pytest.raises(StoreError) as caught:
        Store(url, BlobStore(tmp_path / "blobs"), migrate=False)
    assert "s3cret-pw" not in str(caught.value) and "***" in str(caught.value)


def test_servers_upgrading_one_database_at_once_migrate_it_once(postgres: Any) -> None:
    url = postgres.empty_database()
    results: list[object] = []

    def run() -> None:
        engine = create_store_engine(url)
        try:
            results.append(upgrade(engine))
        except BaseException as exc:
            results.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(isinstance(r, tuple) and r[1] == SCHEMA_REVISION for r in results), results
    assert current_revision(create_store_engine(url)) == SCHEMA_REVISION


def test_plain_postgresql_urls_use_psycopg_3() -> None:
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"
