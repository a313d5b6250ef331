"""How the dashboard draws a chart, for the exports to draw it the same: the run colours
(web/src/lib/colors.ts), the dash of each key (web/src/features/charts/lib/chartLines.ts) and
the smoothing (web/src/features/charts/lib/smoothing.ts)."""

from __future__ import annotations

import math
from collections.abc import Sequence

PALETTE = (
    "#4e79a7", "#a09800", "#f85848", "#b02898", "#007850", "#905810", "#a888b0", "#50a0a0",
    "#905858", "#38a830", "#f85090", "#e07810", "#686810", "#007078", "#9060e0", "#b83810",
    "#988058", "#786088", "#d00058", "#c08080", "#889868", "#18a0d0", "#d860d0", "#18a078",
)  # fmt: skip
"""The dashboard's palette, in its order."""

DASHES: tuple[tuple[float, ...], ...] = ((), (6, 4), (2, 3), (10, 3, 2, 3))
"""A panel's keys: the first solid, the next dashed, dotted, dash-dotted (on/off lengths)."""

KEY_GREY = "#555555"
"""A legend's entries for a panel's keys: their dash, in no run's colour."""

MAX_SMOOTHING = 0.99
BAND_ALPHA = 0.16
"""A group's min-max band, this opaque."""
RAW_ALPHA = 0.25
"""With smoothing on, the values as logged stay behind the smoothed line, this opaque."""


def run_colour(run_id: str, number: int = 0) -> str:
    """A run's colour, as the dashboard gives it: by its number (creation rank in the project),
    else by a hash of its id (FNV-1a, as the web app computes it)."""
    if number > 0:
        return PALETTE[(number - 1) % len(PALETTE)]
    value = 0x811C9DC5
    for unit in memoryview(run_id.encode("utf-16-le")).cast("H"):  # JavaScript's charCodeAt
        value = ((value ^ unit) * 0x01000193) & 0xFFFFFFFF
    return PALETTE[value % len(PALETTE)]


def dash(key_index: int) -> tuple[float, ...]:
    """The dash pattern of a panel's ``key_index``-th key (empty: solid)."""
    return DASHES[key_index % len(DASHES)]


def smooth(values: Sequence[float], weight: float) -> list[float]:
    """Exponential moving average debiased as TensorBoard and the dashboard do it: weight 0 is
    none, 0.99 the most; a value that is not finite stays a gap and leaves the average as is."""
    w = min(max(weight if math.isfinite(weight) else 0.0, 0.0), MAX_SMOOTHING)
    if w == 0:
        return list(values)
    out: list[float] = []
    last, debias = 0.0, 1.0
    for y in values:
        if not math.isfinite(y):
            out.append(math.nan)
            continue
        last = last * w + (1 - w) * y
        debias *= w
        out.append(last / (1 - debias))
    return out
