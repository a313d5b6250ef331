"""Path traversal on ``cairn server``: every route that takes a path, a digest or a name, asked
by a signed-in server admin (an API key) with ``../`` in every spelling, absolute paths, NUL,
backslashes and over-long names. Each answer is 400, 404 or 405 (the web app's catch-all may
answer with its own page), never a server error, and a marker file beside the blob folder is never
served, changed or removed.

Requests go through a raw socket, so the path reaches the server exactly as written (HTTP clients
remove ``..`` segments before sending).
"""

from __future__ import annotations

import http.client
import secrets
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
from tests.fakes.commands import cairn
from tests.fakes.server import serve_command

import cairn as cairn_sdk

MARKER = f"not to be served {secrets.token_hex(8)}"


@dataclass
class Target:
    host: str
    port: int
    key: str
    store_dir: Path
    marker: Path
    digest: str
    """A blob that exists: the artifact's file."""
    index_page: bytes
    """What the web app's catch-all answers for a page of the app."""

    def send(self, method: str, target: str, body: bytes = b"") -> tuple[int, bytes]:
        """The status and body of ``METHOD target`` sent byte for byte as given."""
        request = (
            f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Authorization: Bearer {self.key}\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n"
        ).encode("latin-1", "surrogateescape")
        with socket.create_connection((self.host, self.port), timeout=30) as sock:
            sock.sendall(request + body)
            response = http.client.HTTPResponse(sock, method=method)
            response.begin()
            return response.status, response.read()


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    store_dir = tmp_path_factory.mktemp("traversal") / ".cairn"
    notes = store_dir.parent / "notes.txt"
    notes.write_text("what the artifact holds\n")
    with cairn_sdk.init(project="p", dir=store_dir, name="maker") as run:
        artifact = cairn_sdk.Artifact("data", type="dataset")
        artifact.add_file(notes)
        (entry,) = run.log_artifact(artifact).files()
        digest = str(entry["sha256"])
    marker = store_dir / "marker.txt"  # beside blobs/ and mlflow-artifacts/
    marker.write_text(MARKER)
    (store_dir.parent / "marker.txt").write_text(MARKER)
    dir_ = ("--dir", str(store_dir))
    cairn("admin", "user", "create", "root", "--admin", *dir_)
    key = cairn("admin", "key", "create", "root", *dir_).stdout.strip()
    command = ["server", "--db", str(store_dir / "cairn.db"), "--blobs", str(store_dir / "blobs")]
    with serve_command(command) as server:
        url = urlsplit(server.url)
        assert url.hostname is not None and url.port is not None
        found = Target(url.hostname, url.port, key, store_dir, marker, digest, b"")
        status, found.index_page = found.send("GET", "/p/p")
        assert status == 200
        yield found


def payloads(marker: Path) -> list[str]:
    """Spellings of a way out, as they appear in a URL."""
    absolute = str(marker)
    return [
        "../marker.txt",
        "../../marker.txt",
        "..%2fmarker.txt",
        "%2e%2e%2fmarker.txt",
        "%2e%2e/%2e%2e/marker.txt",
        "..%2f..%2f..%2fmarker.txt",
        "%252e%252e%252fmarker.txt",  # encoded twice
        "....//marker.txt",
        "..\\marker.txt",
        "..%5c..%5cmarker.txt",
        quote(absolute, safe=""),  # /tmp/.../marker.txt as one segment
        absolute,  # appended: //tmp/... after the route's slash
        "marker.txt%00.png",
        "%00",
        "a" * 5000,
        "%2e%2e%2f" * 40 + "etc%2fpasswd",
    ]


REFUSED = (400, 404, 405)
"""405: the path decoded to another route (the web app's pages answer GET only)."""

ROUTES = {
    "GET blob": ("GET", "/api/v1/blobs/{x}"),
    "HEAD blob": ("HEAD", "/api/v1/blobs/{x}"),
    "PUT blob": ("PUT", "/api/v1/blobs/{x}"),
    "artifact file": ("GET", "/api/v1/projects/p/artifacts/data/versions/v0/files/{x}"),
    "artifact file, download": (
        "GET",
        "/api/v1/projects/p/artifacts/data/versions/v0/files/{x}?download=true",
    ),
    "artifact preview": ("GET", "/api/v1/projects/p/artifacts/data/versions/v0/preview/{x}"),
    "artifact name": ("GET", "/api/v1/projects/p/artifacts/{x}/versions"),
    "artifact version": ("GET", "/api/v1/projects/p/artifacts/data/versions/{x}"),
    "project name": ("GET", "/api/v1/projects/{x}/runs"),
    "run name": ("GET", "/api/v1/projects/p/runs/{x}"),
    "run capture": ("GET", "/api/v1/projects/p/runs/{x}/capture"),
    "run console": ("GET", "/api/v1/projects/p/runs/{x}/console"),
    "MLflow artifact GET": ("GET", "/api/2.0/mlflow-artifacts/artifacts/{x}"),
    "MLflow artifact PUT": ("PUT", "/api/2.0/mlflow-artifacts/artifacts/{x}"),
    "MLflow artifact DELETE": ("DELETE", "/api/2.0/mlflow-artifacts/artifacts/{x}"),
    "MLflow artifact list": ("GET", "/api/2.0/mlflow-artifacts/artifacts?path={x}"),
    "MLflow get-artifact": ("GET", "/api/2.0/mlflow/get-artifact?run_id=r&path={x}"),
    "MLflow UI get-artifact": ("GET", "/get-artifact?run_id=r&path={x}"),
    "MLflow ajax get-artifact": ("GET", "/ajax-api/2.0/mlflow/get-artifact?run_id=r&path={x}"),
    "web app file": ("GET", "/{x}"),
    "web app asset": ("GET", "/assets/{x}"),
}


@pytest.mark.parametrize("route", ROUTES, ids=list(ROUTES))
def test_no_route_lets_a_path_out_of_the_store(target: Target, route: str) -> None:
    method, template = ROUTES[route]
    wrong = []
    for payload in payloads(target.marker):
        status, body = target.send(method, template.replace("{x}", payload), b"x")
        app_page = status == 200 and method == "GET" and body == target.index_page
        taken = status == 200 and is_plain_name(payload)  # a file of that name, inside the store
        if MARKER.encode() in body or (status not in REFUSED and not app_page and not taken):
            wrong.append(f"{payload[:60]!r}: {status} {body[:120]!r}")
    assert not wrong, f"{method} {template}:\n" + "\n".join(wrong)
    assert target.marker.read_text() == MARKER  # not overwritten, not removed
    assert (target.store_dir.parent / "marker.txt").read_text() == MARKER
    assert outside_the_store(target) == OUTSIDE  # nothing written beside the store


OUTSIDE = ["marker.txt", "notes.txt"]


def outside_the_store(target: Target) -> list[str]:
    """What the folder holding the store holds, but the store."""
    return sorted(p.name for p in target.store_dir.parent.iterdir() if p != target.store_dir)


def is_plain_name(payload: str) -> bool:
    """Whether ``payload``, decoded as a server decodes a URL (once), is a relative path with
    no way out: the MLflow artifact routes may store a file so named (``%2e%2e%2f`` sent encoded
    twice is a file called ``%2e%2e%2f...``)."""
    parts = unquote(payload).split("/")
    bad = ("", ".", "..")
    return not any(p in bad or "\\" in p or "\0" in p or len(p) > 255 for p in parts)


def test_the_same_routes_answer_a_good_path(target: Target) -> None:
    """The routes above work for the caller: the refusals are the paths', not a missing key."""
    digest = target.digest
    assert target.send("GET", f"/api/v1/blobs/{digest}")[0] == 200
    assert target.send("HEAD", f"/api/v1/blobs/{digest}")[0] == 200
    files = "/api/v1/projects/p/artifacts/data/versions/v0"
    assert target.send("GET", f"{files}/files/notes.txt") == (200, b"what the artifact holds\n")
    assert target.send("GET", f"{files}/preview/notes.txt")[0] == 200
    mlflow = "/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/plot.txt"
    assert target.send("PUT", mlflow, b"a plot")[0] == 200
    assert target.send("GET", mlflow) == (200, b"a plot")
    assert target.send("DELETE", mlflow)[0] == 200
    assert target.send("PUT", mlflow, b"a plot")[0] == 200
    in_the_way = target.send("PUT", f"{mlflow}/inside", b"x")  # plot.txt is a file
    assert in_the_way[0] == 400 and b"cannot share a name" in in_the_way[1]
    assert target.send("PUT", mlflow.rsplit("/", 1)[0], b"x")[0] == 400  # a folder is there
    assert target.send("GET", "/api/v1/projects/p/runs")[0] == 200
    assert not (target.store_dir / "mlflow-artifacts" / "marker.txt").exists()
