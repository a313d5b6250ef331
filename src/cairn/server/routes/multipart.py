"""Large blobs in parts, straight into S3 (``cairn.sync.multipart`` is the client): the server
starts an S3 multipart upload, signs a URL per part, tells which parts S3 already holds (so an
upload cut off resumes from them), and at the end joins the parts and checks that the whole
object hashes to the digest before it becomes the blob (``BlobStore.adopt_upload``): the
client's word is never taken. A store that is not on S3 offers no upload: the client sends the
bytes through ``PUT /blobs/{digest}``."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Body, HTTPException, Request, Response
from pydantic import BaseModel, Field

from cairn.server.deps import StoreDep
from cairn.server.routes.ingest import ERRORS, check_digest, known
from cairn.store import Store, multipart
from cairn.store.blobs import BlobStore

T = TypeVar("T")

router = APIRouter(tags=["ingest"])
MAX_SIGNED = 1000
"""Part URLs signed by one request (a client asks for the next ones as it goes: each URL lives
an hour)."""

UploadId = Annotated[str, Field(max_length=1024, pattern=multipart.UPLOAD_ID.pattern)]
PartNumber = Annotated[int, Field(ge=1, le=multipart.MAX_PARTS)]


class MultipartOffer(BaseModel):
    """A multipart upload started for a blob, or why none was."""

    stored: bool
    """The store has the bytes already: send nothing."""
    upload: str | None = None
    """The upload's name; null (and ``stored`` false): the store takes no multipart uploads,
    PUT the bytes to ``/blobs/{digest}``."""
    upload_id: str | None = None
    """S3's id of the upload, to send with every later request about it."""


class PartsWanted(BaseModel):
    upload_id: UploadId
    numbers: list[PartNumber] = Field(max_length=MAX_SIGNED)
    """The parts to send next."""


class HeldPart(BaseModel):
    number: int
    size: int


class PartUrl(BaseModel):
    number: int
    url: str


class PartsOffer(BaseModel):
    held: list[HeldPart]
    """The parts asked for that S3 holds already, with their sizes: no need to send them
    again."""
    urls: list[PartUrl]
    """A pre-signed ``PUT`` URL (an hour) for each part asked for."""


class Finish(BaseModel):
    upload_id: UploadId


@router.post("/blobs/{digest}/multipart", response_model=MultipartOffer, responses=ERRORS)
def start_multipart(digest: str, request: Request, store: StoreDep) -> MultipartOffer:
    """Start sending the bytes of ``digest`` in parts, straight into the object store.
    ``stored`` is told only to a caller who may learn it (``auth.blobs.may_know``)."""
    check_digest(digest)
    if known(request, store, digest):
        return MultipartOffer(stored=True)
    if not multipart.supported(store.blobs):
        return MultipartOffer(stored=False)
    upload = secrets.token_urlsafe(24)
    return MultipartOffer(
        stored=False, upload=upload, upload_id=multipart.start(store.blobs, upload)
    )


@router.post(
    "/blobs/{digest}/multipart/{upload}/parts", response_model=PartsOffer, responses=ERRORS
)
def sign_parts(
    digest: str, upload: str, wanted: Annotated[PartsWanted, Body()], store: StoreDep
) -> dict[str, Any]:
    """A URL for each part asked for, and which of them S3 holds already."""
    check_digest(digest)
    asked = set(wanted.numbers)
    held = [p for p in _call(multipart.parts, store, upload, wanted.upload_id) if p.number in asked]
    urls = [
        {"number": n, "url": multipart.sign_part(store.blobs, upload, wanted.upload_id, n)}
        for n in sorted(asked)
    ]
    return {"held": [{"number": p.number, "size": p.size} for p in held], "urls": urls}


@router.post(
    "/blobs/{digest}/multipart/{upload}/complete",
    status_code=204,
    response_class=Response,
    responses=ERRORS,
)
def complete_multipart(
    digest: str, upload: str, finish: Annotated[Finish, Body()], store: StoreDep
) -> Response:
    """Join the parts, and keep the result as the blob ``digest`` only if it hashes to it (read
    back from the object store); otherwise 400, and nothing is kept."""
    check_digest(digest)
    _call(multipart.complete, store, upload, finish.upload_id)
    if not store.blobs.adopt_upload(upload, digest):
        raise HTTPException(400, f"the bytes uploaded do not hash to {digest}; nothing was kept")
    return Response(status_code=204)


def _call(
    action: Callable[[BlobStore, str, str], T], store: Store, upload: str, upload_id: str
) -> T:
    """``action(blobs, upload, upload_id)``, its failures as 400 (bad names, parts S3 refused)
    or 404 (no such upload)."""
    if not multipart.supported(store.blobs):
        raise HTTPException(404, "this server's blobs are not on S3: it takes no multipart uploads")
    try:
        return action(store.blobs, upload, upload_id)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    except FileNotFoundError:
        raise HTTPException(
            404,
            f"no multipart upload {upload[:80]!r} with that id (completed, aborted, or removed by "
            "`cairn gc`): start again with POST /blobs/<sha256>/multipart",
        ) from None
