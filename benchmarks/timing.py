"""Timing helpers shared by the benchmarks (imported as ``timing``: each bench runs as a script
from this folder)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_s(work: Callable[[], object], repeats: int) -> float:
    """The median wall time of ``work()`` over ``repeats`` calls, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
