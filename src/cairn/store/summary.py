"""A run's summary: per-key aggregates of its history, chosen by ``define_metric`` rules.

Each key keeps ``[first, last, min, max, sum, count]``; min, max, sum and count skip NaN. Rows are
added a batch at a time, vectorized over each key's column. The summary of a key is its last value
unless a rule (a glob; the latest matching one wins) says ``min``, ``max``, ``mean``, ``first``,
``last`` or ``none`` (left out). Explicit values set with ``run.summary[k] = v`` override all of
this; that overlay is done by the caller.
"""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

SUMMARY_KINDS = ("min", "max", "mean", "first", "last", "none")

FIRST, LAST, MIN, MAX, SUM, COUNT = range(6)


class SummaryState:
    """Aggregates of every logged key; JSON-serializable (``state``, ``rules``)."""

    def __init__(
        self,
        state: Mapping[str, list[Any]] | None = None,
        rules: list[dict[str, Any]] | None = None,
    ) -> None:
        self.state: dict[str, list[Any]] = {k: list(v) for k, v in (state or {}).items()}
        self.rules: list[dict[str, Any]] = list(rules or [])

    def add_rows(self, rows: Sequence[Mapping[str, float]]) -> None:
        """Fold rows (each a dict of the keys it logged) into the aggregates."""
        import pyarrow as pa  # here, not at the top: a run in training needs none of it

        keys: dict[str, None] = {}
        for row in rows:
            keys.update(dict.fromkeys(row))
        self.add_columns({k: pa.array([r.get(k) for r in rows], pa.float64()) for k in keys})

    def add_columns(self, columns: Mapping[str, pa.Array]) -> None:
        """Fold columns (null where a row did not log the key) into the aggregates."""
        import numpy as np

        from cairn.store.arrow import as_numpy, valid

        for key, column in columns.items():
            # Nulls dropped by numpy: Array.drop_null would load pyarrow.compute (about 35 ms).
            values = as_numpy(column, np.float64, nulls=math.nan)
            logged = values[valid(column)] if column.null_count else values
            if len(logged) == 0:
                continue
            finite = logged[~np.isnan(logged)]
            agg = self.state.get(key)
            if agg is None:
                agg = self.state[key] = [float(logged[0]), None, None, None, 0.0, 0]
            agg[LAST] = float(logged[-1])
            if len(finite):
                lo, hi = float(finite.min()), float(finite.max())
                agg[MIN] = lo if agg[MIN] is None else min(agg[MIN], lo)
                agg[MAX] = hi if agg[MAX] is None else max(agg[MAX], hi)
                with np.errstate(invalid="ignore"):  # inf + -inf is NaN, quietly
                    agg[SUM] += float(finite.sum())
                agg[COUNT] += len(finite)

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
