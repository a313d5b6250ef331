"""Panels drawn as inline SVG for the HTML export: nothing to load, nothing to run.

A line panel draws the lines of ``cairn.reports.chart_lines``, as the LaTeX figures and the
dashboard do: each run's series of each key (a gap where a value is not finite; the first key
solid, the next ones dashed), or with ``group_by`` each group's mean over a band from its min to
its max, with a legend of the groups (and of the keys' dashes, in grey, when there are
several); with ``smoothing`` the debiased EMA over the values as logged (those faint behind
it). A scatter panel draws one point per run; a bar panel a bar per run and key
(``cairn.reports.bar_svg``). ``log_x``/``log_y`` axes leave out values that are not positive.
Each run has its dashboard colour (``cairn.reports.style``), as the swatch beside its name in
the table under the chart. Every text is escaped and every number is a finite float, so the SVG
can hold nothing but shapes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from cairn.reports.analysis import number_of
from cairn.reports.analysis_svg import analysis_svg
from cairn.reports.bar_svg import bar_svg
from cairn.reports.blocks import Panel, PanelData
from cairn.reports.chart_lines import Line, panel_lines
from cairn.reports.chart_text import cut_end, svg_text
from cairn.reports.panel_keys import ANALYSIS_KINDS
from cairn.reports.style import BAND_ALPHA, KEY_GREY, RAW_ALPHA, run_colour, smooth

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 10, 28
DASHES = ("", ' stroke-dasharray="6 3"', ' stroke-dasharray="2 3"', ' stroke-dasharray="8 3 2 3"')
"""A line panel's keys: the first solid, the next dashed, dotted, dash-dotted."""
LEGEND_COLUMNS, LEGEND_ROW, LEGEND_MAX = 2, 18, 24
"""A line panel's legend (its groups, its keys): entries in this many columns, rows this tall, at most this
many entries (then a count of the others)."""

Point = tuple[float, float]


def panel_svg(panel: Panel, data: PanelData) -> str | None:
    """The panel as an ``<svg>`` element, or None when it has nothing to draw (or is a kind
    drawn as a table only: scalar); parallel coordinates and importance as
    ``cairn.reports.analysis_svg`` draws them."""
    if panel.kind in ANALYSIS_KINDS:
        return analysis_svg(panel, data)
    if panel.kind == "line":
        return _lines(panel, panel_lines(panel, data))
    if panel.kind == "bar":
        return bar_svg(panel, data)
    if panel.kind == "scatter":
        return _scatter(panel, data)
    return None


def _scatter(panel: Panel, data: PanelData) -> str | None:
    """A point per run, on log axes as the panel says (a value that is not positive: none)."""
    import numpy as np

    x_key, y_key = panel.keys[:2]
    x_of, y_of = _axis(panel.log_x), _axis(panel.log_y)
    points = [
        (
            run_colour(run.id, run.number),
            (
                float(x_of(np.float64(number_of(run.values.get(x_key))))),
                float(y_of(np.float64(number_of(run.values.get(y_key))))),
            ),
        )
        for run in data.runs
    ]
    logs = (panel.log_x, panel.log_y)
    return _chart([], [], points, f"{y_key} against {x_key}", logs=logs)


@dataclass(frozen=True)
class _Stroke:
    """A polyline to draw: its (x, y) rows (NaN: a gap), colour, dash (a key's index; -1
    none), opacity and tooltip."""

    points: Any
    colour: str
    key: int
    opacity: float = 1.0
    tip: str | None = None


Band = tuple[str, Any]
"""A group's band: its colour, and its (x, low, high) rows, one per step."""


def _lines(panel: Panel, lines: list[Line]) -> str | None:
    """A line panel's lines, smoothed and on log axes as the panel says, groups over bands."""
    import numpy as np

    strokes: list[_Stroke] = []
    bands: list[Band] = []
    xs_of = _axis(panel.log_x)
    for line in lines:
        xs = xs_of(np.asarray(line.xs, dtype=float))
        ys = _positive(line.ys, panel.log_y)
        if line.band is not None:
            low, high = (_positive(edge, panel.log_y) for edge in line.band)
            if panel.smoothing > 0:
                low, high = smooth(low, panel.smoothing), smooth(high, panel.smoothing)
            edges = [_axis(panel.log_y)(np.asarray(e, dtype=float)) for e in (low, high)]
            bands.append((line.colour, np.column_stack([xs, *edges])))
        if panel.smoothing > 0:
            raw = np.column_stack([xs, _axis(panel.log_y)(np.asarray(ys, dtype=float))])
            strokes.append(_Stroke(raw, line.colour, -1, RAW_ALPHA))
            ys = smooth(ys, panel.smoothing)
        drawn = np.column_stack([xs, _axis(panel.log_y)(np.asarray(ys, dtype=float))])
        strokes.append(_Stroke(drawn, line.colour, line.key_index, tip=line.label))
    legend = (
        [(line.colour, line.key_index, line.label) for line in lines if line.label is not None]
        if panel.group_by is not None
        else []
    )
    if len(panel.keys) > 1:  # which dash is which key, in grey, as the LaTeX figures say
        legend += [(KEY_GREY, j, key) for j, key in enumerate(panel.keys)]
    label = panel.title or ", ".join(panel.keys)
    return _chart(strokes, bands, [], label, legend, (panel.log_x, panel.log_y))


def _chart(
    strokes: list[_Stroke],
    bands: list[Band],
    points: list[tuple[str, Point]],
    label: str,
    legend: list[tuple[str, int, str]] | None = None,
    logs: tuple[bool, bool] = (False, False),
) -> str | None:
    import numpy as np

    every = [s.points for s in strokes] + [np.asarray([p for _, p in points]).reshape(-1, 2)]
    every += [band[:, cols] for _, band in bands for cols in ([0, 1], [0, 2])]
    finite = np.concatenate(every)
    finite = finite[np.isfinite(finite).all(axis=1)]
    if not len(finite):
        return None
    x0, x1 = _span(finite[:, 0])
    y0, y1 = _span(finite[:, 1])

    def at(rows: Any) -> Any:
        """Data rows (x, y) as pixel rows, computed as one point at a time would be."""
        x = LEFT + (rows[:, 0] - x0) / (x1 - x0) * (WIDTH - LEFT - RIGHT)
        y = HEIGHT - BOTTOM - (rows[:, 1] - y0) / (y1 - y0) * (HEIGHT - TOP - BOTTOM)
        return np.column_stack([x, y])

    entries = (legend or [])[:LEGEND_MAX]
    rows = -(-len(entries) // LEGEND_COLUMNS) + (len(legend or []) > LEGEND_MAX)
    height = HEIGHT + (rows * LEGEND_ROW + 6 if rows else 0)
    log_x, log_y = logs
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(label)}">',
        f'<rect x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" '
        f'height="{HEIGHT - TOP - BOTTOM}" fill="none" stroke="#ccc"/>',
        svg_text(LEFT - 4, TOP + 10, _tick(y1, log_y), "end"),
        svg_text(LEFT - 4, HEIGHT - BOTTOM, _tick(y0, log_y), "end"),
        svg_text(LEFT, HEIGHT - BOTTOM + 16, _tick(x0, log_x), "start"),
        svg_text(WIDTH - RIGHT, HEIGHT - BOTTOM + 16, _tick(x1, log_x), "end"),
    ]
    for colour, band in bands:
        for steps in _pieces(band):
            outline = np.concatenate([at(steps[:, [0, 1]]), at(steps[::-1, [0, 2]])])
            out.append(
                f'<polygon fill="{colour}" fill-opacity="{BAND_ALPHA}" stroke="none" '
                f'points="{_coords(outline)}"/>'
            )
    for stroke in strokes:
        dash = DASHES[stroke.key % len(DASHES)] if stroke.key >= 0 else ""
        fade = f' stroke-opacity="{stroke.opacity}"' if stroke.opacity < 1 else ""
        tip = f"<title>{escape(stroke.tip)}</title>" if stroke.tip else ""
        for piece in _pieces(stroke.points):
            out.append(
                f'<polyline fill="none" stroke="{stroke.colour}" stroke-width="1.5"'
                f'{dash}{fade} points="{_coords(at(piece))}">{tip}</polyline>'
            )
    for colour, (x, y) in points:
        if _finite((x, y)):
            [(cx, cy)] = at(np.asarray([[x, y]]))
            out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{colour}"/>')
    out += _legend(entries, len(legend or []) - len(entries))
    out.append("</svg>")
    return "".join(out)


def _coords(rows: Any) -> str:
    """Pixel rows as an SVG ``points`` list, to a tenth of a pixel (one format call for all)."""
    return ("%.1f,%.1f " * len(rows) % tuple(rows.ravel().tolist()))[:-1]


def _legend(entries: list[tuple[str, int, str]], others: int) -> list[str]:
    """The legend under the chart: a stroke of each line's colour and dash, then its label."""
    out = []
    column = (WIDTH - LEFT) / LEGEND_COLUMNS
    for i, (colour, key, text) in enumerate(entries):
        x = LEFT + (i % LEGEND_COLUMNS) * column
        y = HEIGHT + 4 + (i // LEGEND_COLUMNS) * LEGEND_ROW
        out.append(
            f'<g class="legend"><title>{escape(text)}</title><line x1="{x:.1f}" y1="{y + 6}" '
            f'x2="{x + 18:.1f}" y2="{y + 6}" stroke="{colour}" stroke-width="2"'
            f"{DASHES[key % len(DASHES)]}/>"
            + svg_text(x + 24, y + 10, cut_end(text, 40), "start")
            + "</g>"
        )
    if others > 0:
        y = HEIGHT + 4 + -(-len(entries) // LEGEND_COLUMNS) * LEGEND_ROW
        out.append(svg_text(LEFT, y + 10, f"and {others} more (in the table)", "start"))
    return out


def _axis(log: bool) -> Callable[[Any], Any]:
    """Where values sit on an axis: themselves, or on a log axis their log10 (NaN: not drawn)."""
    import numpy as np

    if not log:
        return lambda values: values
    return lambda values: np.log10(np.where(values > 0, values, np.nan))


def _positive(values: list[float], log: bool) -> list[float]:
    """``values`` with those a log axis cannot show (not positive) as NaN: gaps."""
    if not log:
        return values
    return [v if v > 0 else math.nan for v in values]


def _pieces(rows: Any) -> list[Any]:
    """The runs of consecutive rows of ``rows`` whose values are all finite."""
    import numpy as np

    kept = np.flatnonzero(np.isfinite(rows).all(axis=1))
    if not len(kept):
        return []
    breaks = np.flatnonzero(np.diff(kept) > 1)
    starts = [kept[0], *kept[breaks + 1]]
    ends = [*kept[breaks], kept[-1]]
    return [rows[a : b + 1] for a, b in zip(starts, ends, strict=True)]


def _span(values: Any) -> tuple[float, float]:
    low, high = float(values.min()), float(values.max())
    if low == high:
        pad = abs(low) * 0.05 or 1.0
        return low - pad, high + pad
    return low, high


def _finite(point: tuple[float, float]) -> bool:
    return math.isfinite(point[0]) and math.isfinite(point[1])


def _tick(value: float, log: bool = False) -> str:
    return f"{10**value:.4g}" if log else f"{value:.4g}"
