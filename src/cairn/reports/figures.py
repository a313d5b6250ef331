"""Panels drawn with matplotlib, as the dashboard draws them: vector PDF for the LaTeX export,
PNG beside a Markdown export.

A line panel draws every run's series of every key over steps, in the run's dashboard colour
(``cairn.reports.style``), the first key solid and the next ones dashed; with ``group_by``, each
group's runs as their mean and a min-max band (``cairn.reports.chart_lines``), as the
dashboard's grouping does; with smoothing, the
debiased EMA over the values as logged (those faint behind it); a log axis leaves out values that
are not positive. A scatter panel draws a point per run; a bar panel a horizontal bar per run and
key, runs top to bottom in the table's order. Scalar panels are tables only (None here).
Parallel coordinates and importance are drawn by ``cairn.reports.analysis_figures``.

matplotlib is an optional dependency (``pip install 'cairn[reports]'``), imported on first use.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cairn.errors import UsageError
from cairn.reports import analysis_figures
from cairn.reports.analysis import number_of
from cairn.reports.bars import key_bars
from cairn.reports.blocks import Panel, PanelData
from cairn.reports.chart_lines import panel_lines
from cairn.reports.chart_text import mpl_literal
from cairn.reports.panel_keys import ANALYSIS_KINDS
from cairn.reports.style import BAND_ALPHA, KEY_GREY, RAW_ALPHA, dash, run_colour, smooth

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH, HEIGHT = 6.4, 3.2
"""Inches: a text width of an article, at a height that leaves room for the caption."""
LEGEND_MAX = 12
"""Runs named in a legend at most (the table under the figure names them all)."""


def draw(panel: Panel, data: PanelData) -> Figure | None:
    """The panel as a matplotlib Figure, or None when it has nothing to draw."""
    if panel.kind == "line":
        return _line(panel, data)
    if panel.kind == "scatter":
        return _scatter(panel, data)
    if panel.kind == "bar":
        return _bar(panel, data)
    if panel.kind in ANALYSIS_KINDS:
        return analysis_figures.draw(panel, data, _figure)
    return None


def save(figure: Figure, path: Path) -> Path:
    """Write ``figure`` to ``path`` (its suffix says the format: .pdf vector, .png at 150 dpi)."""
    figure.savefig(path, dpi=150, metadata=_metadata(path))
    return path


def require() -> None:
    """UsageError saying what to install when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UsageError(
            "drawing a report's figures needs matplotlib: pip install 'cairn[reports]'"
        ) from None


def _figure(rows: int = 1, labels: bool = False) -> tuple[Figure, list[Any]]:
    require()
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, HEIGHT * (1 if rows == 1 else 0.45 * rows + 0.4)))
    if labels:  # room for the runs' names on the y axis, measured (a second drawing pass)
        figure.set_layout_engine("constrained")
    else:  # fixed margins, the legend at the right
        figure.subplots_adjust(left=0.11, right=0.78, bottom=0.15, top=0.96)
    axes = figure.subplots(rows, 1, squeeze=False)
    return figure, [ax for (ax,) in axes]


def _line(panel: Panel, data: PanelData) -> Figure | None:
    lines = panel_lines(panel, data)
    if not lines:
        return None
    figure, (ax,) = _figure()
    for line in lines:
        ys = [y if math.isfinite(y) and (y > 0 or not panel.log_y) else math.nan for y in line.ys]
        label = None if line.label is None else mpl_literal(line.label)
        style: dict[str, Any] = {"color": line.colour, "linewidth": 1.4}
        if dash(line.key_index):
            style["dashes"] = dash(line.key_index)
        if line.band is not None:
            low, high = (
                [v if v > 0 or not panel.log_y else math.nan for v in edge] for edge in line.band
            )
            if panel.smoothing > 0:
                low, high = smooth(low, panel.smoothing), smooth(high, panel.smoothing)
            ax.fill_between(line.xs, low, high, color=line.colour, alpha=BAND_ALPHA, linewidth=0)
        if panel.smoothing > 0:
            ax.plot(line.xs, ys, color=line.colour, alpha=RAW_ALPHA, linewidth=1, gid="raw")
            ax.plot(line.xs, smooth(ys, panel.smoothing), label=label, gid="line", **style)
        else:
            ax.plot(line.xs, ys, label=label, gid="line", **style)
    ax.set_xlabel("step")
    ax.set_ylabel(mpl_literal(", ".join(panel.keys)))
    _scales(ax, panel)
    keys = []
    if len(panel.keys) > 1:  # which dash is which key: an entry per key, in grey
        for j, key in enumerate(panel.keys):
            style = {"dashes": dash(j)} if dash(j) else {}
            (handle,) = ax.plot([], [], color=KEY_GREY, linewidth=1.4, gid="key", **style)
            keys.append((handle, mpl_literal(key)))
    _legend(ax, keys)
    return figure


def _scatter(panel: Panel, data: PanelData) -> Figure | None:
    x_key, y_key = panel.keys[:2]
    points = [
        (run, number_of(run.values.get(x_key)), number_of(run.values.get(y_key)))
        for run in data.runs
    ]
    points = [p for p in points if math.isfinite(p[1]) and math.isfinite(p[2])]
    if not points:
        return None
    figure, (ax,) = _figure()
    for run, x, y in points:
        ax.scatter(
            [x], [y], color=run_colour(run.id, run.number), label=mpl_literal(run.name), s=28
        )
    ax.set_xlabel(mpl_literal(x_key))
    ax.set_ylabel(mpl_literal(y_key))
    _scales(ax, panel)
    _legend(ax)
    return figure


def _bar(panel: Panel, data: PanelData) -> Figure | None:
    drawn = [(key, bars) for key in panel.keys if (bars := key_bars(panel, data, key))]
    if not drawn:
        return None
    figure, axes = _figure(len(drawn), labels=True)
    for ax, (key, bars) in zip(axes, drawn, strict=True):
        ax.barh(
            range(len(bars)),
            [bar.value for bar in bars],
            color=[bar.colour for bar in bars],
            gid="bars",
        )
        ranges = [(i, bar) for i, bar in enumerate(bars) if bar.low is not None]
        if ranges:  # a group's min-max, as the dashboard's whisker
            ax.errorbar(
                [bar.value for _, bar in ranges],
                [i for i, _ in ranges],
                xerr=[
                    [bar.value - (bar.low or 0.0) for _, bar in ranges],
                    [(bar.high or 0.0) - bar.value for _, bar in ranges],
                ],
                fmt="none",
                ecolor="#444444",
                elinewidth=1,
                capsize=3,
                gid="range",
            )
        ax.set_yticks(range(len(bars)), [mpl_literal(bar.label) for bar in bars], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel(mpl_literal(key))
        if panel.log_x:
            ax.set_xscale("log")
    return figure


def _scales(ax: Any, panel: Panel) -> None:
    if panel.log_x:
        ax.set_xscale("log")
    if panel.log_y:
        ax.set_yscale("log")
    ax.grid(True, color="#dddddd", linewidth=0.6)


def _legend(ax: Any, extra: list[tuple[Any, str]] | None = None) -> None:
    """The labelled runs (none past LEGEND_MAX: the table under the figure names them all),
    then the ``extra`` entries."""
    handles, labels = ax.get_legend_handles_labels()
    if len(handles) > LEGEND_MAX:
        handles, labels = [], []
    for handle, label in extra or []:
        handles.append(handle)
        labels.append(label)
    if handles:
        # Beside the axes, as the dashboard's legend is outside its chart ("best" would search
        # every point for room: most of a figure's time).
        ax.legend(
            handles, labels, fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0)
        )


def _metadata(path: Path) -> dict[str, Any]:
    # A PDF without a creation date: the same report exports to the same bytes.
    return {"CreationDate": None} if path.suffix == ".pdf" else {}
