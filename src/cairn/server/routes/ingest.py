"""Logging into the server from other machines: a run's journal records, its heartbeat, its run
number, and the blobs its records name (``cairn.sync.http.HttpSink`` is the client).

Records travel as one msgpack array of journal records, gzip-compressed
(``cairn.journal.batches``), and apply exactly as a local syncer applies them: idempotent by
``seq``, a batch wholly or not at all. ``cairn server`` acknowledges a batch once it is checked
and durably queued (``store.ingest_queue``); its applier process applies it a moment later, so
readers may see it a moment after the answer. A batch that starts after a seq the store
neither applied nor queued gets 409 (``gap``), and the client sends the journal from where the
store stands.

Logging into a project that does not exist creates it, with the caller as its admin (see
``auth.access.Need.LOGGER``).
"""

from __future__ import annotations

import hashlib
import math
import os
import secrets
import tempfile
import time
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from cairn.errors import RunNotFoundError, StoreGapError
from cairn.journal.batches import (
    NEXT_AFTER,
    RECORDS_TYPE,
    RETRY_AFTER,
    BatchError,
    BatchTooLargeError,
    decode_batch,
)
from cairn.journal.records import RunStart
from cairn.server.auth import blobs as blob_access
from cairn.server.auth.access import found_if_new
from cairn.server.deps import StoreDep
from cairn.server.ingest_gate import IngestGate
from cairn.server.schemas import ApiError
from cairn.server.timing import Phases
from cairn.server.timing import phases as request_phases
from cairn.store import Store
from cairn.store.ingest_queue import IngestQueue, RunElsewhereError

router = APIRouter(tags=["ingest"])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ApiError},
    404: {"model": ApiError},
    409: {"model": ApiError},
}


class LastSeq(BaseModel):
    last_seq: int


class RunNumber(BaseModel):
    number: int


def _owned_run(store: Store, project: str, run_id: str) -> bool:
    """Whether the store has the run (in ``project``; 409 if in another one)."""
    try:
        info = store.run(run_id)
    except RunNotFoundError:
        return False
    if info.project != project:
        raise HTTPException(409, f"run {run_id!r} belongs to another project")
    return True


@router.get("/projects/{project}/runs/{run_id}/last-seq", response_model=LastSeq, responses=ERRORS)
def last_seq(
    project: str, run_id: str, request: Request, store: StoreDep, applied: bool = False
) -> dict[str, int]:
    """The last journal seq the store holds for the run (applied, or queued to be applied); 0
    when it has never seen it: a resuming client sends its journal from the next one.
    ``applied``: the last seq applied only, which readers see (a client that logged
    something it reads next waits for it)."""
    queue: IngestQueue | None = request.app.state.ingest_queue
    if queue is None or applied:
        return {"last_seq": store.last_seq(run_id) if _owned_run(store, project, run_id) else 0}
    try:
        return {"last_seq": queue.held(project, run_id)}
    except RunElsewhereError as exc:
        raise HTTPException(409, str(exc)) from None


@router.post(
    "/projects/{project}/runs/{run_id}/records",
    response_model=LastSeq,
    responses={**ERRORS, 429: {"model": ApiError}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {RECORDS_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def records(
    project: str, run_id: str, request: Request, response: Response
) -> dict[str, int]:
    """Take a batch of the run's journal records (a gzip-compressed msgpack array); answers the
    last seq the store holds. On ``cairn server`` the batch is checked, queued and acknowledged,
    and the server's applier applies it a moment later; on ``cairn ui`` it is applied here.
    The answer's ``Server-Timing`` header says where the request's time went (``timing``).

    429 when the worker holds as many batches as it takes at once (``ingest_gate``): send the
    same batch again after the seconds in the ``Cairn-Retry-After`` header. While others wait
    in line, a batch taken is answered with ``Cairn-Next-After``: the seconds after which to
    send the next one."""
    phases = request_phases(request.scope)
    phases.mark("to route")  # since the caller's check: back to the event loop, the store
    gate: IngestGate = request.app.state.ingest_gate
    wait = await gate.enter()
    if wait is not None:  # refused before its body is read: uvicorn drops the body
        raise HTTPException(
            429,
            f"the server is taking other batches; send this one again in {wait:.3f} s",
            headers={"Retry-After": str(math.ceil(wait)), RETRY_AFTER: f"{wait:.3f}"},
        )
    phases.mark("gate")
    entered = time.perf_counter()
    try:
        body = await request.body()
        phases.mark("body")
        try:  # in one thread: the request's work must not hold up the worker's other requests
            last = await run_in_threadpool(_take_batch, request, project, run_id, body, phases)
        except BatchTooLargeError as exc:
            raise HTTPException(413, str(exc)) from None
        except BatchError as exc:
            raise HTTPException(400, str(exc)) from None
        except StoreGapError as exc:
            raise HTTPException(409, f"gap: {exc}") from None
        except RunElsewhereError as exc:
            raise HTTPException(409, str(exc)) from None
    finally:
        gate.leave(time.perf_counter() - entered)
    phases.mark("back")  # the thread's result handed back to the event loop
    response.headers["Server-Timing"] = phases.header()
    pace = gate.pace()
    if pace is not None:  # others wait in line: so does this client's next batch
        response.headers[NEXT_AFTER] = f"{pace:.3f}"
    return {"last_seq": last}


def _take_batch(request: Request, project: str, run_id: str, body: bytes, phases: Phases) -> int:
    phases.mark("hop")  # waiting for a thread of the pool to run
    store: Store = request.app.state.store
    queue: IngestQueue | None = request.app.state.ingest_queue
    batch = decode_batch(body)  # before acknowledging: a malformed batch is refused, not lost
    for record in batch:
        if isinstance(record, RunStart) and (record.run_id, record.project) != (run_id, project):
            raise HTTPException(
                400,
                f"the batch starts run {record.run_id!r} of project {record.project!r}, not "
                f"{run_id!r} of {project!r}",
            )
    phases.mark("decode")
    found_if_new(request)  # the batch is taken: a new project is made now, not for a refused batch
    if queue is not None:
        return queue.enqueue(project, run_id, body, batch, mark=phases.mark)
    # 409 for a run of another project, whether or not the batch starts it: a caller may only
    # write to runs of projects they may write to
    if not _owned_run(store, project, run_id) and not isinstance(batch[0], RunStart):
        raise StoreGapError(f"the store has no run {run_id!r} yet; send the journal from its start")
    last = store.apply(run_id, batch)
    phases.mark("apply")
    return last


class StoredRunState(BaseModel):
    """What the store holds of a run, for a client that continues it without its journal (a
    job restarted on another machine: ``cairn.init(id=..., resume="allow")``)."""

    applied_seq: int
    """The last seq applied: the fields below are the run's state up to it (empty while 0)."""
    queued_seq: int
    """The last seq the store holds, queued ones included. While it is past ``applied_seq``
    the state below lacks queued records: the client asks again once they are applied."""
    name: str = ""
    created_at: float = 0.0
    config: dict[str, Any] = {}
    tags: list[str] = []
    last_step: int | None = None
    summary_state: dict[str, list[Any]] = {}
    metric_defs: list[dict[str, Any]] = []
    summary_explicit: dict[str, Any] = {}


@router.get(
    "/projects/{project}/runs/{run_id}/stored",
    response_model=StoredRunState,
    responses=ERRORS,
)
def stored_run(project: str, run_id: str, request: Request, store: StoreDep) -> dict[str, Any]:
    """What the store holds of the run, applied and queued; 404 when it holds nothing of it."""
    queue: IngestQueue | None = request.app.state.ingest_queue
    try:
        queued = queue.held(project, run_id) if queue is not None else 0
    except RunElsewhereError as exc:
        raise HTTPException(409, str(exc)) from None
    if not _owned_run(store, project, run_id):
        if queued == 0:
            raise HTTPException(404, f"no run {run_id!r} in project {project!r}")
        return {"applied_seq": 0, "queued_seq": queued}
    info = store.run(run_id)
    summary, explicit = store.summary_state(run_id)
    return {
        "applied_seq": info.last_seq,
        "queued_seq": max(queued, info.last_seq),
        "name": info.name,
        "created_at": info.created_at,
        "config": info.config,
        "tags": info.tags,
        "last_step": info.last_step,
        "summary_state": summary.state,
        "metric_defs": summary.rules,
        "summary_explicit": explicit,
    }


@router.post(
    "/projects/{project}/runs/{run_id}/heartbeat",
    status_code=204,
    response_class=Response,
    responses=ERRORS,
)
def heartbeat(project: str, run_id: str, store: StoreDep) -> Response:
    """Record that the run's process is alive (a run without beats reads as crashed)."""
    if _owned_run(store, project, run_id):
        store.heartbeat(run_id, time.time())
    return Response(status_code=204)


@router.post("/projects/{project}/run-numbers", response_model=RunNumber, responses=ERRORS)
def run_number(project: str, request: Request, store: StoreDep) -> dict[str, int]:
    """The project's next run number (for display names like ``brisk-heron-12``): a run's first
    write, which makes a new project with the caller its admin."""
    found_if_new(request)
    return {"number": store.reserve_run_number(project)}


@router.put("/blobs/{digest}", status_code=204, response_class=Response, responses=ERRORS)
async def put_blob(digest: str, request: Request, store: StoreDep) -> Response:
    """Store the bytes whose sha256 is ``digest``, streamed (never held whole in memory) and
    checked: bytes that do not hash to the digest are refused. Held bytes are not read again,
    unless the caller may not learn that they are held (``auth.blobs.may_know``): then the
    body is read and checked all the same, so the answer's time tells nothing either."""
    check_digest(digest)
    if await run_in_threadpool(known, request, store, digest):
        return Response(status_code=204)
    hasher = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(prefix="cairn-upload-")
    try:
        with os.fdopen(fd, "wb") as f:
            async for chunk in request.stream():
                hasher.update(chunk)
                f.write(chunk)
        if hasher.hexdigest() != digest:
            raise HTTPException(400, f"the bytes sent hash to {hasher.hexdigest()}, not {digest}")
        await run_in_threadpool(store.blobs.put_file, tmp)  # S3: a long upload, off the loop
    finally:
        os.unlink(tmp)
    return Response(status_code=204)


class UploadOffer(BaseModel):
    """Where to send a blob's bytes."""

    stored: bool
    """The store has them already: send nothing."""
    url: str | None = None
    """A pre-signed URL to PUT them to, straight into the object store (for an hour); null:
    PUT them to ``/blobs/{digest}``, through the server."""
    upload: str | None = None
    """The upload's name, for ``POST /blobs/{digest}/uploads/{upload}`` once they are sent."""


@router.post("/blobs/{digest}/uploads", response_model=UploadOffer, responses=ERRORS)
async def start_upload(digest: str, request: Request, store: StoreDep) -> UploadOffer:
    """Start sending the bytes of ``digest``. On an object store that signs URLs (S3), the
    answer holds a pre-signed URL to an upload key beside the blobs: the bytes go there
    without passing through the server, and become the blob only once
    ``POST /blobs/{digest}/uploads/{upload}`` has checked that they hash to ``digest``.
    ``stored`` is told only to a caller who may learn it (``auth.blobs.may_know``)."""
    check_digest(digest)
    if await run_in_threadpool(known, request, store, digest):
        return UploadOffer(stored=True)
    upload = secrets.token_urlsafe(24)
    url = await run_in_threadpool(store.blobs.signed_upload, upload)
    return UploadOffer(stored=False, url=url, upload=upload if url else None)


@router.post(
    "/blobs/{digest}/uploads/{upload}", status_code=204, response_class=Response, responses=ERRORS
)
async def finish_upload(digest: str, upload: str, store: StoreDep) -> Response:
    """Keep the bytes sent to upload ``upload`` as the blob ``digest`` if they hash to it (the
    server reads them back from the object store); the upload is removed either way."""
    check_digest(digest)
    try:
        adopted = await run_in_threadpool(store.blobs.adopt_upload, upload, digest)
    except ValueError:
        raise HTTPException(400, f"{upload[:80]!r} is not an upload name") from None
    except FileNotFoundError:
        raise HTTPException(
            404,
            f"no upload {upload!r}: start again with POST /blobs/{digest}/uploads, then PUT the "
            "bytes to the URL it answers",
        ) from None
    if not adopted:
        raise HTTPException(400, f"the bytes uploaded do not hash to {digest}; nothing was kept")
    return Response(status_code=204)


@router.head("/blobs/{digest}", status_code=200, responses=ERRORS)
def has_blob(digest: str, request: Request, store: StoreDep) -> Response:
    """200 when the store holds the bytes of ``digest``, 404 when not; on ``cairn server`` 404
    too for a caller who may not learn it (``auth.blobs.may_know``): they send the bytes."""
    check_digest(digest)
    return Response(status_code=200 if known(request, store, digest) else 404)


def known(request: Request, store: Store, digest: str) -> bool:
    """Whether the store holds ``digest`` and the caller may learn it."""
    return store.blobs.exists(digest) and blob_access.may_know(request, digest)


def check_digest(digest: str) -> None:
    """400 unless ``digest`` is a sha256 in lowercase hex."""
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise HTTPException(
            400, f"{digest[:80]!r} is not a blob digest: 64 lowercase hex characters"
        )
