"""The HTTP sink: a run's journal records and blobs, shipped to a team server (``cairn
server``) instead of a local store. The server side is ``cairn.server.routes.ingest``.

The runs of a process share one keep-alive client (httpx) a server. Records go as a
gzip-compressed msgpack array, so a batch of 5,000 history rows is one request; a batch the
server has already applied changes nothing (idempotent by ``seq``), so a retry after a lost
answer is safe. Blobs are checked
(``HEAD``) before they are sent, and files are streamed, never held whole in memory: straight
into the object store through a pre-signed URL when the server's blobs are on S3 (the server
checks them before they become blobs), else through the server (a large file in chunks that
resume: ``cairn.sync.chunked``). Every
failure raises: the syncer retries with back-off, and the journal keeps everything meanwhile.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from cairn.errors import ServerBusyError, StoreGapError
from cairn.journal.batches import NEXT_AFTER, RETRY_AFTER, encode_batch
from cairn.journal.batches import RECORDS_TYPE as RECORDS_TYPE
from cairn.journal.records import Record
from cairn.server_client import message, ok, shared_client
from cairn.server_login import Login
from cairn.sync import chunked, multipart
from cairn.sync.multipart import Advance

log = logging.getLogger("cairn.sync")
CHUNK = 1024 * 1024


class HttpSink:
    """A ``Sink`` (see ``cairn.sync.sink``) on a team server, for the runs of one project."""

    def __init__(self, login: Login, project: str, *, timeout: float = 30.0) -> None:
        self.login = login
        self.project = project
        self.timings: deque[float] = deque(maxlen=10_000)
        """Seconds each batch's request took, sent to answered, encoding not included (the
        last 10,000 the server took; ``make bench``)."""
        self.refusals: deque[float] = deque(maxlen=10_000)
        """The same for the requests the server refused as busy (429)."""
        self.taken_after: deque[float] = deque(maxlen=10_000)
        """Seconds from a batch's first request until the server took it: its waits to be
        taken (``timings`` plus the refusals and the waits between them)."""
        self.phases: deque[dict[str, float]] = deque(maxlen=1_000)
        """Where the last 1,000 requests' time went (a dict each: under 1 MB in all): ``sent``
        (epoch seconds), ``took`` (as in ``timings``), then the server's ``Server-Timing``
        metrics (``arrived`` in epoch seconds, each phase in seconds)."""
        self.client = shared_client(login, timeout=timeout)
        self._encoded: tuple[tuple[str, int, int, int], bytes, float] | None = None
        """The batch being sent: which records, its body, when it was first sent; kept until
        the server takes it (a batch sent again is not encoded again)."""
        self._not_before = 0.0
        """When the server said the next batch may go (``time.monotonic()``)."""
        self.direct = True
        """Try pre-signed uploads straight into the object store (off once they fail)."""

    def _run(self, run_id: str, what: str) -> str:
        return f"/projects/{quote(self.project, safe='')}/runs/{quote(run_id, safe='')}/{what}"

    def apply(self, run_id: str, records: Sequence[Record]) -> int:
        """Send a batch; ServerBusyError when the server says to send it later: it refused
        it as busy, or said, taking the last one, when to send the next."""
        early = self._not_before - time.monotonic()
        if early > 0:
            raise ServerBusyError("waiting for this client's place in the server's line", early)
        which = (run_id, records[0].seq, records[-1].seq, len(records))
        if self._encoded is None or self._encoded[0] != which:
            self._encoded = (which, encode_batch(records), time.perf_counter())
        _, body, first = self._encoded
        sent, started = time.time(), time.perf_counter()
        response = self.client.post(
            self._run(run_id, "records"), content=body, headers={"Content-Type": RECORDS_TYPE}
        )
        took = time.perf_counter() - started
        busy = response.headers.get(RETRY_AFTER) if response.status_code == 429 else None
        if busy is not None:
            self.refusals.append(took)
            raise ServerBusyError(message(response), _seconds(busy))
        self.timings.append(took)
        timing = response.headers.get("server-timing")
        if timing is not None:
            self.phases.append({"sent": sent, "took": took, **server_timing(timing)})
        if response.status_code == 409 and "gap" in response.text:
            raise StoreGapError(message(response))
        last = int(ok(response).json()["last_seq"])
        pace = response.headers.get(NEXT_AFTER)
        self._not_before = 0.0 if pace is None else time.monotonic() + _seconds(pace)
        self._encoded = None
        self.taken_after.append(time.perf_counter() - first)
        return last

    def last_seq(self, run_id: str) -> int:
        return int(ok(self.client.get(self._run(run_id, "last-seq"))).json()["last_seq"])

    def stored_run(self, run_id: str) -> dict[str, Any] | None:
        """What the server holds of the run (``routes.ingest.StoredRunState``); None: nothing."""
        response = self.client.get(self._run(run_id, "stored"))
        if response.status_code == 404:
            return None
        state: dict[str, Any] = ok(response).json()
        return state

    def heartbeat(self, run_id: str, at: float | None = None) -> None:
        ok(self.client.post(self._run(run_id, "heartbeat")))

    def reserve_run_number(self, project: str, timeout: float | None = None) -> int:
        path = f"/projects/{quote(project, safe='')}/run-numbers"
        response = self.client.post(path, timeout=timeout or self.client.timeout)
        return int(ok(response).json()["number"])

    def has_blob(self, digest: str) -> bool:
        response = self.client.head(f"/blobs/{digest}")
        if response.status_code == 404:
            return False
        ok(response)
        return True

    def put_blob(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        ok(self.client.put(f"/blobs/{digest}", content=data))
        return digest

    def put_blob_file(self, path: str | os.PathLike[str], advance: Advance | None = None) -> str:
        """Send a file's bytes, hashed in one pass and sent in a second, streamed: straight
        into the object store when the server hands out pre-signed upload URLs (S3), in parts
        for a file of ``multipart.THRESHOLD`` bytes or more (resumable), else through the
        server (in chunks from that size, resumable).
        ``advance(n)`` is told of the bytes as they go."""
        hasher = hashlib.sha256()
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK):
                hasher.update(chunk)
        digest = hasher.hexdigest()
        file, size = Path(path), os.path.getsize(path)
        advance = advance or _ignore
        if self.direct and size >= multipart.THRESHOLD:
            if multipart.put_parts(self.client, digest, file, advance):
                return digest
            self.direct = False
        elif self.direct and self._put_direct(digest, file):
            advance(size)
            return digest
        if size >= multipart.THRESHOLD and chunked.put_chunks(self.client, digest, file, advance):
            return digest
        ok(self.client.put(f"/blobs/{digest}", content=_chunks(file, advance)))
        return digest

    def _put_direct(self, digest: str, path: Path) -> bool:
        """True: the bytes went to the object store and the server kept them as ``digest``.
        False: send them through the server (it cannot sign uploads, or the object store is
        out of reach: the next files then go through the server at once)."""
        response = self.client.post(f"/blobs/{digest}/uploads")
        if response.status_code in (404, 405):  # a server from before direct uploads
            self.direct = False
            return False
        offer = ok(response).json()
        if offer["stored"]:
            return True
        if not offer["url"]:
            self.direct = False
            return False
        size = str(path.stat().st_size)
        try:  # a client of its own: the API key is for the server, never the object store
            sent = httpx.put(
                offer["url"],
                content=_chunks(path),
                headers={"Content-Length": size},
                timeout=self.client.timeout,
            )
        except httpx.TransportError as exc:
            log.info("cairn: the object store is out of reach (%s); uploading via the server", exc)
            self.direct = False
            return False
        if sent.status_code >= 300:
            log.info("cairn: the object store refused an upload (%s)", sent.status_code)
            self.direct = False
            return False
        ok(self.client.post(f"/blobs/{digest}/uploads/{offer['upload']}"))
        return True


def _seconds(value: str) -> float:
    """A ``Cairn-Retry-After`` value; a value that is not a number reads as one second."""
    try:
        seconds = float(value)
    except ValueError:
        return 1.0
    return min(max(seconds, 0.0), 60.0) if seconds == seconds else 1.0


def server_timing(value: str) -> dict[str, float]:
    """A ``Server-Timing`` header's metrics: each ``dur`` in seconds, and ``arrived`` (the
    epoch seconds in its ``desc``; see ``cairn.server.timing``). Other metrics are left out."""
    found: dict[str, float] = {}
    for metric in value.split(","):
        name, *params = (part.strip() for part in metric.split(";"))
        for param in params:
            key, _, raw = (part.strip() for part in param.partition("="))
            try:
                number = float(raw.strip('"'))
            except ValueError:
                continue
            if key == "dur":
                found[name] = number / 1000
            elif key == "desc" and name == "arrived":
                found[name] = number
    return found


def _ignore(n: int) -> None:
    pass


def _chunks(path: Path, advance: Advance = _ignore) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            advance(len(chunk))
            yield chunk
