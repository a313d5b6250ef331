"""``/projects/{project}/runs``: list (filter, order, search, pages), read, edit and delete runs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response

from cairn.errors import RunNotFoundError
from cairn.repro.score import SCORED_SECTIONS, score
from cairn.server.convert import run_detail, run_row
from cairn.server.deps import StoreDep, project_run
from cairn.server.schemas import ApiError, Deleted, DeleteRuns, RunDetail, RunEdit, RunPage
from cairn.store import RunInfo, Store
from cairn.store.artifacts import used_refs
from cairn.store.capture import capture_sections
from cairn.store.cursor import MAX_CURSOR
from cairn.store.media import media_keys

router = APIRouter(tags=["runs"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ApiError}}
BAD_QUERY: dict[int | str, dict[str, Any]] = {400: {"model": ApiError}, **NOT_FOUND}

MAX_OFFSET = 2**31


def _picked_columns(columns: str | None) -> tuple[set[str] | None, set[str] | None]:
    """``config.model.width,summary.val/acc`` → ({"model.width"}, {"val/acc"}); None: all."""
    if columns is None:
        return None, None
    config: set[str] = set()
    summary: set[str] = set()
    for part in columns.split(","):
        name = part.strip()
        if not name:
            continue
        root, dot, key = name.partition(".")
        if root not in ("config", "summary") or not dot or not key:
            raise HTTPException(
                400,
                f"column {name!r}: columns are config.<path> or summary.<key>, "
                "comma-separated (e.g. config.model.width,summary.val/acc)",
            )
        (config if root == "config" else summary).add(key)
    return config, summary


@router.get("/projects/{project}/runs", response_model=RunPage, responses=BAD_QUERY)
def list_runs(
    project: str,
    store: StoreDep,
    filter: Annotated[
        str | None, Query(description='e.g. config.lr < 1e-3 and "baseline" in tags')
    ] = None,
    order: Annotated[
        str | None, Query(description="e.g. -summary.val/acc,config.lr (default -created_at)")
    ] = None,
    search: Annotated[
        str | None, Query(description="case-insensitive substring of name, id or a tag")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    cursor: Annotated[
        str | None,
        Query(
            max_length=MAX_CURSOR,
            description="the next of the previous page (same order): starts right after it",
        ),
    ] = None,
    columns: Annotated[
        str | None, Query(description="config.<path>,summary.<key>,...: only these values")
    ] = None,
) -> dict[str, Any]:
    """A page of the project's runs and how many match in all."""
    store.project(project)
    config_keys, summary_keys = _picked_columns(columns)
    filter = filter if filter and filter.strip() else None
    order = order if order and order.strip() else None
    page = store.runs_page(
        project,
        filter=filter,
        order=order,
        search=search or None,
        limit=limit,
        offset=offset,
        after=cursor,
    )
    infos, total = page.runs, page.total
    captured = capture_sections(store, [i.id for i in infos], SCORED_SECTIONS)
    inputs = used_refs(store, list(captured))
    scores = {
        i.id: score(captured[i.id], i.config, inputs.get(i.id, ()))
        for i in infos
        if i.id in captured
    }
    return {
        "total": total,
        "offset": offset,
        "limit": limit,
        "next": page.next,
        "runs": [
            {**run_row(info, config_keys, summary_keys), "repro_score": scores.get(info.id)}
            for info in infos
        ],
    }


def _detail(store: Store, info: RunInfo) -> dict[str, Any]:
    """A RunDetail with its reproducibility score."""
    captured = capture_sections(store, [info.id], SCORED_SECTIONS).get(info.id, {})
    inputs = used_refs(store, [info.id]).get(info.id, [])
    return {
        **run_detail(info),
        "repro_score": score(captured, info.config, inputs),
        "media_count": len(media_keys(store, [info.id])),
    }


@router.get("/projects/{project}/runs/{run_id}", response_model=RunDetail, responses=NOT_FOUND)
def get_run(project: str, run_id: str, store: StoreDep) -> dict[str, Any]:
    """One run, config nested as logged, with its metric keys."""
    return _detail(store, project_run(store, project, run_id))


@router.patch("/projects/{project}/runs/{run_id}", response_model=RunDetail, responses=NOT_FOUND)
def edit_run(project: str, run_id: str, edit: RunEdit, store: StoreDep) -> dict[str, Any]:
    """Change a run's name, notes or tags (tags: the whole new list)."""
    project_run(store, project, run_id)
    info = store.update_run(run_id, name=edit.name, notes=edit.notes, tags=edit.tags)
    return _detail(store, info)


@router.delete(
    "/projects/{project}/runs/{run_id}",
    status_code=204,
    response_class=Response,
    responses=NOT_FOUND,
)
def delete_run(project: str, run_id: str, store: StoreDep) -> Response:
    """Delete a run with its history."""
    project_run(store, project, run_id)
    store.delete_run(run_id)
    return Response(status_code=204)


@router.post("/projects/{project}/runs/delete", response_model=Deleted, responses=NOT_FOUND)
def delete_runs(project: str, body: DeleteRuns, store: StoreDep) -> dict[str, int]:
    """Delete several runs; ids that are not runs of the project are skipped."""
    store.project(project)
    deleted = 0
    for info in store.runs(project, ids=list(dict.fromkeys(body.ids))):
        try:
            store.delete_run(info.id)
        except RunNotFoundError:
            continue  # deleted meanwhile, by another request
        deleted += 1
    return {"deleted": deleted}
