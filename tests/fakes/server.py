"""A real ``cairn ui`` or ``cairn server`` process on a free port, for tests that talk HTTP to the server."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from tests.fakes.ports import free_port


@dataclass
class Server:
    url: str
    """The base URL, ``http://127.0.0.1:<port>``."""
    process: subprocess.Popen[bytes]
    log_path: Path

    def output(self) -> str:
        """Everything the process printed so far (stdout and stderr)."""
        return self.log_path.read_text(errors="replace")

    def applied(self, timeout: float = 60.0) -> None:
        """Wait until the server has applied every batch of records it acknowledged (``cairn
        server`` queues them; its health route counts those left). AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            ingest = httpx.get(f"{self.url}/api/v1/health", timeout=10).json()["ingest"]
            if ingest is None or ingest["queued"] == 0:
                return
            assert time.monotonic() < deadline, f"batches still queued after {timeout} s: {ingest}"
            time.sleep(0.02)


@contextmanager
def serve(
    store_dir: Path,
    timeout: float = 30.0,
    *,
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """``python -m cairn ui --dir store_dir --port <free> *args``, once it answers; stopped after.
    ``env`` is added to the process's environment."""
    with serve_command(["ui", "--dir", str(store_dir), *args], timeout, env=env) as server:
        yield server


@contextmanager
def serve_command(
    args: Sequence[str],
    timeout: float = 30.0,
    *,
    env: Mapping[str, str] | None = None,
    port: int | None = None,
) -> Iterator[Server]:
    """``python -m cairn *args --port <port>`` (``ui`` or ``server``; a free port unless given),
    once it answers; stopped after. ``env`` is added to the process's environment.

    Its output goes to a file, not a pipe, so a chatty server can never block on a full pipe.
    """
    port = port or free_port()
    with tempfile.TemporaryDirectory() as tmp:
        log_path = Path(tmp) / "server.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "cairn", *args, "--port", str(port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **env} if env else None,
            )
        server = Server(f"http://127.0.0.1:{port}", proc, log_path)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    httpx.get(f"{server.url}/api/v1/health", timeout=1).raise_for_status()
                    break
                except httpx.HTTPError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(
                            f"cairn {args[0]} did not start:\n{server.output()}"
                        ) from None
                    time.sleep(0.05)
            yield server
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:  # stuck in a request: do not leave it running
                proc.kill()
                proc.wait(10)
