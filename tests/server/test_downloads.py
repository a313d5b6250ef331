"""Downloads from a real server process: a 1 GiB blob streams in flat memory, ranges work, and
attachment names in any language (or made to inject headers) come out as one safe header."""

from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from tests.fakes.memory import PeakRss
from tests.fakes.runs import make_run
from tests.fakes.server import serve

import cairn
from cairn.server.app import create_app
from cairn.store import Store
from cairn.store.blobs import BlobStore

with warnings.catch_warnings():  # Starlette's TestClient warns about the httpx it is built on
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

GIB = 1024**3
CHUNK = 1024 * 1024


def write_big_blob(store_dir: Path, size: int) -> str:
    """A blob of ``size`` bytes (a random MiB, repeated), written straight into the blobs folder."""
    block = b"\x89PNG" + os.urandom(CHUNK - 4)  # sniffed as a PNG from its first bytes
    tmp = store_dir / "big.tmp"
    digest = hashlib.sha256()
    with open(tmp, "wb") as f:
        for _ in range(size // CHUNK):
            f.write(block)
            digest.update(block)
    target = Path(BlobStore(store_dir / "blobs").path(digest.hexdigest()))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp.rename(target)
    return digest.hexdigest()


@pytest.mark.timeout(600)
def test_a_1_gib_blob_streams_without_growing_the_server(tmp_path: Path) -> None:
    store_dir = tmp_path / ".cairn"
    make_run(store_dir)
    digest = write_big_blob(store_dir, GIB)
    with serve(store_dir) as server, httpx.Client(base_url=server.url, timeout=120) as client:
        url = f"/api/v1/blobs/{digest}"
        check = hashlib.sha256()
        received = 0
        with PeakRss(server.process.pid) as rss, client.stream("GET", url) as response:
            assert response.status_code == 200
            assert response.headers["content-type"] == "image/png"
            assert response.headers["content-length"] == str(GIB)
            assert response.headers["etag"] == f'"{digest}"'
            assert "immutable" in response.headers["cache-control"]
            assert response.headers["x-content-type-options"] == "nosniff"
            for chunk in response.iter_bytes(CHUNK):
                check.update(chunk)
                received += len(chunk)
        assert received == GIB and check.hexdigest() == digest
        growth = (rss.peak - rss.start) / 1e6
        print(f"server peak RSS growth downloading 1 GiB: {growth:.1f} MB")
        assert growth < 200, f"the server grew by {growth:.0f} MB to send a 1 GiB blob"

        part = client.get(url, headers={"Range": "bytes=100-199"})
        assert part.status_code == 206
        assert part.headers["content-range"] == f"bytes 100-199/{GIB}"
        with open(BlobStore(store_dir / "blobs").path(digest), "rb") as f:
            f.seek(100)
            assert part.content == f.read(100)


NAMES = [
    "数据.html",
    'report "final"; v2.csv',
    "a\rSet-Cookie: stolen=1.txt",
    "x\r\tContent-Type: text-html; y=.bin",
    "naïve résumé.txt",
    "semi;colon,comma%20.txt",
]

LF = "b\r\nSet-Cookie: stolen=1.txt"


def test_attachment_names_are_encoded_never_injected(tmp_path: Path) -> None:
    store_dir = tmp_path / ".cairn"
    source = tmp_path / "payload.txt"
    source.write_bytes(b"<script>alert(1)</script>")
    with cairn.init(project="p", dir=store_dir) as run:
        artifact = cairn.Artifact("odd", type="dataset")
        for name in NAMES:
            artifact.add_file(source, name=name)
        artifact.add_file(source, name=LF)
        run.log_artifact(artifact)
    with serve(store_dir) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        for name in NAMES:
            for download in ("true", "false"):
                response = client.get(
                    f"/api/v1/projects/p/artifacts/odd/versions/v0/files/{_quote(name)}",
                    params={"download": download},
                )
                assert response.status_code == 200, (name, response.text)
                assert response.content == source.read_bytes()
                assert "set-cookie" not in response.headers
                disposition = response.headers.get("content-disposition")
                if download == "false" and not name.endswith(".html"):
                    assert disposition is None  # text and bytes show inline; HTML never
                    continue
                assert disposition is not None
                assert "\r" not in disposition and "\n" not in disposition
                assert disposition.isascii()
                assert f"filename*=UTF-8''{_quote(name)}" in disposition
                fallback = disposition.split('filename="', 1)[1].split('"', 1)[0]
                assert fallback and all(c not in fallback for c in '"\\;\r\n')
                assert response.headers["content-type"] in (
                    "text/plain; charset=utf-8",
                    "text/csv; charset=utf-8",
                    "application/octet-stream",
                )
        # a path with a line feed matches no route (404): nothing of it reaches a header either
        newline = client.get(f"/api/v1/projects/p/artifacts/odd/versions/v0/files/{_quote(LF)}")
        assert newline.status_code == 404 and "set-cookie" not in newline.headers
        chinese = client.get(
            f"/api/v1/projects/p/artifacts/odd/versions/v0/files/{_quote(NAMES[0])}",
            params={"download": "true"},
        )
        assert chinese.headers["content-disposition"] == (
            "attachment; filename=\"__.html\"; filename*=UTF-8''%E6%95%B0%E6%8D%AE.html"
        )


def _quote(name: str) -> str:
    return quote(name, safe="")


def test_a_blob_in_a_remote_store_streams_with_its_length(tmp_path: Path) -> None:
    """Not a local folder (s3:// on a team server; fsspec's memory:// here): sent in chunks."""
    blobs = BlobStore(f"memory://{tmp_path.name}/blobs")
    data = b"GIF89a" + os.urandom(3 * CHUNK)
    digest = blobs.put(data)
    assert blobs.local_path(digest) is None
    store = Store(f"sqlite:///{tmp_path / 'cairn.db'}", blobs)
    try:
        client = TestClient(create_app(store, None, allowed_hosts=["testserver"]))
        response = client.get(f"/api/v1/blobs/{digest}")
        assert response.status_code == 200 and response.content == data
        assert response.headers["content-type"] == "image/gif"
        assert response.headers["content-length"] == str(len(data))
        assert response.headers["etag"] == f'"{digest}"'
    finally:
        store.close()
