"""The app around the API: OpenAPI and docs, the web app and its routes, errors that are bugs."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.fakes.server import Server

from cairn.server.app import create_app
from cairn.store import Store

with warnings.catch_warnings():  # Starlette's TestClient warns about the httpx it is built on
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

TESTSERVER = ["testserver"]
"""TestClient's Host: the app answers only to loopback names and the hosts it is given."""
INDEX = "<!doctype html><title>Cairn app</title><script src='/assets/app-1234.js'></script>"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.local(tmp_path / ".cairn")
    yield store
    store.close()


@pytest.fixture
def static_dir(tmp_path: Path) -> Path:
    """A stand-in for a Vite build: index.html, hashed assets and a file at the root."""
    static = tmp_path / "static"
    (static / "assets").mkdir(parents=True)
    (static / "index.html").write_text(INDEX)
    (static / "assets" / "app-1234.js").write_text("console.log('cairn')")
    (static / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("not for the web")
    return static


def test_openapi_describes_every_endpoint(api: httpx.Client) -> None:
    response = api.get("/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["info"]["title"] == "Cairn"
    assert set(spec["paths"]) == {
        "/api/v1/health",
        "/api/v1/auth/login",
        "/api/v1/auth/setup",
        "/api/v1/auth/logout",
        "/api/v1/auth/me",
        "/api/v1/auth/keys",
        "/api/v1/auth/keys/{key_id}",
        "/api/v1/admin/users",
        "/api/v1/admin/users/{user}/keys",
        "/api/v1/admin/users/{user}/keys/{key_id}",
        "/api/v1/admin/users/{user}/password",
        "/api/v1/projects",
        "/api/v1/runs",
        "/api/v1/run",
        "/api/v1/projects/{project}/runs/{run_id}/history",
        "/api/v1/projects/{project}/columns",
        "/api/v1/projects/{project}/runs",
        "/api/v1/projects/{project}/runs/{run_id}",
        "/api/v1/projects/{project}/runs/{run_id}/capture",
        "/api/v1/projects/{project}/runs/{run_id}/console",
        "/api/v1/projects/{project}/runs/{run_id}/reproductions",
        "/api/v1/projects/{project}/runs/delete",
        "/api/v1/projects/{project}/metric-keys",
        "/api/v1/projects/{project}/series",
        "/api/v1/projects/{project}/workspace",
        "/api/v1/projects/{project}/views",
        "/api/v1/projects/{project}/views/{name}",
        "/api/v1/projects/{project}/importance",
        "/api/v1/projects/{project}/sweeps",
        "/api/v1/projects/{project}/sweeps/{sweep_id}",
        "/api/v1/projects/{project}/sweeps/{sweep_id}/runs",
        "/api/v1/projects/{project}/sweeps/{sweep_id}/state",
        "/api/v1/projects/{project}/sweeps/{sweep_id}/claim",
        "/api/v1/projects/{project}/sweeps/{sweep_id}/trials/{number}/end",
        "/api/v1/projects/{project}/sweeps/{sweep_id}/verdict/{run_id}",
        "/api/v1/projects/{project}/artifacts",
        "/api/v1/projects/{project}/artifacts/{name}/versions",
        "/api/v1/projects/{project}/artifacts/{name}/versions/{selector}",
        "/api/v1/projects/{project}/artifacts/{name}/versions/{selector}/aliases",
        "/api/v1/projects/{project}/artifacts/{name}/versions/{selector}/files/{path}",
        "/api/v1/projects/{project}/artifacts/{name}/versions/{selector}/preview/{path}",
        "/api/v1/projects/{project}/runs/{run_id}/artifacts",
        "/api/v1/projects/{project}/lineage",
        "/api/v1/projects/{project}/reports",
        "/api/v1/projects/{project}/reports/{report_id}",
        "/api/v1/projects/{project}/reports/{report_id}/versions",
        "/api/v1/projects/{project}/reports/{report_id}/diff",
        "/api/v1/projects/{project}/reports/{report_id}/versions/{number}/restore",
        "/api/v1/projects/{project}/reports/render/markdown",
        "/api/v1/projects/{project}/reports/render/panel",
        "/api/v1/projects/{project}/reports/templates/reproducibility",
        "/api/v1/projects/{project}/reports/images",
        "/api/v1/projects/{project}/reports/images/{image}",
        "/api/v1/projects/{project}/media-keys",
        "/api/v1/projects/{project}/media",
        "/api/v1/projects/{project}/runs/{run_id}/media/table",
        "/api/v1/projects/{project}/runs/{run_id}/media/histograms",
        "/api/v1/projects/{project}/media/histograms",
        "/api/v1/blobs/{digest}",
        "/api/v1/blobs/{digest}/uploads",
        "/api/v1/blobs/{digest}/uploads/{upload}",
        "/api/v1/blobs/{digest}/multipart",
        "/api/v1/blobs/{digest}/multipart/{upload}/parts",
        "/api/v1/blobs/{digest}/multipart/{upload}/complete",
        "/api/v1/blobs/{digest}/chunked",
        "/api/v1/blobs/{digest}/chunked/{upload}",
        "/api/v1/blobs/{digest}/chunked/{upload}/complete",
        "/api/v1/projects/{project}/runs/{run_id}/last-seq",
        "/api/v1/projects/{project}/runs/{run_id}/stored",
        "/api/v1/projects/{project}/runs/{run_id}/records",
        "/api/v1/projects/{project}/runs/{run_id}/heartbeat",
        "/api/v1/projects/{project}/run-numbers",
        # members and visibility
        "/api/v1/projects/{project}/members",
        "/api/v1/projects/{project}/members/users/{user}",
        "/api/v1/projects/{project}/members/teams/{team}",
        "/api/v1/projects/{project}/visibility",
    }
    assert set(spec["paths"]["/api/v1/projects/{project}/runs/{run_id}"]) == {
        "get",
        "patch",
        "delete",
    }
    schemas = spec["components"]["schemas"]
    assert {"RunRow", "RunPage", "RunDetail", "SeriesRequest", "SeriesResponse"} <= set(schemas)


def test_interactive_docs_are_served(server: Server) -> None:
    response = httpx.get(f"{server.url}/api/docs")
    assert response.status_code == 200
    assert "/api/v1/openapi.json" in response.text


def test_interactive_docs_work_offline_from_the_build(store: Store, static_dir: Path) -> None:
    """With a build that carries Swagger UI, /api/docs names no outside address."""
    swagger = static_dir / "swagger"
    swagger.mkdir()
    (swagger / "swagger-ui-bundle.js").write_text("window.SwaggerUIBundle = () => {}")
    (swagger / "swagger-ui.css").write_text("body {}")
    client = TestClient(create_app(store, static_dir, allowed_hosts=TESTSERVER))
    page = client.get("/api/docs").text
    assert "/swagger/swagger-ui-bundle.js" in page and "/swagger/swagger-ui.css" in page
    assert "https://" not in page
    assert client.get("/swagger/swagger-ui-bundle.js").text.startswith("window.SwaggerUIBundle")


def test_ui_prints_the_dashboard_url_first(server: Server) -> None:
    assert server.output().splitlines()[0] == f"Cairn dashboard: {server.url}"


def test_unknown_api_paths_are_json_404s(server: Server) -> None:
    for path in ("/api", "/api/v1/nope", "/api/v2/projects"):
        response = httpx.get(f"{server.url}{path}")
        assert response.status_code == 404, path
        assert "no API endpoint" in response.json()["detail"]
    assert httpx.post(f"{server.url}/api/v1/projects").status_code == 405


def test_web_app_routes_get_index_html(store: Store, static_dir: Path) -> None:
    client = TestClient(create_app(store, static_dir, allowed_hosts=TESTSERVER))
    for path in ("/", "/p/demo", "/p/demo/r/abc123", "/p/demo/r/abc123?tab=charts"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.text == INDEX
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["cache-control"] == "no-cache"
    asset = client.get("/assets/app-1234.js")
    assert asset.status_code == 200 and asset.text == "console.log('cairn')"
    assert client.get("/assets/missing.js").status_code == 404  # not index.html
    assert client.get("/favicon.svg").text == "<svg/>"
    assert client.get("/api/v1/projects").json() == []


def test_web_app_never_serves_files_outside_its_folder(store: Store, static_dir: Path) -> None:
    client = TestClient(create_app(store, static_dir, allowed_hosts=TESTSERVER))
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt", "/a%00b"):
        response = client.get(path)
        assert "not for the web" not in response.text, path
        assert response.status_code in (200, 404), path


def test_without_a_build_the_page_says_how_to_make_one(store: Store, tmp_path: Path) -> None:
    for static in (None, tmp_path / "missing"):
        client = TestClient(create_app(store, static, allowed_hosts=TESTSERVER))
        for path in ("/", "/p/demo/r/abc"):
            response = client.get(path)
            assert response.status_code == 200
            assert "not built" in response.text and "make web" in response.text
        assert client.get("/api/v1/projects").status_code == 200


def test_in_process_the_app_answers_only_to_hosts_it_is_given(store: Store) -> None:
    refused = TestClient(create_app(store, None)).get("/api/v1/projects")
    assert refused.status_code == 400
    assert "--allowed-host testserver" in refused.json()["detail"]
    local = TestClient(create_app(store, None), base_url="http://localhost:8080")
    assert local.get("/api/v1/projects").status_code == 200
    anything = TestClient(create_app(store, None, allowed_hosts=["*"]))
    assert anything.get("/api/v1/projects").status_code == 200


class BrokenStore(Store):
    """A store whose project list fails as a bug would."""

    def projects(self) -> list:  # type: ignore[type-arg]
        raise RuntimeError("boom")


def test_a_bug_is_a_logged_500_with_a_message(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = BrokenStore.local(tmp_path / ".cairn")
    client = TestClient(
        create_app(store, None, allowed_hosts=TESTSERVER), raise_server_exceptions=False
    )
    with caplog.at_level(logging.ERROR, logger="cairn.server"):
        response = client.get("/api/v1/projects")
    assert response.status_code == 500
    assert response.json() == {
        "detail": "internal error (RuntimeError); the server log has the traceback"
    }
    assert "GET /api/v1/projects failed" in caplog.text and "boom" in caplog.text
    # answered outside the app's middleware, it still carries the security headers
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    store.close()
