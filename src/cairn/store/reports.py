"""A project's reports: a title, a description, an author, and versions of an ordered list of blocks.

Every save appends a version (1, 2, ...) holding the whole list of blocks and the title and
description in effect after it, with who saved it and when; a version is never changed afterwards
(versions saved before migration 0018 did not record the title and description: None). The store keeps each block as an opaque JSON object
(``cairn.reports.blocks`` gives them their types); restoring an old version saves its blocks again
as a new version, so the history only grows.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from cairn.errors import ProjectNotFoundError, ReportConflictError, ReportNotFoundError
from cairn.store.projects import ensure_project
from cairn.store.schema import projects, report_versions, reports
from cairn.store.store import Store

MAX_TITLE = 255


@dataclass(frozen=True)
class ReportInfo:
    id: str
    project: str
    title: str
    description: str
    author: str | None
    created_at: float
    updated_at: float
    version: int
    """The latest version's number (0 before the first save)."""


@dataclass(frozen=True)
class ReportVersion:
    report_id: str
    version: int
    author: str | None
    created_at: float
    blocks: list[dict[str, Any]] = field(default_factory=list)
    title: str | None = None
    """The report's title after this save (None: saved before titles were recorded)."""
    description: str | None = None
    """The report's description after this save (None: saved before they were recorded)."""


def report_title(title: str) -> str:
    """``title`` trimmed; ValueError unless it is 1–255 characters."""
    trimmed = title.strip()
    if not trimmed:
        raise ValueError("a report needs a title")
    if len(trimmed) > MAX_TITLE:
        raise ValueError(f"a report title is at most {MAX_TITLE} characters")
    return trimmed


def create_report(
    store: Store, project: str, title: str, description: str = "", author: str | None = None
) -> ReportInfo:
    """A new report with no version yet; the project is created when it does not exist."""
    title = report_title(title)
    now = time.time()
    report_id = secrets.token_hex(6)
    with store._write() as conn:
        project_id = ensure_project(conn, project, now)
        conn.execute(
            reports.insert().values(
                id=report_id,
                project_id=project_id,
                title=title,
                description=description,
                author=author,
                created_at=now,
                updated_at=now,
            )
        )
    return ReportInfo(report_id, project, title, description, author, now, now, 0)


def save_version(
    store: Store,
    report_id: str,
    blocks: list[dict[str, Any]],
    *,
    author: str | None = None,
    title: str | None = None,
    description: str | None = None,
    base_version: int | None = None,
) -> int:
    """Append a version holding ``blocks`` and the title and description in effect after it
    (those given, else the report's); its number. ReportNotFoundError; ReportConflictError when ``base_version`` (the version the
    edit started from) is given and another save came after it."""
    now = time.time()
    changes: dict[str, Any] = {"updated_at": now}
    if title is not None:
        changes["title"] = report_title(title)
    if description is not None:
        changes["description"] = description
    with store._write() as conn:
        # The update locks the report's row on PostgreSQL first, so two saves at once number
        # their versions one after the other.
        found = conn.execute(update(reports).where(reports.c.id == report_id).values(**changes))
        if not found.rowcount:
            raise ReportNotFoundError(f"no report with id {report_id!r}")
        last = conn.execute(
            select(func.max(report_versions.c.version)).where(
                report_versions.c.report_id == report_id
            )
        ).scalar()
        if base_version is not None and int(last or 0) != base_version:
            raise ReportConflictError(
                f"report {report_id!r} was saved as version {int(last or 0)} since version "
                f"{base_version}, which this edit started from: reload it to see the other "
                "changes (yours are not saved)"
            )
        number = int(last or 0) + 1
        heading = conn.execute(
            select(reports.c.title, reports.c.description).where(reports.c.id == report_id)
        ).one()
        conn.execute(
            report_versions.insert().values(
                report_id=report_id,
                version=number,
                blocks=blocks,
                author=author,
                created_at=now,
                title=heading.title,
                description=heading.description,
            )
        )
    return number


def list_reports(store: Store, project: str) -> list[ReportInfo]:
    """The project's reports, the most recently saved first. ProjectNotFoundError."""
    with store._read() as conn:
        project_id = _project_id(conn, project)
        rows = conn.execute(_select().where(reports.c.project_id == project_id)).all()
    return [_info(r) for r in sorted(rows, key=lambda r: (-r.updated_at, r.title))]


def find_report(store: Store, project: str, ref: str) -> ReportInfo:
    """The report of ``project`` whose id or title is ``ref``. ReportNotFoundError when none is,
    or when several reports have that title (then use an id: ``cairn report ls`` lists them)."""
    with store._read() as conn:
        project_id = _project_id(conn, project)
        mine = _select().where(reports.c.project_id == project_id)
        row = conn.execute(mine.where(reports.c.id == ref)).first()
        if row is not None:
            return _info(row)
        rows = conn.execute(mine.where(reports.c.title == ref.strip())).all()
    return only_titled(
        [_info(r) for r in rows],
        ref,
        f"project {project!r} has no report with id or title {ref!r} "
        f"(`cairn report ls {project}` lists them)",
    )


def only_titled(titled: list[ReportInfo], ref: str, missing: str) -> ReportInfo:
    """The one report of ``titled`` (those titled ``ref``); ReportNotFoundError saying
    ``missing`` when there is none, or naming the ids when several share the title."""
    if len(titled) > 1:
        ids = ", ".join(info.id for info in titled)
        raise ReportNotFoundError(
            f"{len(titled)} reports of project {titled[0].project!r} are titled {ref!r} "
            f"(ids {ids}): give the id instead"
        )
    if not titled:
        raise ReportNotFoundError(missing)
    return titled[0]


def get_version(store: Store, report_id: str, version: int | None = None) -> ReportVersion:
    """Version ``version`` of the report (None: the latest; a report never saved has no blocks
    yet and reads as version 0). ReportNotFoundError."""
    with store._read() as conn:
        if conn.execute(select(reports.c.id).where(reports.c.id == report_id)).first() is None:
            raise ReportNotFoundError(f"no report with id {report_id!r}")
        query = select(report_versions).where(report_versions.c.report_id == report_id)
        if version is None:
            query = query.order_by(report_versions.c.version.desc()).limit(1)
        else:
            query = query.where(report_versions.c.version == version)
        row = conn.execute(query).first()
    if row is None:
        if version is None or version == 0:
            return ReportVersion(report_id, 0, None, 0.0, [])
        raise ReportNotFoundError(f"report {report_id!r} has no version {version}")
    return _version(row)


def list_versions(store: Store, report_id: str) -> list[ReportVersion]:
    """Every version of the report, oldest first, blocks included. ReportNotFoundError."""
    with store._read() as conn:
        if conn.execute(select(reports.c.id).where(reports.c.id == report_id)).first() is None:
            raise ReportNotFoundError(f"no report with id {report_id!r}")
        rows = conn.execute(
            select(report_versions)
            .where(report_versions.c.report_id == report_id)
            .order_by(report_versions.c.version)
        ).all()
    return [_version(r) for r in rows]


def delete_report(store: Store, report_id: str) -> None:
    """Delete the report and all its versions. ReportNotFoundError."""
    with store._write() as conn:
        if not conn.execute(delete(reports).where(reports.c.id == report_id)).rowcount:
            raise ReportNotFoundError(f"no report with id {report_id!r}")
        # SQLite enforces the cascade only with foreign keys on; do not count on it.
        conn.execute(delete(report_versions).where(report_versions.c.report_id == report_id))


def _select() -> Any:
    latest = (
        select(func.max(report_versions.c.version))
        .where(report_versions.c.report_id == reports.c.id)
        .scalar_subquery()
    )
    return select(
        reports.c.id,
        projects.c.name.label("project"),
        reports.c.title,
        reports.c.description,
        reports.c.author,
        reports.c.created_at,
        reports.c.updated_at,
        latest.label("version"),
    ).join(projects, projects.c.id == reports.c.project_id)


def _info(row: Any) -> ReportInfo:
    return ReportInfo(
        row.id,
        row.project,
        row.title,
        row.description,
        row.author,
        float(row.created_at),
        float(row.updated_at),
        int(row.version or 0),
    )


def _version(row: Any) -> ReportVersion:
    return ReportVersion(
        row.report_id,
        int(row.version),
        row.author,
        float(row.created_at),
        list(row.blocks),
        row.title,
        row.description,
    )


def _project_id(conn: Connection, project: str) -> int:
    found = conn.execute(select(projects.c.id).where(projects.c.name == project)).scalar()
    if found is None:
        raise ProjectNotFoundError(f"no project named {project!r}")
    return int(found)
