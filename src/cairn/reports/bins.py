"""Bins for grouping runs by a numeric key, as the workspace makes them
(web/src/features/runs/state/binning.ts): by exact values when there are few, else ranges of
about as many runs each (quantile) or of equal width on a log scale (a key spanning orders of
magnitude, such as a learning rate), each named by the values it holds (``0.01–0.03``)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from cairn.reports.jsformat import format_bound, js_number

MODES = ("auto", "quantile", "log")
COUNTS = (2, 3, 4, 5, 6, 8, 10)


@dataclass(frozen=True)
class Bins:
    """Ranges in numeric order: each one's label and largest member value."""

    labels: list[str]
    highs: list[float]

    def name_of(self, value: float) -> str:
        """The label of the bin ``value`` falls in (the first whose largest value is not below)."""
        index = next((i for i, hi in enumerate(self.highs) if value <= hi), len(self.highs) - 1)
        return self.labels[index]


def check_bins(text: str) -> None:
    """ValueError unless ``text`` is ``values`` or ``<mode>-<count>`` as the workspace writes it."""
    decode_bins(text)


def decode_bins(text: str | None) -> tuple[str, int]:
    """``"quantile-4"`` as ("quantile", 4); ``"values"`` or None as ("values", 0)."""
    if text is None or text == "values":
        return "values", 0
    mode, _, count = text.partition("-")
    if mode in MODES and count.isdigit() and int(count) in COUNTS:
        return mode, int(count)
    raise ValueError(
        f"group_bins={text!r}: give 'values', or auto, quantile or log and a count of "
        f"{', '.join(map(str, COUNTS))}, such as 'quantile-4'"
    )


def bins_of(values: list[float], mode: str, count: int) -> Bins | None:
    """The bins of ``values``, or None when they are grouped by exact value ("values", or
    "auto" with at most ``count`` distinct values)."""
    if not values or mode == "values":
        return None
    if mode == "auto":
        spans = min(values) > 0 and max(values) / min(values) >= 100
        mode = "values" if len(set(values)) <= count else "log" if spans else "quantile"
        if mode == "values":
            return None
    ordered = sorted(values)
    log = mode == "log" and ordered[0] > 0
    index = _log_bins(ordered, count) if log else _quantile_bins(ordered, count)
    ranges: dict[int, list[float]] = {}
    for value, b in zip(ordered, index, strict=True):
        ranges.setdefault(b, [value, value])[1] = value
    bounds = [ranges[b] for b in sorted(ranges)]
    return Bins(labels=_labels(bounds), highs=[hi for _, hi in bounds])


def _quantile_bins(ordered: list[float], count: int) -> list[int]:
    n, out, b = len(ordered), [], 0
    for i, value in enumerate(ordered):
        if i > 0 and value != ordered[i - 1] and i >= n * (b + 1) / count and b < count - 1:
            b += 1
        out.append(b)
    return out


def _log_bins(ordered: list[float], count: int) -> list[int]:
    lo, hi = math.log10(ordered[0]), math.log10(ordered[-1])
    width = (hi - lo) / count
    if width <= 0:
        return [0] * len(ordered)
    return [min(count - 1, math.floor((math.log10(v) - lo) / width + 1e-9)) for v in ordered]


def _labels(ranges: list[list[float]]) -> list[str]:
    """Labels as short as they can be while every bin keeps a label of its own."""
    for digits in range(2, 17):
        out = [_label(lo, hi, digits) for lo, hi in ranges]
        if len(set(out)) == len(out):
            return out
    return [f"{js_number(lo)}–{js_number(hi)}" for lo, hi in ranges]


def _label(lo: float, hi: float, digits: int) -> str:
    a, b = format_bound(lo, digits), format_bound(hi, digits)
    return a if a == b else f"{a}–{b}"
