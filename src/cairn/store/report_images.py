"""Images uploaded into a project's reports: a row per (project, blob) that the project may show.

The bytes are ordinary content-addressed blobs; the row is what lets a project's readers fetch
one through the project's route (a digest of another project's blob is not enough), what a
saved picture block is checked against, and what keeps the blob from ``cairn gc``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from cairn.errors import ReportNotFoundError
from cairn.store.projects import ensure_project, insert_missing
from cairn.store.schema import projects, report_images

if TYPE_CHECKING:
    from cairn.store.store import Store


@dataclass(frozen=True)
class ReportImage:
    """An image of a project's reports: its blob, media type and size in pixels."""

    digest: str
    media_type: str
    width: int
    height: int


def keep_image(store: Store, project: str, image: ReportImage, data: bytes) -> str:
    """Store ``data`` (bytes ``cairn.reports.picture.check`` accepted, described by ``image``) as
    a blob the reports of ``project`` may show; its digest. The project is created when missing."""
    digest = store.put_blob(data)
    with store._write() as conn:
        project_id = ensure_project(conn, project, time.time())
        insert_missing(
            conn,
            report_images,
            ["project_id", "digest"],
            project_id=project_id,
            digest=digest,
            media_type=image.media_type,
            width=image.width,
            height=image.height,
            created_at=time.time(),
        )
    return digest


def find_image(store: Store, project: str, digest: str) -> ReportImage:
    """The image ``digest`` uploaded into ``project``'s reports; ReportNotFoundError when it was
    not (whether or not another project has it)."""
    with store._read() as conn:
        row = conn.execute(
            select(report_images)
            .join(projects, projects.c.id == report_images.c.project_id)
            .where(projects.c.name == project, report_images.c.digest == digest)
        ).first()
    if row is None:
        raise ReportNotFoundError(
            f"project {project!r} has no report image {digest[:80]!r}: upload it into one of "
            "the project's reports first"
        )
    return ReportImage(row.digest, row.media_type, row.width, row.height)
