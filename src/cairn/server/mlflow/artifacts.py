"""MLflow's artifact proxy (``/api/2.0/mlflow-artifacts/artifacts``): files an MLflow client logs
(``log_artifact``, autolog's plots and models) kept under the store folder, in
``mlflow-artifacts/<experiment>/<run_id>/artifacts/<path>``, streamed in and out.

Paths are checked part by part: no empty, ``.`` or ``..`` part, no backslash or NUL, and the file
must resolve inside that folder. Only a local store keeps them for now (a blob store on S3 answers
501: use a local store for MLflow artifacts until the team server stores them).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from cairn.server.auth.access import Need
from cairn.server.deps import StoreDep
from cairn.server.mlflow.access import MlflowError, readable, require
from cairn.store import Store

router = APIRouter(prefix="/api/2.0/mlflow-artifacts", include_in_schema=False)


def _error(code: str, message: str, status: int) -> JSONResponse:
    return JSONResponse({"error_code": code, "message": message}, status_code=status)


def project_of_path(path: str) -> str:
    """The project an artifact path belongs to: its first part is the experiment id."""
    experiment = path.split("/", 1)[0]
    return "Default" if experiment == "0" else experiment


def _refused(request: Request, path: str, need: Need) -> JSONResponse | None:
    """MLflow's error when the caller may not ``need`` on the path's project, else None."""
    try:
        require(request, need, project_of_path(path))
    except MlflowError as exc:
        return _error(exc.code, str(exc), exc.status)
    return None


def _root(store: Store) -> Path | None:
    if not store.blobs._local:
        return None
    return Path(store.blobs.root).parent / "mlflow-artifacts"


def _target(root: Path, path: str) -> Path | None:
    """``root/path`` when ``path`` is a plain relative path that stays inside ``root``."""
    parts = path.split("/")
    if not path or any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts):
        return None
    target = root.joinpath(*parts)
    resolved = target.resolve()
    if resolved != root.resolve() and root.resolve() not in resolved.parents:
        return None
    return target


@router.put("/artifacts/{path:path}")
async def upload(path: str, request: Request, store: StoreDep) -> Response:
    refused = _refused(request, path, Need.EDITOR)
    if refused is not None:
        return refused
    root = _root(store)
    if root is None:
        return _error("NOT_IMPLEMENTED", "MLflow artifacts need a local store for now", 501)
    target = _target(root, path)
    if target is None:
        return _error("INVALID_PARAMETER_VALUE", f"Invalid artifact path: {path!r}", 400)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as f:
            async for chunk in request.stream():
                f.write(chunk)
        os.replace(tmp, target)  # a reader never sees half a file
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return JSONResponse({})


@router.get("/artifacts")
async def listing(request: Request, store: StoreDep, path: str = "") -> Response:
    if path:
        refused = _refused(request, path, Need.VIEWER)
        if refused is not None:
            return refused
    root = _root(store)
    if root is None:
        return _error("NOT_IMPLEMENTED", "MLflow artifacts need a local store for now", 501)
    folder = _target(root, path) if path else root
    if folder is None:
        return _error("INVALID_PARAMETER_VALUE", f"Invalid artifact path: {path!r}", 400)
    files: list[dict[str, Any]] = []
    shown = None if path else readable(request, store)  # the root lists experiments
    if folder.is_dir():
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith(".upload-"):
                continue
            if shown is not None and project_of_path(entry.name) not in shown:
                continue
            item: dict[str, Any] = {"path": entry.name, "is_dir": entry.is_dir()}
            if entry.is_file():
                item["file_size"] = entry.stat().st_size
            files.append(item)
    elif folder.is_file():
        files.append({"path": folder.name, "is_dir": False, "file_size": folder.stat().st_size})
    return JSONResponse({"files": files})


def _existing(store: Store, path: str) -> Path | None:
    """The stored file or folder at ``path``; None when there is none (or the path is bad)."""
    root = _root(store)
    target = None if root is None else _target(root, path)
    return target if target is not None and target.exists() else None


def _no_artifact(path: str) -> JSONResponse:
    return _error("RESOURCE_DOES_NOT_EXIST", f"No artifact at {path!r}", 404)


@router.get("/artifacts/{path:path}")
async def download(path: str, request: Request, store: StoreDep) -> Response:
    refused = _refused(request, path, Need.VIEWER)
    if refused is not None:
        return refused
    target = _existing(store, path)
    if target is None or not target.is_file():
        return _no_artifact(path)
    return FileResponse(target, media_type="application/octet-stream")


@router.delete("/artifacts/{path:path}")
async def remove(path: str, request: Request, store: StoreDep) -> Response:
    refused = _refused(request, path, Need.EDITOR)
    if refused is not None:
        return refused
    target = _existing(store, path)
    if target is None:
        return _no_artifact(path)
    if target.is_dir():
        shutil.rmtree(target)
    else:
        target.unlink()
    return JSONResponse({})
