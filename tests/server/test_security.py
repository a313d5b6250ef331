"""What keeps other web pages out of a local dashboard, tried against a real ``cairn ui`` process:
DNS rebinding (a foreign Host), framing and injected scripts (headers), cross-site writes (Origin).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.fakes.runs import make_run
from tests.fakes.server import Server, serve

from cairn.store.blobs import BlobStore

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; "
    "font-src 'self' data:; worker-src 'self' blob:; frame-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class Served:
    server: Server
    store_dir: Path
    blob: str


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    store_dir = tmp_path_factory.mktemp("security") / ".cairn"
    make_run(store_dir, "p", name="kept")
    blob = BlobStore(store_dir / "blobs").put(b"\x89PNG\r\n\x1a\n not really an image")
    env = {"CAIRN_ALLOWED_HOSTS": "team.example, Other.Example", "CAIRN_MAX_REQUEST_BYTES": "65536"}
    with serve(store_dir, args=["--allowed-host", "dash.lan"], env=env) as server:
        yield Served(server, store_dir, blob)


def get(served: Served, path: str, **headers: str) -> httpx.Response:
    return httpx.get(f"{served.server.url}{path}", headers=headers, timeout=30)


@pytest.mark.parametrize(
    "host",
    [
        "attacker.example",
        "attacker.example:8080",
        "127.0.0.1.attacker.example",
        "localhost.attacker.example",
        "evil.lan",
        "",
    ],
)
@pytest.mark.parametrize("path", ["/", "/api/v1/projects", "/api/docs", "/assets/x.js"])
def test_a_foreign_host_is_refused_and_told_how_to_allow_it(
    served: Served, host: str, path: str
) -> None:
    response = get(served, path, Host=host)
    assert response.status_code == 400
    message = response.json()["detail"]
    assert f"host {host!r} is not allowed" in message.lower()
    if host:
        name = host.split(":")[0]
        assert f"--allowed-host {name}" in message and "CAIRN_ALLOWED_HOSTS" in message
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.0.0.1:1", "localhost", "LOCALHOST:9999", "[::1]:80", "dash.lan",
     "dash.lan:443", "team.example", "other.example:8080"],
)  # fmt: skip
def test_loopback_and_configured_hosts_are_served(served: Served, host: str) -> None:
    assert get(served, "/api/v1/projects", Host=host).status_code == 200


def test_headers_on_html_api_blobs_and_errors(served: Served) -> None:
    paths = {
        "/": 200,
        "/p/p/r/abc": 200,
        "/api/v1/projects": 200,
        f"/api/v1/blobs/{served.blob}": 200,
        "/api/v1/blobs/nope": 400,
        "/api/v1/projects/none/runs": 404,
        "/api/nothing": 404,
    }
    for path, status in paths.items():
        response = get(served, path)
        assert response.status_code == status, path
        assert response.headers["content-security-policy"] == CSP, path
        assert response.headers["x-frame-options"] == "DENY", path
        assert response.headers["referrer-policy"] == "no-referrer", path
        assert response.headers["x-content-type-options"] == "nosniff", path


def test_api_docs_allow_only_their_own_inline_script(served: Served) -> None:
    response = get(served, "/api/docs")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src "))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    inline = re.findall(r"<script>(.*?)</script>", response.text, flags=re.S)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in script_src
    assert "frame-ancestors 'none'" in policy
    assert get(served, "/").headers["content-security-policy"] == CSP  # the app has no hash


def _delete(served: Served, run_id: str, **headers: str) -> httpx.Response:
    return httpx.delete(
        f"{served.server.url}/api/v1/projects/p/runs/{run_id}", headers=headers, timeout=30
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://attacker.example"},
        {"Origin": "http://attacker.example", "Sec-Fetch-Site": "same-origin"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:1"},  # another local app, another port: another origin
        {"Origin": "http://localhost.attacker.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Referer": "http://attacker.example/page"},
    ],
)
def test_cross_site_writes_are_refused(served: Served, headers: dict[str, str]) -> None:
    run_id = make_run(served.store_dir, "p").id
    refused = _delete(served, run_id, **headers)
    assert refused.status_code == 403
    assert "cross-site" in refused.json()["detail"]
    post = httpx.post(
        f"{served.server.url}/api/v1/projects/p/runs/delete",
        json={"run_ids": [run_id]},
        headers=headers,
        timeout=30,
    )
    assert post.status_code == 403
    patch = httpx.patch(
        f"{served.server.url}/api/v1/projects/p/runs/{run_id}",
        json={"name": "pwned"},
        headers=headers,
        timeout=30,
    )
    assert patch.status_code == 403
    run = get(served, f"/api/v1/projects/p/runs/{run_id}")
    assert run.status_code == 200 and run.json()["name"] != "pwned"  # still there, unchanged


@pytest.mark.parametrize(
    "headers",
    [
        {},  # the SDK, curl, the CLI: no Origin at all
        {"Origin": "ORIGIN"},  # the dashboard itself
        {"Origin": "ORIGIN", "Sec-Fetch-Site": "same-origin", "Referer": "ORIGIN/p/p"},
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
        {"Referer": "ORIGIN/p/p"},
        {"Origin": "https://dash.lan"},  # a name the user allowed (e.g. behind a proxy)
    ],
)
def test_same_origin_and_originless_writes_work(served: Served, headers: dict[str, str]) -> None:
    run_id = make_run(served.store_dir, "p").id
    sent = {k: v.replace("ORIGIN", served.server.url) for k, v in headers.items()}
    assert _delete(served, run_id, **sent).status_code == 204
    assert get(served, f"/api/v1/projects/p/runs/{run_id}").status_code == 404


def test_reads_are_not_checked_for_origin(served: Served) -> None:
    """A cross-site GET cannot read the answer (no CORS) and changes nothing: it is served."""
    response = get(served, "/api/v1/projects", Origin="http://attacker.example")
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_a_body_over_the_limit_is_refused_before_any_route_reads_it(served: Served) -> None:
    url = f"{served.server.url}/api/v1/projects/p/series"
    big = b'{"run_ids": [], "keys": ["' + b"k" * 70_000 + b'"]}'
    refused = httpx.post(url, content=big, headers={"Content-Type": "application/json"})
    assert refused.status_code == 413 and "CAIRN_MAX_REQUEST_BYTES" in refused.text

    def chunks() -> Iterator[bytes]:  # no Content-Length: the server counts as it reads
        for start in range(0, len(big), 8192):
            yield big[start : start + 8192]

    chunked = httpx.post(url, content=chunks(), headers={"Content-Type": "application/json"})
    assert chunked.status_code == 413
    small = b'{"run_ids": [], "keys": ["loss"]}'

    def small_chunks() -> Iterator[bytes]:
        yield small[:10]
        yield small[10:]

    fine = httpx.post(url, content=small_chunks(), headers={"Content-Type": "application/json"})
    assert fine.status_code == 200, fine.text  # a chunked body under the limit reaches the route
