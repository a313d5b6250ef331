"""A project's workspace: the dashboard's saved layout (panels, sections...), one JSON object.

The store keeps it whole and never looks inside: the web app owns its shape.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Connection, select, update

from cairn.errors import ProjectNotFoundError
from cairn.store.jsonsafe import encode_nonfinite
from cairn.store.schema import projects, workspaces
from cairn.store.store import Store


def get_workspace(store: Store, project: str) -> dict[str, Any]:
    """The saved workspace of ``project``, ``{}`` when none was saved; ProjectNotFoundError."""
    with store._read() as conn:
        project_id = _project_id(conn, project)
        data = conn.execute(
            select(workspaces.c.data).where(workspaces.c.project_id == project_id)
        ).scalar()
    # The JSON column reads "NaN" strings back as floats: undo that, the document is opaque.
    return dict(encode_nonfinite(data or {}))


def save_workspace(store: Store, project: str, data: dict[str, Any]) -> None:
    """Replace the saved workspace of ``project``; ProjectNotFoundError."""
    now = time.time()
    with store._write() as conn:
        project_id = _project_id(conn, project)
        found = conn.execute(
            update(workspaces)
            .where(workspaces.c.project_id == project_id)
            .values(data=data, updated_at=now)
        )
        if found.rowcount == 0:
            conn.execute(
                workspaces.insert().values(project_id=project_id, data=data, updated_at=now)
            )


def _project_id(conn: Connection, project: str) -> int:
    found = conn.execute(select(projects.c.id).where(projects.c.name == project)).scalar()
    if found is None:
        raise ProjectNotFoundError(f"no project named {project!r}")
    return int(found)
