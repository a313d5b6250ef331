"""MLflow 3 logged models (``/api/2.0/mlflow/logged-models``): what ``mlflow.<flavor>.log_model``
and autologging create. Each is a small JSON file beside its artifacts, in
``mlflow-artifacts/<experiment>/models/<model_id>/``; the model files themselves arrive through
the artifact proxy, and live where those do (``files.py``)."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

from fastapi import APIRouter, Request

from cairn.server.auth.access import Need
from cairn.server.deps import StoreDep
from cairn.server.mlflow.access import MlflowError, readable, require
from cairn.server.mlflow.artifacts import project_of_path
from cairn.server.mlflow.files import ArtifactFiles
from cairn.server.mlflow.routes import _body, _missing, _pairs
from cairn.store import Store

router = APIRouter(prefix="/api/2.0/mlflow/logged-models", include_in_schema=False)
MODEL_ID = re.compile(r"m-[0-9a-f]{32}")


def _meta_path(store: Store, model_id: str) -> str:
    if not MODEL_ID.fullmatch(model_id):
        raise _missing(f"Logged model with ID '{model_id}' not found")
    found = ArtifactFiles(store).glob(f"*/models/{model_id}/meta.json")
    if not found:
        raise _missing(f"Logged model with ID '{model_id}' not found")
    return found[0]


def _load(request: Request, store: Store, model_id: str, need: Need) -> dict[str, Any]:
    """The model, when the caller may ``need`` on its experiment's project (one they may not
    read is "not found")."""
    model = dict(json.loads(ArtifactFiles(store).read_text(_meta_path(store, model_id))))
    project = project_of_path(model["info"]["experiment_id"])
    shown = readable(request, store)
    if shown is not None and project not in shown:
        raise _missing(f"Logged model with ID '{model_id}' not found")
    require(request, need, project)
    return model


def _save(store: Store, model: dict[str, Any]) -> None:
    info = model["info"]
    files = ArtifactFiles(store)
    files.write_text(
        f"{files.root}/{info['experiment_id']}/models/{info['model_id']}/meta.json",
        json.dumps(model),
    )


def _now() -> int:
    return int(time.time() * 1000)


@router.post("")
async def create(request: Request, store: StoreDep) -> dict[str, Any]:
    body = await _body(request)
    experiment_id = str(body.get("experiment_id") or "0")
    if "/" in experiment_id or experiment_id in (".", ".."):
        raise MlflowError("INVALID_PARAMETER_VALUE", f"Invalid experiment id {experiment_id!r}")
    require(request, Need.EDITOR, project_of_path(experiment_id))
    model_id = f"m-{uuid.uuid4().hex}"
    model = {
        "info": {
            "model_id": model_id,
            "experiment_id": experiment_id,
            "name": str(body.get("name") or "model"),
            "creation_timestamp_ms": _now(),
            "last_updated_timestamp_ms": _now(),
            "artifact_uri": f"mlflow-artifacts:/{experiment_id}/models/{model_id}/artifacts",
            "status": "LOGGED_MODEL_PENDING",
            "model_type": str(body.get("model_type") or ""),
            "source_run_id": str(body.get("source_run_id") or ""),
            "tags": _pairs(body, "tags"),
        },
        "data": {"params": _pairs(body, "params"), "metrics": []},
    }
    _save(store, model)
    return {"model": model}


CLAUSE = re.compile(r"\s*(name|source_run_id|model_id)\s*=\s*'([^']*)'\s*", re.I)


def _conditions(text: str) -> dict[str, str]:
    """``name = 'x' AND source_run_id = 'y'`` as {field: value}; other filters are refused."""
    conditions: dict[str, str] = {}
    for clause in re.split(r"\s+and\s+", text.strip(), flags=re.I) if text.strip() else []:
        match = CLAUSE.fullmatch(clause)
        if not match:
            raise MlflowError(
                "INVALID_PARAMETER_VALUE",
                f"Cairn filters logged models by name, source_run_id and model_id with =; "
                f"cannot use {clause.strip()!r}",
            )
        conditions[match[1].lower()] = match[2]
    return conditions


@router.post("/search")
async def search(request: Request, store: StoreDep) -> dict[str, Any]:
    body = await _body(request)
    ids = [str(i) for i in body.get("experiment_ids") or []]
    wanted = _conditions(str(body.get("filter") or ""))
    shown = readable(request, store)
    models = []
    files = ArtifactFiles(store)
    for path in files.glob("*/models/*/meta.json"):
        model = json.loads(files.read_text(path))
        info = model["info"]
        if ids and info["experiment_id"] not in ids:
            continue
        if shown is not None and project_of_path(info["experiment_id"]) not in shown:
            continue
        if all(str(info.get(field)) == value for field, value in wanted.items()):
            models.append(model)
    return {"models": models}


@router.get("/{model_id}")
async def get(model_id: str, request: Request, store: StoreDep) -> dict[str, Any]:
    return {"model": _load(request, store, model_id, Need.VIEWER)}


@router.patch("/{model_id}")
async def finalize(model_id: str, request: Request, store: StoreDep) -> dict[str, Any]:
    body = await _body(request)
    model = _load(request, store, model_id, Need.EDITOR)
    status = body.get("status")
    if status in ("LOGGED_MODEL_READY", "LOGGED_MODEL_UPLOAD_FAILED", 2, 3):
        model["info"]["status"] = {2: "LOGGED_MODEL_READY", 3: "LOGGED_MODEL_UPLOAD_FAILED"}.get(
            status, status
        )
    model["info"]["last_updated_timestamp_ms"] = _now()
    _save(store, model)
    return {"model": model}


@router.patch("/{model_id}/tags")
async def set_tags(model_id: str, request: Request, store: StoreDep) -> dict[str, Any]:
    body = await _body(request)
    model = _load(request, store, model_id, Need.EDITOR)
    tags = {t["key"]: t for t in model["info"]["tags"]}
    tags.update({str(t.get("key")): t for t in _pairs(body, "tags")})
    model["info"]["tags"] = list(tags.values())
    _save(store, model)
    return {"model": model}


@router.post("/{model_id}/params")
async def log_params(model_id: str, request: Request, store: StoreDep) -> dict[str, Any]:
    body = await _body(request)
    model = _load(request, store, model_id, Need.EDITOR)
    model["data"]["params"] = model["data"]["params"] + _pairs(body, "params")
    _save(store, model)
    return {}


@router.delete("/{model_id}")
async def delete(model_id: str, request: Request, store: StoreDep) -> dict[str, Any]:
    _load(request, store, model_id, Need.EDITOR)
    path = _meta_path(store, model_id)
    ArtifactFiles(store).remove(path.rsplit("/", 1)[0])
    return {}
