"""Parallel coordinates and parameter importance panels: a sweep's analysis in a report.

Both take ``keys`` as the dashboard's analysis view does: config keys (``config.lr``), one axis
or one parameter each, then the target metric as the last key (``summary.val/acc``). The
parallel coordinates' axes are built as web/src/features/analysis/lib/axes.ts builds them: a
numeric key is a linear axis from its least to its greatest value, logarithmic when its
positive values span more than two decades and crowd the bottom tenth; anything else is a
category axis in natural order. Lines are coloured by the metric along the dashboard's scale
(chartOption.ts SCALE), the strongest colour at the better end (``goal``). Importance is
``cairn.analysis.parameter_importance`` over the panel's data, so a frozen panel keeps its numbers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from cairn.analysis import Importance, parameter_importance
from cairn.reports.blocks import Panel, PanelData, RunData
from cairn.reports.panel_keys import ANALYSIS_KINDS, GOALS

__all__ = ["ANALYSIS_KINDS", "GOALS", "Axis", "axes", "importance", "importance_table"]

LOG_SPAN = 100.0
"""Above this ratio of largest to smallest positive value a numeric axis may be logarithmic."""
SCALE = ("#f4c152", "#e0576b", "#6b3fa0")
"""The dashboard's metric colours, from worse to better."""
IMPORTANCE_COLOUR = "#2f6fdb"
"""The importance bars' colour (the dashboard's accent)."""
_MINIMIZE = re.compile(r"loss|err|perplexity|mse|mae|rmse|time|latency", re.IGNORECASE)


def goal_of(panel: Panel) -> str:
    """The panel's goal, else the dashboard's default: lower is better for losses and errors."""
    if panel.goal is not None:
        return panel.goal
    return "minimize" if _MINIMIZE.search(panel.keys[-1]) else "maximize"


@dataclass(frozen=True)
class Axis:
    """One axis of a parallel coordinates chart: a panel key, how it is scaled, its range."""

    key: str
    kind: str
    """``"value"``, ``"log"`` or ``"category"``."""
    low: float = 0.0
    high: float = 1.0
    categories: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.key.partition(".")[2]

    def position(self, value: Any) -> float:
        """Where ``value`` sits on the axis, 0 (bottom) to 1 (top); NaN when it has none."""
        if self.kind == "category":
            # at the middle of its band, as ECharts places a category on a parallel axis
            index = self.categories.index(category_label(value))
            return (index + 0.5) / len(self.categories)
        number = number_of(value)
        if not math.isfinite(number) or (self.kind == "log" and number <= 0):
            return math.nan
        low, high, x = self.low, self.high, number
        if self.kind == "log":
            low, high, x = math.log10(low), math.log10(high), math.log10(x)
        return 0.5 if high == low else (x - low) / (high - low)


def plotted(data: PanelData, metric: str) -> list[RunData]:
    """The runs a parallel coordinates chart draws: those with a finite value of the metric."""
    return [run for run in data.runs if math.isfinite(number_of(run.values.get(metric)))]


class Parallel(NamedTuple):
    """What a parallel-coordinates figure draws: its runs (those with a number for the metric),
    axes, goal, each run's metric value and their range."""

    runs: list[RunData]
    axes: list[Axis]
    goal: str
    values: list[float]
    low: float
    high: float


def parallel(panel: Panel, data: PanelData) -> Parallel | None:
    """The parallel-coordinates layout of ``panel`` over ``data``; None when no run has a
    number for the metric (the last key)."""
    metric = panel.keys[-1]
    runs = plotted(data, metric)
    if not runs:
        return None
    values = [number_of(run.values.get(metric)) for run in runs]
    return Parallel(runs, axes(panel, runs), goal_of(panel), values, min(values), max(values))


def axes(panel: Panel, runs: list[RunData]) -> list[Axis]:
    """One axis per key (the metric last), as the dashboard builds them."""
    return [_axis(key, [run.values.get(key) for run in runs]) for key in panel.keys]


def _axis(key: str, values: list[Any]) -> Axis:
    present = [v for v in values if v is not None and not _nonfinite(v)]
    if present and all(_is_number(v) for v in present):
        numbers = [float(v) for v in present]
        kind = "log" if _wants_log(numbers) else "value"
        return Axis(key, kind, min(numbers), max(numbers))
    labels = sorted({category_label(v) for v in values}, key=_natural)
    return Axis(key, "category", categories=tuple(labels))


def metric_colour(value: float, low: float, high: float, goal: str) -> str:
    """The colour of a line whose metric is ``value``, on the scale from ``low`` to ``high``."""
    stops = SCALE if goal == "maximize" else SCALE[::-1]
    if high == low:
        low, high = low - 1, high + 1
    t = min(max((value - low) / (high - low), 0.0), 1.0) * (len(stops) - 1)
    i = min(int(t), len(stops) - 2)
    a, b = _rgb(stops[i]), _rgb(stops[i + 1])
    mix = [round(x + (y - x) * (t - i)) for x, y in zip(a, b, strict=True)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def importance(panel: Panel, data: PanelData) -> Importance:
    """The importance of the panel's parameters for its metric, over the panel's runs."""
    params, metric = panel.keys[:-1], panel.keys[-1]
    configs = [{key.partition(".")[2]: run.values.get(key) for key in params} for run in data.runs]
    metrics = [_metric_or_none(run.values.get(metric)) for run in data.runs]
    return parameter_importance(configs, metrics, [key.partition(".")[2] for key in params])


def importance_table(panel: Panel, data: PanelData) -> tuple[list[str], list[list[Any]]]:
    """The importance as a table: a row per parameter, most important first."""
    result = importance(panel, data)
    rows: list[list[Any]] = [
        [p.name, round(p.importance, 4), None if p.correlation is None else round(p.correlation, 3)]
        for p in result.parameters
    ]
    return ["parameter", f"importance for {panel.keys[-1]}", "correlation"], rows


def category_label(value: Any) -> str:
    """The label a category value shows on its axis (as the dashboard's ``categoryLabel``)."""
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def number_of(value: Any) -> float:
    """A finite or not float from a number, NaN from anything else."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return math.nan


def _metric_or_none(value: Any) -> float | None:
    number = number_of(value)
    return number if math.isfinite(number) else None


def _is_number(value: Any) -> bool:
    return math.isfinite(number_of(value))


def _nonfinite(value: Any) -> bool:
    number = number_of(value)
    return (not math.isnan(number) and not math.isfinite(number)) or (
        isinstance(value, float) and math.isnan(value)
    )


def _wants_log(values: list[float]) -> bool:
    """As the dashboard's ``wantsLogScale``: positive values over two decades, half of them in
    the bottom tenth of a linear axis."""
    if len(values) < 2 or any(v <= 0 for v in values):
        return False
    low, high = min(values), max(values)
    if high / low <= LOG_SPAN:
        return False
    crowded = sum(1 for v in values if v <= low + (high - low) / 10)
    return crowded * 2 >= len(values)


def _natural(label: str) -> list[Any]:
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part.lower())
        for part in re.split(r"(\d+)", label)
        if part
    ]


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
