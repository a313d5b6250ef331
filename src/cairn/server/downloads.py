"""Sending stored bytes: a blob streamed from the BlobStore (a local file with ranges, else in
chunks), never read whole into memory; and attachment names in any language as one safe header."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from urllib.parse import quote

from fastapi.responses import FileResponse, Response, StreamingResponse

from cairn.store.blobs import BlobStore

CHUNK = 1024 * 1024
_UNSAFE = set('"\\;%')


def blob_response(
    blobs: BlobStore, digest: str, media_type: str, headers: Mapping[str, str]
) -> Response:
    """The blob ``digest`` as the response body, in chunks of a MiB; a local blob also answers
    ``Range`` requests (206)."""
    path = blobs.local_path(digest)
    if path is not None:
        response = FileResponse(path, media_type=media_type, headers=dict(headers))
        response.chunk_size = CHUNK
        return response
    stream = blobs.open(digest)

    def chunks() -> Iterator[bytes]:
        with stream:
            while chunk := stream.read(CHUNK):
                yield chunk

    sized = {**headers, "Content-Length": str(blobs.size(digest))}
    return StreamingResponse(chunks(), media_type=media_type, headers=sized)


def attachment(filename: str) -> str:
    """``Content-Disposition`` for a download named ``filename`` (RFC 6266): the exact name as
    UTF-8 in ``filename*``, and an ASCII ``filename`` for old clients, with accents dropped and
    anything else (quotes, ``;``, control characters, other scripts) as ``_``; a plain ASCII
    name is sent as it is."""
    fallback = _ascii(filename)
    if fallback == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _ascii(filename: str) -> str:
    out = []
    for char in filename:
        plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        plain = "".join(c for c in plain if c.isprintable() and c not in _UNSAFE)
        out.append(plain or "_")
    return "".join(out) or "download"
