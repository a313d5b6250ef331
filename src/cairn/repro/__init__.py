"""Re-running a recorded run and comparing the new numbers with the original's
(``cairn reproduce``): materialize the code, prepare the environment, run, compare, report.

The names below load on first use, so importing a pure part (``cairn.repro.score``, which the
server uses) does not load the SDK that ``reproduce`` needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cairn.repro.compare import MetricComparison, compare_summaries, verdict
    from cairn.repro.reproduce import Options, Outcome, Plan, execute, make_plan

_WHERE = {
    "MetricComparison": "cairn.repro.compare",
    "compare_summaries": "cairn.repro.compare",
    "verdict": "cairn.repro.compare",
    "Options": "cairn.repro.reproduce",
    "Outcome": "cairn.repro.reproduce",
    "Plan": "cairn.repro.reproduce",
    "execute": "cairn.repro.reproduce",
    "make_plan": "cairn.repro.reproduce",
}

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


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'cairn.repro' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
