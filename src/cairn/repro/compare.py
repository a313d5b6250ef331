"""Comparing the summary metrics of reproductions with the original run, and the verdict.

Per metric: the original value, the reproductions' values (their mean, standard deviation, min
and max when there are several), the absolute and relative difference of the mean from the
original, and a status:

- ``exact``: every reproduction has exactly the original value (NaN matches NaN);
- ``within rtol``: the mean is within ``rtol`` × |original| of it;
- ``within spread``: with two or more reproductions, the original lies within three standard
  deviations of their mean;
- ``differs`` / ``missing``: none of the above, or a reproduction lacks the metric.

The run is *reproduced* when every metric is exact or within tolerance or spread.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

OK = ("exact", "within rtol", "within spread")
SPREAD_SIGMAS = 3.0


@dataclass(frozen=True)
class MetricComparison:
    key: str
    original: Any
    values: list[Any]
    """The metric in each reproduction (None where it is missing)."""
    mean: float | None
    std: float | None
    abs_diff: float | None
    rel_diff: float | None
    status: str

    @property
    def ok(self) -> bool:
        return self.status in OK

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same(a: Any, b: Any) -> bool:
    if _is_number(a) and _is_number(b):
        return (math.isnan(a) and math.isnan(b)) or a == b
    return bool(a == b)


def compare_metric(key: str, original: Any, values: Sequence[Any], rtol: float) -> MetricComparison:
    """Compare one summary metric of the original with its values in the reproductions."""
    vals = list(values)
    if any(v is None for v in vals):
        return MetricComparison(key, original, vals, None, None, None, None, "missing")
    status = "exact" if all(_same(original, v) for v in vals) else "differs"
    if not _is_number(original) or not all(_is_number(v) for v in vals):
        return MetricComparison(key, original, vals, None, None, None, None, status)
    floats = [float(v) for v in vals]
    mean = statistics.fmean(floats)
    std = statistics.stdev(floats) if len(floats) > 1 else 0.0
    abs_diff = abs(mean - original)
    if math.isnan(abs_diff):
        rel_diff = math.nan if status != "exact" else 0.0
        abs_diff = abs_diff if status != "exact" else 0.0
    elif abs_diff == 0:
        rel_diff = 0.0
    else:
        rel_diff = abs_diff / abs(original) if original != 0 else math.inf
    if status != "exact":
        if rtol > 0 and abs_diff <= rtol * abs(original):
            status = "within rtol"
        elif len(floats) > 1 and std > 0 and abs_diff <= SPREAD_SIGMAS * std:
            status = "within spread"
    return MetricComparison(key, original, vals, mean, std, abs_diff, rel_diff, status)


def comparable_keys(summary: Mapping[str, Any]) -> list[str]:
    """The summary keys compared: those holding a number, bool or string (not nested values)."""
    return sorted(k for k, v in summary.items() if isinstance(v, (int, float, str, bool)))


def compare_summaries(
    original: Mapping[str, Any], reproductions: Sequence[Mapping[str, Any]], rtol: float
) -> list[MetricComparison]:
    """Every comparable summary metric of the original, against each reproduction."""
    return [
        compare_metric(key, original[key], [r.get(key) for r in reproductions], rtol)
        for key in comparable_keys(original)
    ]


def verdict(metrics: Sequence[MetricComparison]) -> str:
    """``reproduced`` when every metric is exact, within rtol or within spread."""
    return "reproduced" if all(m.ok for m in metrics) else "not reproduced"
