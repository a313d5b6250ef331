"""Media logged with ``run.log``: which keys runs have, their values by step, the blobs behind
them, logged tables a page at a time (and two runs' tables joined), histogram series for heatmaps."""

from __future__ import annotations

import re
from typing import Annotated, Any

import pyarrow as pa
from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from cairn.server.auth import blobs as blob_access
from cairn.server.deps import StoreDep, project_run
from cairn.server.downloads import blob_response
from cairn.server.schemas import ApiError, JsonObject, MetricKey, RequestBody, RunId
from cairn.store import Store
from cairn.store.media import (
    MediaEntry,
    histogram_series,
    histogram_series_of_runs,
    media_entries,
    media_entry,
    media_keys,
)
from cairn.store.media_tables import column_types, join_tables, query_table, read_table

router = APIRouter(tags=["media"])
ERRORS: dict[int | str, dict[str, Any]] = {400: {"model": ApiError}, 404: {"model": ApiError}}
DIGEST = re.compile(r"^[0-9a-f]{64}$")
MAX_RUNS = 50
MAX_KEY_RUNS = 1000  # every run a workspace shows: the key list is one grouped query
MAX_HISTOGRAM_RUNS = 24  # one panel's runs; each run's histograms are rebinned in the request

_TYPES = {
    b"\x89PNG": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF8": "image/gif",
    b"PAR1": "application/vnd.apache.parquet",
    b"OggS": "audio/ogg",
    b"ID3": "audio/mpeg",
    b"fLaC": "audio/flac",
    b"\x1aE\xdf\xa3": "video/webm",
    b"glTF": "model/gltf-binary",
}


class MediaKeysRequest(RequestBody):
    run_ids: list[RunId] = Field(max_length=MAX_KEY_RUNS)


class MediaKey(BaseModel):
    key: str
    kind: str = Field(
        description="image, histogram, table, plot, text, html, audio, video, object3d"
    )
    count: int = Field(description="values logged under the key, over all the runs")
    runs: list[str]


class MediaKeys(BaseModel):
    keys: list[MediaKey]


class MediaRequest(RequestBody):
    run_ids: list[RunId] = Field(max_length=MAX_RUNS)
    key: MetricKey


class MediaValue(BaseModel):
    step: int
    seq: int
    ts: float
    kind: str
    blob: str | None
    meta: JsonObject


class RunMedia(BaseModel):
    run_id: str
    values: list[MediaValue]


class MediaResponse(BaseModel):
    key: str
    runs: list[RunMedia]


class TablePage(BaseModel):
    step: int
    total: int = Field(description="rows in the table")
    matched: int = Field(description="rows the filter kept")
    offset: int
    columns: list[str]
    types: dict[str, str]
    data: dict[str, list[Any]] = Field(description="columnar; _row is the row's original index")
    groups: list[JsonObject] | None
    spec: JsonObject | None = Field(description="the chart spec, for a cairn.plot value")


class HistogramSeries(BaseModel):
    steps: list[int]
    edges: list[float]
    counts: list[list[float]] = Field(description="one row of bin counts per step")
    nan: list[int] = Field(description="NaN and ±Inf values per step, not binned")


class HistogramsRequest(RequestBody):
    run_ids: list[RunId] = Field(min_length=1, max_length=MAX_HISTOGRAM_RUNS)
    key: MetricKey
    bins: int = Field(default=64, ge=2, le=512)


class RunHistograms(BaseModel):
    run_id: str
    steps: list[int]
    counts: list[list[float]] = Field(description="one row of bin counts per step")
    nan: list[int] = Field(description="NaN and ±Inf values per step, not binned")


class RunsHistograms(BaseModel):
    key: str
    edges: list[float] = Field(description="the bin edges every run shares")
    runs: list[RunHistograms]


def _value(entry: MediaEntry) -> dict[str, Any]:
    return {
        "step": entry.step,
        "seq": entry.seq,
        "ts": entry.ts,
        "kind": entry.kind,
        "blob": entry.blob,
        "meta": entry.meta,
    }


@router.post("/projects/{project}/media-keys", response_model=MediaKeys, responses=ERRORS)
def list_media_keys(project: str, body: MediaKeysRequest, store: StoreDep) -> dict[str, Any]:
    """The media keys some runs logged, with their kind."""
    store.project(project)
    found = [info.id for info in store.runs(project, ids=list(dict.fromkeys(body.run_ids)))]
    return {"keys": media_keys(store, found)}


@router.post("/projects/{project}/media", response_model=MediaResponse, responses=ERRORS)
def get_media(project: str, body: MediaRequest, store: StoreDep) -> dict[str, Any]:
    """Every value each run logged under ``key``, by step (runs not in the project are skipped)."""
    store.project(project)
    found = {info.id for info in store.runs(project, ids=list(dict.fromkeys(body.run_ids)))}
    return {
        "key": body.key,
        "runs": [
            {
                "run_id": run_id,
                "values": [_value(e) for e in media_entries(store, run_id, body.key)],
            }
            for run_id in dict.fromkeys(body.run_ids)
            if run_id in found
        ],
    }


@router.get("/blobs/{digest}", responses=ERRORS, response_class=Response)
def get_blob(
    digest: str,
    request: Request,
    store: StoreDep,
    direct: Annotated[
        bool,
        Query(description="redirect (307) to a pre-signed object-store URL when there is one"),
    ] = False,
) -> Response:
    """The bytes stored under a sha256 digest (an image, a table's Parquet...). Content never
    changes for a digest, so browsers may cache it for good. With ``direct=true`` (the Python
    client's downloads) a store on S3 answers with a redirect to a pre-signed URL valid for an
    hour, so the bytes come straight from the object store. On ``cairn server``, 404 unless
    the caller may read a project that refers to the digest (``auth.blobs``)."""
    if not DIGEST.match(digest):
        raise HTTPException(
            400, f"{digest[:80]!r} is not a blob digest: 64 lowercase hex characters"
        )
    if not blob_access.may_read(request, digest):
        raise _no_blob(digest)  # the answer of a missing blob: a digest tells nothing
    signed = store.blobs.signed_url(digest) if direct else None
    if signed is not None:
        if not store.blobs.exists(digest):
            raise _no_blob(digest)
        return RedirectResponse(signed, status_code=307, headers={"Cache-Control": "no-store"})
    try:
        head = store.blobs.head(digest, 16)
    except (FileNotFoundError, OSError):
        raise _no_blob(digest) from None
    headers = {
        # private: a shared cache must not hand one caller's blob to another
        "Cache-Control": "private, max-age=31536000, immutable",
        "ETag": f'"{digest}"',
        "X-Content-Type-Options": "nosniff",  # logged bytes are never run as a page
    }
    return blob_response(store.blobs, digest, _content_type(head), headers)


def _no_blob(digest: str) -> HTTPException:
    return HTTPException(
        404,
        f"no blob {digest} here: never synced, collected, or not in a project you may read",
    )


def _content_type(data: bytes) -> str:
    """The type told by a blob's first 12 bytes."""
    for magic, kind in _TYPES.items():
        if data.startswith(magic):
            return kind
    if data.startswith(b"RIFF") and data[8:12] == b"WAVE":
        return "audio/wav"
    if data[4:8] == b"ftyp":
        return "video/mp4"
    if data[:1] in (b"[", b"{"):
        return "application/json"
    return "application/octet-stream"


def _table_entry(store: Store, project: str, run_id: str, key: str, step: int | None) -> MediaEntry:
    info = project_run(store, project, run_id)
    entry = media_entry(store, info.id, key, step)
    if entry is None:
        at = f" at step {step}" if step is not None else ""
        raise HTTPException(404, f"run {run_id} logged no value under {key!r}{at}")
    if entry.kind not in ("table", "plot") or not entry.blob:
        raise HTTPException(400, f"{key!r} holds {entry.kind} values, not tables")
    return entry


@router.get(
    "/projects/{project}/runs/{run_id}/media/table", response_model=TablePage, responses=ERRORS
)
def get_table(
    project: str,
    run_id: str,
    store: StoreDep,
    key: Annotated[str, Query(min_length=1, max_length=256)],
    step: Annotated[
        int | None, Query(ge=0, description="the table logged at this step; default the latest")
    ] = None,
    filter: Annotated[
        str | None, Query(max_length=4000, description='e.g. score > 0.5 and label ~ "cat"')
    ] = None,
    sort: Annotated[str | None, Query(max_length=256)] = None,
    desc: bool = False,
    group: Annotated[str | None, Query(max_length=256)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
    join_run: Annotated[
        str | None, Query(max_length=64, description="join this run's table")
    ] = None,
    on: Annotated[
        str | None, Query(max_length=256, description="the key column of the join")
    ] = None,
) -> dict[str, Any]:
    """A page of a logged table's rows, filtered, grouped and sorted on the server; with
    ``join_run`` and ``on``, the same key of another run joined side by side on column ``on``."""
    entry = _table_entry(store, project, run_id, key, step)
    table = _read(store, entry)
    types = column_types(entry.meta)
    if join_run is not None:
        if not on:
            raise HTTPException(400, "join_run needs on=: the column both tables share")
        other = _table_entry(store, project, join_run, key, None)
        names = (store.run(run_id).name, store.run(join_run).name)
        if names[0] == names[1]:
            names = (run_id, join_run)
        try:
            table = join_tables(table, _read(store, other), on, names)
        except ValueError as exc:
            raise HTTPException(400, str(exc)) from None
        types = column_types(entry.meta, names)
    try:
        page = query_table(
            table,
            types=types,
            filter=filter or None,
            sort=sort or None,
            descending=desc,
            group=group or None,
            offset=offset,
            limit=limit,
        )
    except ValueError as exc:
        if type(exc) is not ValueError:
            raise  # FilterError: the handler answers 400 with the position
        raise HTTPException(400, str(exc)) from None
    return {**page, "step": entry.step, "types": types, "spec": entry.meta.get("spec")}


def _read(store: Store, entry: MediaEntry) -> pa.Table:
    assert entry.blob is not None
    try:
        return read_table(store.blobs, entry.blob)
    except FileNotFoundError:
        raise HTTPException(
            404, f"the table's file {entry.blob} is missing from the store"
        ) from None


@router.get(
    "/projects/{project}/runs/{run_id}/media/histograms",
    response_model=HistogramSeries,
    responses=ERRORS,
)
def get_histograms(
    project: str,
    run_id: str,
    store: StoreDep,
    key: Annotated[str, Query(min_length=1, max_length=256)],
    bins: Annotated[int, Query(ge=2, le=512)] = 64,
) -> dict[str, Any]:
    """A run's histograms of ``key`` over steps, rebinned onto one shared range (a heatmap)."""
    info = project_run(store, project, run_id)
    return histogram_series(store, info.id, key, bins)


@router.post(
    "/projects/{project}/media/histograms", response_model=RunsHistograms, responses=ERRORS
)
def get_runs_histograms(project: str, body: HistogramsRequest, store: StoreDep) -> dict[str, Any]:
    """Several runs' histograms of ``key`` on one shared range (one heatmap per run, comparable
    side by side), in one request; runs not in the project are skipped."""
    store.project(project)
    wanted = list(dict.fromkeys(body.run_ids))
    found = {info.id for info in store.runs(project, ids=wanted)}
    series = histogram_series_of_runs(store, [r for r in wanted if r in found], body.key, body.bins)
    return {"key": body.key, **series}
