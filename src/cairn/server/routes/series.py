"""``/projects/{project}/metric-keys`` and ``/series``: what can be charted, and the lines."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response

from cairn.server.charts import series_json
from cairn.server.deps import StoreDep
from cairn.server.run_refs import ids_by_project, resolve_runs
from cairn.server.schemas import (
    MAX_SERIES_PAIRS,
    ApiError,
    MetricKeys,
    MetricKeysRequest,
    SeriesRequest,
    SeriesResponse,
)
from cairn.store.columns import metric_keys
from cairn.store.series import X_AXES

router = APIRouter(tags=["charts"])
BAD_QUERY: dict[int | str, dict[str, Any]] = {400: {"model": ApiError}, 404: {"model": ApiError}}


@router.post("/projects/{project}/metric-keys", response_model=MetricKeys, responses=BAD_QUERY)
def list_metric_keys(
    project: str, body: MetricKeysRequest, store: StoreDep, request: Request
) -> dict[str, Any]:
    """The sorted union of the metric keys of some runs (run_ids null: of every run of the
    project); a run of another project is named ``project/id``."""
    store.project(project)
    if body.run_ids is None:
        return {"keys": metric_keys(store, project)}
    keys: set[str] = set()
    for name, runs in ids_by_project(request, store, project, body.run_ids).items():
        if runs:
            keys.update(metric_keys(store, name, [r.run_id for r in runs]))
    return {"keys": sorted(keys)}


@router.post("/projects/{project}/series", response_model=SeriesResponse, responses=BAD_QUERY)
def get_series(project: str, body: SeriesRequest, store: StoreDep, request: Request) -> Response:
    """Lines of metric keys against ``x``, one per (run, key) the run logged, each at most
    ``max_points`` points chosen by M4 (the line draws as the full data does). Run ids that are
    not in the project are skipped; a run of another project is named ``project/id`` (and the
    caller must be allowed to read that project). ``y`` is null where the value is NaN or ±Inf; ``nonfinite``
    says where and which."""
    store.project(project)
    run_ids = list(dict.fromkeys(body.run_ids))
    keys = list(dict.fromkeys(body.keys))
    if len(run_ids) * len(keys) > MAX_SERIES_PAIRS:
        raise HTTPException(
            400,
            f"{len(run_ids)} runs x {len(keys)} keys is {len(run_ids) * len(keys)} lines; "
            f"ask for at most {MAX_SERIES_PAIRS} per request",
        )
    if body.x not in X_AXES and body.x.startswith("_"):
        raise HTTPException(400, f"x={body.x!r}: use _step, _runtime, _timestamp or a metric key")
    runs = resolve_runs(request, store, project, run_ids) if keys else []
    content = series_json(
        store,
        runs,
        keys,
        x=body.x,
        max_points=body.max_points,
        x_min=body.x_min,
        x_max=body.x_max,
    )
    return Response(content, media_type="application/json")
