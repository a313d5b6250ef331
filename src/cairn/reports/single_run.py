"""The one run a verdict or image panel reads (``Panel.run``: an id, or ``project/id``)."""

from __future__ import annotations

from cairn.errors import RunNotFoundError
from cairn.reports.blocks import Panel, RunData
from cairn.store.models import RunInfo
from cairn.store.reader import Reader


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
