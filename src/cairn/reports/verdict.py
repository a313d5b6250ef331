"""A reproduction's verdict table as a report panel: the latest comparison ``cairn reproduce``
stored for the panel's ``run`` (``cairn.store.reproductions``), a row per summary metric with the
original value, the reproductions' value (their mean ± std and range when there are several, as
the reproducibility report writes it), the relative difference and the status."""

from __future__ import annotations

import time
from typing import Any

from cairn.reports.blocks import Panel, PanelData, Verdict
from cairn.reports.single_run import panel_run
from cairn.repro.compare import MetricComparison
from cairn.repro.report import fmt, reproduced_cell
from cairn.store.reader import Reader

HEADER = ["metric", "original", "reproduced", "rel. diff", "status"]


def collect(reader: Reader, project: str, panel: Panel) -> PanelData:
    """The panel's run and its latest verdict now (no run: no rows; no reproduction: no verdict)."""
    found_run = panel_run(reader, project, panel)
    if found_run is None:
        return PanelData(taken_at=time.time())
    info, run = found_run
    found = reader.comparisons(info)
    if not found:
        return PanelData(taken_at=time.time(), runs=[run])
    latest = found[0]
    verdict = Verdict(
        verdict=latest.verdict,
        created_at=latest.created_at,
        runs=list(latest.runs),
        metrics=[dict(m) for m in latest.metrics],
    )
    return PanelData(taken_at=time.time(), runs=[run], verdict=verdict)


def metrics(panel: Panel, data: PanelData) -> list[MetricComparison]:
    """The verdict's metrics the panel shows: those of its keys (none: all), in stored order."""
    if data.verdict is None:
        return []
    chosen = {k.partition(".")[2] for k in panel.keys}
    return [_comparison(m) for m in data.verdict.metrics if not chosen or m.get("key") in chosen]


def table(panel: Panel, data: PanelData) -> tuple[list[str], list[list[Any]]]:
    """The verdict as a header and a row per metric (cells as text)."""
    rows: list[list[Any]] = [
        [m.key, fmt(m.original), reproduced_cell(m), fmt(m.rel_diff), m.status]
        for m in metrics(panel, data)
    ]
    return HEADER, rows


def headline(data: PanelData) -> str:
    """One line: the run, the verdict and its reproductions, or why there is none."""
    if not data.runs:
        return "the run is not in this project (deleted?)"
    name = data.runs[0].name
    if data.verdict is None:
        return f"{name}: not reproduced yet (run cairn reproduce on it)"
    count = len(data.verdict.runs)
    return f"{name}: {data.verdict.verdict} ({count} reproduction{'s' if count != 1 else ''})"


def _comparison(stored: dict[str, Any]) -> MetricComparison:
    return MetricComparison(
        key=str(stored.get("key", "")),
        original=stored.get("original"),
        values=list(stored.get("values") or []),
        mean=stored.get("mean"),
        std=stored.get("std"),
        abs_diff=stored.get("abs_diff"),
        rel_diff=stored.get("rel_diff"),
        status=str(stored.get("status", "")),
    )
