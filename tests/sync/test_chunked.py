"""Large files go through a team server whose blobs are in a folder in chunks: intact, checked by
the server before they become the blob, resumed from the bytes the server holds after the
process was killed. A real ``cairn server`` (its request size limit lowered to 1 MiB, so chunks
are 1 MiB) and a threshold lowered to 2 MiB."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from tests.fakes.uploads import Server, random_file
from tests.sync.conftest import CHUNK_LIMIT

from cairn.sync import chunked, multipart

MiB = 1024 * 1024
SIZE = 3 * MiB + 321  # four chunks: three of 1 MiB and a bit


@pytest.fixture(autouse=True)
def small_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Files of 2 MiB or more go in chunks; upload state in a cache folder of the test's own."""
    monkeypatch.setattr(multipart, "THRESHOLD", 2 * MiB)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _file(tmp_path: Path, seed: int, size: int = SIZE) -> tuple[Path, str]:
    return random_file(tmp_path, seed, size)


def _blob(server: Server, digest: str) -> Path:
    return Path(server.blobs) / digest[:2] / digest[2:4] / digest


def _uploads(server: Server) -> list[Path]:
    folder = Path(server.blobs) / "uploads"
    return sorted(folder.iterdir()) if folder.exists() else []


def _chunk_offsets(sink_client: httpx.Client) -> list[int]:
    """The offsets of the chunks ``sink_client`` sends from now on."""
    offsets: list[int] = []

    def seen(request: httpx.Request) -> None:
        if request.method == "PUT" and "/chunked/" in request.url.path:
            offsets.append(int(request.url.params["offset"]))

    sink_client.event_hooks["request"].append(seen)
    return offsets


def test_a_large_file_arrives_intact_in_chunks(
    on_folder: Server, tmp_path: Path, small_files: Path
) -> None:
    path, digest = _file(tmp_path, 1)
    sink, sent = on_folder.sink()
    offsets = _chunk_offsets(sink.client)
    moved: list[int] = []
    assert sink.put_blob_file(path, moved.append) == digest
    assert sum(moved) == SIZE  # the progress bar counts each byte once
    assert sent[:2] == [f"POST /blobs/{digest}/multipart", f"POST /blobs/{digest}/chunked"]
    assert offsets == [0, MiB, 2 * MiB, 3 * MiB]  # each chunk once, none over the limit
    assert sent[-1].endswith("/complete") and f"PUT /blobs/{digest}" not in sent
    assert _blob(on_folder, digest).read_bytes() == path.read_bytes()
    assert _uploads(on_folder) == []
    assert list(small_files.rglob("*.json")) == []  # the upload's state is gone with it
    sent.clear()
    assert sink.put_blob_file(path) == digest  # held already: nothing is sent
    assert sent == [f"POST /blobs/{digest}/chunked"]


def _start(server: Server, digest: str) -> tuple[str, dict[str, str]]:
    headers = {"Authorization": f"Bearer {server.key}"}
    offer = httpx.post(f"{server.url}/api/v1/blobs/{digest}/chunked", headers=headers).json()
    assert offer["stored"] is False and offer["chunk_size"] == CHUNK_LIMIT
    return f"{server.url}/api/v1/blobs/{digest}/chunked/{offer['upload']}", headers


def test_bytes_that_do_not_hash_to_the_digest_never_become_the_blob(
    on_folder: Server, tmp_path: Path
) -> None:
    _, digest = _file(tmp_path, 2, size=10)
    upload, headers = _start(on_folder, digest)
    taken = httpx.put(upload, params={"offset": 0}, content=b"not the weights", headers=headers)
    assert taken.status_code == 200 and taken.json() == {"size": 15}
    refused = httpx.post(f"{upload}/complete", headers=headers)
    assert refused.status_code == 400 and "do not hash" in refused.json()["detail"]
    assert not _blob(on_folder, digest).parent.exists()  # not even its folder is made
    assert _uploads(on_folder) == []  # nor is the upload kept
    assert httpx.post(f"{upload}/complete", headers=headers).status_code == 404  # it is over
    assert httpx.head(upload, headers=headers).status_code == 404


def test_a_chunk_at_the_wrong_offset_gets_409_and_the_size_held(
    on_folder: Server, tmp_path: Path
) -> None:
    _, digest = _file(tmp_path, 3, size=10)
    upload, headers = _start(on_folder, digest)
    assert httpx.head(upload, headers=headers).headers["Upload-Offset"] == "0"
    assert httpx.put(upload, params={"offset": 0}, content=b"12345", headers=headers).is_success
    for offset in (0, 3, 9):  # sent again, behind, ahead
        wrong = httpx.put(upload, params={"offset": offset}, content=b"67890", headers=headers)
        assert wrong.status_code == 409, wrong.text
        assert wrong.headers["Upload-Offset"] == "5" and "from byte 5" in wrong.json()["detail"]
    assert httpx.head(upload, headers=headers).headers["Upload-Offset"] == "5"  # nothing added
    too_big = httpx.put(
        upload, params={"offset": 5}, content=b"x" * (CHUNK_LIMIT + 1), headers=headers
    )
    assert too_big.status_code == 413
    assert httpx.head(upload, headers=headers).headers["Upload-Offset"] == "5"


@pytest.mark.parametrize(
    ("name", "params", "status"),
    [
        ("A" * 32, {"offset": -1}, 422),
        ("A" * 32, {"offset": "one"}, 422),
        ("A" * 32, {}, 422),
        ("A" * 32, {"offset": 0}, 404),  # never started
        ("short", {"offset": 0}, 400),
        ("..%2F..%2Fblobs", {"offset": 0}, 405),  # read as another path: no route takes it
        ("a.b" * 8, {"offset": 0}, 400),
    ],
)
def test_malformed_chunks_get_a_clear_error(
    on_folder: Server, name: str, params: dict[str, object], status: int
) -> None:
    headers = {"Authorization": f"Bearer {on_folder.key}"}
    url = f"{on_folder.url}/api/v1/blobs/{'ab' * 32}/chunked/{name}"
    answer = httpx.put(url, params=params, content=b"bytes", headers=headers)
    assert answer.status_code == status, answer.text
    assert "detail" in answer.json()
    assert all(len(p.name) == 32 for p in _uploads(on_folder))  # only the server's own names


def test_a_stranger_may_not_upload(on_folder: Server) -> None:
    base = f"{on_folder.url}/api/v1/blobs/{'cd' * 32}/chunked"
    forged = {"Authorization": "Bearer cairn_forged"}
    assert httpx.post(base).status_code == 401
    assert httpx.post(base, headers=forged).status_code == 401
    upload, _ = _start(on_folder, "cd" * 32)
    assert httpx.put(upload, params={"offset": 0}, content=b"x").status_code == 401
    assert httpx.head(upload).status_code == 401
    assert httpx.post(f"{upload}/complete").status_code == 401


KILLED_AFTER_TWO_CHUNKS = """
import os, signal, sys
from pathlib import Path
from cairn.server_login import Login
from cairn.sync import multipart
from cairn.sync.http import HttpSink

multipart.THRESHOLD = 2 << 20
moved = 0

def advance(n):
    global moved
    moved += n
    if moved > 2 << 20:  # the third chunk has started: the server holds two
        os.kill(os.getpid(), signal.SIGKILL)

url, key, path = sys.argv[1:]
HttpSink(Login(url, key), "p").put_blob_file(Path(path), advance)
"""


def test_an_upload_killed_midway_resumes_from_the_bytes_the_server_holds(
    on_folder: Server, tmp_path: Path, small_files: Path
) -> None:
    path, digest = _file(tmp_path, 4)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_TWO_CHUNKS, on_folder.url, on_folder.key, str(path)],
        env={**os.environ, "XDG_CACHE_HOME": str(small_files)},
        capture_output=True,
        timeout=60,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    (state_file,) = small_files.rglob("*.json")
    state = json.loads(state_file.read_text())
    held = Path(on_folder.blobs) / "uploads" / state["upload"]
    assert held.stat().st_size == 2 * MiB
    assert held.read_bytes() == path.read_bytes()[: 2 * MiB]

    sink, sent = on_folder.sink()
    offsets = _chunk_offsets(sink.client)
    moved: list[int] = []
    assert sink.put_blob_file(path, moved.append) == digest
    assert moved[0] == 2 * MiB and sum(moved) == SIZE  # the bar starts at the bytes held
    assert f"HEAD /blobs/{digest}/chunked/{state['upload']}" in sent
    assert offsets == [2 * MiB, 3 * MiB]  # the first two chunks were not sent again
    assert _blob(on_folder, digest).read_bytes() == path.read_bytes()
    assert not state_file.exists() and not held.exists()


def test_an_upload_removed_meanwhile_starts_afresh(
    on_folder: Server, tmp_path: Path, small_files: Path
) -> None:
    """The upload a state file names is gone (``cairn gc`` removed it): the file is sent from
    its first byte in a new upload, not refused."""
    path, digest = _file(tmp_path, 5)
    sink, _ = on_folder.sink()
    state = {"upload": "G" * 32, "chunk_size": CHUNK_LIMIT, "size": SIZE}
    where = multipart.state_path(str(sink.client.base_url), digest, chunked.WAY)
    where.parent.mkdir(parents=True)
    where.write_text(json.dumps(state))
    offsets = _chunk_offsets(sink.client)
    assert sink.put_blob_file(path) == digest
    assert offsets == [0, MiB, 2 * MiB, 3 * MiB]
    assert _blob(on_folder, digest).read_bytes() == path.read_bytes()


def test_a_client_that_lost_track_goes_on_from_the_bytes_the_server_holds(
    on_folder: Server, tmp_path: Path, small_files: Path
) -> None:
    """While the client sends its third chunk, the server is sent that chunk by another caller
    (as when an answer was lost and the chunk is sent again): the client's copy gets 409 and
    the size held, and it goes on from there."""
    path, digest = _file(tmp_path, 6)
    data = path.read_bytes()
    sink, _ = on_folder.sink()
    offsets = _chunk_offsets(sink.client)
    moved: list[int] = []
    raced: list[int] = []

    def advance(n: int) -> None:
        moved.append(n)
        if sum(moved) > 2 * MiB and not raced:  # the third chunk is starting: send it first
            (state_file,) = small_files.rglob("*.json")
            upload = json.loads(state_file.read_text())["upload"]
            url = f"{on_folder.url}/api/v1/blobs/{digest}/chunked/{upload}"
            headers = {"Authorization": f"Bearer {on_folder.key}"}
            third = data[2 * MiB : 3 * MiB]
            sent = httpx.put(url, params={"offset": 2 * MiB}, content=third, headers=headers)
            raced.append(sent.status_code)

    assert sink.put_blob_file(path, advance) == digest
    assert raced == [200]
    assert offsets == [0, MiB, 2 * MiB, 3 * MiB]  # the third refused (409), then the fourth
    assert sum(moved) == SIZE
    assert _blob(on_folder, digest).read_bytes() == data
