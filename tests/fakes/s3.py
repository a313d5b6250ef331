"""An S3-compatible endpoint on loopback for the suite: moto's server mode, in a process of its own.

Clients find it the way they find MinIO or any S3-compatible store: through the standard
``AWS_ENDPOINT_URL`` variable and credentials, which ``environment`` returns.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tests.fakes.ports import free_port


@dataclass
class Endpoint:
    url: str
    process: subprocess.Popen[bytes]
    recording: str
    """The file where moto writes the requests it records (``recording_requests``)."""

    @property
    def environment(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": "cairn-test",
            "AWS_SECRET_ACCESS_KEY": "cairn-test-secret",
            "AWS_DEFAULT_REGION": "us-east-1",
        }

    def make_bucket(self, name: str) -> None:
        import boto3  # moto's own dependency

        env = self.environment
        boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=env["AWS_DEFAULT_REGION"],
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        ).create_bucket(Bucket=name)

    @contextmanager
    def recording_requests(self) -> Iterator[list[str]]:
        """``with endpoint.recording_requests() as requests:``: once the block ends (however),
        ``requests`` holds ``"<method> <path and query>"`` of each request moto took in it."""
        self._recorder("reset")
        self._recorder("start")
        requests: list[str] = []
        try:
            yield requests
        finally:
            self._recorder("stop")
            requests.extend(self._recorded())

    def _recorder(self, action: str) -> None:
        url = f"{self.url}/moto-api/recorder/{action}-recording"
        urllib.request.urlopen(urllib.request.Request(url, b""), timeout=10).close()

    def _recorded(self) -> list[str]:
        if not os.path.exists(self.recording):
            return []
        with open(self.recording) as f:
            text = f.read()
        # moto writes an entry and its newline apart: parallel requests' entries can share a line
        found, at, decoder = [], 0, json.JSONDecoder()
        while (at := len(text) - len(text[at:].lstrip())) < len(text):
            entry, at = decoder.raw_decode(text, at)
            found.append(f"{entry['method']} {entry['url']}")
        return found

    def stop(self) -> None:
        shutil.rmtree(os.path.dirname(self.recording), ignore_errors=True)
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start() -> Endpoint:
    port = free_port()
    recording = os.path.join(tempfile.mkdtemp(prefix="cairn-moto-"), "recording.jsonl")
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "MOTO_RECORDER_FILEPATH": recording},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
                return Endpoint(url, process, recording)
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("moto's S3 server did not start") from None
            time.sleep(0.1)
