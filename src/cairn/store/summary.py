"""A run's summary: per-key aggregates of its history, chosen by ``define_metric`` rules.

Each key keeps ``[first, last, min, max, sum, count]``; min, max, sum and count skip NaN.
The summary of a key is its last value unless a rule (a glob, the latest matching one wins) says
``min``, ``max``, ``mean``, ``first``, ``last`` or ``none`` (left out). Explicit values set with
``run.summary[k] = v`` override all of this; that overlay is done by the caller.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from typing import Any

SUMMARY_KINDS = ("min", "max", "mean", "first", "last", "none")

FIRST, LAST, MIN, MAX, SUM, COUNT = range(6)


class SummaryState:
    """Aggregates of every logged key; cheap to update row by row, JSON-serializable."""

    def __init__(
        self,
        state: Mapping[str, list[Any]] | None = None,
        rules: list[dict[str, Any]] | None = None,
    ) -> None:
        self.state: dict[str, list[Any]] = {k: list(v) for k, v in (state or {}).items()}
        self.rules: list[dict[str, Any]] = list(rules or [])

    def add_row(self, values: Mapping[str, float]) -> None:
        state = self.state
        for key, v in values.items():
            agg = state.get(key)
            if agg is None:
                finite = v == v
                state[key] = [
                    v,
                    v,
                    v if finite else None,
                    v if finite else None,
                    v if finite else 0.0,
                    1 if finite else 0,
                ]
                continue
            agg[LAST] = v
            if v == v:  # not NaN
                if agg[MIN] is None or v < agg[MIN]:
                    agg[MIN] = v
                if agg[MAX] is None or v > agg[MAX]:
                    agg[MAX] = v
                agg[SUM] += v
                agg[COUNT] += 1

    def define(self, name: str, summary: str = "last", step_metric: str | None = None) -> None:
        if summary not in SUMMARY_KINDS:
            raise ValueError(f"summary={summary!r} is not one of {', '.join(SUMMARY_KINDS)}")
        self.rules.append({"name": name, "summary": summary, "step_metric": step_metric})

    def kind(self, key: str) -> str:
        for rule in reversed(self.rules):
            if fnmatch.fnmatchcase(key, rule["name"]):
                return str(rule["summary"])
        return "last"

    def computed(self) -> dict[str, Any]:
        """The summary the history yields under the current rules."""
        out: dict[str, Any] = {}
        for key, agg in self.state.items():
            kind = self.kind(key)
            if kind == "none":
                continue
            if kind == "mean":
                out[key] = agg[SUM] / agg[COUNT] if agg[COUNT] else float("nan")
            else:
                value = agg[{"first": FIRST, "last": LAST, "min": MIN, "max": MAX}[kind]]
                out[key] = float("nan") if value is None else value
        return out
