"""Runs named by ``id`` (a run of the route's project) or by the path ``project/id`` (a run of
another project), so that one chart can draw runs of several projects (the compare page).

Every other project named is checked for the caller's read permission (the same answers as a
route's own ``{project}``: 404 for a project the caller may not read or that does not exist).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import HTTPException, Request

from cairn.names import check_project
from cairn.server.auth.access import Need, check
from cairn.store import RunInfo, Store


@dataclass(frozen=True)
class RunRef:
    """A run as the caller named it (``ref``), and where it lives."""

    ref: str
    project: str
    run_id: str


def parse_ref(ref: str, project: str) -> RunRef:
    """``id`` → a run of ``project``; ``other/id`` → a run of ``other``; else HTTP 400."""
    if "/" not in ref:
        return RunRef(ref, project, ref)
    other, _, run_id = ref.partition("/")
    if not run_id or "/" in run_id or run_id in (".", ".."):
        raise HTTPException(
            400,
            f"run {ref!r}: name a run by its id, or as project/id (one '/', both parts non-empty)",
        )
    try:
        check_project(other)
    except ValueError as exc:
        raise HTTPException(400, f"run {ref!r}: {exc}") from None
    return RunRef(ref, other, run_id)


def ids_by_project(
    request: Request, store: Store, project: str, refs: Sequence[str]
) -> dict[str, list[RunRef]]:
    """``refs`` (duplicates dropped, order kept) grouped by their project, each project checked:
    refused when the caller may not read it (401/403/404) or it does not exist (404)."""
    by_project: dict[str, list[RunRef]] = {project: []}
    for run in (parse_ref(ref, project) for ref in dict.fromkeys(refs)):
        by_project.setdefault(run.project, []).append(run)
    for name in by_project:
        if name != project:
            check(request, Need.VIEWER, name)  # before anything of it is read
        store.project(name)  # ProjectNotFoundError: 404
    return by_project


def resolve_runs(
    request: Request, store: Store, project: str, refs: Sequence[str]
) -> list[tuple[str, RunInfo]]:
    """The runs named by ``refs`` as ``(ref, run)``, in the order given; runs that do not exist
    are skipped (as a route's bare ids always were), projects are checked (``ids_by_project``)."""
    found: dict[str, RunInfo] = {}
    for name, wanted in ids_by_project(request, store, project, refs).items():
        if not wanted:
            continue
        infos = {info.id: info for info in store.runs(name, ids=[r.run_id for r in wanted])}
        found.update({r.ref: infos[r.run_id] for r in wanted if r.run_id in infos})
    return [(ref, found[ref]) for ref in dict.fromkeys(refs) if ref in found]
