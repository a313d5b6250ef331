"""A bar panel as inline SVG for the HTML export, as ``cairn.reports.figures`` draws it for
LaTeX: for each key with a number, the bars of ``cairn.reports.bars`` (a bar per run in its
dashboard colour, or with ``group_by`` a bar per group at its mean with a min-max whisker),
largest first, their names at the left (shortened; the whole name in the bar's tooltip, with its
value). Bars start at zero (a negative value goes left); with ``log_x`` the axis is logarithmic
and values that are not positive have no bar. Every text is escaped."""

from __future__ import annotations

import math
from html import escape

from cairn.reports.bars import Bar, key_bars
from cairn.reports.blocks import Panel, PanelData
from cairn.reports.chart_text import cut_end, svg_text

WIDTH = 640
LABEL_WIDTH, RIGHT, ROW, HEADING, AXIS = 168, 16, 16, 20, 18
"""Room for the runs' names, the right margin, a bar's row, a key's heading and its axis."""


def bar_svg(panel: Panel, data: PanelData) -> str | None:
    """The panel's bars, one block per key that any run has a number for; None when none has."""
    drawn = [(key, bars) for key in panel.keys if (bars := key_bars(panel, data, key))]
    if not drawn:
        return None
    height = sum(HEADING + len(bars) * ROW + AXIS for _, bars in drawn)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" '
        f'aria-label="{escape(panel.title or ", ".join(panel.keys))}">'
    ]
    top = 0
    for key, bars in drawn:
        out += _key_bars(panel, key, bars, top)
        top += HEADING + len(bars) * ROW + AXIS
    out.append("</svg>")
    return "".join(out)


def _key_bars(panel: Panel, key: str, bars: list[Bar], top: float) -> list[str]:
    ends = [v for bar in bars for v in (bar.value, bar.low, bar.high) if v is not None]
    shown = [v for v in ends if v > 0 or not panel.log_x]
    if panel.log_x and shown:
        low, high = math.log10(min(shown)), math.log10(max(shown))
    else:
        low, high = min([0.0, *shown]), max([0.0, *shown])
    if low == high:
        low, high = (low - 1, high + 1) if panel.log_x else (low, high + 1)
    span = WIDTH - LABEL_WIDTH - RIGHT

    def x(value: float) -> float:
        position = math.log10(value) if panel.log_x else value
        return LABEL_WIDTH + (position - low) / (high - low) * span

    base = LABEL_WIDTH if panel.log_x else x(0.0)
    out = [svg_text(LABEL_WIDTH, top + 14, key, "start", weight="600")]
    for j, bar in enumerate(bars):
        y = top + HEADING + j * ROW
        out.append(svg_text(LABEL_WIDTH - 6, y + 11, cut_end(bar.label, 24), "end"))
        if not (bar.value > 0 or not panel.log_x):
            continue
        left, right = sorted((base, x(bar.value)))
        tip = f"{bar.label}: {key} = {bar.value:.6g}"
        if bar.low is not None and bar.high is not None:
            tip = f"{bar.label} ({bar.runs} runs): mean {key} = {bar.value:.6g}, "
            tip += f"min {bar.low:.6g}, max {bar.high:.6g}"
        out.append(
            f'<rect x="{left:.1f}" y="{y + 2}" width="{max(right - left, 0.5):.1f}" '
            f'height="{ROW - 4}" fill="{bar.colour}"><title>{escape(tip)}</title></rect>'
        )
        if bar.low is not None and bar.high is not None and (bar.low > 0 or not panel.log_x):
            middle = y + ROW / 2
            out.append(
                f'<line class="range" x1="{x(bar.low):.1f}" y1="{middle}" x2="{x(bar.high):.1f}" '
                f'y2="{middle}" stroke="#444" stroke-width="1"/>'
            )
    axis = top + HEADING + len(bars) * ROW
    out.append(
        f'<line x1="{base:.1f}" y1="{top + HEADING}" x2="{base:.1f}" y2="{axis}" stroke="#999"/>'
    )
    ticks = (10**low, 10**high) if panel.log_x else (low, high)
    out.append(svg_text(LABEL_WIDTH, axis + 13, f"{ticks[0]:.4g}", "start"))
    out.append(svg_text(WIDTH - RIGHT, axis + 13, f"{ticks[1]:.4g}", "end"))
    return out
