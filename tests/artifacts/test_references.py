"""References over http(s): size and ETag recorded at logging, checked on download, against a
local ``http.server`` (s3:// goes through the same fsspec path but needs a bucket: not tested)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import cairn
from cairn.errors import ArtifactError

FILES: dict[str, bytes] = {}
ETAGS: dict[str, str] = {}


class Handler(BaseHTTPRequestHandler):
    def _head(self) -> bytes | None:
        body = FILES.get(self.path)
        if body is None:
            self.send_error(404)
            return None
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        if self.path in ETAGS:
            self.send_header("ETag", ETAGS[self.path])
        self.end_headers()
        return body

    def do_HEAD(self) -> None:
        self._head()

    def do_GET(self) -> None:
        body = self._head()
        if body is not None:
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    FILES.clear()
    ETAGS.clear()


def test_http_reference_with_etag(store_dir: Path, tmp_path: Path, server: str) -> None:
    FILES["/weights.bin"] = b"w" * 5000
    ETAGS["/weights.bin"] = '"v1"'
    art = cairn.Artifact("remote-model", type="model")
    art.add_reference(f"{server}/weights.bin")
    with cairn.init(project="p") as run:
        v = run.log_artifact(art)
    assert v.files() == [
        {"path": "weights.bin", "ref": f"{server}/weights.bin", "size": 5000, "etag": '"v1"'}
    ]
    assert (v.download(tmp_path / "a") / "weights.bin").read_bytes() == b"w" * 5000
    ETAGS["/weights.bin"] = '"v2"'
    with pytest.raises(ArtifactError, match="changed since it was logged"):
        v.download(tmp_path / "b")


def test_http_reference_without_etag_is_hashed(
    store_dir: Path, tmp_path: Path, server: str
) -> None:
    FILES["/data.csv"] = b"a,b\n1,2\n"
    art = cairn.Artifact("remote-data")
    art.add_reference(f"{server}/data.csv")
    with cairn.init(project="p") as run:
        v = run.log_artifact(art)
    assert v.files()[0]["sha256"] == hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    FILES["/data.csv"] = b"a,b\n9,9\n"
    with pytest.raises(ArtifactError, match="damaged or was changed"):
        v.download(tmp_path / "out")


def test_unknown_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="file://, s3://, http:// or https://"):
        cairn.Artifact("x").add_reference("ftp://host/file")
