"""The app factory: the JSON API under ``/api/v1`` and the web app, over one Store.

The app keeps no state of its own beyond the Store, so several processes can serve one database.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from cairn._version import __version__
from cairn.server.auth.access import authorize, authorize_mlflow, missing_rules
from cairn.server.errors import install_error_handlers
from cairn.server.ingest_gate import IngestGate
from cairn.server.mlflow import artifacts as mlflow_artifacts
from cairn.server.mlflow import models as mlflow_models
from cairn.server.mlflow import routes as mlflow_routes
from cairn.server.mlflow.access import MlflowError
from cairn.server.routes import (
    admin_users,
    analysis,
    artifacts,
    capture,
    chunked,
    ingest,
    keys,
    media,
    members,
    multipart,
    projects,
    reads,
    report_images,
    reports,
    runs,
    series,
    session,
    sweeps,
    workspace,
)
from cairn.server.security import SecurityMiddleware, csp
from cairn.server.static import mount_web_app
from cairn.server.timing import Arrival
from cairn.store import Store
from cairn.store.ingest_queue import IngestQueue

API_PREFIX = "/api/v1"


API_MODULES = (
    # first: the busiest routes (batches of records, run numbers) match without trying the
    # others (76 -> 12 us a request); and before media: HEAD /blobs/{digest} reads no blob
    ingest,
    multipart,
    chunked,
    session,
    keys,
    admin_users,
    projects,
    runs,
    series,
    workspace,
    capture,
    analysis,
    sweeps,
    artifacts,
    report_images,  # before reports: /reports/images/... is not a report's id
    reports,
    media,
    reads,
    members,
)


def create_app(
    store: Store,
    static_dir: Path | None = None,
    *,
    allowed_hosts: Iterable[str] = (),
    accounts: bool = False,
    queued_ingest: bool = False,
    ingest_concurrency: int = 0,
) -> FastAPI:
    """The dashboard's server for ``store``; ``static_dir`` holds the built web app (or None).

    It answers to the loopback names and to ``allowed_hosts`` (the address it listens on, names
    the user allows; ``*``: any), and refuses cross-site writes (see ``security``). With
    ``accounts`` (``cairn server``) every request is checked against the store's users, keys
    and roles (``auth.access``); without (``cairn ui``) the caller may do everything. With
    ``queued_ingest`` (``cairn server``, which runs an applier) batches of records are
    acknowledged once queued (``store.ingest_queue``); without, applied inside the request.
    ``ingest_concurrency``: batches taken at once (``ingest_gate``; 0: no limit).
    """
    routes = [
        (method, route.path)
        for module in API_MODULES
        for route in module.router.routes
        for method in getattr(route, "methods", ())
    ]
    missing = missing_rules(routes)
    if missing:  # every route says who may call it, or the server does not start
        raise RuntimeError(f"no entry in cairn.server.auth.access.ACCESS for {missing}")
    app = FastAPI(
        title="Cairn",
        version=__version__,
        summary="Experiment tracking built for reproducibility: the dashboard's JSON API.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = store
    app.state.auth = accounts
    app.state.ingest_queue = IngestQueue(store) if queued_ingest else None
    app.state.ingest_gate = IngestGate(ingest_concurrency)
    install_error_handlers(app)
    _serve_api_docs(app, static_dir)
    api = APIRouter(prefix=API_PREFIX, dependencies=[Depends(authorize)])
    for module in API_MODULES:
        api.include_router(module.router)
    app.include_router(api)
    # MLflow clients log here too (docs/integrations.md)
    mlflow = [Depends(authorize_mlflow)]
    app.include_router(mlflow_models.router, dependencies=mlflow)
    app.include_router(mlflow_artifacts.router, dependencies=mlflow)
    # last: it answers every other MLflow path
    app.include_router(mlflow_routes.router, dependencies=mlflow)
    app.add_exception_handler(MlflowError, mlflow_routes.mlflow_error_response)
    mount_web_app(app, static_dir)
    app.add_middleware(SecurityMiddleware, allowed_hosts=list(allowed_hosts))
    app.add_middleware(Arrival)  # last: the outermost, the first to see a request
    return app


def _serve_api_docs(app: FastAPI, static_dir: Path | None) -> None:
    """Swagger UI at ``/api/docs``, from the web build's own copy (works offline), else a CDN."""
    local = static_dir is not None and (static_dir / "swagger" / "swagger-ui-bundle.js").is_file()
    cdn = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5"
    base = "/swagger" if local else cdn

    page = get_swagger_ui_html(
        openapi_url=f"{API_PREFIX}/openapi.json",
        title="Cairn API",
        swagger_js_url=f"{base}/swagger-ui-bundle.js",
        swagger_css_url=f"{base}/swagger-ui.css",
        swagger_favicon_url=f"{base}/favicon-32x32.png",
    )
    body = bytes(page.body)
    # The page's one inline script (it starts Swagger UI) is allowed by its hash, on this page only.
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
        for script in re.findall(rb"<script>(.*?)</script>", body, flags=re.S)
    )
    origin = "" if local else f" {cdn}"
    policy = csp(
        script_src=f"'self'{origin} {hashes}",
        style_src=f"'self' 'unsafe-inline'{origin}",
        img_src=f"'self' data:{origin}",
    )

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(body, headers={"Content-Security-Policy": policy})
