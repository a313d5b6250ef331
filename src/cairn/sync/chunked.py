"""Sending a large file through the server in chunks (``cairn.server.routes.chunked`` is the
server side), where its blobs are in a folder or its S3 is out of reach from here: the server starts an upload, takes each chunk
appended at the offset the client says, and at the end keeps the bytes only if they hash to the
digest. Each chunk is streamed from the file and tried again with back-off as the parts of a
multipart upload are (``multipart.send_range``).

Resumable as the parts are: the upload's name is kept in the user's cache folder
(``multipart.state_path``) until the server has kept the blob, and a later attempt at the same
file asks the server how many bytes it holds and sends the rest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from cairn.server_client import ServerError, ok
from cairn.sync.multipart import READ_BACK, TRIES, Advance, send_range, state_path
from cairn.user_cache import save

OFFSET = "Upload-Offset"
WAY = "chunked"


def put_chunks(client: httpx.Client, digest: str, path: Path, advance: Advance) -> bool:
    """Send ``path`` (whose sha256 is ``digest``) through ``client`` (the server's) in chunks;
    True once the server keeps it as the blob. False: the server takes no chunks (its limit
    on a request is below S3's parts, or it is from before them): send it in one request.
    ServerError: the server refused the bytes, or a chunk failed ``TRIES`` times (the bytes
    sent so far are kept: the next attempt resumes)."""
    size = path.stat().st_size
    state_file = state_path(str(client.base_url), digest, WAY)
    state = _read_state(state_file, size)
    held = None if state is None else _held(client, digest, state["upload"])
    if state is None or held is None:  # none under way, or removed since (`cairn gc`)
        answer = client.post(f"/blobs/{digest}/chunked")
        if answer.status_code in (404, 405):  # a server from before chunked uploads
            return False
        offer = ok(answer).json()
        if offer["stored"]:
            advance(size)
            return True
        if offer["upload"] is None:
            return False
        state = {"upload": offer["upload"], "chunk_size": int(offer["chunk_size"])}
        save(state_file, json.dumps({**state, "size": size}))  # unsaved: resumes from 0
        held = 0
    url = f"/blobs/{digest}/chunked/{state['upload']}"
    advance(held)
    while held < size:
        length = min(state["chunk_size"], size - held)
        try:
            answer = send_range(client, url, path, held, length, advance, {"offset": held})
        except httpx.TransportError as exc:
            raise ServerError(
                f"{path}: a chunk could not reach the server in {TRIES} tries ({exc}); upload "
                f"it again: the {held} bytes sent are kept"
            ) from exc
        if answer.status_code == 409 and OFFSET in answer.headers:  # it holds other bytes
            now = _offset(answer.headers[OFFSET], size)
            advance(now - held)
            held = now
            continue
        held = int(ok(answer).json()["size"])
    finished = client.post(  # the server reads the whole file to check it
        f"{url}/complete", timeout=max(READ_BACK * size, client.timeout.read or 0.0)
    )
    if finished.status_code < 500:  # kept, refused or gone: the upload is over either way
        state_file.unlink(missing_ok=True)
    ok(finished)
    return True


def _held(client: httpx.Client, digest: str, upload: str) -> int | None:
    """The bytes the server holds of ``upload``; None: it holds no such upload."""
    answer = client.head(f"/blobs/{digest}/chunked/{upload}")
    if answer.status_code == 404:
        return None
    return _offset(ok(answer).headers.get(OFFSET, ""), None)


def _offset(value: str, size: int | None) -> int:
    """The ``Upload-Offset`` the server answered, checked (at most ``size``)."""
    if not value.isdigit() or (size is not None and int(value) > size):
        raise ServerError(f"the server answered {OFFSET} {value[:40]!r}, not a byte of the file")
    return int(value)


def _read_state(path: Path, size: int) -> dict[str, Any] | None:
    """The upload under way for this file, if one is kept for the same size."""
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("size") != size:
        return None
    if not isinstance(state.get("upload"), str) or not isinstance(state.get("chunk_size"), int):
        return None
    return state if state["chunk_size"] > 0 else None
