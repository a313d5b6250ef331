"""Opening the SQL database of a store: SQLite (WAL) or PostgreSQL, at the current schema.

SQLite: every write transaction starts with ``BEGIN IMMEDIATE``, so concurrent writers from many
processes queue on the busy timeout instead of failing with "database is locked" when a read
transaction tries to upgrade to a write.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from cairn.errors import StoreError
from cairn.store import jsonsafe
from cairn.store.numbering import BUSY_TIMEOUT_MS, file_lock, keep_file_settings
from cairn.store.numbering import SCHEMA_REVISION as SCHEMA_REVISION
from cairn.store.regex import regex_search
from cairn.store.write_turns import WRITE as WRITE

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 0x6361_6972_6E00
"""The PostgreSQL advisory lock migrations hold ("cairn" in hex)."""


def database_url(url: str) -> str:
    """``url`` with PostgreSQL's plain scheme (``postgresql://``, ``postgres://``) mapped to the
    psycopg 3 driver Cairn installs (SQLAlchemy would look for psycopg2)."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url.removeprefix(plain)
    return url


def create_store_engine(url: str) -> Engine:
    """An engine for ``url`` with Cairn's JSON handling and, on SQLite, WAL and safe locking."""
    engine = create_engine(
        database_url(url), json_serializer=jsonsafe.dumps, json_deserializer=jsonsafe.loads
    )
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    event.listen(engine, "before_cursor_execute", _without_nul, retval=True)
    return engine


def _without_nul(
    _conn: Connection,
    _cursor: Any,
    statement: str,
    parameters: Any,
    _context: Any,
    _executemany: bool,
) -> tuple[str, Any]:
    """Parameters with NUL characters replaced by U+FFFD (as ``jsonsafe`` does in JSON):
    PostgreSQL refuses NUL in text, so a run name or an error message holding one would make
    its record impossible to apply. Done on every backend, so both store the same."""
    return statement, _replace_nul(parameters)


def _replace_nul(value: Any) -> Any:
    if isinstance(value, str):
        return jsonsafe.without_nul(value)
    if isinstance(value, dict):
        if _clean(value.values()):  # the usual case: the same dict, not a copy
            return value
        return {k: _replace_nul(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        if _clean(value):
            return value
        return type(value)(_replace_nul(v) for v in value)
    return value


_SCALARS = frozenset({int, float, bool, bytes, type(None)})


def _clean(values: Iterable[Any]) -> bool:
    """Whether ``values`` are scalars and strings without NUL (nothing to replace): checked
    without a call a value, since every statement's parameters pass through here."""
    return all(type(v) in _SCALARS or (type(v) is str and "\x00" not in v) for v in values)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        keep_file_settings(dbapi_conn)
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()
        # REGEXP (filters' ``~``) by RE2, replacing SQLAlchemy's Python ``re`` that can backtrack
        # for ever: the dialect registers its own first, on the same connect event.
        dbapi_conn.create_function("regexp", 2, regex_search, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Migrate the database to this Cairn's schema (``cairn db upgrade``); returns the revisions
    before and after."""
    before = current_revision(engine)
    if before is not None:
        _refuse_unknown(before)
    if before != SCHEMA_REVISION:
        _upgrade(engine)
    return before, SCHEMA_REVISION


def current_revision(engine: Engine) -> str | None:
    """The schema revision stamped in the database, or None for an empty database."""
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    except (OperationalError, ProgrammingError):
        return None
    return row[0] if row else None


def describe(engine: Engine) -> str:
    """The database's URL without its password, for messages."""
    return engine.url.render_as_string(hide_password=True)


def check_schema(engine: Engine) -> None:
    """Refuse a database whose schema is not exactly this Cairn's: a server never migrates on
    its own (``cairn db upgrade`` does, after a backup)."""
    revision = current_revision(engine)
    if revision == SCHEMA_REVISION:
        return
    where = describe(engine)
    if revision is None:
        raise StoreError(
            f"the database {where} has no Cairn schema: create it with "
            "`cairn db upgrade` (the database URL in $CAIRN_DB)"
        )
    _refuse_unknown(revision)
    raise StoreError(
        f"the database {where} is at schema revision {revision}, behind this Cairn's "
        f"{SCHEMA_REVISION}: back it up, then run `cairn db upgrade` (the database URL in "
        "$CAIRN_DB)"
    )


def _refuse_unknown(revision: str) -> None:
    if not any((MIGRATIONS / "versions").glob(f"{revision}_*.py")):
        raise StoreError(
            f"the store's schema is at revision {revision}, which this Cairn does not know: "
            "it was written by a newer Cairn; upgrade with `pip install -U cairn`"
        )


def ensure_schema(engine: Engine, lock_path: Path | None = None) -> None:
    """Bring the database to the current schema: create it when empty, migrate it when older.

    ``lock_path`` (a file beside a SQLite database) keeps processes that open a new store at the
    same moment from migrating it twice.
    """
    if current_revision(engine) == SCHEMA_REVISION:
        return
    with _file_lock(lock_path):
        revision = current_revision(engine)
        if revision == SCHEMA_REVISION:
            return
        if revision is not None:
            _refuse_unknown(revision)
        _upgrade(engine)


def _upgrade(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect().execution_options(**{WRITE: True}) as conn:
        if engine.dialect.name == "postgresql":
            # Servers or `cairn db upgrade` started together migrate one after the other; the
            # lock ends with the transaction (PostgreSQL's DDL is transactional: all or nothing).
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()


def _file_lock(path: Path | None) -> contextlib.AbstractContextManager[None]:
    return contextlib.nullcontext() if path is None else file_lock(path)
