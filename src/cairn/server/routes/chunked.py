"""Large blobs through the server, in chunks that resume (``cairn.sync.chunked`` is the client):
for a store in a local folder, where no object store takes the bytes itself, and for a client
that cannot reach the server's S3 (each chunk a part the server sends). The server starts
an upload, appends each chunk at the offset the client says (409 and the size held for any
other), tells how many bytes it holds (``HEAD``), and at the end keeps the bytes as the blob
only if they hash to the digest (``BlobStore.adopt_upload``): the client's word is never taken.
Chunks are bounded by the server's request size limit (``security.max_body``)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from cairn.server.deps import StoreDep
from cairn.server.routes.ingest import ERRORS, check_digest, known
from cairn.server.schemas import ApiError
from cairn.server.security import max_body
from cairn.store import Store, chunked
from cairn.store.blobs import upload_name

router = APIRouter(tags=["ingest"])
CHUNK_SIZE = 16 * 1024 * 1024
"""Bytes a chunk, at most (and at most the server's request size limit)."""
S3_SMALLEST = 5 * 1024 * 1024
"""S3's smallest part but the last: a server whose request size limit is lower offers no chunks
on S3."""
OFFSET = "Upload-Offset"
"""The header that tells the bytes an upload holds."""
LARGEST = 2**53
"""Offsets past this are not sizes of files (JSON's exact integers)."""


class ChunkedOffer(BaseModel):
    """An upload in chunks started for a blob, or why none was."""

    stored: bool
    """The store has the bytes already: send nothing."""
    upload: str | None = None
    """The upload's name; null (and ``stored`` false): this server takes no chunked uploads,
    PUT the bytes to ``/blobs/{digest}``."""
    chunk_size: int
    """The most bytes a chunk may hold."""


class Held(BaseModel):
    size: int
    """The bytes the upload holds: send the next chunk from there."""


@router.post("/blobs/{digest}/chunked", response_model=ChunkedOffer, responses=ERRORS)
async def start_chunked(digest: str, request: Request, store: StoreDep) -> ChunkedOffer:
    """Start sending the bytes of ``digest`` in chunks through the server. ``stored`` is told
    only to a caller who may learn it (``auth.blobs.may_know``)."""
    check_digest(digest)
    size = min(CHUNK_SIZE, max_body())
    if await run_in_threadpool(known, request, store, digest):
        return ChunkedOffer(stored=True, chunk_size=size)
    if not chunked.supported(store.blobs) or (not store.blobs.is_local and size < S3_SMALLEST):
        return ChunkedOffer(stored=False, chunk_size=size)
    upload = secrets.token_urlsafe(24)
    await run_in_threadpool(chunked.start, store.blobs, upload)
    return ChunkedOffer(stored=False, upload=upload, chunk_size=size)


@router.head("/blobs/{digest}/chunked/{upload}", status_code=200, responses=ERRORS)
def chunked_held(digest: str, upload: str, store: StoreDep) -> Response:
    """The bytes the upload holds, in the ``Upload-Offset`` header; 404: no such upload."""
    check_digest(digest)
    with _errors(store, upload):
        held = chunked.held(store.blobs, upload)
    return Response(status_code=200, headers={OFFSET: str(held)})


@router.put(
    "/blobs/{digest}/chunked/{upload}",
    response_model=Held,
    responses={**ERRORS, 413: {"model": ApiError}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        }
    },
)
async def put_chunk(
    digest: str,
    upload: str,
    offset: Annotated[int, Query(ge=0, le=LARGEST)],
    request: Request,
    store: StoreDep,
) -> Held:
    """Append the body to the upload if it holds ``offset`` bytes; 409 (and the bytes it holds,
    in the ``Upload-Offset`` header) if it holds another number. The body is at most the
    ``chunk_size`` the upload was started with."""
    check_digest(digest)
    with _errors(store, upload):
        data = await request.body()  # bounded by the request size limit (security)
        held = await run_in_threadpool(chunked.append, store.blobs, upload, offset, data)
    return Held(size=held)


@router.post(
    "/blobs/{digest}/chunked/{upload}/complete",
    status_code=204,
    response_class=Response,
    responses=ERRORS,
)
async def complete_chunked(digest: str, upload: str, store: StoreDep) -> Response:
    """Keep the bytes the upload holds as the blob ``digest`` only if they hash to it; otherwise
    400, and nothing is kept. The upload is removed either way."""
    check_digest(digest)
    with _errors(store, upload):
        adopted = await run_in_threadpool(chunked.finish, store.blobs, upload, digest)
    if not adopted:
        raise HTTPException(400, f"the bytes uploaded do not hash to {digest}; nothing was kept")
    return Response(status_code=204)


@contextmanager
def _errors(store: Store, upload: str) -> Iterator[None]:
    """The failures of work on upload ``upload`` as answers: 400 (not an upload name), 404 (no
    such upload, or a store that takes none), 409 (a chunk for another offset)."""
    if not chunked.supported(store.blobs):
        raise HTTPException(404, "this server's blobs are neither in a folder nor on S3: no chunks")
    try:
        upload_name(upload)
        yield
    except chunked.OffsetError as exc:
        raise HTTPException(409, str(exc), headers={OFFSET: str(exc.held)}) from None
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    except FileNotFoundError:
        raise HTTPException(
            404,
            f"no upload {upload[:80]!r} (completed, or removed by `cairn gc`): start again with "
            "POST /blobs/<sha256>/chunked",
        ) from None
