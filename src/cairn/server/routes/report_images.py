"""``/projects/{project}/reports/images``: images uploaded into a project's reports (picture
blocks). Editors upload the bytes (the raw body; checked by ``cairn.reports.picture``: PNG,
JPEG, GIF or WebP, no polyglot, size limits); the project's readers fetch them back, only
through the project that has them, with the stored image type, ``nosniff`` and a sandboxing
Content-Security-Policy."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from cairn.reports import picture
from cairn.server.deps import StoreDep
from cairn.server.downloads import blob_response
from cairn.server.schemas import ApiError
from cairn.store import Store
from cairn.store.report_images import ReportImage, find_image, keep_image

router = APIRouter(tags=["reports"])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ApiError},
    404: {"model": ApiError},
    413: {"model": ApiError},
    415: {"model": ApiError},
    422: {"model": ApiError},
}
STATUS = {"size": 413, "type": 415, "content": 422}
"""The answer to each reason ``picture.check`` refuses bytes for."""


class UploadedImage(BaseModel):
    blob: str = Field(description="the image's sha256: a picture block's blob")
    media_type: str = Field(description="image/png, image/jpeg, image/gif or image/webp")
    width: int
    height: int


@router.post(
    "/projects/{project}/reports/images",
    response_model=UploadedImage,
    status_code=201,
    responses=ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        }
    },
)
async def upload_image(project: str, request: Request, store: StoreDep) -> dict[str, Any]:
    """Store an image for the project's reports: the request's body is the file (a PNG, JPEG,
    GIF or WebP, told by its bytes, not its name or Content-Type). 413 past 16 MiB or 40
    megapixels, 415 for other files (SVG, HTML...), 422 for a damaged image or one that is
    also something else (a polyglot). Then save a picture block with the blob it returns."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > picture.MAX_BYTES:
        raise HTTPException(413, str(picture.too_many_bytes(f"the image is {declared} bytes")))
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > picture.MAX_BYTES:
            more = f"the image is more than {picture.MAX_BYTES:,} bytes"
            raise HTTPException(413, str(picture.too_many_bytes(more)))
    image = await run_in_threadpool(_keep, store, project, bytes(data))
    return {
        "blob": image.digest,
        "media_type": image.media_type,
        "width": image.width,
        "height": image.height,
    }


def _keep(store: Store, project: str, data: bytes) -> ReportImage:
    store.project(project)  # 404 for a project that is not there
    try:
        checked = picture.check(data)
    except picture.PictureError as exc:
        raise HTTPException(STATUS[exc.reason], str(exc)) from None
    keep_image(store, project, checked.image, checked.data)
    return checked.image


@router.get("/projects/{project}/reports/images/{image}", responses=ERRORS, response_class=Response)
def read_image(project: str, image: str, store: StoreDep) -> Response:
    """An image uploaded into the project's reports (``image``: its sha256), with its stored
    type; 404 for one this project does not have, even when another project does."""
    if not (len(image) == 64 and all(c in "0123456789abcdef" for c in image)):
        raise HTTPException(400, f"{image[:80]!r} is not an image's sha256: 64 hex characters")
    found = find_image(store, project, image)
    headers = {
        "Cache-Control": "private, max-age=31536000, immutable",
        "ETag": f'"{found.digest}"',
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": "inline",
        # opened on its own, the image is a sandboxed page that may load nothing but itself
        "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self'",
    }
    if not store.blobs.exists(found.digest):
        raise HTTPException(404, f"the image {found.digest} is missing from the store's blobs")
    return blob_response(store.blobs, found.digest, found.media_type, headers)
