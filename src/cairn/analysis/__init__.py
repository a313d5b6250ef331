"""Analysis of a set of runs: which parameters matter for a metric (random forest + correlation)."""

from __future__ import annotations

from cairn.analysis.cache import ImportanceMemo
from cairn.analysis.importance import (
    MIN_RUNS,
    Importance,
    ParameterImportance,
    parameter_importance,
    varying_keys,
)

__all__ = [
    "MIN_RUNS",
    "Importance",
    "ImportanceMemo",
    "ParameterImportance",
    "parameter_importance",
    "varying_keys",
]
