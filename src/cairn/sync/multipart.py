"""Sending a large file to a team server on S3 in parts (``cairn.server.routes.multipart`` is
the server side): the server starts an S3 multipart upload and signs a URL per part; this
client PUTs the parts straight to the object store, ``PARALLEL`` at a time, each streamed from
the file (never the whole file in memory) and tried again with back-off when it fails; then the
server joins them and checks the whole object against the digest.

Resumable: the upload's name and id are kept in the user's cache folder
(``uploads/<sha256 of server and digest>.json``) until the server has kept the blob, and a
later attempt at the same file (the process was killed, the network dropped) asks the server
which parts S3 holds and sends only the others.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from cairn.server_client import ServerError, ok
from cairn.user_cache import save, user_cache

log = logging.getLogger("cairn.sync")

THRESHOLD = 64 * 1024 * 1024
"""Files of at least this many bytes go in parts (smaller ones in one PUT)."""
PART_SIZE = 16 * 1024 * 1024
"""Bytes a part (S3: at least 5 MiB but the last, at most 10,000 parts: larger files get
larger parts)."""
PARALLEL = 4
"""Parts sent at once."""
WINDOW = 64
"""Parts whose URLs are asked for at once (each URL lives an hour)."""
TRIES = 5
"""Attempts at a part before the upload stops (to resume at the next attempt at the file)."""
BACKOFF = 0.5
"""Seconds before the second attempt at a part, doubled each time."""
READ_BACK = 1 / (2 * 1024 * 1024)
"""Seconds a byte the client allows the server to check the whole object (it reads it back from
S3): a bound, not a wait (2 MiB/s: slow, so that only a stalled check times out)."""
CHUNK = 1024 * 1024
MiB = 1024 * 1024

Advance = Callable[[int], None]


def part_size(size: int) -> int:
    """The part size for a file of ``size`` bytes: ``PART_SIZE``, or whole MiBs enough to stay
    within S3's 10,000 parts."""
    return max(PART_SIZE, math.ceil(size / 10_000 / MiB) * MiB)


def state_path(server: str, digest: str, way: str = "") -> Path:
    """Where the state of the upload of ``digest`` to ``server`` is kept while it is under way
    (``way``: "" in parts, ``chunked`` through the server)."""
    text = f"{server}\n{digest}" + (f"\n{way}" if way else "")  # "": the keys of before
    key = hashlib.sha256(text.encode()).hexdigest()
    return user_cache() / "cairn" / "uploads" / f"{key}.json"


def put_parts(client: httpx.Client, digest: str, path: Path, advance: Advance) -> bool:
    """Send ``path`` (whose sha256 is ``digest``) in parts through ``client`` (the server's);
    True once the server keeps it as the blob. False: the server takes no multipart uploads, or
    the object store cannot be reached from here (send the bytes through the server).
    ServerError: the server refused the bytes, or a part failed ``TRIES`` times (the parts sent
    so far are kept: the next attempt resumes)."""
    size = path.stat().st_size
    each = part_size(size)
    count = max(1, math.ceil(size / each))
    state_file = state_path(str(client.base_url), digest)
    state = _read_state(state_file, size, each)
    resumed = state is not None
    if state is None:
        offer = ok(client.post(f"/blobs/{digest}/multipart")).json()
        if offer["stored"]:
            advance(size)
            return True
        if offer["upload"] is None:
            return False
        state = {"upload": offer["upload"], "upload_id": offer["upload_id"]}
        # unsaved (no writable cache): an upload cut off starts again from its first part
        save(state_file, json.dumps({**state, "size": size, "part_size": each}))
    base = f"/blobs/{digest}/multipart/{state['upload']}"
    sent_any = False
    # a client of its own: the API key is for the server, never the object store
    with httpx.Client(timeout=client.timeout) as store:
        for first in range(1, count + 1, WINDOW):
            numbers = list(range(first, min(first + WINDOW, count + 1)))
            answer = client.post(
                f"{base}/parts", json={"upload_id": state["upload_id"], "numbers": numbers}
            )
            if answer.status_code == 404 and resumed:  # removed since (`cairn gc`): afresh
                state_file.unlink(missing_ok=True)
                return put_parts(client, digest, path, advance)
            offer = ok(answer).json()
            held = {
                p["number"] for p in offer["held"] if p["size"] == _length(p["number"], each, size)
            }
            for number in held:
                advance(_length(number, each, size))
            sent_any = sent_any or bool(held)
            todo = [(u["number"], u["url"]) for u in offer["urls"] if u["number"] not in held]
            try:
                with ThreadPoolExecutor(PARALLEL, thread_name_prefix="cairn-part") as pool:
                    for _ in pool.map(
                        lambda job: _put_part(store, job[1], path, job[0], each, size, advance),
                        todo,
                    ):
                        sent_any = True
            except httpx.TransportError as exc:
                if sent_any:
                    raise ServerError(
                        f"{path}: a part could not reach the object store in {TRIES} tries "
                        f"({exc}); upload it again: the parts sent are kept",
                    ) from exc
                log.info(
                    "cairn: the object store is out of reach (%s); uploading via the server", exc
                )
                state_file.unlink(missing_ok=True)  # `cairn gc` removes the upload
                return False
        finished = client.post(  # the server reads the whole file back from S3 to check it
            f"{base}/complete",
            json={"upload_id": state["upload_id"]},
            timeout=max(READ_BACK * size, client.timeout.read or 0.0),
        )
    if finished.status_code < 500:  # kept, refused or gone: the upload is over either way
        state_file.unlink(missing_ok=True)
    ok(finished)
    return True


def _put_part(
    store: httpx.Client, url: str, path: Path, number: int, each: int, size: int, advance: Advance
) -> None:
    """PUT part ``number`` to its URL (``send_range``). Raises the last failure
    (TransportError, or ServerError for an answer that refuses it)."""
    length = _length(number, each, size)
    answer = send_range(store, url, path, (number - 1) * each, length, advance)
    if not answer.is_success:
        raise ServerError(
            f"the object store refused part {number} of {path} "
            f"({answer.status_code} {answer.text[:200]})",
            answer.status_code,
        )


def send_range(
    client: httpx.Client,
    url: str,
    path: Path,
    offset: int,
    length: int,
    advance: Advance,
    params: dict[str, int] | None = None,
) -> httpx.Response:
    """PUT ``length`` bytes of ``path`` from ``offset`` to ``url``, streamed; tried again with
    back-off (``TRIES``, ``BACKOFF``) when the connection fails or the answer is 5xx. Returns
    the answer that ends the tries (a success, a refusal, or the last 5xx); ``advance`` counts
    the bytes of a success only. Raises the last TransportError."""
    for attempt in range(TRIES):
        moved = 0

        def counted() -> Iterator[bytes]:
            nonlocal moved
            for chunk in _read(path, offset, length):
                moved += len(chunk)
                advance(len(chunk))
                yield chunk

        try:
            answer = client.put(
                url, params=params, content=counted(), headers={"Content-Length": str(length)}
            )
        except httpx.TransportError:
            advance(-moved)
            if attempt == TRIES - 1:
                raise
        else:
            if answer.is_success:
                return answer
            advance(-moved)
            if answer.status_code < 500 or attempt == TRIES - 1:
                return answer
        time.sleep(BACKOFF * 2**attempt)
    raise AssertionError("unreachable: the last try returns or raises")


def _length(number: int, each: int, size: int) -> int:
    return max(0, min(each, size - (number - 1) * each))


def _read(path: Path, offset: int, length: int) -> Iterator[bytes]:
    with open(path, "rb") as f:
        f.seek(offset)
        while length > 0 and (chunk := f.read(min(CHUNK, length))):
            length -= len(chunk)
            yield chunk


def _read_state(path: Path, size: int, each: int) -> dict[str, Any] | None:
    """The upload under way for this file, if one is kept with the same size and part size."""
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("size") != size or state.get("part_size") != each:
        return None
    if not isinstance(state.get("upload"), str) or not isinstance(state.get("upload_id"), str):
        return None
    return state
