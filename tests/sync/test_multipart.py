"""Large files go to a team server on S3 in parts, straight into the object store: intact,
checked by the server before they become the blob, resumed from the parts S3 holds after the
process was killed, with a progress bar on a terminal. A real ``cairn server`` and moto's S3 on
loopback; the threshold is lowered to 6 MiB and parts to S3's 5 MiB minimum (moto enforces it)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import tracemalloc
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import fsspec
import httpx
import pytest
from tests.conftest import S3
from tests.fakes.ports import free_port
from tests.fakes.uploads import Server, random_file

from cairn.journal.records import ArtifactLog
from cairn.server_client import ServerError
from cairn.store import multipart as store_multipart
from cairn.store.blobs import BlobStore
from cairn.sync import multipart
from cairn.sync.blobs import upload_blobs

MiB = 1024 * 1024
SIZE = 11 * MiB + 123  # three parts: 5, 5 and 1 MiB and a bit


@pytest.fixture(autouse=True)
def small_parts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Parts of 5 MiB from 6 MiB on; upload state in a cache folder of the test's own."""
    monkeypatch.setattr(multipart, "THRESHOLD", 6 * MiB)
    monkeypatch.setattr(multipart, "PART_SIZE", 5 * MiB)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _file(tmp_path: Path, seed: int, size: int = SIZE) -> tuple[Path, str]:
    return random_file(tmp_path, seed, size)


def _blob(server: Server, digest: str) -> bytes:
    with fsspec.open(f"{server.blobs}/{digest[:2]}/{digest[2:4]}/{digest}", "rb") as f:
        data: bytes = f.read()
    return data


def _part_puts(requests: list[str]) -> list[int]:
    """The part numbers among the requests moto took (``recording_requests``)."""
    found = []
    for request in requests:
        method, url = request.split(" ", 1)
        if method == "PUT" and "partNumber=" in url:
            found.append(int(url.split("partNumber=")[1].split("&")[0]))
    return sorted(found)


def _unfinished(server: Server) -> list[str]:
    return [name for name, _, _ in store_multipart.unfinished(BlobStore(server.blobs))]


def test_a_large_file_arrives_intact_in_parts(
    on_s3: Server, s3: S3, tmp_path: Path, small_parts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, digest = _file(tmp_path, 1)
    sink, sent = on_s3.sink()
    monkeypatch.setattr(multipart, "CHUNK", 256 * 1024)  # read 4 parts at a time in these
    with s3.endpoint.recording_requests() as requests:
        tracemalloc.start()
        try:
            assert sink.put_blob_file(path) == digest
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert _part_puts(requests) == [1, 2, 3]  # straight into S3, each part once
    assert sent[0] == f"POST /blobs/{digest}/multipart"
    assert sent[1].endswith("/parts") and sent[2].endswith("/complete"), sent
    assert len(sent) == 3 and not any(s.startswith("PUT ") for s in sent)  # none via the server
    assert _blob(on_s3, digest) == path.read_bytes()
    assert not [o for o in on_s3.objects() if o.startswith("uploads/")]
    assert _unfinished(on_s3) == []
    assert list(small_parts.rglob("*.json")) == []  # the upload's state is gone with it
    assert peak < 3 * MiB, f"{peak / MiB:.1f} MiB of Python memory for an 11 MiB file"
    sent.clear()
    assert sink.put_blob_file(path) == digest  # held already: nothing is sent
    assert sent == [f"POST /blobs/{digest}/multipart"]


def test_parts_that_do_not_make_the_digest_never_become_the_blob(
    on_s3: Server, tmp_path: Path
) -> None:
    """A caller who uploads other bytes in the parts gets a 400 at the end, and the store keeps
    nothing: neither a wrong blob, nor the upload, nor its parts."""
    _, digest = _file(tmp_path, 2, size=10)
    headers = {"Authorization": f"Bearer {on_s3.key}"}
    base = f"{on_s3.url}/api/v1/blobs/{digest}/multipart"
    offer = httpx.post(base, headers=headers).json()
    assert offer["stored"] is False and offer["upload"] and offer["upload_id"]
    upload, upload_id = f"{base}/{offer['upload']}", offer["upload_id"]
    urls = httpx.post(
        f"{upload}/parts", json={"upload_id": upload_id, "numbers": [1]}, headers=headers
    ).json()
    assert urls["held"] == [] and [u["number"] for u in urls["urls"]] == [1]
    assert httpx.put(urls["urls"][0]["url"], content=b"not the weights").status_code == 200
    refused = httpx.post(f"{upload}/complete", json={"upload_id": upload_id}, headers=headers)
    assert refused.status_code == 400 and "do not hash" in refused.json()["detail"]
    assert on_s3.objects() == [o for o in on_s3.objects() if not o.startswith("uploads/")]
    assert not any(o.endswith(digest) for o in on_s3.objects())
    assert offer["upload"] not in _unfinished(on_s3)
    again = httpx.post(f"{upload}/complete", json={"upload_id": upload_id}, headers=headers)
    assert again.status_code == 404  # the upload is over


def test_parts_missing_or_out_of_order_are_refused_and_dropped(
    on_s3: Server, tmp_path: Path
) -> None:
    _, digest = _file(tmp_path, 3, size=10)
    headers = {"Authorization": f"Bearer {on_s3.key}"}
    base = f"{on_s3.url}/api/v1/blobs/{digest}/multipart"
    offer = httpx.post(base, headers=headers).json()
    upload, upload_id = f"{base}/{offer['upload']}", offer["upload_id"]
    urls = httpx.post(
        f"{upload}/parts", json={"upload_id": upload_id, "numbers": [2]}, headers=headers
    ).json()
    assert httpx.put(urls["urls"][0]["url"], content=b"part two alone").status_code == 200
    refused = httpx.post(f"{upload}/complete", json={"upload_id": upload_id}, headers=headers)
    assert refused.status_code == 400 and "not 1 to n" in refused.json()["detail"]
    assert offer["upload"] not in _unfinished(on_s3)  # aborted, its part with it


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/parts", {"upload_id": "an-id", "numbers": [0]}, 422),  # parts count from 1
        ("/parts", {"upload_id": "an-id", "numbers": [10_001]}, 422),  # S3's last is 10,000
        ("/parts", {"upload_id": "an-id", "numbers": list(range(1, 1002))}, 422),  # too many
        ("/parts", {"upload_id": "a id<script>", "numbers": [1]}, 422),
        ("/parts", {"upload_id": "x" * 2000, "numbers": [1]}, 422),
        ("/parts", {"numbers": [1]}, 422),
        ("/parts", {"upload_id": "an-id", "numbers": "1"}, 422),
        ("/parts", {"upload_id": "an-id", "numbers": [1]}, 404),  # no such upload
        ("/complete", {"upload_id": "an-id"}, 404),
        ("/complete", [], 422),
    ],
)
def test_malformed_requests_get_a_clear_error(
    on_s3: Server, path: str, body: object, status: int
) -> None:
    headers = {"Authorization": f"Bearer {on_s3.key}"}
    digest = "ab" * 32
    offer = httpx.post(f"{on_s3.url}/api/v1/blobs/{digest}/multipart", headers=headers).json()
    answer = httpx.post(
        f"{on_s3.url}/api/v1/blobs/{digest}/multipart/{offer['upload']}{path}",
        json=body,
        headers=headers,
    )
    assert answer.status_code == status, answer.text
    assert "detail" in answer.json()


def test_a_stranger_gets_nothing_signed(on_s3: Server) -> None:
    digest = "cd" * 32
    base = f"{on_s3.url}/api/v1/blobs/{digest}/multipart"
    assert httpx.post(base).status_code == 401
    forged = {"Authorization": "Bearer cairn_forged"}
    assert httpx.post(base, headers=forged).status_code == 401
    body = {"upload_id": "an-id", "numbers": [1]}
    name = "A" * 32
    assert httpx.post(f"{base}/{name}/parts", json=body).status_code == 401
    assert httpx.post(f"{base}/{name}/complete", json=body).status_code == 401
    headers = {"Authorization": f"Bearer {on_s3.key}"}
    for bad in ("short", "..%2F..%2Fblobs", "A" * 65):
        answer = httpx.post(f"{base}/{bad}/parts", json=body, headers=headers)
        assert 400 <= answer.status_code < 500, (bad, answer.status_code)
    assert (
        httpx.post(f"{on_s3.url}/api/v1/blobs/NOTHEX/multipart", headers=headers).status_code == 400
    )


KILLED_AFTER_TWO_PARTS = """
import os, signal, sys
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit
from cairn.server_login import Login
from cairn.sync import multipart
from cairn.sync.http import HttpSink

multipart.THRESHOLD, multipart.PART_SIZE, multipart.PARALLEL = 6 << 20, 5 << 20, 1
moved = 0

def advance(n):
    global moved
    moved += n
    if moved > 2 * multipart.PART_SIZE:  # the third part has started: parts 1 and 2 are in S3
        os.kill(os.getpid(), signal.SIGKILL)

url, key, path = sys.argv[1:]
HttpSink(Login(url, key), "p").put_blob_file(Path(path), advance)
"""


def test_an_upload_killed_midway_resumes_from_the_parts_s3_holds(
    on_s3: Server, s3: S3, tmp_path: Path, small_parts: Path
) -> None:
    path, digest = _file(tmp_path, 4)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_TWO_PARTS, on_s3.url, on_s3.key, str(path)],
        env={**os.environ, "XDG_CACHE_HOME": str(small_parts)},
        capture_output=True,
        timeout=60,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    (state_file,) = small_parts.rglob("*.json")
    state = json.loads(state_file.read_text())
    blobs = BlobStore(on_s3.blobs)
    held = store_multipart.parts(blobs, state["upload"], state["upload_id"])
    assert [(p.number, p.size) for p in held] == [(1, 5 * MiB), (2, 5 * MiB)]

    sink, _ = on_s3.sink()
    with s3.endpoint.recording_requests() as requests:
        assert sink.put_blob_file(path) == digest
    assert _part_puts(requests) == [3]  # parts 1 and 2 were not sent again
    assert _blob(on_s3, digest) == path.read_bytes()
    assert not state_file.exists()
    assert state["upload"] not in _unfinished(on_s3)


def test_an_upload_removed_meanwhile_starts_afresh(
    on_s3: Server, s3: S3, tmp_path: Path, small_parts: Path
) -> None:
    """The upload a state file names is gone (``cairn gc`` aborted it): the file is sent from
    its first part in a new upload, not refused."""
    path, digest = _file(tmp_path, 5)
    sink, _ = on_s3.sink()
    headers = {"Authorization": f"Bearer {on_s3.key}"}
    offer = httpx.post(f"{on_s3.url}/api/v1/blobs/{digest}/multipart", headers=headers).json()
    store_multipart.abort(BlobStore(on_s3.blobs), offer["upload"], offer["upload_id"])
    state = {**offer, "size": SIZE, "part_size": 5 * MiB}
    small_parts.joinpath("cairn", "uploads").mkdir(parents=True)
    multipart.state_path(str(sink.client.base_url), digest).write_text(json.dumps(state))
    with s3.endpoint.recording_requests() as requests:
        assert sink.put_blob_file(path) == digest
    assert _part_puts(requests) == [1, 2, 3]
    assert _blob(on_s3, digest) == path.read_bytes()


def test_an_object_store_out_of_reach_sends_a_large_file_through_the_server(
    on_s3: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_parts: Path
) -> None:
    """S3 cannot be reached from this machine (here: the parts go through a proxy where nothing
    listens; the Cairn server is reached directly): after a part's tries, the file goes through
    the server in chunks of 16 MiB (each a part the server sends to S3: the first over S3's
    5 MiB minimum), and the next files at once."""
    monkeypatch.setattr(multipart, "BACKOFF", 0.01)
    nowhere = f"http://127.0.0.1:{free_port()}"
    for name in ("HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, nowhere)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, urlsplit(on_s3.url).netloc)
    path, digest = _file(tmp_path, 10, size=16 * MiB + 5)
    sink, sent = on_s3.sink()
    assert sink.put_blob_file(path) == digest
    assert sent[0] == f"POST /blobs/{digest}/multipart"
    chunks = [s for s in sent if s.startswith(f"PUT /blobs/{digest}/chunked/")]
    assert f"POST /blobs/{digest}/chunked" in sent and len(chunks) == 2  # through the server
    assert sent[-1].endswith("/complete") and f"PUT /blobs/{digest}" not in sent
    assert not sink.direct
    for name in ("HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name)  # S3 in reach again, to look at what it holds
    assert _blob(on_s3, digest) == path.read_bytes()
    assert list(small_parts.rglob("*.json")) == []
    # the multipart upload started is left to `cairn gc` (tests/store/test_gc.py)


def _artifact(tmp_path: Path, seed: int) -> tuple[ArtifactLog, Path]:
    """An artifact record naming one large staged file, and the folder it is staged in."""
    files = tmp_path / "files"
    files.mkdir()
    path, digest = _file(tmp_path, seed)
    path.rename(files / digest)
    record = ArtifactLog(
        seq=1,
        name="weights",
        artifact_type="model",
        digest="0" * 64,
        manifest={"w.bin": {"sha256": digest, "size": SIZE}},
        blobs=[digest],
    )
    return record, files


def test_a_large_upload_shows_a_progress_bar_in_bytes_on_a_terminal(
    on_s3: Server,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich's forced terminal
    record, files = _artifact(tmp_path, 6)
    sink, _ = on_s3.sink()
    assert upload_blobs([record], [files], sink) == 1
    drawn = capsys.readouterr().err
    assert "uploading 1 file" in drawn
    assert "11.5 MB" in drawn, drawn[-500:]  # the total, in bytes (rich counts MB of 1,000,000)


def test_a_piped_upload_prints_nothing(
    on_s3: Server,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    record, files = _artifact(tmp_path, 7)
    sink, _ = on_s3.sink()
    assert upload_blobs([record], [files], sink) == 1
    assert capsys.readouterr().err == ""


class _Flaky(BaseHTTPRequestHandler):
    """Takes PUTs of parts: the first ``failures`` of each path cut off (no answer) or 503."""

    failures = 2
    seen: ClassVar[dict[str, list[int]]] = {}

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        tries = self.seen.setdefault(self.path, [])
        tries.append(len(body))
        if len(tries) == 1:
            self.close_connection = True  # hang up without an answer
            return
        self.send_response(503 if len(tries) <= self.failures else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def flaky() -> Iterator[str]:
    _Flaky.seen = {}
    http = ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    http.block_on_close = False  # a connection hung up on is not waited for
    thread = threading.Thread(target=http.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_address[1]}"
    finally:
        http.shutdown()
        http.server_close()


def test_a_part_that_fails_is_sent_again_with_back_off(
    flaky: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(multipart, "BACKOFF", 0.01)
    path, _ = _file(tmp_path, 8, size=3 * MiB + 5)
    moved: list[int] = []
    with httpx.Client() as client:
        multipart._put_part(client, f"{flaky}/part2", path, 2, 2 * MiB, 3 * MiB + 5, moved.append)
    assert _Flaky.seen == {"/part2": [MiB + 5] * 3}  # hung up on, 503, then taken: whole each time
    assert sum(moved) == MiB + 5  # the bar counts the part once


def test_a_part_that_keeps_failing_stops_the_upload_with_what_to_do(
    flaky: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(multipart, "BACKOFF", 0.01)
    monkeypatch.setattr(_Flaky, "failures", 99)
    path, _ = _file(tmp_path, 9, size=MiB)
    with httpx.Client() as client, pytest.raises(ServerError, match="refused part 1") as refused:
        multipart._put_part(client, f"{flaky}/part1", path, 1, MiB, MiB, lambda n: None)
    assert refused.value.status == 503
    assert len(_Flaky.seen["/part1"]) == multipart.TRIES
