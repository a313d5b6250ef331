"""Re-running a recorded run and comparing the new numbers with the original's
(``cairn reproduce``): materialize the code, prepare the environment, run, compare, report."""

from __future__ import annotations

from cairn.repro.compare import MetricComparison, compare_summaries, verdict
from cairn.repro.reproduce import Options, Outcome, Plan, execute, make_plan

__all__ = [
    "MetricComparison",
    "Options",
    "Outcome",
    "Plan",
    "compare_summaries",
    "execute",
    "make_plan",
    "verdict",
]
