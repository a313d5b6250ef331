"""The HTTP sink: a run's journal records and blobs, shipped to a team server (``cairn
server``) instead of a local store. The server side is ``cairn.server.routes.ingest``.

One keep-alive connection (httpx) per run. Records go as a gzip-compressed msgpack array, so a
batch of 5,000 history rows is one request; a batch the server has already applied changes
nothing (idempotent by ``seq``), so a retry after a lost answer is safe. Blobs are checked
(``HEAD``) before they are sent, and files are streamed, never held whole in memory. Every
failure raises: the syncer retries with back-off, and the journal keeps everything meanwhile.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import time
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import msgspec

from cairn._version import __version__
from cairn.errors import CairnError, StoreGapError
from cairn.journal.records import Record
from cairn.server_login import Login

RECORDS_TYPE = "application/x-cairn-records"
CHUNK = 1024 * 1024


class ServerError(CairnError):
    """The server refused or failed a request; the message is the server's."""


class HttpSink:
    """A ``Sink`` (see ``cairn.sync.sink``) on a team server, for the runs of one project."""

    def __init__(self, login: Login, project: str, *, timeout: float = 30.0) -> None:
        self.login = login
        self.project = project
        self.timings: deque[float] = deque(maxlen=10_000)
        """Seconds each batch's request took, sent to answered, encoding not included (the
        last 10,000; ``make bench``)."""
        self.client = httpx.Client(
            base_url=f"{login.url}/api/v1",
            headers={"Authorization": f"Bearer {login.key}", "User-Agent": f"cairn/{__version__}"},
            timeout=timeout,
        )

    def close(self) -> None:
        self.client.close()

    def _run(self, run_id: str, what: str) -> str:
        return f"/projects/{quote(self.project, safe='')}/runs/{quote(run_id, safe='')}/{what}"

    def apply(self, run_id: str, records: Sequence[Record]) -> int:
        body = gzip.compress(msgspec.msgpack.encode(list(records)), compresslevel=5)
        started = time.perf_counter()
        response = self.client.post(
            self._run(run_id, "records"), content=body, headers={"Content-Type": RECORDS_TYPE}
        )
        self.timings.append(time.perf_counter() - started)
        if response.status_code == 409 and "gap" in response.text:
            raise StoreGapError(_message(response))
        return int(_ok(response).json()["last_seq"])

    def last_seq(self, run_id: str) -> int:
        return int(_ok(self.client.get(self._run(run_id, "last-seq"))).json()["last_seq"])

    def heartbeat(self, run_id: str, at: float | None = None) -> None:
        _ok(self.client.post(self._run(run_id, "heartbeat")))

    def reserve_run_number(self, project: str, timeout: float | None = None) -> int:
        path = f"/projects/{quote(project, safe='')}/run-numbers"
        response = self.client.post(path, timeout=timeout or self.client.timeout)
        return int(_ok(response).json()["number"])

    def has_blob(self, digest: str) -> bool:
        response = self.client.head(f"/blobs/{digest}")
        if response.status_code == 404:
            return False
        _ok(response)
        return True

    def put_blob(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        _ok(self.client.put(f"/blobs/{digest}", content=data))
        return digest

    def put_blob_file(self, path: str | os.PathLike[str]) -> str:
        """Send a file's bytes in 1 MiB chunks: hashed in one pass, sent in a second."""
        hasher = hashlib.sha256()
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK):
                hasher.update(chunk)
        digest = hasher.hexdigest()
        _ok(self.client.put(f"/blobs/{digest}", content=_chunks(Path(path))))
        return digest


def _chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            yield chunk


def _ok(response: httpx.Response) -> httpx.Response:
    if response.is_success:
        return response
    raise ServerError(f"{response.request.method} {response.url.path}: {_message(response)}")


def _message(response: httpx.Response) -> str:
    try:
        detail: Any = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    return f"{response.status_code} {detail if isinstance(detail, str) else response.text[:300]}"
