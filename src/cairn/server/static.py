"""The built web app: ``/assets/*`` as files, every other non-API path → ``index.html`` (the app
routes in the browser, e.g. ``/p/demo/r/abc``). Without a build, a page that says how to make one."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

BUILT = Path(__file__).parent / "static"
"""Where ``make web`` (``npm run build`` in web/) puts the app."""

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cairn</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto">
<h1>Cairn</h1>
<p>The web app is not built. Run <code>make web</code> in the Cairn repository (it runs
<code>npm run build</code> in <code>web/</code>), then reload this page.</p>
<p>The JSON API works meanwhile: <a href="/api/v1/projects">/api/v1/projects</a>,
documented at <a href="/api/docs">/api/docs</a>.</p>
</body></html>
"""


def built_web_app() -> Path | None:
    """The build of the web app to serve: ``$CAIRN_WEB_DIR`` when set (another build, e.g. an
    older one to compare against in ``make bench``), else the packaged build, or None when it was
    not built. Raises ValueError when ``$CAIRN_WEB_DIR`` holds no build."""
    other = os.environ.get("CAIRN_WEB_DIR")
    if other:
        root = Path(other)
        if not (root / "index.html").is_file() or not (root / "assets").is_dir():
            raise ValueError(
                f"$CAIRN_WEB_DIR={other} holds no build of the web app (index.html and assets/): "
                "point it at the output folder of `npx vite build`, or unset it"
            )
        return root
    return BUILT if (BUILT / "index.html").is_file() else None


def mount_web_app(app: FastAPI, static_dir: Path | None) -> None:
    """Serve the app in ``static_dir`` (a Vite build: index.html and assets/) after the API."""
    root = static_dir.resolve() if static_dir is not None else None
    if root is not None and (root / "index.html").is_file() and (root / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=root / "assets"), name="assets")

    @app.get("/{path:path}", include_in_schema=False)
    def web_app(path: str) -> Response:
        if path == "api" or path.startswith("api/"):
            return JSONResponse({"detail": f"no API endpoint /{path}: see /api/docs"}, 404)
        index = root / "index.html" if root is not None else None
        if root is None or index is None or not index.is_file():
            return HTMLResponse(NOT_BUILT)
        file = _file_in(root, path)
        if file is not None:
            return FileResponse(file)
        # index.html names the hashed asset files of the current build: never cache it.
        return FileResponse(index, headers={"Cache-Control": "no-cache"})


def _file_in(root: Path, path: str) -> Path | None:
    """``root/path`` when it is a file inside ``root`` (favicon.ico...), else None."""
    if not path:
        return None
    try:
        file = (root / path).resolve()
        return file if file.is_relative_to(root) and file.is_file() else None
    except (OSError, ValueError):  # a NUL byte, a name too long...
        return None
