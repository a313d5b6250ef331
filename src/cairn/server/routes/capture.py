"""``/projects/{project}/runs/{id}/capture``, ``/console`` and ``/reproductions``: what the run
page's Reproducibility and Logs tabs show."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from cairn.repro.score import checklist, score
from cairn.server.deps import StoreDep, project_run
from cairn.server.schemas import ApiError, CaptureResponse, ConsolePage, ReproductionList
from cairn.store.artifacts import used_refs
from cairn.store.capture import get_capture, reproductions_of
from cairn.store.console import console_count, console_lines
from cairn.store.jsonsafe import encode_nonfinite
from cairn.store.reproductions import list_reproductions

router = APIRouter(tags=["reproducibility"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ApiError}}


def _without_bytes(code: Any) -> Any:
    """The code section with the entry script's content kept and nothing heavier."""
    if not isinstance(code, dict):
        return code
    snapshot = code.get("snapshot")
    if isinstance(snapshot, dict):
        files = snapshot.get("files") or {}
        snapshot = {
            **{k: v for k, v in snapshot.items() if k != "files"},
            "files": {
                path: {k: v for k, v in info.items() if k in ("sha256", "size", "symlink")}
                if isinstance(info, dict)
                else info
                for path, info in files.items()
            },
        }
        return {**code, "snapshot": snapshot}
    return code


@router.get(
    "/projects/{project}/runs/{run_id}/capture", response_model=CaptureResponse, responses=NOT_FOUND
)
def get_run_capture(project: str, run_id: str, store: StoreDep) -> dict[str, Any]:
    """Everything the run captured to be re-run, with the reproducibility checklist and score."""
    info = project_run(store, project, run_id)
    capture = get_capture(store, info.id)
    inputs = used_refs(store, [info.id]).get(info.id, [])
    if "code" in capture:
        capture["code"] = _without_bytes(capture["code"])
    return {
        "capture": capture,
        "checklist": checklist(capture, info.config, inputs),
        "score": score(capture, info.config, inputs),
        "reproduce_command": f"cairn reproduce {project}/{info.id}",
    }


@router.get(
    "/projects/{project}/runs/{run_id}/console", response_model=ConsolePage, responses=NOT_FOUND
)
def get_run_console(
    project: str,
    run_id: str,
    store: StoreDep,
    after: Annotated[int | None, Query(description="only lines numbered above this")] = None,
    search: Annotated[str | None, Query(description="case-insensitive substring")] = None,
    stream: Annotated[str | None, Query(pattern="^(stdout|stderr)$")] = None,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
) -> dict[str, Any]:
    """The run's console lines in order, and how many lines it has in all."""
    info = project_run(store, project, run_id)
    lines = console_lines(
        store, info.id, after=after, limit=limit, search=search or None, stream=stream
    )
    return {
        "total": console_count(store, info.id),
        "lines": [
            {"number": line.line, "ts": line.ts, "stream": line.stream, "text": line.text}
            for line in lines
        ],
    }


@router.get(
    "/projects/{project}/runs/{run_id}/reproductions",
    response_model=ReproductionList,
    responses=NOT_FOUND,
)
def get_run_reproductions(project: str, run_id: str, store: StoreDep) -> dict[str, Any]:
    """The stored comparisons of reproductions of this run, newest first, verdict per metric."""
    info = project_run(store, project, run_id)
    return {
        "reproductions": [
            {
                "id": c.id,
                "created_at": c.created_at,
                "verdict": c.verdict,
                "runs": c.runs,
                "metrics": encode_nonfinite(c.metrics),
                "details": encode_nonfinite(c.details),
                "report": c.report,
            }
            for c in list_reproductions(store, info.id)
        ],
        "made": reproductions_of(store, project, info.id),
    }
