"""The JSON of the artifact endpoints, as Pydantic models. Keep in step with
web/src/features/artifacts/types.ts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from cairn.server.schemas import RequestBody

Alias = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.-]+$")]


class ArtifactRow(BaseModel):
    name: str
    type: str
    versions: int
    latest: int | None = Field(description="the highest version number, null when all deleted")
    size: int = Field(description="bytes over all versions")
    updated_at: float


class RunRef(BaseModel):
    id: str
    name: str | None = Field(description="display name; null once the run is deleted")


class VersionRow(BaseModel):
    id: int
    name: str
    type: str
    version: int
    digest: str
    description: str | None
    metadata: dict[str, Any]
    size: int
    file_count: int
    producer: RunRef | None
    created_at: float
    aliases: list[str]


class FileEntry(BaseModel):
    path: str
    size: int
    sha256: str | None = None
    ref: str | None = Field(default=None, description="the URI of a reference (not stored here)")
    etag: str | None = None


class VersionDetail(VersionRow):
    files: list[FileEntry]
    logged_by: list[RunRef]
    used_by: list[RunRef]


class RunArtifacts(BaseModel):
    logged: list[VersionRow]
    used: list[VersionRow]


class AliasEdit(RequestBody):
    aliases: list[Alias] = Field(max_length=64, description="the version's aliases besides latest")


class Preview(BaseModel):
    kind: Literal["text", "table", "image", "binary"]
    text: str | None = None
    columns: list[str] | None = None
    rows: list[list[Any]] | None = None
    total_rows: int | None = None
    truncated: bool = False


class LineageNode(BaseModel):
    id: str = Field(description="run:<id> or version:<id>")
    kind: Literal["run", "version"]
    label: str
    sublabel: str
    layer: int = Field(description="columns left to right: inputs left of the runs using them")
    run_id: str | None = None
    artifact: str | None = None
    version: int | None = None


class LineageEdge(BaseModel):
    source: str
    target: str
    kind: Literal["produced", "used"]


class Lineage(BaseModel):
    nodes: list[LineageNode]
    edges: list[LineageEdge]
