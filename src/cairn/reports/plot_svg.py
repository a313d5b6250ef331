"""A plot panel's chart as inline SVG for the HTML export, drawn as ``plot_figures`` draws it:
a confusion matrix's cells in its colours with their counts (each cell's classes and count as a
tooltip), curves one per series with a legend, bars and a histogram's bins as bars.

Every text (class names, series names, column names, the title) is escaped, and every number
written is a finite float, so the SVG holds nothing but shapes and text.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape

from cairn.reports import plot_panel
from cairn.reports.blocks import PanelData
from cairn.reports.chart_text import svg_text
from cairn.reports.plot_figures import (
    CELL_LABEL_CLASSES,
    CELL_TEXT,
    MATRIX_HIGH,
    MATRIX_LOW,
    SERIES_COLOURS,
)

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 60, 150, 12, 40
"""The plot area's margins: the legend sits in the right one."""
CELL = 40
"""A confusion matrix cell's side, at most (a large matrix shrinks to MATRIX_SIDE)."""
MATRIX_SIDE = 480
Scale = Callable[[float], float]


def svg(data: PanelData, label: str) -> str | None:
    """The chart as an ``<svg>`` (``label``: its accessible name), or None without one."""
    plot = data.plot
    if plot is None:
        return None
    kind = plot.spec.get("type")
    if kind == "confusion_matrix":
        return _matrix(*plot_panel.matrix(plot), label)
    if kind == "bar":
        rows = plot_panel.bars(plot)
        bars = [(i - 0.4, 0.8, v) for i, (_, v) in enumerate(rows)]
        names = [name for name, _ in rows]
        return _bars(bars, names, "", str(plot.spec.get("value") or ""), label)
    if kind == "histogram":
        bins = [
            (left + width * 0.05, width * 0.9, c) for left, width, c in plot_panel.histogram(plot)
        ]
        return _bars(bins, None, str(plot.spec.get("value") or ""), "count", label)
    lines = plot_panel.curves(plot)
    x_name, y_name = str(plot.spec.get("x") or ""), str(plot.spec.get("y") or "")
    return _curves(lines, x_name, y_name, kind == "scatter", label)


def _matrix(classes: list[str], counts: list[list[float]], label: str) -> str | None:
    n = len(classes)
    if not n:
        return None
    cell = min(CELL, MATRIX_SIDE / n)
    left, top = 120, 10
    top_count = max(1.0, *(c for row in counts for c in row))
    out = [_open(left + n * cell + 20, top + n * cell + 60, label)]
    for i, row in enumerate(counts):
        for j, count in enumerate(row):
            x, y = left + j * cell, top + i * cell
            tip = f"actual {classes[i]}, predicted {classes[j]}: {count:g}"
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell:.1f}" height="{cell:.1f}" '
                f'fill="{_mix(count / top_count)}"><title>{escape(tip)}</title></rect>'
            )
            if n <= CELL_LABEL_CLASSES:
                out.append(
                    svg_text(x + cell / 2, y + cell / 2 + 4, f"{count:g}", "middle", fill=CELL_TEXT)
                )
    size = 11 if cell >= 14 else 7
    for i, name in enumerate(classes):
        middle = i * cell + cell / 2
        out.append(svg_text(left - 4, top + middle + 4, name, "end", size=size))
        x, y = left + middle, top + n * cell + 12
        out.append(svg_text(x, y, name, "middle", size=size))
    out.append(svg_text(left + n * cell / 2, top + n * cell + 34, "predicted", "middle"))
    out.append(svg_text(12, top + n * cell / 2, "actual", "start"))
    out.append("</svg>")
    return "".join(out)


def _curves(
    lines: list[tuple[str, list[float], list[float]]],
    x_name: str,
    y_name: str,
    scatter: bool,
    label: str,
) -> str | None:
    finite = [(x, y) for _, xs, ys in lines for x, y in zip(xs, ys, strict=False) if _ok(x, y)]
    if not finite:
        return None
    sx, sy, out = _frame([x for x, _ in finite], [y for _, y in finite], x_name, y_name, label)
    for i, (name, xs, ys) in enumerate(lines):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        points = [(sx(x), sy(y)) for x, y in zip(xs, ys, strict=False) if _ok(x, y)]
        tip = f"<title>{escape(name)}</title>"
        if scatter:
            out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}">{tip}</circle>'
                    for x, y in points]  # fmt: skip
        elif points:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            out.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" '
                f'points="{coords}">{tip}</polyline>'
            )
        if len(lines) > 1:
            y = TOP + 8 + 16 * i
            out.append(f'<rect x="{WIDTH - RIGHT + 12}" y="{y - 8}" width="10" height="10" '
                       f'fill="{colour}"/>')  # fmt: skip
            out.append(svg_text(WIDTH - RIGHT + 26, y + 1, name, "start"))
    out.append("</svg>")
    return "".join(out)


def _bars(
    bars: list[tuple[float, float, float]],
    names: list[str] | None,
    x_name: str,
    y_name: str,
    label: str,
) -> str | None:
    finite = [(x, w, v) for x, w, v in bars if _ok(x + w, v)]
    if not finite:
        return None
    xs = [x for x, _, _ in finite] + [x + w for x, w, _ in finite]
    sx, sy, out = _frame(xs, [0.0] + [v for _, _, v in finite], x_name, y_name, label, names)
    for x, w, v in finite:
        top, bottom = sy(max(v, 0.0)), sy(min(v, 0.0))
        out.append(
            f'<rect x="{sx(x):.1f}" y="{top:.1f}" width="{sx(x + w) - sx(x):.1f}" '
            f'height="{bottom - top:.1f}" fill="{SERIES_COLOURS[0]}"/>'
        )
    out.append("</svg>")
    return "".join(out)


def _frame(
    xs: list[float],
    ys: list[float],
    x_name: str,
    y_name: str,
    label: str,
    categories: list[str] | None = None,
) -> tuple[Scale, Scale, list[str]]:
    """The scales from data to the plot area, and the SVG's opening with its frame, the ends of
    each axis (or a bar's category names under it) and the axes' names."""
    x0, x1 = _span(xs)
    y0, y1 = _span(ys)
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM

    def sx(x: float) -> float:
        return LEFT + (x - x0) / (x1 - x0) * (right - LEFT)

    def sy(y: float) -> float:
        return bottom - (y - y0) / (y1 - y0) * (bottom - TOP)

    out = [
        _open(WIDTH, HEIGHT, label),
        f'<rect x="{LEFT}" y="{TOP}" width="{right - LEFT}" height="{bottom - TOP}" '
        'fill="none" stroke="#ccc"/>',
        svg_text(LEFT - 4, TOP + 10, f"{y1:.4g}", "end"),
        svg_text(LEFT - 4, bottom, f"{y0:.4g}", "end"),
        svg_text((LEFT + right) / 2, HEIGHT - 6, x_name, "middle"),
        f'<text x="14" y="{(TOP + bottom) / 2:.1f}" font-size="11" fill="#555" '
        f'text-anchor="middle" transform="rotate(-90 14 {(TOP + bottom) / 2:.1f})">'
        f"{escape(y_name)}</text>",
    ]
    if categories is None:
        out.append(svg_text(LEFT, bottom + 14, f"{x0:.4g}", "start"))
        out.append(svg_text(right, bottom + 14, f"{x1:.4g}", "end"))
    else:
        out += [svg_text(sx(i), bottom + 14, name, "middle", size=9)
                for i, name in enumerate(categories)]  # fmt: skip
    return sx, sy, out


def _open(width: float, height: float, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{escape(label)}">'
    )


def _mix(share: float) -> str:
    """The matrix colour at ``share`` (0 to 1) of the way from MATRIX_LOW to MATRIX_HIGH."""
    low, high = (tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in (MATRIX_LOW, MATRIX_HIGH))
    share = min(max(share if math.isfinite(share) else 0.0, 0.0), 1.0)
    r, g, b = (round(a + (z - a) * share) for a, z in zip(low, high, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def _span(values: list[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    if low == high:
        pad = abs(low) * 0.05 or 1.0
        return low - pad, high + pad
    return low, high


def _ok(x: float, y: float) -> bool:
    return math.isfinite(x) and math.isfinite(y)
