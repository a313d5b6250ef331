"""Rows created on first use (projects, artifact names), by whichever writer gets there first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, bindparam, select

from cairn.store.schema import projects

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite


def project_id(conn: Connection, project: str) -> int | None:
    """The id of the project named ``project`` (None: no such project). A query given the id
    rather than joined to ``projects`` by name lets PostgreSQL estimate the project's runs from
    its statistics (joined by name it expected 373 of 100,000 and chose nested loops)."""
    found = conn.execute(_PROJECT_ID, {"name": project}).scalar()
    return None if found is None else int(found)


def insert_missing(conn: Connection, table: Table, keys: list[str], **values: Any) -> None:
    """Insert a row unless one with the same ``keys`` (a unique constraint's columns) exists.

    Safe when writers on other connections insert the same row at the same moment: on PostgreSQL
    both can find it missing, and the second insert then does nothing instead of failing.
    """
    conn.execute(
        upsert(conn, table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[table.c[k] for k in keys])
    )


def upsert(conn: Connection, table: Table) -> sqlite.Insert | postgresql.Insert:
    """An INSERT into ``table`` with ON CONFLICT clauses, in ``conn``'s dialect. PostgreSQL's
    dialect (about 20 ms to import, on the way of a training script's first apply) loads for a
    PostgreSQL store only."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert

        return insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def ensure_project(conn: Connection, name: str, now: float) -> int:
    """The id of project ``name``, created when missing."""
    found = project_id(conn, name)
    if found is not None:
        return found
    insert_missing(conn, projects, ["name"], name=name, created_at=now, run_counter=0)
    return int(conn.execute(_PROJECT_ID, {"name": name}).scalar_one())


_PROJECT_ID = select(projects.c.id).where(projects.c.name == bindparam("name"))
"""A project's id by name (every request's project and twice a run: built once)."""
