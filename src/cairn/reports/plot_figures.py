"""A plot panel's chart drawn with matplotlib (PDF in the LaTeX export, PNG beside Markdown) as
the dashboard's plotOption.ts draws it: a confusion matrix as a heatmap from MATRIX_LOW to
MATRIX_HIGH, predicted classes across, actual classes down (the first at the top), counts in
the cells up to CELL_LABEL_CLASSES classes; curves (PR, ROC, line, scatter) one per series in
ECharts' colours with a legend when there are several; bars and a histogram's bins as bars.

Each artist carries a ``gid`` (``matrix``, ``curve <name>``, ``bars``) so a test can read the
drawn numbers back.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from cairn.reports import plot_panel
from cairn.reports.blocks import PanelData
from cairn.reports.chart_text import cut_end, mpl_literal
from cairn.reports.figures import HEIGHT, WIDTH, require

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SERIES_COLOURS = (
    "#5070dd", "#b6d634", "#505372", "#ff994d", "#0ca8df", "#ffd10a", "#fb628b", "#785db0",
    "#3fbe95",
)  # fmt: skip
"""ECharts 6's series colours, in its order (what the dashboard's plot charts use)."""
MATRIX_LOW, MATRIX_HIGH = "#f3f6fb", "#2f6fdb"
"""A confusion matrix's colours from 0 to its largest count (chartTheme.ts, light theme)."""
CELL_TEXT = "#1f2328"
CELL_LABEL_CLASSES = 12
"""Counts are written in the cells up to this many classes, as the dashboard writes them."""


def draw(data: PanelData) -> Figure | None:
    """The panel's chart as a Figure, or None when it has none (or nothing finite to draw)."""
    plot = data.plot
    if plot is None:
        return None
    kind = plot.spec.get("type")
    if kind == "confusion_matrix":
        return _matrix(*plot_panel.matrix(plot))
    if kind == "bar":
        return _bars(plot_panel.bars(plot), plot.spec)
    if kind == "histogram":
        return _histogram(plot_panel.histogram(plot), plot.spec)
    return _curves(plot_panel.curves(plot), plot.spec, scatter=kind == "scatter")


def _matrix(classes: list[str], counts: list[list[float]]) -> Figure | None:
    if not classes:
        return None
    require()
    from matplotlib.colors import LinearSegmentedColormap
    from matplotlib.figure import Figure

    size = min(6.4, 2.6 + 0.28 * len(classes))
    figure = Figure(figsize=(size + 0.6, size), layout="constrained")
    ax = figure.subplots()
    top = max(1.0, *(c for row in counts for c in row))
    colours = LinearSegmentedColormap.from_list("matrix", [MATRIX_LOW, MATRIX_HIGH])
    ax.imshow(counts, cmap=colours, vmin=0, vmax=top, aspect="auto", gid="matrix")
    names = [mpl_literal(cut_end(c, 20)) for c in classes]
    small = 8 if len(classes) <= CELL_LABEL_CLASSES else 6
    longest = max(len(c) for c in classes)
    tilted = longest > 6 or (len(classes) > 8 and longest > 2)  # names that would touch
    ax.set_xticks(range(len(classes)), names, fontsize=small, rotation=45 if tilted else 0,
                  ha="right" if tilted else "center", rotation_mode="anchor")  # fmt: skip
    ax.set_yticks(range(len(classes)), names, fontsize=small)
    ax.set_xlabel("predicted")
    ax.set_ylabel("actual")
    ax.tick_params(length=0)
    if len(classes) <= CELL_LABEL_CLASSES:
        for i, row in enumerate(counts):
            for j, count in enumerate(row):
                ax.text(j, i, f"{count:g}", ha="center", va="center", fontsize=8, color=CELL_TEXT)
    return figure


def _curves(
    lines: list[tuple[str, list[float], list[float]]], spec: dict[str, Any], scatter: bool
) -> Figure | None:
    if not any(math.isfinite(x + y) for _, xs, ys in lines for x, y in zip(xs, ys, strict=False)):
        return None
    figure, ax = _axes()
    for i, (name, xs, ys) in enumerate(lines):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        label, gid = mpl_literal(cut_end(name, 20)), f"curve {name}"
        if scatter:
            ax.scatter(xs, ys, s=12, color=colour, label=label, gid=gid)
        else:
            ax.plot(xs, ys, color=colour, linewidth=1.5, label=label, gid=gid)
    ax.set_xlabel(mpl_literal(str(spec.get("x") or "")))
    ax.set_ylabel(mpl_literal(str(spec.get("y") or "")))
    if len(lines) > 1:
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return figure


def _bars(rows: list[tuple[str, float]], spec: dict[str, Any]) -> Figure | None:
    if not any(math.isfinite(v) for _, v in rows):
        return None
    figure, ax = _axes()
    ax.bar(range(len(rows)), [v if math.isfinite(v) else 0.0 for _, v in rows],
           color=SERIES_COLOURS[0], gid="bars")  # fmt: skip
    ax.set_xticks(range(len(rows)), [mpl_literal(cut_end(label, 20)) for label, _ in rows], fontsize=7,
                  rotation=90 if len(rows) > 10 else 0)  # fmt: skip
    ax.set_ylabel(mpl_literal(str(spec.get("value") or "")))
    return figure


def _histogram(bins: list[tuple[float, float, float]], spec: dict[str, Any]) -> Figure | None:
    if not bins:
        return None
    figure, ax = _axes()
    ax.bar(
        [left + width / 2 for left, width, _ in bins],
        [count for _, _, count in bins],
        width=[width * 0.9 for _, width, _ in bins],
        color=SERIES_COLOURS[0],
        gid="bars",
    )
    ax.set_xlabel(mpl_literal(str(spec.get("value") or "")))
    ax.set_ylabel("count")
    return figure


def _axes() -> tuple[Figure, Any]:
    require()
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, HEIGHT), layout="constrained")
    ax = figure.subplots()
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    return figure, ax
