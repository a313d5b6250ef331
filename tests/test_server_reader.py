"""``cairn.Api(url=…)`` against a real ``cairn server``: what only reading over HTTP has (keys,
roles, where the Api reads by default, a server that is not there, a history in many Arrow
batches). What both readers share is tested in tests/sdk/test_api*.py, against both."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import httpx
import numpy as np
import pytest
from tests.conftest import S3
from tests.fakes.ports import free_port
from tests.fakes.reading import Reading, add_key, reading
from tests.fakes.server import serve, serve_command

import cairn
from cairn.errors import RunNotFoundError, UsageError
from cairn.server_client import ServerError

pytestmark = pytest.mark.usefixtures("no_open_run")


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reading]:
    """A server with two projects: ``open`` (a viewer may read it) and ``closed``."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CAIRN_CAPTURE_CONSOLE", "0")
        env.setenv("CAIRN_CAPTURE_GIT", "0")
        env.setenv("CAIRN_SAVE_CODE", "0")
        with reading("server", tmp_path_factory.mktemp("team") / ".cairn") as found:
            for project in ("open", "closed"):
                run = found.log(project, name=f"{project}-run", config={"lr": 0.1})
                run.log({"loss": 0.5})
                run.finish(quiet=True)
            yield found


def viewer_key(team: Reading) -> str:
    from cairn.store import Store, accounts

    key = add_key(team.dir, "vera")
    store = Store.local(team.dir)
    try:
        accounts.set_role(store, "open", "vera", "viewer")
    finally:
        store.close()
    return key


def test_a_viewer_reads_what_is_shared_and_cannot_edit(team: Reading) -> None:
    assert team.server is not None
    api = cairn.Api(url=team.server.url, key=viewer_key(team))
    assert [p.name for p in api.projects()] == ["open"]
    assert [r.name for r in api.runs()] == ["open-run"]
    assert api.runs("closed") == []
    # the count and the cursor pages see only what the key may read
    assert len(api.runs(per_page=1)) == 1 and len(api.runs("closed", per_page=1)) == 0
    assert [r.name for r in api.runs(filter='name ~ "run"', per_page=1)] == ["open-run"]
    with pytest.raises(RunNotFoundError):
        api.run("closed-run")  # a unique name, but in a project vera may not read
    run = api.run("open-run")
    assert run.history(keys=["loss"], format="numpy")["loss"].tolist() == [0.5]
    with pytest.raises(ServerError, match="refused") as refused:
        run.update_summary({"loss": 0.0})
    assert refused.value.status == 403


def test_without_a_key_a_warning_says_only_public_projects_show(team: Reading) -> None:
    assert team.server is not None
    with pytest.warns(UserWarning, match=r"only its public projects.*cairn login http://127"):
        api = cairn.Api(url=team.server.url)
    assert api.runs() == []
    with pytest.raises(RunNotFoundError):
        api.run("open-run")


def test_api_reads_the_server_cairn_init_logs_to(
    team: Reading, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert team.server is not None
    monkeypatch.setenv("CAIRN_URL", team.server.url)
    monkeypatch.setenv("CAIRN_API_KEY", str(team.key))
    api = cairn.Api()
    assert (api.url, api.dir) == (team.server.url, None)
    assert {r.project for r in api.runs()} == {"open", "closed"}
    with pytest.raises(UsageError, match="no local store"):
        api.store  # noqa: B018 - the property raises
    assert cairn.Api(team.dir).url is None  # dir= still reads the folder


def test_a_server_that_is_not_there_is_a_clear_error() -> None:
    api = cairn.Api(url=f"http://127.0.0.1:{free_port()}", key="cairn_x")
    with pytest.raises(ServerError, match="cannot reach"):
        api.projects()
    with pytest.raises(UsageError, match="not both"):
        cairn.Api("somewhere", url="http://127.0.0.1:1")
    with pytest.raises(UsageError, match="server's URL"):
        cairn.Api(url="127.0.0.1:8080")


def test_a_long_history_comes_back_whole_in_many_batches(team: Reading) -> None:
    steps = 150_000  # more than two of the server's Arrow batches
    run = team.log("open", name="long")
    for i in range(steps):
        run.log({"y": i * 0.5, "z": float(i % 7)} if i % 3 == 0 else {"y": i * 0.5})
    run.finish(quiet=True)
    over_http = team.api().run(run.path).history(format="numpy")
    stored = cairn.Api(team.dir).run(run.path).history(format="numpy")
    assert over_http.keys() == stored.keys()
    for name in stored:
        assert np.array_equal(over_http[name], stored[name], equal_nan=True), name
    assert over_http["_step"].tolist() == list(range(steps))
    assert np.isnan(over_http["z"][1]) and over_http["z"][3] == 3.0


def test_a_cairn_ui_is_read_without_a_key(store_dir: Path) -> None:
    run = cairn.init(project="local")
    run.log({"acc": 0.9})
    run.finish(quiet=True)
    with serve(store_dir) as ui:
        api = cairn.Api(url=ui.url)
        assert [r.summary["acc"] for r in api.runs("local")] == [0.9]
        assert api.run(run.path).history(keys=["acc"])["acc"].tolist() == [0.9]


class _FlakyBlobs(BaseHTTPRequestHandler):
    """``/api/v1/blobs/<digest>``: ``direct=true`` redirects to a port where nothing listens;
    the first plain read drops the connection halfway; later ones honour ``Range``."""

    data = bytes(range(256)) * 4096  # 1 MiB
    dead = ""
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        ranged = self.headers.get("Range", "")
        type(self).seen.append(f"{self.path} {ranged}".strip())
        if "direct=true" in self.path:
            self.send_response(307)
            self.send_header("Location", f"{self.dead}/bucket/blob?X-Amz-Signature=x")
            self.end_headers()
            return
        if not ranged and len(self.seen) <= 2:  # the first plain read: half, then hang up
            self.send_response(200)
            self.send_header("Content-Length", str(len(self.data)))
            self.end_headers()
            self.wfile.write(self.data[: len(self.data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        start = int(ranged.removeprefix("bytes=").rstrip("-") or 0)
        self.send_response(206 if ranged else 200)
        self.send_header("Content-Length", str(len(self.data) - start))
        self.end_headers()
        self.wfile.write(self.data[start:])

    def log_message(self, *args: object) -> None:
        pass


def test_a_blob_read_falls_back_to_the_server_and_resumes_after_a_drop() -> None:
    import hashlib

    from cairn.server_reader import HttpReader

    _FlakyBlobs.dead = f"http://127.0.0.1:{free_port()}"
    _FlakyBlobs.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FlakyBlobs)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        reader = HttpReader(f"http://127.0.0.1:{server.server_address[1]}", "cairn_test")
        digest = hashlib.sha256(_FlakyBlobs.data).hexdigest()
        assert reader.blobs.get(digest) == _FlakyBlobs.data
        half = len(_FlakyBlobs.data) // 2
        assert _FlakyBlobs.seen == [
            f"/api/v1/blobs/{digest}?direct=true",  # the object store's URL: out of reach
            f"/api/v1/blobs/{digest}",  # through the server: dropped halfway
            f"/api/v1/blobs/{digest} bytes={half}-",  # resumed from the byte it reached
        ]
        assert not reader.blobs.direct  # and the next reads go through the server at once
    finally:
        server.shutdown()
        server.server_close()


def test_downloads_come_straight_from_the_object_store(
    s3: S3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_dir = tmp_path / "server" / ".cairn"
    key = add_key(store_dir, "ann", admin=True)
    blobs = s3.bucket()
    args = ["server", "--db", f"sqlite:///{store_dir / 'cairn.db'}", "--blobs", blobs]
    with serve_command(args) as server:
        machine = tmp_path / "machine"
        (machine / "data").mkdir(parents=True)
        payload = bytes(range(256)) * 8192  # 2 MiB
        (machine / "data" / "weights.bin").write_bytes(payload)
        (machine / "data" / "notes.txt").write_text("trained on digits")
        monkeypatch.chdir(machine)
        monkeypatch.setenv("CAIRN_URL", server.url)
        monkeypatch.setenv("CAIRN_API_KEY", key)
        monkeypatch.setenv("CAIRN_DIR", str(machine / ".cairn"))
        with cairn.init(project="s3") as run:
            art = cairn.Artifact("model", type="model")
            art.add_dir(machine / "data")
            run.log_artifact(art)

        api = cairn.Api(url=server.url, key=key)
        fetched: list[str] = []
        sent_key_to: list[str] = []

        def seen(response: httpx.Response) -> None:
            fetched.append(f"{response.status_code} {response.url}")
            if "authorization" in response.request.headers:
                sent_key_to.append(f"{response.url.scheme}://{response.url.netloc.decode()}")

        api.reader.client.event_hooks["response"].append(seen)
        root = api.artifact("s3/model:latest").download(tmp_path / "out")
        assert (root / "weights.bin").read_bytes() == payload
        assert (root / "notes.txt").read_text() == "trained on digits"
        redirects = [f for f in fetched if f.startswith("307 ")]
        from_s3 = [f for f in fetched if f.startswith(f"200 {s3.endpoint.url}")]
        assert len(redirects) == len(from_s3) == 2, fetched  # each file: signed, then from S3
        assert all("Signature=" in f for f in from_s3)  # pre-signed
        assert sent_key_to == [server.url] * len(sent_key_to)  # the API key never left for S3


def test_a_run_read_from_a_server_links_to_its_page_there(team: Reading) -> None:
    assert team.server is not None
    run = team.api().run("open-run")
    assert run.url == f"{team.server.url}/p/open/r/{run.id}"
    assert run.url in team.api().runs("open")._repr_html_()
    assert cairn.Api(team.dir).run("open-run").url.startswith("http://127.0.0.1:8080/p/open/r/")
