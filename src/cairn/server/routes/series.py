"""``/projects/{project}/metric-keys`` and ``/series``: what can be charted, and the lines."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Response

from cairn.server.charts import series_json
from cairn.server.deps import StoreDep
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
def list_metric_keys(project: str, body: MetricKeysRequest, store: StoreDep) -> dict[str, Any]:
    """The sorted union of the metric keys of some runs (run_ids null: of every run)."""
    store.project(project)
    return {"keys": metric_keys(store, project, body.run_ids)}


@router.post("/projects/{project}/series", response_model=SeriesResponse, responses=BAD_QUERY)
def get_series(project: str, body: SeriesRequest, store: StoreDep) -> Response:
    """Lines of metric keys against ``x``, one per (run, key) the run logged, each at most
    ``max_points`` points chosen by M4 (the line draws as the full data does). Run ids that are
    not in the project are skipped. ``y`` is null where the value is NaN or ±Inf; ``nonfinite``
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
    found = {info.id: info for info in store.runs(project, ids=run_ids)} if keys else {}
    runs = [found[i] for i in run_ids if i in found]
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
