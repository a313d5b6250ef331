"""Panels drawn as inline SVG for the HTML export: nothing to load, nothing to run.

A line panel draws each run's series of each key (a gap where a value is not finite; the first
key solid, the next ones dashed); a scatter panel one point per run. Each run has its dashboard
colour (``cairn.reports.style``), as the swatch beside its name in the table under the chart. Every text is escaped and
every number is a finite float, so the SVG can hold nothing but shapes.
"""

from __future__ import annotations

import math
from html import escape

from cairn.reports.analysis_svg import analysis_svg
from cairn.reports.blocks import Panel, PanelData
from cairn.reports.panel_keys import ANALYSIS_KINDS
from cairn.reports.style import run_colour

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 10, 28
DASHES = ("", ' stroke-dasharray="6 3"', ' stroke-dasharray="2 3"', ' stroke-dasharray="8 3 2 3"')
"""A line panel's keys: the first solid, the next dashed, dotted, dash-dotted."""


def panel_svg(panel: Panel, data: PanelData) -> str | None:
    """The panel as an ``<svg>`` element, or None when it has nothing to draw (or is a kind
    drawn as a table only: bar and scalar); parallel coordinates and importance as
    ``cairn.reports.analysis_svg`` draws them."""
    if panel.kind in ANALYSIS_KINDS:
        return analysis_svg(panel, data)
    if panel.kind == "line":
        lines = [
            (run_colour(run.id, run.number), j, list(zip(*run.series[key], strict=True)))
            for run in data.runs
            for j, key in enumerate(panel.keys)
            if key in run.series
        ]
        return _chart(lines, [], panel.title or ", ".join(panel.keys))
    if panel.kind == "scatter":
        x_key, y_key = panel.keys[:2]
        points = [
            (
                run_colour(run.id, run.number),
                (_number(run.values.get(x_key)), _number(run.values.get(y_key))),
            )
            for run in data.runs
        ]
        return _chart([], points, f"{y_key} against {x_key}")
    return None


def _chart(
    lines: list[tuple[str, int, list[tuple[float, float]]]],
    points: list[tuple[str, tuple[float, float]]],
    label: str,
) -> str | None:
    finite = [p for _, _, line in lines for p in line if _finite(p)]
    finite += [p for _, p in points if _finite(p)]
    if not finite:
        return None
    x0, x1 = _span([x for x, _ in finite])
    y0, y1 = _span([y for _, y in finite])

    def sx(x: float) -> float:
        return LEFT + (x - x0) / (x1 - x0) * (WIDTH - LEFT - RIGHT)

    def sy(y: float) -> float:
        return HEIGHT - BOTTOM - (y - y0) / (y1 - y0) * (HEIGHT - TOP - BOTTOM)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(label)}">',
        f'<rect x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" '
        f'height="{HEIGHT - TOP - BOTTOM}" fill="none" stroke="#ccc"/>',
        _text(LEFT - 4, TOP + 10, _tick(y1), "end"),
        _text(LEFT - 4, HEIGHT - BOTTOM, _tick(y0), "end"),
        _text(LEFT, HEIGHT - BOTTOM + 16, _tick(x0), "start"),
        _text(WIDTH - RIGHT, HEIGHT - BOTTOM + 16, _tick(x1), "end"),
    ]
    for colour, key_index, line in lines:
        dash = DASHES[key_index % len(DASHES)]
        for piece in _pieces(line):
            coords = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in piece)
            out.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="1.5"'
                f'{dash} points="{coords}"/>'
            )
    for colour, (x, y) in points:
        if _finite((x, y)):
            out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="4" fill="{colour}"/>')
    out.append("</svg>")
    return "".join(out)


def _pieces(line: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    pieces: list[list[tuple[float, float]]] = [[]]
    for point in line:
        if _finite(point):
            pieces[-1].append(point)
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


def _tick(value: float) -> str:
    return f"{value:.4g}"


def _text(x: float, y: float, text: str, anchor: str) -> str:
    return (
        f'<text x="{x}" y="{y}" font-size="11" fill="#555" text-anchor="{anchor}">'
        f"{escape(text)}</text>"
    )
