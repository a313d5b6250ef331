"""A project's saved views: named dashboard layouts, one of them the default, shared in the project.

Each view's document (panels, sections, columns, run colours...) is one JSON object that the web
app owns: the store keeps it whole and never looks inside. A project starts with no view; saving the
default view's document creates it, named "Default". What one viewer toggles for themselves
(smoothing, axes, zoom, collapsed sections, column widths) is not here: the browser keeps it.
"""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, select, update

from cairn.errors import ProjectNotFoundError, ViewConflictError, ViewNotFoundError
from cairn.store.jsonsafe import encode_nonfinite
from cairn.store.schema import projects, views
from cairn.store.store import Store

DEFAULT_NAME = "Default"
MAX_NAME = 100


@dataclass(frozen=True)
class ViewInfo:
    name: str
    is_default: bool
    updated_at: float


def view_name(name: str) -> str:
    """``name`` trimmed; ValueError unless it is 1–100 characters with no control characters."""
    trimmed = name.strip()
    if not trimmed:
        raise ValueError("a view needs a name")
    if len(trimmed) > MAX_NAME:
        raise ValueError(f"a view name is at most {MAX_NAME} characters")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in trimmed):
        raise ValueError("a view name cannot hold control characters")
    return trimmed


def list_views(store: Store, project: str) -> list[ViewInfo]:
    """The project's views, the default first, then by name; ProjectNotFoundError."""
    with store._read() as conn:
        project_id = _project_id(conn, project)
        rows = conn.execute(
            select(views.c.name, views.c.is_default, views.c.updated_at)
            .where(views.c.project_id == project_id)
            .order_by(views.c.is_default.desc(), views.c.name)
        ).all()
    return [ViewInfo(r.name, bool(r.is_default), float(r.updated_at)) for r in rows]


def get_workspace(store: Store, project: str, view: str | None = None) -> dict[str, Any]:
    """The document of ``view`` (None: the default view; ``{}`` when the project has none yet).
    ProjectNotFoundError, ViewNotFoundError."""
    with store._read() as conn:
        project_id = _project_id(conn, project)
        query = select(views.c.data).where(views.c.project_id == project_id)
        query = query.where(views.c.is_default if view is None else views.c.name == view)
        data = conn.execute(query).scalar()
    if data is None and view is not None:
        raise ViewNotFoundError(f"project {project!r} has no view named {view!r}")
    # The JSON column reads "NaN" strings back as floats: undo that, the document is opaque.
    return dict(encode_nonfinite(data or {}))


def save_workspace(
    store: Store, project: str, data: dict[str, Any], view: str | None = None
) -> None:
    """Replace the document of ``view`` (None: the default view, created as "Default" when the
    project has none). ProjectNotFoundError, ViewNotFoundError."""
    now = time.time()
    with store._write() as conn:
        project_id = _project_id(conn, project)
        query = update(views).where(views.c.project_id == project_id)
        query = query.where(views.c.is_default if view is None else views.c.name == view)
        if conn.execute(query.values(data=data, updated_at=now)).rowcount:
            return
        if view is not None:
            raise ViewNotFoundError(f"project {project!r} has no view named {view!r}")
        conn.execute(
            views.insert().values(
                project_id=project_id, name=DEFAULT_NAME, data=data, is_default=True, updated_at=now
            )
        )


def create_view(store: Store, project: str, name: str, data: dict[str, Any]) -> ViewInfo:
    """A new view holding ``data``; the project's first view becomes its default.
    ValueError (a bad name), ViewConflictError (the name is taken), ProjectNotFoundError."""
    name = view_name(name)
    now = time.time()
    with store._write() as conn:
        project_id = _project_id(conn, project)
        names = set(
            conn.execute(select(views.c.name).where(views.c.project_id == project_id)).scalars()
        )
        if name in names:
            raise ViewConflictError(f"project {project!r} already has a view named {name!r}")
        first = not names
        conn.execute(
            views.insert().values(
                project_id=project_id, name=name, data=data, is_default=first, updated_at=now
            )
        )
    return ViewInfo(name, first, now)


def rename_view(store: Store, project: str, name: str, new_name: str) -> ViewInfo:
    """Give ``name`` the name ``new_name``. ValueError, ViewNotFoundError, ViewConflictError."""
    new_name = view_name(new_name)
    with store._write() as conn:
        project_id = _project_id(conn, project)
        row = _view_row(conn, project, project_id, name)
        if (
            new_name != name
            and conn.execute(
                select(views.c.name).where(
                    views.c.project_id == project_id, views.c.name == new_name
                )
            ).first()
        ):
            raise ViewConflictError(f"project {project!r} already has a view named {new_name!r}")
        conn.execute(
            update(views)
            .where(views.c.project_id == project_id, views.c.name == name)
            .values(name=new_name)
        )
    return ViewInfo(new_name, bool(row.is_default), float(row.updated_at))


def set_default_view(store: Store, project: str, name: str) -> ViewInfo:
    """Make ``name`` the view the project opens with. ViewNotFoundError."""
    with store._write() as conn:
        project_id = _project_id(conn, project)
        row = _view_row(conn, project, project_id, name)
        conn.execute(
            update(views)
            .where(views.c.project_id == project_id)
            .values(is_default=views.c.name == name)
        )
    return ViewInfo(name, True, float(row.updated_at))


def delete_view(store: Store, project: str, name: str) -> None:
    """Delete ``name``; the default view cannot be (make another the default first).
    ViewNotFoundError, ViewConflictError."""
    with store._write() as conn:
        project_id = _project_id(conn, project)
        row = _view_row(conn, project, project_id, name)
        if row.is_default:
            raise ViewConflictError(
                f"{name!r} is the project's default view: make another view the default first"
            )
        conn.execute(delete(views).where(views.c.project_id == project_id, views.c.name == name))


def _view_row(conn: Connection, project: str, project_id: int, name: str) -> Any:
    row = conn.execute(
        select(views.c.is_default, views.c.updated_at).where(
            views.c.project_id == project_id, views.c.name == name
        )
    ).first()
    if row is None:
        raise ViewNotFoundError(f"project {project!r} has no view named {name!r}")
    return row


def _project_id(conn: Connection, project: str) -> int:
    found = conn.execute(select(projects.c.id).where(projects.c.name == project)).scalar()
    if found is None:
        raise ProjectNotFoundError(f"no project named {project!r}")
    return int(found)
