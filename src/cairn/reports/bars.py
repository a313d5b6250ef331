"""A bar panel's bars for one key, by the dashboard's rule (web/src/features/charts/lib/
runValues.ts ``bars``), so the exports draw the bars the dashboard draws: a bar per run that has
a number (a boolean counts as 1 or 0), in its colour; with ``group_by``, a bar per group at the
mean of its runs, with their minimum and maximum, named and coloured as ``cairn.reports.groups``
names them. Largest value first, then by name."""

from __future__ import annotations

import math
from dataclasses import dataclass

from cairn.reports.blocks import Panel, PanelData, RunData
from cairn.reports.groups import group_runs
from cairn.reports.style import run_colour


@dataclass(frozen=True)
class Bar:
    """One bar: its name, colour, value, and for a group its runs' range and count."""

    label: str
    colour: str
    value: float
    low: float | None = None
    high: float | None = None
    runs: int = 1


def key_bars(panel: Panel, data: PanelData, key: str) -> list[Bar]:
    """The bars of ``key`` (a ``config.`` or ``summary.`` value of each run)."""
    bars: list[Bar] = []
    if panel.group_by is None:
        for run in data.runs:
            value = run_value(run, key)
            if value is not None:
                bars.append(Bar(run.name, run_colour(run.id, run.number), value))
    else:
        for group in group_runs(data.runs, panel.group_bins):
            values = [v for v in (run_value(run, key) for run in group.runs) if v is not None]
            if values:
                mean = sum(values) / len(values)
                bars.append(
                    Bar(group.name, group.colour, mean, min(values), max(values), len(values))
                )
    return sorted(bars, key=lambda bar: (-bar.value, bar.label))


def run_value(run: RunData, key: str) -> float | None:
    """A run's finite number under ``key``, a boolean as 1 or 0; None for anything else."""
    value = run.values.get(key)
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    return None
