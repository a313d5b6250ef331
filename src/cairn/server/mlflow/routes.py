"""The MLflow tracking endpoints, on Cairn's store.

Mapping: an experiment is a project (its id is the project's name; "0", MLflow's default
experiment, is the project ``Default``); a run is a run (Cairn's 8-character ids); params are the
run's config (strings, as MLflow keeps them; a param cannot change value once logged); metrics are
its history (at their step and timestamp); ``mlflow.runName`` is its name, ``mlflow.note.content``
its notes, other user tags Cairn tags ``key=value``; artifacts go through the artifact proxy
(``artifacts.py``). Other ``mlflow.*`` system tags and dataset inputs (``log-inputs``) are
accepted and not kept yet.

Errors come in MLflow's shape, ``{"error_code": ..., "message": ...}``, so clients raise
``MlflowException`` with the message.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from cairn.errors import ProjectNotFoundError, RunNotFoundError
from cairn.journal.records import ConfigUpdate, History, Record, RunFinish, RunStart
from cairn.names import display_name, new_run_id
from cairn.server.auth.access import Need
from cairn.server.deps import StoreDep
from cairn.server.mlflow.access import MlflowError, readable, require
from cairn.server.mlflow.filters import MlflowFilterError, translate
from cairn.store import RunInfo, Store
from cairn.store.filters import FilterError

router = APIRouter(prefix="/api/2.0/mlflow", include_in_schema=False)

DEFAULT_EXPERIMENT = "0"
DEFAULT_PROJECT = "Default"
STATUS = {"running": "RUNNING", "finished": "FINISHED", "failed": "FAILED", "crashed": "FAILED"}
NAME_TAG, NOTE_TAG = "mlflow.runName", "mlflow.note.content"
MAX_BATCH = 1000


def mlflow_error_response(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, MlflowError)
    return JSONResponse({"error_code": exc.code, "message": str(exc)}, status_code=exc.status)


def _missing(what: str) -> MlflowError:
    return MlflowError("RESOURCE_DOES_NOT_EXIST", what, 404)


def _bad(message: str) -> MlflowError:
    return MlflowError("INVALID_PARAMETER_VALUE", message)


async def _body(request: Request) -> dict[str, Any]:
    if request.method == "GET":
        return dict(request.query_params)
    try:
        data = await request.json()
    except ValueError:
        raise _bad("the request body is not JSON") from None
    if not isinstance(data, dict):
        raise _bad("the request body must be a JSON object")
    return data


def _text(body: Mapping[str, Any], name: str, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise _bad(f"missing value for required parameter '{name}'")
        return None
    if not isinstance(value, str):
        raise _bad(f"parameter '{name}' must be a string")
    return value


def _project_of(experiment_id: str) -> str:
    return DEFAULT_PROJECT if experiment_id == DEFAULT_EXPERIMENT else experiment_id


def _experiment_id(project: str) -> str:
    return DEFAULT_EXPERIMENT if project == DEFAULT_PROJECT else project


def _default_experiment(request: Request, store: Store) -> None:
    """MLflow's default experiment always exists: its project is made on first sight."""
    try:
        store.project(DEFAULT_PROJECT)
    except ProjectNotFoundError:
        require(request, Need.LOGGER, DEFAULT_PROJECT)
        store.reserve_run_number(DEFAULT_PROJECT)


def _experiment(request: Request, store: Store, project: str) -> dict[str, Any]:
    """The experiment of ``project``; ProjectNotFoundError also when the caller may not read it."""
    shown = readable(request, store)
    if shown is not None and project not in shown:
        raise ProjectNotFoundError(project)
    info = store.project(project)
    created = int(info.created_at * 1000)
    return {
        "experiment_id": _experiment_id(project),
        "name": project,
        "artifact_location": f"mlflow-artifacts:/{_experiment_id(project)}",
        "lifecycle_stage": "active",
        "creation_time": created,
        "last_update_time": int((info.last_activity or info.created_at) * 1000),
        "tags": [],
    }


def _run(request: Request, store: Store, run_id: str | None, need: Need = Need.VIEWER) -> RunInfo:
    """The run, when the caller may ``need`` on its project; a run in a project the caller may
    not read is "not found", as a run that does not exist."""
    if run_id is None:
        raise _bad("missing value for required parameter 'run_id'")
    try:
        info = store.run(run_id)
    except RunNotFoundError:
        info = None
    shown = readable(request, store)
    if info is None or (shown is not None and info.project not in shown):
        raise _missing(f"Run with id={run_id} not found")
    require(request, need, info.project)
    return info


def _tags(info: RunInfo) -> list[dict[str, str]]:
    out = [{"key": NAME_TAG, "value": info.name}]
    if info.notes:
        out.append({"key": NOTE_TAG, "value": info.notes})
    for tag in info.tags:
        key, _, value = tag.partition("=")
        out.append({"key": key, "value": value})
    return out


def _run_info(info: RunInfo) -> dict[str, Any]:
    out: dict[str, Any] = {
        "run_id": info.id,
        "run_uuid": info.id,
        "run_name": info.name,
        "experiment_id": _experiment_id(info.project),
        "user_id": "",
        "status": STATUS.get(info.state, "RUNNING"),
        "start_time": int(info.created_at * 1000),
        "artifact_uri": f"mlflow-artifacts:/{_experiment_id(info.project)}/{info.id}/artifacts",
        "lifecycle_stage": "active",
    }
    if info.finished_at is not None:
        out["end_time"] = int(info.finished_at * 1000)
    return out


def _latest_metrics(store: Store, info: RunInfo) -> list[dict[str, Any]]:
    if not info.history_keys:
        return []
    table = store.history(info.id, info.history_keys)
    steps = table.column("_step").to_pylist()
    stamps = table.column("_timestamp").to_pylist()
    out = []
    for key in info.history_keys:
        values = table.column(key).to_pylist()
        last = max((i for i, v in enumerate(values) if v is not None), default=None)
        if last is not None:
            out.append(_metric(key, values[last], stamps[last], steps[last]))
    return out


def _metric(key: str, value: float, ts: float, step: int) -> dict[str, Any]:
    shown: Any = value
    if math.isnan(value):
        shown = "NaN"
    elif math.isinf(value):
        shown = "Infinity" if value > 0 else "-Infinity"
    return {"key": key, "value": shown, "timestamp": int(ts * 1000), "step": step}


def _full_run(store: Store, info: RunInfo) -> dict[str, Any]:
    params = [{"key": k, "value": str(v)} for k, v in info.config.items()]
    return {
        "info": _run_info(info),
        "data": {"metrics": _latest_metrics(store, info), "params": params, "tags": _tags(info)},
        "inputs": {},
    }


def _pairs(body: Mapping[str, Any], name: str) -> list[dict[str, Any]]:
    items = body.get(name) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise _bad(f"'{name}' must be a list of objects")
    return items


def _number(value: Any, key: str) -> float:
    if isinstance(value, str) and value in ("NaN", "Infinity", "-Infinity"):
        return float(value.replace("Infinity", "inf"))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _bad(f"metric '{key}' has a value that is not a number: {value!r}")
    return float(value)


def _log(
    request: Request,
    store: Store,
    run_id: str,
    metrics: Sequence[Mapping[str, Any]] = (),
    params: Sequence[Mapping[str, Any]] = (),
    tags: Sequence[Mapping[str, Any]] = (),
) -> None:
    """Metrics, params and tags of one request, applied together."""
    if len(metrics) + len(params) + len(tags) > MAX_BATCH:
        raise _bad(f"a batch holds at most {MAX_BATCH} metrics, params and tags in total")
    info = _run(request, store, run_id, Need.EDITOR)
    rows: list[tuple[int, float, dict[str, float]]] = []
    for metric in metrics:
        key = _text(metric, "key")
        assert key is not None
        value = _number(metric.get("value"), key)
        step = int(metric.get("step") or 0)
        ts = float(metric.get("timestamp") or time.time() * 1000) / 1000
        if rows and rows[-1][0] == step and key not in rows[-1][2]:
            rows[-1][2][key] = value
        else:
            rows.append((step, ts, {key: value}))
    new_params: dict[str, str] = {}
    for param in params:
        name = _text(param, "key")
        assert name is not None
        given = param.get("value")
        new_params[name] = "" if given is None else str(given)
    for name, text in new_params.items():
        if name in info.config and str(info.config[name]) != text:
            raise _bad(
                f"Changing param values is not allowed. Param with key='{name}' was already "
                f"logged with value='{info.config[name]}' for run ID='{run_id}'. Attempted "
                f"logging new value '{text}'."
            )
    _set_tags(store, info, tags)

    def make(seq: int, config: Mapping[str, Any] | None) -> list[Record]:
        out: list[Record] = []
        if new_params:
            out.append(ConfigUpdate(seq=seq, config={**(config or {}), **new_params}))
            seq += 1
        for step, ts, values in rows:
            out.append(History(seq=seq, step=step, ts=ts, values=values))
            seq += 1
        return out

    if new_params or rows:
        store.append(run_id, make)


def _set_tags(store: Store, info: RunInfo, tags: Iterable[Mapping[str, Any]]) -> None:
    name = notes = None
    user = {t.partition("=")[0]: t for t in info.tags}
    changed = False
    for tag in tags:
        key = _text(tag, "key")
        assert key is not None
        value = "" if tag.get("value") is None else str(tag.get("value"))
        if key == NAME_TAG:
            name = value
        elif key == NOTE_TAG:
            notes = value
        elif not key.startswith("mlflow."):
            user[key] = f"{key}={value}" if value else key
            changed = True
    if name is not None or notes is not None or changed:
        store.update_run(
            info.id, name=name, notes=notes, tags=list(user.values()) if changed else None
        )


# ---- experiments -------------------------------------------------------------------------


@router.get("/experiments/get-by-name")
async def get_experiment_by_name(request: Request, store: StoreDep) -> dict[str, Any]:
    name = _text(await _body(request), "experiment_name")
    assert name is not None
    try:
        found = {"experiment": _experiment(request, store, name)}
    except ProjectNotFoundError:
        raise _missing(f"Could not find experiment with name '{name}'") from None
    return found


@router.get("/experiments/get")
async def get_experiment(request: Request, store: StoreDep) -> dict[str, Any]:
    experiment_id = _text(await _body(request), "experiment_id")
    assert experiment_id is not None
    project = _project_of(experiment_id)
    if project == DEFAULT_PROJECT:
        _default_experiment(request, store)
    try:
        found = {"experiment": _experiment(request, store, project)}
    except ProjectNotFoundError:
        raise _missing(f"No Experiment with id={experiment_id} exists") from None
    return found


@router.post("/experiments/create")
async def create_experiment(request: Request, store: StoreDep) -> dict[str, Any]:
    name = _text(await _body(request), "name")
    assert name is not None
    try:
        store.project(name)
    except ProjectNotFoundError:
        require(request, Need.LOGGER, name)  # the caller becomes its admin
        store.reserve_run_number(name)  # makes the project
        return {"experiment_id": _experiment_id(name)}
    raise MlflowError("RESOURCE_ALREADY_EXISTS", f"Experiment '{name}' already exists.")


@router.post("/experiments/search")
async def search_experiments(request: Request, store: StoreDep) -> dict[str, Any]:
    shown = readable(request, store)
    return {
        "experiments": [
            _experiment(request, store, p.name)
            for p in store.projects()
            if shown is None or p.name in shown
        ]
    }


# ---- runs ----------------------------------------------------------------------------------


@router.post("/runs/create")
async def create_run(request: Request, store: StoreDep) -> dict[str, Any]:
    body = await _body(request)
    project = _project_of(str(body.get("experiment_id") or DEFAULT_EXPERIMENT))
    require(request, Need.LOGGER, project)
    tags = _pairs(body, "tags")
    name = body.get("run_name") or next(
        (str(t.get("value")) for t in tags if t.get("key") == NAME_TAG), None
    )
    if not name:
        name = display_name(store.reserve_run_number(project))
    started = float(body.get("start_time") or time.time() * 1000) / 1000
    run_id = new_run_id()
    start = RunStart(seq=1, run_id=run_id, project=project, name=str(name), created_at=started)
    store.apply(run_id, [start])
    info = store.run(run_id)
    _set_tags(store, info, [t for t in tags if t.get("key") != NAME_TAG])
    return {"run": _full_run(store, store.run(run_id))}


@router.get("/runs/get")
async def get_run(request: Request, store: StoreDep) -> dict[str, Any]:
    info = _run(request, store, _text(await _body(request), "run_id"))
    return {"run": _full_run(store, info)}


@router.post("/runs/update")
async def update_run(request: Request, store: StoreDep) -> dict[str, Any]:
    body = await _body(request)
    run_id = _text(body, "run_id", required=False) or _text(body, "run_uuid")
    info = _run(request, store, run_id, Need.EDITOR)
    if body.get("run_name"):
        store.update_run(info.id, name=str(body["run_name"]))
    status = body.get("status")
    if status in ("FINISHED", "FAILED", "KILLED") and info.state == "running":
        ended = float(body.get("end_time") or time.time() * 1000) / 1000
        state = "finished" if status == "FINISHED" else "failed"

        def finish(seq: int, _config: Mapping[str, Any] | None) -> list[Record]:
            return [
                RunFinish(seq=seq, ts=ended, state=state, exit_code=0 if state == "finished" else 1)
            ]

        store.append(info.id, finish)
    return {"run_info": _run_info(store.run(info.id))}


@router.post("/runs/delete")
async def delete_run(request: Request, store: StoreDep) -> dict[str, Any]:
    info = _run(request, store, _text(await _body(request), "run_id"), Need.EDITOR)
    store.delete_run(info.id)
    return {}


@router.post("/runs/log-metric")
async def log_metric(request: Request, store: StoreDep) -> dict[str, Any]:
    body = await _body(request)
    _log(request, store, str(_text(body, "run_id")), metrics=[body])
    return {}


@router.post("/runs/log-parameter")
async def log_param(request: Request, store: StoreDep) -> dict[str, Any]:
    body = await _body(request)
    _log(request, store, str(_text(body, "run_id")), params=[body])
    return {}


@router.post("/runs/set-tag")
async def set_tag(request: Request, store: StoreDep) -> dict[str, Any]:
    body = await _body(request)
    run_id = _text(body, "run_id", required=False) or _text(body, "run_uuid")
    _set_tags(store, _run(request, store, run_id, Need.EDITOR), [body])
    return {}


@router.post("/runs/delete-tag")
async def delete_tag(request: Request, store: StoreDep) -> dict[str, Any]:
    body = await _body(request)
    info = _run(request, store, _text(body, "run_id"), Need.EDITOR)
    key = _text(body, "key")
    kept = [t for t in info.tags if t.partition("=")[0] != key]
    if len(kept) == len(info.tags):
        raise _missing(f"No tag with name: {key} in run with id {info.id}")
    store.update_run(info.id, tags=kept)
    return {}


@router.post("/runs/log-batch")
async def log_batch(request: Request, store: StoreDep) -> dict[str, Any]:
    body = await _body(request)
    run_id = _text(body, "run_id")
    _log(
        request,
        store,
        str(run_id),
        _pairs(body, "metrics"),
        _pairs(body, "params"),
        _pairs(body, "tags"),
    )
    return {}


@router.post("/runs/log-inputs")
async def log_inputs(request: Request, store: StoreDep) -> dict[str, Any]:
    _run(request, store, _text(await _body(request), "run_id"), Need.EDITOR)
    return {}  # dataset inputs: accepted, not kept yet (docs/integrations.md)


@router.post("/runs/outputs")
async def log_outputs(request: Request, store: StoreDep) -> dict[str, Any]:
    _run(request, store, _text(await _body(request), "run_id"), Need.EDITOR)
    return {}


@router.get("/metrics/get-history")
async def get_metric_history(request: Request, store: StoreDep) -> dict[str, Any]:
    body = await _body(request)
    run_id = _text(body, "run_id", required=False) or _text(body, "run_uuid")
    info = _run(request, store, run_id)
    key = _text(body, "metric_key")
    assert key is not None
    if key not in info.history_keys:
        return {"metrics": []}
    table = store.history(info.id, [key])
    out = [
        _metric(key, value, ts, step)
        for step, ts, value in zip(
            table.column("_step").to_pylist(),
            table.column("_timestamp").to_pylist(),
            table.column(key).to_pylist(),
            strict=True,
        )
        if value is not None
    ]
    return {"metrics": out}


@router.post("/runs/search")
async def search_runs(request: Request, store: StoreDep) -> dict[str, Any]:
    body = await _body(request)
    ids = body.get("experiment_ids") or [DEFAULT_EXPERIMENT]
    if not isinstance(ids, list):
        raise _bad("'experiment_ids' must be a list")
    try:
        expression = translate(str(body.get("filter") or ""))
    except MlflowFilterError as exc:
        raise _bad(f"Invalid filter: {exc}") from None
    limit = int(body.get("max_results") or 1000)
    offset = int(body.get("page_token") or 0)
    order = _order(body.get("order_by") or [])
    found: list[RunInfo] = []
    shown = readable(request, store)
    for experiment_id in ids:
        if shown is not None and _project_of(str(experiment_id)) not in shown:
            continue  # as an experiment that does not exist
        try:
            found += store.runs(
                _project_of(str(experiment_id)), filter=expression or None, order=order
            )
        except ProjectNotFoundError:
            continue
        except FilterError as exc:
            raise _bad(f"Invalid filter: {exc}") from None
    page = found[offset : offset + limit]
    out: dict[str, Any] = {"runs": [_full_run(store, info) for info in page]}
    if offset + limit < len(found):
        out["next_page_token"] = str(offset + limit)
    return out


def _order(clauses: Sequence[Any]) -> str | None:
    fields = []
    for clause in clauses:
        text = str(clause).strip()
        descending = text.upper().endswith(" DESC")
        text = text.rsplit(" ", 1)[0] if text.upper().endswith((" DESC", " ASC")) else text
        entity, _, key = text.partition(".")
        key = key.strip('`"')
        if entity in ("metrics", "metric"):
            field = f'summary["{key}"]'
        elif entity in ("params", "param"):
            field = f'config["{key}"]'
        elif text in ("attributes.start_time", "start_time"):
            field = "created_at"
        else:
            raise _bad(f"Invalid order_by clause '{clause}'")
        fields.append(("-" if descending else "") + field)
    return ",".join(fields) or None


@router.api_route("/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
async def not_supported(path: str) -> dict[str, Any]:
    raise MlflowError(
        "ENDPOINT_NOT_FOUND", f"Cairn does not serve /api/2.0/mlflow/{path} (yet)", 404
    )
