"""A real ``cairn server`` whose blobs are on S3 (moto) or in a folder, with a key of ``ann``, for
the tests of blob uploads (single PUTs and multipart)."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator, Mapping
from pathlib import Path

import fsspec
import httpx
from tests.fakes.reading import add_key
from tests.fakes.server import serve_command

from cairn.server_login import Login
from cairn.sync.http import HttpSink


def random_file(folder: Path, seed: int, size: int) -> tuple[Path, str]:
    """``size`` random bytes (the same for a ``seed``) in a file of ``folder``, and their sha256."""
    data = random.Random(seed).randbytes(size)
    path = folder / f"weights-{seed}.bin"
    path.write_bytes(data)
    return path, hashlib.sha256(data).hexdigest()


class Server:
    def __init__(self, url: str, key: str, blobs: str) -> None:
        self.url, self.key, self.blobs = url, key, blobs

    def sink(self) -> tuple[HttpSink, list[str]]:
        """A sink of a run of ``p``, and the requests it sends to the server (method and
        path)."""
        sink = HttpSink(Login(self.url, self.key), "p")
        sink.reserve_run_number("p")  # as a run does first: the new project becomes ann's
        sent: list[str] = []

        def seen(request: httpx.Request) -> None:
            sent.append(f"{request.method} {request.url.path.removeprefix('/api/v1')}")

        sink.client.event_hooks["request"].append(seen)
        return sink, sent

    def objects(self) -> list[str]:
        fs, root = fsspec.core.url_to_fs(self.blobs)
        fs.invalidate_cache()
        return sorted(p.removeprefix(root + "/") for p in fs.find(root))


def serve(store_dir: Path, blobs: str, env: Mapping[str, str] | None = None) -> Iterator[Server]:
    """``cairn server`` on a SQLite file in ``store_dir`` and ``blobs``, while the caller runs
    (``env`` added to its environment)."""
    key = add_key(store_dir, "ann")
    args = ["server", "--db", f"sqlite:///{store_dir / 'cairn.db'}", "--blobs", blobs]
    with serve_command(args, env=env) as server:
        yield Server(server.url, key, blobs)
