"""Projects are created on first use, by whichever writer gets there first."""

from __future__ import annotations

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from cairn.store.schema import projects


def ensure_project(conn: Connection, name: str, now: float) -> int:
    """The id of project ``name``, created when missing.

    Safe when writers on other connections create the same project at the same moment (on
    PostgreSQL both can find it missing; the second insert does nothing instead of failing).
    """
    found = conn.execute(select(projects.c.id).where(projects.c.name == name)).scalar()
    if found is not None:
        return int(found)
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(
        dialect.insert(projects)
        .values(name=name, created_at=now, run_counter=0)
        .on_conflict_do_nothing(index_elements=[projects.c.name])
    )
    return int(conn.execute(select(projects.c.id).where(projects.c.name == name)).scalar_one())
