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


def percentiles(times: list[float]) -> tuple[float, float]:
    """p50 and p95 in ms of times in seconds (nearest rank)."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered) + 0.5) - 1)]
    return statistics.median(ordered) * 1e3, p95 * 1e3
