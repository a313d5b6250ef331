"""A project's saved views (``/projects/{project}/views``) and their documents
(``/projects/{project}/workspace?view=name``; no ``view``: the default view)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request, Response

from cairn.server.deps import StoreDep
from cairn.server.schemas import ApiError, JsonObject, ViewChange, ViewCreate, ViewInfo
from cairn.store import workspaces
from cairn.store.workspaces import get_workspace, save_workspace

router = APIRouter(tags=["workspace"])

MAX_BYTES = 1_000_000
MAX_DEPTH = 64
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ApiError},
    404: {"model": ApiError},
    409: {"model": ApiError},
    413: {"model": ApiError},
}
ViewQuery = Annotated[
    str | None, Query(max_length=200, description="a saved view's name; absent: the default view")
]


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


def _shallow(workspace: JsonObject) -> JsonObject:
    if _depth(workspace) > MAX_DEPTH:
        raise HTTPException(400, f"the workspace nests deeper than {MAX_DEPTH} levels")
    return workspace


def _named(name: str) -> str:
    try:
        return workspaces.view_name(name)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None


def _info(view: workspaces.ViewInfo) -> ViewInfo:
    return ViewInfo(name=view.name, is_default=view.is_default, updated_at=view.updated_at)


@router.get("/projects/{project}/workspace", response_model=JsonObject, responses=ERRORS)
def read_workspace(project: str, store: StoreDep, view: ViewQuery = None) -> dict[str, Any]:
    """The document of a saved view (the default one without ``view``); ``{}`` when the project
    has no view yet."""
    return get_workspace(store, project, view)


@router.put(
    "/projects/{project}/workspace",
    response_model=JsonObject,
    responses=ERRORS,
    dependencies=[Depends(_small_body)],
)
def write_workspace(
    project: str, workspace: Annotated[JsonObject, Body()], store: StoreDep, view: ViewQuery = None
) -> dict[str, Any]:
    """Replace the document of a saved view (any JSON object up to 1 MB); without ``view``, the
    default view's, which is created ("Default") when the project has none. Returns it."""
    save_workspace(store, project, _shallow(workspace), view)
    return get_workspace(store, project, view)


@router.get("/projects/{project}/views", response_model=list[ViewInfo], responses=ERRORS)
def read_views(project: str, store: StoreDep) -> list[ViewInfo]:
    """The project's saved views, the default first, then by name."""
    return [_info(v) for v in workspaces.list_views(store, project)]


@router.post(
    "/projects/{project}/views",
    response_model=ViewInfo,
    status_code=201,
    responses=ERRORS,
    dependencies=[Depends(_small_body)],
)
def create_view(project: str, body: ViewCreate, store: StoreDep) -> ViewInfo:
    """Save a new view ("Save as"); 409 when the name is taken. The first becomes the default."""
    view = workspaces.create_view(store, project, _named(body.name), _shallow(body.workspace))
    return _info(view)


@router.patch("/projects/{project}/views/{name}", response_model=ViewInfo, responses=ERRORS)
def change_view(project: str, name: str, body: ViewChange, store: StoreDep) -> ViewInfo:
    """Rename a view and/or make it the default; 409 when the new name is taken."""
    view: workspaces.ViewInfo | None = None
    if body.name is not None:
        view = workspaces.rename_view(store, project, name, _named(body.name))
        name = view.name
    if body.default:
        view = workspaces.set_default_view(store, project, name)
    if view is None:
        raise HTTPException(400, 'nothing to change: give "name", "default": true, or both')
    return _info(view)


@router.delete(
    "/projects/{project}/views/{name}", status_code=204, responses=ERRORS, response_class=Response
)
def delete_view(project: str, name: str, store: StoreDep) -> Response:
    """Delete a view; 409 for the default view (make another the default first)."""
    workspaces.delete_view(store, project, name)
    return Response(status_code=204)
