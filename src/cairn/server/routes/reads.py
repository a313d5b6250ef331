"""What ``cairn.Api(url=…)`` reads that the dashboard does not: runs as full records (config
nested as logged, every field of ``RunInfo``), a run found by reference, and a run's whole history
as Arrow. The dashboard's routes serve everything else the Api reads (docs/api.md)."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from typing import Annotated, Any

import pyarrow as pa
from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from cairn.errors import RunNotFoundError
from cairn.server.auth.access import Caller
from cairn.server.deps import StoreDep, project_run
from cairn.server.schemas import ApiError, JsonObject, MetricKey, RequestBody
from cairn.store import RunInfo, Store
from cairn.store.accounts import readable_projects
from cairn.store.cursor import MAX_CURSOR
from cairn.store.jsonsafe import encode_nonfinite

router = APIRouter(tags=["python api"])
ERRORS: dict[int | str, dict[str, Any]] = {400: {"model": ApiError}, 404: {"model": ApiError}}
ARROW_STREAM = "application/vnd.apache.arrow.stream"
PAGE = 1000
BATCH_ROWS = 65_536
"""Rows per Arrow record batch sent: the history goes out batch by batch."""


class RunRecord(BaseModel):
    """A run as ``cairn.Api`` returns it: every field of its metadata, config nested as logged.
    Non-finite floats in config and summary are the strings ``NaN``, ``Infinity``, ``-Infinity``."""

    id: str
    project: str
    name: str
    state: str = Field(description="running, finished, failed or crashed")
    created_at: float
    updated_at: float
    heartbeat_at: float
    finished_at: float | None
    exit_code: int | None
    error: str | None
    notes: str | None
    group: str | None
    job_type: str | None
    host: str | None
    program: str | None
    config: JsonObject
    summary: JsonObject
    tags: list[str]
    history_keys: list[str]
    metric_defs: list[JsonObject]
    history_rows: int
    last_step: int | None
    last_seq: int
    number: int
    reproduction_of: str | None
    sweep_id: str | None


class RunRecords(BaseModel):
    runs: list[RunRecord]
    next: str | None = Field(
        default=None, description="cursor of the next page (pass it as cursor=), null at the end"
    )
    total: int | None = Field(default=None, description="runs matching, with count=true")


class HistoryRequest(RequestBody):
    keys: Annotated[list[MetricKey], Field(max_length=10_000)] | None = Field(
        default=None, description="these keys' columns (null: every key the run logged)"
    )


def run_record(info: RunInfo) -> dict[str, Any]:
    """``info`` as a RunRecord."""
    record = dataclasses.asdict(info)
    for name in ("config", "summary", "metric_defs"):
        record[name] = encode_nonfinite(record[name])
    return record


def _readable(store: Store, request: Request) -> set[str] | None:
    """The projects the caller may read; None: every project."""
    caller: Caller = request.state.caller
    return None if caller.local else readable_projects(store, caller.user)


@router.get("/runs", response_model=RunRecords, responses=ERRORS)
def list_run_records(
    store: StoreDep,
    request: Request,
    project: Annotated[str | None, Query(max_length=255)] = None,
    filter: Annotated[
        str | None, Query(max_length=4000, description='e.g. config.lr < 1e-3 and "a" in tags')
    ] = None,
    order: Annotated[
        str | None, Query(max_length=1000, description="e.g. -summary.acc (default -created_at)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE)] = PAGE,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
    cursor: Annotated[
        str | None,
        Query(max_length=MAX_CURSOR, description="the next of the previous page (same order)"),
    ] = None,
    count: Annotated[bool, Query(description="also count every matching run")] = False,
) -> dict[str, Any]:
    """A page of the runs the caller may read (of ``project``, else of every such project):
    ``cairn.Api().runs()``. A project the caller may not read has no runs here."""
    shown = _readable(store, request)
    if project is not None and shown is not None and project not in shown:
        return {"runs": [], "total": 0 if count else None}
    filter = filter if filter and filter.strip() else None
    page = store.runs_page(
        project,
        filter=filter,
        order=order if order and order.strip() else None,
        limit=limit,
        offset=offset,
        after=cursor,
        within=shown,
        count=False,
    )
    total = store.count_runs(project, filter=filter, within=shown) if count else None
    return {"runs": [run_record(info) for info in page.runs], "next": page.next, "total": total}


@router.get("/run", response_model=RunRecord, responses=ERRORS)
def find_run_record(
    store: StoreDep,
    request: Request,
    ref: Annotated[str, Query(min_length=1, max_length=600, description="project/id, id or name")],
) -> dict[str, Any]:
    """One run by ``project/id``, ``id`` or a unique display name, among the runs the caller
    may read: ``cairn.Api().run(ref)``."""
    shown = _readable(store, request)
    project, _, key = ref.rpartition("/")
    missing = RunNotFoundError(
        f"no run matches {ref!r}: give `project/run_id` (`cairn runs ls` lists them)"
    )
    if shown is None:
        return run_record(store.find_run(ref))
    if project:
        if project not in shown:
            raise missing
        return run_record(store.find_run(ref))
    found = []
    for name in sorted(shown):
        try:
            found.append(store.find_run(f"{name}/{key}"))
        except RunNotFoundError:
            continue
    by_id = [info for info in found if info.id == key]
    found = by_id or found
    if len(found) != 1:
        if found:
            raise RunNotFoundError(
                f"more than one run matches {ref!r}: give `project/run_id` "
                "(`cairn runs ls` lists them)"
            )
        raise missing
    return run_record(found[0])


@router.post(
    "/projects/{project}/runs/{run_id}/history",
    response_class=StreamingResponse,
    responses={**ERRORS, 200: {"content": {ARROW_STREAM: {}}, "description": "Arrow IPC stream"}},
)
def history(project: str, run_id: str, body: HistoryRequest, store: StoreDep) -> StreamingResponse:
    """The run's history, every row at full fidelity, as an Arrow IPC stream (zstd-compressed
    buffers): ``_step``, ``_seq``, ``_timestamp`` and a column per key, ordered by step then
    logging order. ``cairn.Api(url=…).run(ref).history()`` reads it."""
    info = project_run(store, project, run_id)
    table = store.history(info.id, body.keys)
    return StreamingResponse(_ipc_stream(table), media_type=ARROW_STREAM)


def _ipc_stream(table: pa.Table) -> Iterator[bytes]:
    """``table`` as an Arrow IPC stream, one chunk per record batch."""
    sink = io.BytesIO()
    options = pa.ipc.IpcWriteOptions(compression="zstd")
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        for batch in table.to_batches(max_chunksize=BATCH_ROWS):
            writer.write_batch(batch)
            yield _take(sink)
    yield _take(sink)


def _take(sink: io.BytesIO) -> bytes:
    data = sink.getvalue()
    sink.seek(0)
    sink.truncate()
    return data
