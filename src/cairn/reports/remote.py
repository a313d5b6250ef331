"""Reports on a Cairn server over HTTP (``cairn.Api(url=...)``), as ``cairn.store.reports`` keeps
them in a local store: the same ``ReportInfo`` and ``ReportVersion`` records, read and saved
through the server's ``/projects/{project}/reports`` routes, the ones the dashboard uses
(docs/dashboard.md#reports-projectsprojectreports), under the caller's API key: viewers read,
editors save. A save names the version it started from (``base_version``), so a save made
meanwhile by someone else is never overwritten: it is a ``ReportConflictError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cairn.errors import (
    ProjectNotFoundError,
    ReportConflictError,
    ReportNotFoundError,
)
from cairn.store.jsonsafe import decode_nonfinite, encode_nonfinite
from cairn.store.reports import ReportInfo, ReportVersion, only_titled

if TYPE_CHECKING:
    from cairn.server_reader import HttpReader


class RemoteReports:
    """The reports of the server ``reader`` reads (under its permissions: a viewer may read)."""

    def __init__(self, reader: HttpReader) -> None:
        self.reader = reader

    def _base(self, project: str) -> str:
        return f"/projects/{_q(project)}/reports"

    def reports(self, project: str) -> list[ReportInfo]:
        """The reports of ``project``, the most recently saved first."""
        rows = self.reader._get(self._base(project), ProjectNotFoundError)
        return [_info(row) for row in rows]

    def find(self, project: str, ref: str) -> ReportInfo:
        """The report whose id or title is ``ref`` (as ``cairn.store.reports.find_report``)."""
        found = self.reports(project)
        for info in found:
            if info.id == ref:
                return info
        return only_titled(
            [info for info in found if info.title == ref.strip()],
            ref,
            f"project {project!r} on {self.reader.url} has no report with id or title {ref!r} "
            f"(Api(url=...).reports({project!r}) lists them)",
        )

    def versions(self, project: str, report_id: str) -> list[ReportVersion]:
        """Every version with its blocks, oldest first (one request per version)."""
        rows = self.reader._get(
            f"{self._base(project)}/{_q(report_id)}/versions", ReportNotFoundError
        )
        return [self._blocks(project, report_id, row) for row in reversed(rows)]

    def version(self, project: str, report_id: str, number: int | None = None) -> ReportVersion:
        """Version ``number`` (None: the latest). ReportNotFoundError when there is none."""
        rows = self.reader._get(
            f"{self._base(project)}/{_q(report_id)}/versions", ReportNotFoundError
        )
        if number is None and rows:
            number = max(int(row["version"]) for row in rows)
        for row in rows:
            if int(row["version"]) == number:
                return self._blocks(project, report_id, row)
        raise ReportNotFoundError(f"report {report_id} has no version {number}")

    def save(
        self,
        project: str,
        report_id: str | None,
        base_version: int,
        *,
        title: str,
        description: str,
        blocks: list[dict[str, Any]],
    ) -> tuple[ReportInfo, list[dict[str, Any]]]:
        """Save ``blocks`` as the next version of report ``report_id`` (None: a new report, at
        version 1), which the caller read at ``base_version``; the report after the save and the
        blocks the server stored (frozen panels with the data it took). ReportConflictError when
        another version was saved after ``base_version``; ServerError (403) for a viewer."""
        from cairn.server_client import ServerError

        body: dict[str, Any] = {
            "title": title,
            "description": description,
            "blocks": [_encoded(block) for block in blocks],
        }
        try:
            if report_id is None:
                doc = self.reader._post(self._base(project), body, ProjectNotFoundError)
            else:
                body["base_version"] = base_version
                path = f"{self._base(project)}/{_q(report_id)}"
                doc = self.reader._send("PUT", path, ReportNotFoundError, json=body).json()
        except ServerError as exc:
            if exc.status != 409:
                raise
            raise ReportConflictError(
                f"report {report_id!r} of {project!r} on {self.reader.url} was saved again "
                f"after version {base_version}, which this copy was read at: nothing was saved "
                "(a save never overwrites another's). Read the latest with "
                f"cairn.Api(url={self.reader.url!r}).report({project!r}, {report_id!r}), make "
                "your changes to it, and save that"
            ) from None
        return _info(doc), [_decoded(block) for block in doc["blocks"]]

    def upload_image(self, project: str, data: bytes) -> None:
        """Upload an image's bytes (already checked here) for the reports of ``project``; the
        server checks them again and answers their digest, which a picture block names."""
        self.reader._send(
            "POST",
            f"{self._base(project)}/images",
            ProjectNotFoundError,
            content=data,
            headers={"Content-Type": "application/octet-stream"},
        )

    def _blocks(self, project: str, report_id: str, row: dict[str, Any]) -> ReportVersion:
        doc = self.reader._get(
            f"{self._base(project)}/{_q(report_id)}",
            ReportNotFoundError,
            params={"version": int(row["version"])},
        )
        return ReportVersion(
            report_id=report_id,
            version=int(doc["shown_version"]),
            author=row.get("author"),
            created_at=float(row["created_at"]),
            blocks=[_decoded(block) for block in doc["blocks"]],
            title=doc.get("shown_title"),
            description=doc.get("shown_description"),
        )


def _decoded(block: dict[str, Any]) -> dict[str, Any]:
    """A block as the server sent it, with a frozen panel's NaN/Infinity (sent as names) back as
    floats; Markdown text stays as written."""
    if isinstance(block.get("data"), dict):
        return {**block, "data": decode_nonfinite(block["data"])}
    return block


def _encoded(block: dict[str, Any]) -> dict[str, Any]:
    """A block as the server takes it back: a frozen panel's NaN/Infinity as their names (JSON
    has none), which the server turns into floats again, as it does for the dashboard."""
    if isinstance(block.get("data"), dict):
        return {**block, "data": encode_nonfinite(block["data"])}
    return block


def _q(part: str) -> str:
    from cairn.server_reader import _q as quote

    return quote(part)


def _info(row: dict[str, Any]) -> ReportInfo:
    return ReportInfo(
        id=str(row["id"]),
        project=str(row["project"]),
        title=str(row["title"]),
        description=str(row.get("description") or ""),
        author=row.get("author"),
        created_at=float(row["created_at"]),
        updated_at=float(row["updated_at"]),
        version=int(row["version"]),
    )
