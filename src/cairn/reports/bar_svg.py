"""A bar panel as inline SVG for the HTML export, as ``cairn.reports.figures`` draws it for
LaTeX: for each key with a number, a horizontal bar per run in its dashboard colour, runs top to
bottom in the table's order, their names at the left (shortened; the whole name in the bar's
tooltip, with its value). Bars start at zero (a negative value goes left); with ``log_x`` the
axis is logarithmic and values that are not positive have no bar. Every text is escaped."""

from __future__ import annotations

import math
from html import escape

from cairn.reports.blocks import Panel, PanelData
from cairn.reports.style import run_colour

WIDTH = 640
LABEL_WIDTH, RIGHT, ROW, HEADING, AXIS = 168, 16, 16, 20, 18
"""Room for the runs' names, the right margin, a bar's row, a key's heading and its axis."""


def bar_svg(panel: Panel, data: PanelData) -> str | None:
    """The panel's bars, one block per key that any run has a number for; None when none has."""
    keys = [k for k in panel.keys if any(_finite(_number(r.values.get(k))) for r in data.runs)]
    if not keys:
        return None
    block = HEADING + len(data.runs) * ROW + AXIS
    height = block * len(keys)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" '
        f'aria-label="{escape(panel.title or ", ".join(panel.keys))}">'
    ]
    for i, key in enumerate(keys):
        out += _key_bars(panel, data, key, i * block)
    out.append("</svg>")
    return "".join(out)


def _key_bars(panel: Panel, data: PanelData, key: str, top: float) -> list[str]:
    values = [_number(run.values.get(key)) for run in data.runs]
    shown = [v for v in values if _finite(v) and (v > 0 or not panel.log_x)]
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
    out = [_text(LABEL_WIDTH, top + 14, key, "start", "600")]
    for j, (run, value) in enumerate(zip(data.runs, values, strict=True)):
        y = top + HEADING + j * ROW
        out.append(_text(LABEL_WIDTH - 6, y + 11, _short(run.name), "end"))
        if not (_finite(value) and (value > 0 or not panel.log_x)):
            continue
        left, right = sorted((base, x(value)))
        tip = f"{run.name}: {key} = {value:.6g}"
        out.append(
            f'<rect x="{left:.1f}" y="{y + 2}" width="{max(right - left, 0.5):.1f}" '
            f'height="{ROW - 4}" fill="{run_colour(run.id, run.number)}">'
            f"<title>{escape(tip)}</title></rect>"
        )
    axis = top + HEADING + len(data.runs) * ROW
    out.append(
        f'<line x1="{base:.1f}" y1="{top + HEADING}" x2="{base:.1f}" y2="{axis}" stroke="#999"/>'
    )
    ends = (10**low, 10**high) if panel.log_x else (low, high)
    out.append(_text(LABEL_WIDTH, axis + 13, f"{ends[0]:.4g}", "start"))
    out.append(_text(WIDTH - RIGHT, axis + 13, f"{ends[1]:.4g}", "end"))
    return out


def _number(value: object) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return math.nan


def _finite(value: float) -> bool:
    return math.isfinite(value)


def _short(text: str, most: int = 24) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _text(x: float, y: float, text: str, anchor: str, weight: str = "400") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="11" font-weight="{weight}" fill="#555" '
        f'text-anchor="{anchor}">{escape(text)}</text>'
    )
