"""``/projects/{project}/importance``: which config parameters matter for a metric, over some runs."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, TypeGuard

from fastapi import APIRouter, HTTPException

from cairn.analysis import ImportanceMemo
from cairn.server.deps import StoreDep
from cairn.server.schemas import (
    MAX_IMPORTANCE_RUNS,
    ApiError,
    ImportanceRequest,
    ImportanceResponse,
)
from cairn.store import RunInfo, Store

router = APIRouter(tags=["analysis"])
memo = ImportanceMemo()
"""Results by their input's content: a new run or a changed config or summary is a new key."""
BAD_QUERY: dict[int | str, dict[str, Any]] = {400: {"model": ApiError}, 404: {"model": ApiError}}


def _selected_runs(store: Store, project: str, body: ImportanceRequest) -> list[RunInfo]:
    if body.run_ids is not None and body.filter:
        raise HTTPException(400, "give run_ids or filter, not both")
    if body.run_ids is not None:
        return store.runs(project, ids=list(dict.fromkeys(body.run_ids)))
    found = store.runs(project, filter=body.filter or None, limit=MAX_IMPORTANCE_RUNS + 1)
    if len(found) > MAX_IMPORTANCE_RUNS:
        raise HTTPException(
            400,
            f"more than {MAX_IMPORTANCE_RUNS} runs match; narrow the filter or pass run_ids",
        )
    return found


def _is_number(value: Any) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


@router.post(
    "/projects/{project}/importance", response_model=ImportanceResponse, responses=BAD_QUERY
)
def importance(project: str, body: ImportanceRequest, store: StoreDep) -> dict[str, Any]:
    """Per config parameter: its permutation importance in a random forest that predicts the
    metric, and its Pearson correlation with the metric (see docs/analysis.md). With fewer than 5
    runs holding the metric, ``parameters`` is empty and ``note`` says why."""
    store.project(project)
    infos = _selected_runs(store, project, body)
    metric = body.metric
    values = [info.summary.get(metric) for info in infos]
    present = [v for v in values if v is not None]
    if not present:
        raise HTTPException(
            400,
            f"none of these {len(infos)} runs has a summary value {metric!r}; "
            "pick a metric from the runs table's summary columns",
        )
    if not any(_is_number(v) for v in present):
        raise HTTPException(
            400,
            f"summary value {metric!r} is not a number in these runs "
            f"(e.g. {present[0]!r}); pick a numeric metric",
        )
    configs = [info.config for info in infos]
    metrics = [float(v) if _is_number(v) else None for v in values]
    result = memo(configs, metrics, body.params)
    return {
        "metric": metric,
        "runs": result.runs,
        "parameters": [asdict(p) for p in result.parameters],
        "note": result.note,
    }
