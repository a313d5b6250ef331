"""What route handlers share: the store, and runs looked up within their project."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from cairn.errors import RunNotFoundError
from cairn.store import RunInfo, Store


async def get_store(request: Request) -> Store:  # async: no thread to wait for
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]


def project_run(store: Store, project: str, run_id: str) -> RunInfo:
    """The run ``run_id`` of ``project``; RunNotFoundError (404) when missing or elsewhere."""
    try:
        info = store.run(run_id)
    except RunNotFoundError:
        info = None
    if info is None or info.project != project:
        raise RunNotFoundError(f"no run {run_id!r} in project {project!r}")
    return info
