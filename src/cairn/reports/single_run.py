"""The one run a verdict, image or plot panel reads (``Panel.run``: an id, or ``project/id``),
and the value an image or plot panel shows: one media key of it, at a step or the last."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cairn.errors import RunNotFoundError
from cairn.reports.blocks import Panel, RunData
from cairn.store.models import RunInfo
from cairn.store.reader import Reader

if TYPE_CHECKING:
    from cairn.store.media import MediaEntry


def panel_run(reader: Reader, project: str, panel: Panel) -> tuple[RunInfo, RunData] | None:
    """The panel's run and what the panel keeps of it; None when ``project`` has no such run
    (deleted, or a run of another project: a panel shows its own project's runs only)."""
    ref = panel.run or ""
    try:
        info = reader.find_run(ref if "/" in ref else f"{project}/{ref}")
    except RunNotFoundError:
        return None
    if info.project != project:
        return None
    return info, RunData(id=info.id, name=info.name, number=info.number)


def check_one_key(panel: Panel, example: str) -> None:
    """ValueError unless the panel names a run and one media key (``example``: a call that
    does), and its step, when given, is one a run can log."""
    if not panel.run or len(panel.keys) != 1:
        raise ValueError(f"{'an' if panel.kind == 'image' else 'a'} {panel.kind} panel shows one "
                         f"media key of one run: {example}")  # fmt: skip
    if panel.step is not None and panel.step < 0:
        raise ValueError(f"step={panel.step}: give a logged step (0 or more), or None for the last")


def logged_entry(reader: Reader, info: RunInfo, panel: Panel, kind: str) -> MediaEntry | None:
    """The value of ``kind`` the run logged under the panel's key at its step (the last one
    logged there), or at the last step when the panel has none; None when there is none."""
    entries = [e for e in reader.media_entries(info, panel.keys[0]) if e.kind == kind]
    if panel.step is not None:
        entries = [e for e in entries if e.step == panel.step]
    return max(entries, key=lambda e: (e.step, e.seq)) if entries else None
