"""``/projects``: the projects, and the columns their runs have."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from cairn.server.auth.access import Caller
from cairn.server.deps import StoreDep
from cairn.server.schemas import ApiError, Columns, Project
from cairn.store.accounts import readable_projects
from cairn.store.columns import default_columns, project_columns, project_stats

router = APIRouter(tags=["projects"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ApiError}}


@router.get("/projects", response_model=list[Project])
def list_projects(store: StoreDep, request: Request) -> list[dict[str, Any]]:
    """Every project the caller may read, by name, with its run count and latest activity."""
    caller: Caller = request.state.caller
    shown = None if caller.local else readable_projects(store, caller.user)
    return [
        {
            "name": p.name,
            "run_count": p.run_count,
            "created_at": p.created_at,
            "last_activity": p.last_activity,
        }
        for p in store.projects()
        if shown is None or p.name in shown
    ]


@router.get("/projects/{project}/columns", response_model=Columns, responses=NOT_FOUND)
def columns(project: str, store: StoreDep) -> dict[str, list[str]]:
    """The flattened config paths and the summary keys any run of the project has, sorted, and
    the default columns (the same for any filter, so the table does not change as one is typed)."""
    store.project(project)
    config, summary = project_columns(store, project)
    return {
        "config": config,
        "summary": summary,
        "defaults": default_columns(project_stats(store, project)),
    }
