"""Parallel coordinates and parameter importance drawn with matplotlib, for the LaTeX (PDF) and
Markdown (PNG) exports, as the sweep page draws them (``cairn.reports.analysis``).

Parallel coordinates: an axis per key at x = 0, 1, …, each run a line (``gid`` its id) through its
values placed from 0 (bottom of the axis) to 1 (top), a gap where it has none, coloured by its
metric; each axis names its key and its two ends (or its categories). Importance: a horizontal bar
per parameter, most important at the top, its correlation written beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cairn.reports import analysis
from cairn.reports.blocks import Panel, PanelData
from cairn.reports.chart_text import cut_start, mpl_literal

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    FigureOf = Callable[..., tuple[Figure, list[Any]]]

MAX_CATEGORY_LABELS = 8
"""A category axis names at most this many of its categories (the table names them all)."""


def draw(panel: Panel, data: PanelData, figure_of: FigureOf) -> Figure | None:
    """The panel as a Figure (``figure_of(rows, labels)`` gives an empty one, as
    ``cairn.reports.figures`` lays them out), or None when it has nothing to draw."""
    if panel.kind == "parallel":
        return _parallel(panel, data, figure_of)
    return _importance(panel, data, figure_of)


def _parallel(panel: Panel, data: PanelData, figure_of: FigureOf) -> Figure | None:
    layout = analysis.parallel(panel, data)
    if layout is None:
        return None
    runs, axes, goal, values, low, high = layout
    figure, (ax,) = figure_of()
    xs = list(range(len(axes)))
    for run, value in zip(runs, values, strict=True):
        ys = [axis.position(run.values.get(axis.key)) for axis in axes]
        colour = analysis.metric_colour(value, low, high, goal)
        ax.plot(xs, ys, color=colour, linewidth=1.2, alpha=0.85, gid=run.id)
    for x, axis in enumerate(axes):
        ax.axvline(x, color="#999999", linewidth=0.8, zorder=0)
        for position, label in _ends(axis):
            ax.annotate(
                label,
                (x, position),
                xytext=(3, 0),
                textcoords="offset points",
                fontsize=6,
                color="#555555",
                va="center",
            )
    better = "higher" if goal == "maximize" else "lower"
    names = [mpl_literal(cut_start(a.label, 22)) for a in axes]
    names[-1] += f"\n({better} is better, darker)"
    ax.set_xticks(xs, names, fontsize=7)
    ax.set_xlim(-0.1, len(axes) - 1 + 0.6)
    ax.set_ylim(-0.05, 1.05)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    return figure


def _importance(panel: Panel, data: PanelData, figure_of: FigureOf) -> Figure | None:
    result = analysis.importance(panel, data)
    if not result.parameters:
        return None
    figure, (ax,) = figure_of(labels=True)
    names = [mpl_literal(p.name) for p in result.parameters]
    shares = [p.importance for p in result.parameters]
    ax.barh(range(len(shares)), shares, color=analysis.IMPORTANCE_COLOUR, gid="importance")
    ax.set_yticks(range(len(shares)), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max(1.0, max(shares)) * 1.25)
    for i, p in enumerate(result.parameters):
        r = "r —" if p.correlation is None else f"r {p.correlation:+.2f}"
        ax.annotate(
            f"{p.importance:.3f}  ({r})",
            (p.importance, i),
            xytext=(3, 0),
            textcoords="offset points",
            fontsize=7,
            va="center",
        )
    ax.set_xlabel(f"importance for {mpl_literal(panel.keys[-1])} ({result.runs} runs)")
    return figure


def _ends(axis: analysis.Axis) -> list[tuple[float, str]]:
    if axis.kind == "category":
        shown = axis.categories[:MAX_CATEGORY_LABELS]
        return [(axis.position(c), mpl_literal(cut_start(c, 22))) for c in shown]
    if axis.low == axis.high:
        return [(0.5, f"{axis.low:.4g}")]
    return [(0.0, f"{axis.low:.4g}"), (1.0, f"{axis.high:.4g}")]
