"""Parallel coordinates and parameter importance as inline SVG, for the HTML export: the same
axes, positions and colours as ``cairn.reports.analysis_figures``. Each run's line, and each
parameter's bar, has a ``<title>`` (the browser's tooltip) with its name; every text is escaped and
every number a finite float, so the SVG holds nothing but shapes and text."""

from __future__ import annotations

import math
from html import escape

from cairn.reports import analysis
from cairn.reports.blocks import Panel, PanelData
from cairn.reports.chart_text import cut_start, svg_text

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 40, 80, 28, 22
BAR_HEIGHT, LABEL_WIDTH = 20, 180


def analysis_svg(panel: Panel, data: PanelData) -> str | None:
    """The panel as an ``<svg>`` element, or None when it has nothing to draw."""
    if panel.kind == "parallel":
        return _parallel(panel, data)
    return _importance(panel, data)


def _parallel(panel: Panel, data: PanelData) -> str | None:
    layout = analysis.parallel(panel, data)
    if layout is None:
        return None
    runs, axes, goal, values, low, high = layout
    step = (WIDTH - LEFT - RIGHT) / max(len(axes) - 1, 1)

    def sy(position: float) -> float:
        return HEIGHT - BOTTOM - position * (HEIGHT - TOP - BOTTOM)

    out = [_open(f"parallel coordinates of {', '.join(panel.keys)}", HEIGHT)]
    for i, axis in enumerate(axes):
        x = LEFT + i * step
        out.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{HEIGHT - BOTTOM}" stroke="#999"/>'
        )
        out.append(
            svg_text(x, TOP - 10, cut_start(axis.label, 18), "middle", size=10, weight="600")
        )
        for position, label in _ends(axis):
            out.append(svg_text(x + 4, sy(position) + 4, label, "start", size=10))
    for run, value in zip(runs, values, strict=True):
        points = [
            (LEFT + i * step, axis.position(run.values.get(axis.key)))
            for i, axis in enumerate(axes)
        ]
        coords = " ".join(f"{x:.1f},{sy(p):.1f}" for x, p in points if math.isfinite(p))
        colour = analysis.metric_colour(value, low, high, goal)
        tip = f"{run.name}: {panel.keys[-1].partition('.')[2]} = {value:.6g}"
        out.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="1.6" stroke-opacity="0.85" '
            f'points="{coords}"><title>{escape(tip)}</title></polyline>'
        )
    out.append("</svg>")
    return "".join(out)


def _importance(panel: Panel, data: PanelData) -> str | None:
    result = analysis.importance(panel, data)
    if not result.parameters:
        return None
    height = TOP + BAR_HEIGHT * len(result.parameters) + 8
    span = WIDTH - LABEL_WIDTH - 90
    out = [_open(f"parameter importance for {panel.keys[-1]}", height)]
    for i, p in enumerate(result.parameters):
        y = TOP + i * BAR_HEIGHT
        r = "—" if p.correlation is None else f"{p.correlation:+.2f}"
        out.append(svg_text(LABEL_WIDTH - 6, y + 14, cut_start(p.name, 28), "end", size=10))
        out.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{max(p.importance, 0.0) * span:.1f}" '
            f'height="{BAR_HEIGHT - 8}" fill="{analysis.IMPORTANCE_COLOUR}">'
            f"<title>{escape(f'{p.name}: importance {p.importance:.3f}, r {r}')}</title></rect>"
        )
        out.append(
            svg_text(
                LABEL_WIDTH + max(p.importance, 0.0) * span + 4,
                y + 14,
                f"{p.importance:.3f} (r {r})",
                "start",
                size=10,
            )
        )
    out.append(
        svg_text(LABEL_WIDTH, TOP - 10, f"importance for {panel.keys[-1]}", "start", size=10)
    )
    out.append("</svg>")
    return "".join(out)


def _open(label: str, height: float) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(label)}">'
    )


def _ends(axis: analysis.Axis) -> list[tuple[float, str]]:
    if axis.kind == "category":
        return [(axis.position(c), cut_start(c, 14)) for c in axis.categories[:8]]
    if axis.low == axis.high:
        return [(0.5, f"{axis.low:.4g}")]
    return [(0.0, f"{axis.low:.4g}"), (1.0, f"{axis.high:.4g}")]
