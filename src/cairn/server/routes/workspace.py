"""``/projects/{project}/workspace``: the web app's saved layout, one JSON object per project."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Request

from cairn.server.deps import StoreDep
from cairn.server.schemas import ApiError, JsonObject
from cairn.store.workspaces import get_workspace, save_workspace

router = APIRouter(tags=["workspace"])

MAX_BYTES = 1_000_000
MAX_DEPTH = 64
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ApiError},
    404: {"model": ApiError},
    413: {"model": ApiError},
}


async def _small_body(request: Request) -> None:
    if len(await request.body()) > MAX_BYTES:
        raise HTTPException(413, f"a workspace is at most {MAX_BYTES:,} bytes of JSON")


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value``, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        if depth > MAX_DEPTH:
            return depth
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in item)
    return deepest


@router.get("/projects/{project}/workspace", response_model=JsonObject, responses=ERRORS)
def read_workspace(project: str, store: StoreDep) -> dict[str, Any]:
    """The project's saved workspace; ``{}`` when none was saved."""
    return get_workspace(store, project)


@router.put(
    "/projects/{project}/workspace",
    response_model=JsonObject,
    responses=ERRORS,
    dependencies=[Depends(_small_body)],
)
def write_workspace(
    project: str, workspace: Annotated[JsonObject, Body()], store: StoreDep
) -> dict[str, Any]:
    """Replace the project's saved workspace (any JSON object up to 1 MB); returns it."""
    if _depth(workspace) > MAX_DEPTH:
        raise HTTPException(400, f"the workspace nests deeper than {MAX_DEPTH} levels")
    save_workspace(store, project, workspace)
    return get_workspace(store, project)
