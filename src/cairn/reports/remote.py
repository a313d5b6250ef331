"""Reports read from a Cairn server over HTTP (``cairn.Api(url=...)``), as ``cairn.store.reports``
reads them from a local store: the same ``ReportInfo`` and ``ReportVersion`` records, from the
server's ``/projects/{project}/reports`` routes (docs/dashboard.md#reports-projectsprojectreports).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cairn.errors import ProjectNotFoundError, ReportNotFoundError
from cairn.store.jsonsafe import decode_nonfinite
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
        )


def _decoded(block: dict[str, Any]) -> dict[str, Any]:
    """A block as the server sent it, with a frozen panel's NaN/Infinity (sent as names) back as
    floats; Markdown text stays as written."""
    if isinstance(block.get("data"), dict):
        return {**block, "data": decode_nonfinite(block["data"])}
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
