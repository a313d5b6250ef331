"""MLflow's artifact proxy (``/api/2.0/mlflow-artifacts/artifacts``): files an MLflow client logs
(``log_artifact``, autolog's plots and models) kept beside the store's blobs (``files.py``: the
store folder, or the same bucket on S3), in ``mlflow-artifacts/<experiment>/<run_id>/artifacts/
<path>``, streamed in and out. Each call checks the caller's role on the experiment's project."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from cairn.server.auth.access import Need
from cairn.server.deps import StoreDep
from cairn.server.mlflow.access import MlflowError, readable, require
from cairn.server.mlflow.files import ArtifactFiles

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


@router.put("/artifacts/{path:path}")
async def upload(path: str, request: Request, store: StoreDep) -> Response:
    refused = _refused(request, path, Need.EDITOR)
    if refused is not None:
        return refused
    files = ArtifactFiles(store)
    target = files.path(path)
    if target is None:
        return _error("INVALID_PARAMETER_VALUE", f"Invalid artifact path: {path[:200]!r}", 400)
    try:
        await files.write(target, request.stream())
    except (FileExistsError, NotADirectoryError, IsADirectoryError):
        return _error(
            "INVALID_PARAMETER_VALUE",
            f"Invalid artifact path: {path[:200]!r}: a file and a folder cannot share a name; "
            "choose another path",
            400,
        )
    return JSONResponse({})


@router.get("/artifacts")
async def listing(request: Request, store: StoreDep, path: str = "") -> Response:
    if path:
        refused = _refused(request, path, Need.VIEWER)
        if refused is not None:
            return refused
    files = ArtifactFiles(store)
    folder = files.path(path) if path else files.root
    if folder is None:
        return _error("INVALID_PARAMETER_VALUE", f"Invalid artifact path: {path[:200]!r}", 400)
    found = files.listing(folder)
    if not path:  # the root lists experiments: only those the caller may read
        shown = readable(request, store)
        found = [f for f in found if shown is None or project_of_path(f["path"]) in shown]
    return JSONResponse({"files": found})


def _no_artifact(path: str) -> JSONResponse:
    return _error("RESOURCE_DOES_NOT_EXIST", f"No artifact at {path[:200]!r}", 404)


@router.get("/artifacts/{path:path}")
async def download(path: str, request: Request, store: StoreDep) -> Response:
    refused = _refused(request, path, Need.VIEWER)
    if refused is not None:
        return refused
    files = ArtifactFiles(store)
    target = files.path(path)
    if target is None or not files.is_file(target):
        return _no_artifact(path)
    return files.response(target)


@router.delete("/artifacts/{path:path}")
async def remove(path: str, request: Request, store: StoreDep) -> Response:
    refused = _refused(request, path, Need.EDITOR)
    if refused is not None:
        return refused
    files = ArtifactFiles(store)
    target = files.path(path)
    if target is None or not files.exists(target):
        return _no_artifact(path)
    files.remove(target)
    return JSONResponse({})
