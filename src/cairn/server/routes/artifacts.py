"""``/projects/{project}/artifacts``: artifacts, versions, aliases, files with previews, the
lineage graph; and ``/runs/{id}/artifacts``, what a run produced and used."""

from __future__ import annotations

import csv
import io
import mimetypes
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Response

from cairn.artifacts.lineage import around, directed
from cairn.server.artifact_schemas import (
    AliasEdit,
    ArtifactRow,
    Lineage,
    Preview,
    RunArtifacts,
    VersionDetail,
    VersionRow,
)
from cairn.server.deps import StoreDep, project_run
from cairn.server.downloads import attachment, blob_response
from cairn.server.schemas import ApiError, Deleted
from cairn.store import Store
from cairn.store import artifacts as sql

router = APIRouter(tags=["artifacts"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ApiError}}
PREVIEW_BYTES = 256 * 1024
PREVIEW_ROWS = 200
IMAGES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"}
SAFE_TYPES = ("text/plain", "text/csv", "application/json", "application/octet-stream")
"""Served as themselves; anything else that a browser would run (HTML, SVG, JS) is served as
bytes, since the files come from users and share the dashboard's origin."""

VERSION_PATH = "/projects/{project}/artifacts/{name}/versions/{selector}"


def _row(info: sql.VersionInfo, names: dict[str, str]) -> dict[str, Any]:
    producer = None
    if info.run_id is not None:
        producer = {"id": info.run_id, "name": names.get(info.run_id)}
    return {
        "id": info.id,
        "name": info.name,
        "type": info.type,
        "version": info.version,
        "digest": info.digest,
        "description": info.description,
        "metadata": info.metadata,
        "size": info.size,
        "file_count": info.file_count,
        "producer": producer,
        "created_at": info.created_at,
        "aliases": info.aliases,
    }


def _rows(store: Store, infos: list[sql.VersionInfo]) -> list[dict[str, Any]]:
    names = sql.run_names(store, [i.run_id for i in infos if i.run_id])
    return [_row(i, names) for i in infos]


@router.get("/projects/{project}/artifacts", response_model=list[ArtifactRow], responses=NOT_FOUND)
def list_artifacts(
    project: str, store: StoreDep, type: Annotated[str | None, Query()] = None
) -> list[dict[str, Any]]:
    """The project's artifacts, by type then name."""
    store.project(project)
    return [
        {
            "name": a.name,
            "type": a.type,
            "versions": a.versions,
            "latest": a.latest,
            "size": a.size,
            "updated_at": a.updated_at,
        }
        for a in sql.list_artifacts(store, project, type)
    ]


@router.get(
    "/projects/{project}/artifacts/{name}/versions",
    response_model=list[VersionRow],
    responses=NOT_FOUND,
)
def list_versions(project: str, name: str, store: StoreDep) -> list[dict[str, Any]]:
    """Every version of an artifact, newest first."""
    found = sql.versions(store, project, name)
    if not found:
        sql.resolve(store, project, name, "latest")  # raises the helpful 404
    return _rows(store, found)


@router.get(VERSION_PATH, response_model=VersionDetail, responses=NOT_FOUND)
def get_version(project: str, name: str, selector: str, store: StoreDep) -> dict[str, Any]:
    """One version (``v3``, ``3`` or an alias) with its files and the runs that logged and used it."""
    info = sql.resolve(store, project, name, selector)
    logged = sql.linked_runs(store, info.id, "logged")
    used = sql.linked_runs(store, info.id, "used")
    names = sql.run_names(store, [*logged, *used, *([info.run_id] if info.run_id else [])])
    return {
        **_row(info, names),
        "files": [{"path": p, **e} for p, e in sorted(info.manifest.items())],
        "logged_by": [{"id": r, "name": names.get(r)} for r in logged],
        "used_by": [{"id": r, "name": names.get(r)} for r in used],
    }


@router.put(f"{VERSION_PATH}/aliases", response_model=VersionRow, responses=NOT_FOUND)
def put_aliases(
    project: str, name: str, selector: str, body: AliasEdit, store: StoreDep
) -> dict[str, Any]:
    """Set a version's aliases (besides ``latest``); each moves here from any other version."""
    info = sql.resolve(store, project, name, selector)
    for alias in body.aliases:
        if (alias[1:].isdigit() and alias[0] == "v") or alias.isdigit():
            raise HTTPException(400, f"alias {alias!r} looks like a version number; use a word")
    return _rows(store, [sql.set_aliases(store, info.id, body.aliases)])[0]


@router.delete(VERSION_PATH, response_model=Deleted, responses=NOT_FOUND)
def delete_version(project: str, name: str, selector: str, store: StoreDep) -> dict[str, Any]:
    """Delete a version; `cairn gc` frees the contents nothing else holds."""
    info = sql.resolve(store, project, name, selector)
    sql.delete_version(store, info.id)
    return {"deleted": 1}


def _entry(store: Store, project: str, name: str, selector: str, path: str) -> dict[str, Any]:
    info = sql.resolve(store, project, name, selector)
    entry = info.manifest.get(path)
    if entry is None:
        raise HTTPException(404, f"{info.ref} has no file {path!r}")
    if "ref" in entry:
        raise HTTPException(
            409, f"{path} is a reference to {entry['ref']}, not stored here: fetch it from there"
        )
    if not store.blobs.exists(str(entry["sha256"])):
        raise HTTPException(
            404, f"the contents of {path} are missing from the store (removed by `cairn gc`?)"
        )
    return dict(entry)


@router.get(f"{VERSION_PATH}/files/{{path:path}}", responses=NOT_FOUND)
def get_file(
    project: str,
    name: str,
    selector: str,
    path: str,
    store: StoreDep,
    download: Annotated[bool, Query()] = False,
) -> Response:
    """A file's bytes (``download=true``: as an attachment); ``Range`` requests get a part."""
    entry = _entry(store, project, name, selector, path)
    guessed = mimetypes.guess_type(path)[0] or "application/octet-stream"
    safe = guessed in SAFE_TYPES or (guessed.startswith("image/") and guessed != "image/svg+xml")
    headers = {"X-Content-Type-Options": "nosniff"}
    if download or not safe:
        headers["Content-Disposition"] = attachment(path.rsplit("/", 1)[-1])
    media_type = guessed if safe else "application/octet-stream"
    return blob_response(store.blobs, str(entry["sha256"]), media_type, headers)


@router.get(f"{VERSION_PATH}/preview/{{path:path}}", response_model=Preview, responses=NOT_FOUND)
def preview(project: str, name: str, selector: str, path: str, store: StoreDep) -> dict[str, Any]:
    """What the file browser shows: the start of a text file, the first rows of a CSV or
    Parquet file as a table, or ``image`` (the browser loads the file itself)."""
    entry = _entry(store, project, name, selector, path)
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if suffix in IMAGES:
        return {"kind": "image"}
    with store.blobs.open(str(entry["sha256"])) as blob:
        if suffix == ".parquet":
            return _parquet(blob)
        head = blob.read(PREVIEW_BYTES)
    truncated = int(entry["size"]) > len(head)
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end
            return {"kind": "binary"}
        text = head[: exc.start].decode("utf-8")
    if suffix in (".csv", ".tsv"):
        return _csv(text, "\t" if suffix == ".tsv" else ",", truncated)
    return {"kind": "text", "text": text, "truncated": truncated}


def _csv(text: str, delimiter: str, truncated: bool) -> dict[str, Any]:
    lines = text.splitlines()
    if truncated and lines:
        lines = lines[:-1]  # the last line may be cut
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    rows = list(reader)
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    return {
        "kind": "table",
        "columns": header,
        "rows": body[:PREVIEW_ROWS],
        "total_rows": None if truncated else len(body),
        "truncated": truncated or len(body) > PREVIEW_ROWS,
    }


def _parquet(blob: Any) -> dict[str, Any]:
    import pyarrow.parquet as pq

    data = pq.ParquetFile(io.BytesIO(blob.read()) if not hasattr(blob, "seek") else blob)
    total = data.metadata.num_rows
    table = next(data.iter_batches(batch_size=PREVIEW_ROWS), None)
    columns = data.schema_arrow.names
    rows: list[list[Any]] = []
    if table is not None:
        for row in table.to_pylist():
            rows.append([_cell(row[c]) for c in columns])
    return {
        "kind": "table",
        "columns": columns,
        "rows": rows,
        "total_rows": total,
        "truncated": total > len(rows),
    }


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    return str(value)


@router.get(
    "/projects/{project}/runs/{run_id}/artifacts", response_model=RunArtifacts, responses=NOT_FOUND
)
def run_artifacts(project: str, run_id: str, store: StoreDep) -> dict[str, Any]:
    """The versions a run produced (logged) and used."""
    project_run(store, project, run_id)
    found = sql.run_artifacts(store, run_id)
    return {"logged": _rows(store, found["logged"]), "used": _rows(store, found["used"])}


@router.get("/projects/{project}/lineage", response_model=Lineage, responses=NOT_FOUND)
def lineage(
    project: str,
    store: StoreDep,
    node: Annotated[str, Query(pattern=r"^(run|version):[A-Za-z0-9_-]{1,64}$")],
    hops: Annotated[int, Query(ge=1, le=10)] = 2,
) -> dict[str, Any]:
    """Runs and versions within ``hops`` edges of ``node`` (``run:<id>`` or ``version:<id>``)."""
    store.project(project)
    kind, _, key = node.partition(":")
    if kind == "version" and not key.isdigit():
        raise HTTPException(400, f"node {node!r}: a version node is version:<number>")
    graph = around(directed(sql.links(store, project)), node, hops)
    run_ids = [n[4:] for n in graph.nodes if n.startswith("run:")]
    version_ids = [int(n[8:]) for n in graph.nodes if n.startswith("version:")]
    infos = {v.id: v for v in sql.versions_by_ids(store, version_ids)}
    runs = {r.id: r for r in store.runs(project, ids=run_ids)} if run_ids else {}
    if kind == "run" and key not in runs:
        project_run(store, project, key)  # the 404
    if kind == "version" and int(key) not in infos:
        raise HTTPException(404, f"no artifact version {key} in project {project!r}")
    nodes: list[dict[str, Any]] = []
    for node_id, layer in graph.nodes.items():
        what: Literal["run", "version"] = "run" if node_id.startswith("run:") else "version"
        if what == "run":
            run = runs.get(node_id[4:])
            if run is None:
                continue
            nodes.append(
                {
                    "id": node_id,
                    "kind": what,
                    "label": run.name,
                    "sublabel": f"{run.id} · {run.state}",
                    "layer": layer,
                    "run_id": run.id,
                }
            )
        else:
            info = infos.get(int(node_id[8:]))
            if info is None:
                continue
            nodes.append(
                {
                    "id": node_id,
                    "kind": what,
                    "label": f"{info.name}:v{info.version}",
                    "sublabel": info.type
                    + (f" · {', '.join(info.aliases)}" if info.aliases else ""),
                    "layer": layer,
                    "artifact": info.name,
                    "version": info.version,
                }
            )
    kept = {n["id"] for n in nodes}
    edges = [
        {"source": s, "target": t, "kind": k} for s, t, k in graph.edges if s in kept and t in kept
    ]
    return {"nodes": nodes, "edges": edges}
