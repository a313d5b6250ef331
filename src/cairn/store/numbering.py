"""A new run's number from the local store's SQLite file, through the stdlib's ``sqlite3`` alone.

``cairn.init()`` names a new run after its project's run counter before it returns. Opening the
``Store`` for that loads SQLAlchemy and checks the migrations on the script's thread (about
0.4 s); this does the same reservation (the same row, the same locking) in a few milliseconds, on
a database at this Cairn's schema revision. A new, empty database first gets that schema from
``migrations/head.sqlite.sql``: the SQL the migrations leave behind (a test checks that it still
is; ``python -m cairn.store.numbering DB`` prints it from a migrated database). Anything else (an
older or newer schema, a damaged file, a folder where the file should be) returns None: the
caller opens the ``Store``, which migrates or says what is wrong.
"""

from __future__ import annotations

import contextlib
import fcntl
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from cairn.store.write_turns import WriteTurns

SCHEMA_REVISION = "0020"
"""The Alembic head this code expects; tests check it matches the migrations folder, and that
``migrations/head.sqlite.sql`` is what the migrations make (a new migration remakes it)."""

DB_NAME = "cairn.db"
LOCK_NAME = f"{DB_NAME}.lock"
"""Held while a new database gets its schema (the ``Store`` migrates under the same lock)."""
HEAD_SQL = Path(__file__).parent / "migrations" / "head.sqlite.sql"
BUSY_TIMEOUT_MS = 120_000


def reserve_run_number(root: Path, project: str) -> int | None:
    """The next number of ``project``'s run counter in the store at ``root`` (a ``.cairn``
    folder), the project created when missing; None when only the ``Store`` can say."""
    try:
        db = connect(root / DB_NAME)
    except sqlite3.Error:
        return None
    try:
        revision = schema_revision(db)
        if revision is None:
            with file_lock(root / LOCK_NAME):
                revision = schema_revision(db)
                if revision is None and _is_empty(db):
                    keep_file_settings(db)  # as the Store's connections do
                    db.executescript(f"BEGIN IMMEDIATE;\n{HEAD_SQL.read_text()}\nCOMMIT;")
                    revision = schema_revision(db)
        if revision != SCHEMA_REVISION:
            return None
        turns = WriteTurns(root / DB_NAME)
        try:
            with turns.turn():  # queued with the store's writers, not polling SQLite's lock
                return _reserve(db, project)
        finally:
            turns.close()
    except sqlite3.Error:
        return None
    finally:
        db.close()


def connect(path: Path) -> sqlite3.Connection:
    """A connection set up as ``cairn.store.engine`` sets up SQLAlchemy's, but for WAL: that is
    a property of the file, set when it is made (switching to it needs the database to
    itself, and may fail at once, without waiting, while another process reads it)."""
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
    except sqlite3.Error:
        db.close()
        raise
    return db


def keep_file_settings(db: sqlite3.Connection) -> None:
    """The settings a store's SQLite file keeps: incremental auto-vacuum, so that the pages a
    finished run's tail or a deleted run frees can be given back (``Store`` runs
    ``incremental_vacuum``; only a file without tables takes the setting, and an older store
    keeps reusing its free pages instead), then WAL. In that order: switching to WAL writes the
    file's header, after which the auto-vacuum setting no longer takes. Only on a file of no
    pages yet: on a made one, setting auto-vacuum again waits for the write lock."""
    if int(db.execute("PRAGMA page_count").fetchone()[0]) == 0:
        db.execute("PRAGMA auto_vacuum=INCREMENTAL")
    use_wal(db)


def use_wal(db: sqlite3.Connection) -> None:
    """Put the database in WAL mode (kept in the file) unless it is already. Switching writes
    the file's header: while another connection holds the write lock of a new file still in its
    first journal mode (another process switching it at the same moment), SQLite refuses at
    once with "database is locked" (a lock upgrade that could deadlock is not waited for), and
    a switch that cannot take may leave the mode as it was. So it is tried again until the file
    is WAL, within the busy timeout: processes opening a new store together all get there."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            if _journal_mode(db, "") in ("wal", "memory") or _journal_mode(db, "=WAL") == "wal":
                return  # an in-memory database has no file to keep a WAL beside
            refused: sqlite3.OperationalError | None = None
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            refused = exc
        if time.monotonic() >= deadline:
            raise sqlite3.OperationalError(
                f"database is locked: not switched to WAL within {BUSY_TIMEOUT_MS} ms"
            ) from refused
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def _journal_mode(db: sqlite3.Connection, change: str) -> str:
    return str(db.execute(f"PRAGMA journal_mode{change}").fetchone()[0]).lower()


def schema_revision(db: sqlite3.Connection) -> str | None:
    """The Alembic revision stamped in the database, or None when it has no schema yet."""
    try:
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    return str(row[0]) if row else None


def _is_empty(db: sqlite3.Connection) -> bool:
    return int(db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]) == 0


def _reserve(db: sqlite3.Connection, project: str) -> int:
    """``Store.reserve_run_number``'s statements: an UPDATE in a write transaction, so
    concurrent reservations (from any process, through either path) queue on the lock."""
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute(
            "INSERT INTO projects (name, created_at, run_counter) VALUES (?, ?, 0) "
            "ON CONFLICT (name) DO NOTHING",
            (project, time.time()),
        )
        (number,) = db.execute(
            "UPDATE projects SET run_counter = run_counter + 1 WHERE name = ? "
            "RETURNING run_counter",
            (project,),
        ).fetchone()
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return int(number)


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def schema_script(path: str | Path) -> str:
    """The SQL that rebuilds the schema of the SQLite database at ``path`` (tables, indexes,
    triggers, views in the order they were made) and its Alembic revision: what
    ``migrations/head.sqlite.sql`` holds for a database the migrations made."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        rows = db.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
            "ORDER BY rowid"
        ).fetchall()
        (revision,) = db.execute("SELECT version_num FROM alembic_version").fetchone()
    lines = [
        "-- The schema the migrations leave in a new SQLite store, revision "
        f"{revision}: made by `python -m cairn.store.numbering DB`, never by hand.",
        *(_trimmed(sql) + ";" for (sql,) in rows),
        f"INSERT INTO alembic_version (version_num) VALUES ('{revision}');",
    ]
    return "\n".join(lines) + "\n"


def _trimmed(sql: str) -> str:
    """``sql`` without the spaces SQLAlchemy leaves at the ends of its lines (and of the
    statement: SQLite keeps none after ``WITHOUT ROWID`` when the script makes the table)."""
    return "\n".join(line.rstrip() for line in sql.splitlines()).rstrip()


if __name__ == "__main__":
    sys.stdout.write(schema_script(sys.argv[1]))
