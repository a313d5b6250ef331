"""Panels drawn as inline SVG for the HTML export: nothing to load, nothing to run.

A line panel draws the lines of ``cairn.reports.chart_lines``, as the LaTeX figures and the
dashboard do: each run's series of each key (a gap where a value is not finite; the first key
solid, the next ones dashed), or with ``group_by`` each group's mean over a band from its min to
its max, with a legend of the groups; with ``smoothing`` the debiased EMA over the values as
logged (those faint behind it); ``log_x``/``log_y`` leave out values that are not positive. A
scatter panel draws one point per run; a bar panel a bar per run and key
(``cairn.reports.bar_svg``). Each run has its dashboard colour (``cairn.reports.style``), as the
swatch beside its name in the table under the chart. Every text is escaped and every number is
a finite float, so the SVG can hold nothing but shapes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from cairn.reports.analysis_svg import analysis_svg
from cairn.reports.bar_svg import bar_svg
from cairn.reports.blocks import Panel, PanelData
from cairn.reports.chart_lines import Line, panel_lines
from cairn.reports.panel_keys import ANALYSIS_KINDS
from cairn.reports.style import BAND_ALPHA, RAW_ALPHA, run_colour, smooth

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 10, 28
DASHES = ("", ' stroke-dasharray="6 3"', ' stroke-dasharray="2 3"', ' stroke-dasharray="8 3 2 3"')
"""A line panel's keys: the first solid, the next dashed, dotted, dash-dotted."""
LEGEND_COLUMNS, LEGEND_ROW, LEGEND_MAX = 2, 18, 24
"""A grouped line panel's legend: entries in this many columns, rows this tall, at most this
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
        x_key, y_key = panel.keys[:2]
        points = [
            (
                run_colour(run.id, run.number),
                (_number(run.values.get(x_key)), _number(run.values.get(y_key))),
            )
            for run in data.runs
        ]
        return _chart([], [], points, f"{y_key} against {x_key}")
    return None


@dataclass(frozen=True)
class _Stroke:
    """A polyline to draw: its points, colour, dash (a key's index; -1 none), opacity, tooltip."""

    points: list[Point]
    colour: str
    key: int
    opacity: float = 1.0
    tip: str | None = None


Band = tuple[str, list[tuple[float, float, float]]]
"""A group's band: its colour, and (x, low, high) at each step."""


def _lines(panel: Panel, lines: list[Line]) -> str | None:
    """A line panel's lines, smoothed and on log axes as the panel says, groups over bands."""
    x_of, y_of = _axis(panel.log_x), _axis(panel.log_y)
    strokes: list[_Stroke] = []
    bands: list[Band] = []
    for line in lines:
        xs = [x_of(x) for x in line.xs]
        ys = [_positive(y, panel.log_y) for y in line.ys]
        if line.band is not None:
            low, high = ([_positive(v, panel.log_y) for v in edge] for edge in line.band)
            if panel.smoothing > 0:
                low, high = smooth(low, panel.smoothing), smooth(high, panel.smoothing)
            bands.append((line.colour, list(zip(xs, map(y_of, low), map(y_of, high), strict=True))))
        if panel.smoothing > 0:
            strokes.append(
                _Stroke(list(zip(xs, map(y_of, ys), strict=True)), line.colour, -1, RAW_ALPHA)
            )
            ys = smooth(ys, panel.smoothing)
        strokes.append(
            _Stroke(
                list(zip(xs, map(y_of, ys), strict=True)),
                line.colour,
                line.key_index,
                tip=line.label,
            )
        )
    legend = (
        [(line.colour, line.key_index, line.label) for line in lines if line.label is not None]
        if panel.group_by is not None
        else []
    )
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
    finite = [p for stroke in strokes for p in stroke.points if _finite(p)]
    finite += [p for _, band in bands for x, lo, hi in band for p in ((x, lo), (x, hi))]
    finite = [p for p in finite if _finite(p)]
    finite += [p for _, p in points if _finite(p)]
    if not finite:
        return None
    x0, x1 = _span([x for x, _ in finite])
    y0, y1 = _span([y for _, y in finite])

    def at(point: Point) -> str:
        x = LEFT + (point[0] - x0) / (x1 - x0) * (WIDTH - LEFT - RIGHT)
        y = HEIGHT - BOTTOM - (point[1] - y0) / (y1 - y0) * (HEIGHT - TOP - BOTTOM)
        return f"{x:.1f},{y:.1f}"

    entries = (legend or [])[:LEGEND_MAX]
    rows = -(-len(entries) // LEGEND_COLUMNS) + (len(legend or []) > LEGEND_MAX)
    height = HEIGHT + (rows * LEGEND_ROW + 6 if rows else 0)
    log_x, log_y = logs
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(label)}">',
        f'<rect x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" '
        f'height="{HEIGHT - TOP - BOTTOM}" fill="none" stroke="#ccc"/>',
        _text(LEFT - 4, TOP + 10, _tick(y1, log_y), "end"),
        _text(LEFT - 4, HEIGHT - BOTTOM, _tick(y0, log_y), "end"),
        _text(LEFT, HEIGHT - BOTTOM + 16, _tick(x0, log_x), "start"),
        _text(WIDTH - RIGHT, HEIGHT - BOTTOM + 16, _tick(x1, log_x), "end"),
    ]
    for colour, band in bands:
        for steps in _band_pieces(band):
            outline = [(x, lo) for x, lo, _ in steps] + [(x, hi) for x, _, hi in reversed(steps)]
            out.append(
                f'<polygon fill="{colour}" fill-opacity="{BAND_ALPHA}" stroke="none" '
                f'points="{" ".join(at(p) for p in outline)}"/>'
            )
    for stroke in strokes:
        dash = DASHES[stroke.key % len(DASHES)] if stroke.key >= 0 else ""
        fade = f' stroke-opacity="{stroke.opacity}"' if stroke.opacity < 1 else ""
        tip = f"<title>{escape(stroke.tip)}</title>" if stroke.tip else ""
        for piece in _pieces(stroke.points):
            coords = " ".join(at(p) for p in piece)
            out.append(
                f'<polyline fill="none" stroke="{stroke.colour}" stroke-width="1.5"'
                f'{dash}{fade} points="{coords}">{tip}</polyline>'
            )
    for colour, (x, y) in points:
        if _finite((x, y)):
            cx, cy = at((x, y)).split(",")
            out.append(f'<circle cx="{cx}" cy="{cy}" r="4" fill="{colour}"/>')
    out += _legend(entries, len(legend or []) - len(entries))
    out.append("</svg>")
    return "".join(out)


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
            + _text(x + 24, y + 10, _short(text, 40), "start")
            + "</g>"
        )
    if others > 0:
        y = HEIGHT + 4 + -(-len(entries) // LEGEND_COLUMNS) * LEGEND_ROW
        out.append(_text(LEFT, y + 10, f"and {others} more (in the table)", "start"))
    return out


def _axis(log: bool) -> Callable[[float], float]:
    """Where a value sits on an axis: itself, or on a log axis its log10 (NaN: not drawn)."""
    if not log:
        return lambda v: v
    return lambda v: math.log10(v) if math.isfinite(v) and v > 0 else math.nan


def _positive(value: float, log: bool) -> float:
    return value if math.isfinite(value) and (value > 0 or not log) else math.nan


def _pieces(line: list[Point]) -> list[list[Point]]:
    """The runs of finite points of ``line``."""
    pieces: list[list[Point]] = [[]]
    for point in line:
        if _finite(point):
            pieces[-1].append(point)
        elif pieces[-1]:
            pieces.append([])
    return [p for p in pieces if p]


def _band_pieces(band: list[tuple[float, float, float]]) -> list[list[tuple[float, float, float]]]:
    """The runs of steps of ``band`` where x and both edges are finite."""
    pieces: list[list[tuple[float, float, float]]] = [[]]
    for step in band:
        if all(math.isfinite(v) for v in step):
            pieces[-1].append(step)
        elif pieces[-1]:
            pieces.append([])
    return [p for p in pieces if p]


def _span(values: list[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    if low == high:
        pad = abs(low) * 0.05 or 1.0
        return low - pad, high + pad
    return low, high


def _finite(point: tuple[float, float]) -> bool:
    return math.isfinite(point[0]) and math.isfinite(point[1])


def _number(value: object) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return math.nan


def _tick(value: float, log: bool = False) -> str:
    return f"{10**value:.4g}" if log else f"{value:.4g}"


def _short(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _text(x: float, y: float, text: str, anchor: str) -> str:
    return (
        f'<text x="{x}" y="{y}" font-size="11" fill="#555" text-anchor="{anchor}">'
        f"{escape(text)}</text>"
    )
