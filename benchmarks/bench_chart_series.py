"""Series benchmark at issue 17's chart workloads, in one process (the store read directly, as the
``/series`` route reads it, and encoded to the route's JSON), so that the load of a shared machine
weighs on both sides of each ratio alike:

1. 2,000 metric names (benchmarks/workspaces.py WIDE: 20 runs, one Parquet segment of 2,003 columns
   each): one request of 20 runs x 4 keys, the segments' footers parsed on every read (the cache
   off) against kept between requests (``cairn.store.footers``), the two taking turns; each request
   asks for keys no earlier one asked.
2. 1,000 runs on one chart (LARGE's metric keys, 200 steps, every run applied straight to the
   store): one request of 1,000 runs x 1 key, at 200 points a line (what the web app asked at that
   count when its budget was 200,000 points per panel) against 32 (its budget now: 64 points per
   pixel of the chart's width, spread over its lines, on a 500 px chart), taking turns: the time
   and the size of the JSON answer.

Prints a table; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import contextlib
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bench_api import apply_many
from workspaces import LARGE, LARGE_STEPS, WIDE, _metric_records, build_wide

from cairn.server.charts import series_json
from cairn.store import Store
from cairn.store.footers import FOOTERS, MAX_BYTES

REPEATS = 21
WIDE_KEYS = 4
ALL_RUNS_POINTS = {"per panel (200)": 200, "per chart (32)": 32}
"""Points per line the web app asks for 1,000 lines, before and after issue 17's chart budget."""


def timed(request: Callable[[], object]) -> float:
    start = time.perf_counter()
    request()
    return (time.perf_counter() - start) * 1000


def wide_requests(store: Store) -> dict[str, list[float]]:
    """Milliseconds of one 20-run request of WIDE_KEYS keys, footers parsed every time and kept."""
    runs = [(run.id, run) for run in store.runs(WIDE.project)]
    keys = iter([WIDE.metric_keys[i : i + WIDE_KEYS] for i in range(0, 2000, WIDE_KEYS)])
    samples: dict[str, list[float]] = {"parsed every time": [], "kept": []}

    def request() -> bytes:
        return series_json(
            store, runs, next(keys), x="_step", max_points=1500, x_min=None, x_max=None
        )

    request()  # warm up the OS file cache
    for repeat in range(REPEATS):
        turns = ["parsed every time", "kept"]
        for name in turns if repeat % 2 == 0 else reversed(turns):
            FOOTERS.max_bytes = 0 if name == "parsed every time" else MAX_BYTES
            if name == "parsed every time":
                FOOTERS.clear()
            else:
                request()  # untimed: the footers of the 20 segments are kept from here on
            samples[name].append(timed(request))
    FOOTERS.max_bytes = MAX_BYTES
    return samples


def all_runs_requests(store: Store) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Milliseconds of one 1,000-run request of one key at each of ALL_RUNS_POINTS (taking turns),
    and each answer's bytes."""
    runs = [(run.id, run) for run in store.runs(LARGE.project, limit=LARGE.runs)]
    key = [LARGE.metric_keys[0]]
    samples: dict[str, list[float]] = {name: [] for name in ALL_RUNS_POINTS}
    sizes: dict[str, int] = {}

    def request(name: str) -> None:
        points = ALL_RUNS_POINTS[name]
        answer = series_json(store, runs, key, x="_step", max_points=points, x_min=None, x_max=None)
        sizes[name] = len(answer)

    for name in ALL_RUNS_POINTS:
        request(name)  # warm up
    for repeat in range(7):
        turns = list(ALL_RUNS_POINTS)
        for name in turns if repeat % 2 == 0 else reversed(turns):
            samples[name].append(timed(partial(request, name)))
    return samples, sizes


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="cairn-bench-chart-series-") as tmp_name:
        tmp = Path(tmp_name)
        with contextlib.redirect_stderr(io.StringIO()):
            build_wide(tmp / "wide")
        large = Store.local(tmp / "large")
        apply_many(large, _metric_records(LARGE, range(LARGE.runs), LARGE_STEPS), 100)
        wide = Store.local(tmp / "wide")
        try:
            samples = wide_requests(wide)
            all_runs, sizes = all_runs_requests(large)
        finally:
            wide.close()
            large.close()
    before = statistics.median(samples["parsed every time"])
    after = statistics.median(samples["kept"])
    print(
        f"in one process, median of {REPEATS} requests (7 for 1,000 runs); "
        f"segment footers kept up to {MAX_BYTES // 2**20} MB"
    )
    header = f"{'workload':44} {'footers parsed':>14} {'kept':>8} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    print(
        f"{f'{WIDE.runs} runs x {WIDE_KEYS} of 2,000 keys, one request, ms':44} "
        f"{before:14.1f} {after:8.1f} {after / before:6.2f}"
    )
    old, new = ALL_RUNS_POINTS
    print()
    header = f"{f'{LARGE.runs:,} runs x 1 key, one request':44} {old:>16} {new:>14} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    before, after = (statistics.median(all_runs[name]) for name in (old, new))
    print(f"{'time, ms':44} {before:16.1f} {after:14.1f} {after / before:6.2f}")
    print(
        f"{'answer, MB':44} {sizes[old] / 1e6:16.2f} {sizes[new] / 1e6:14.2f} "
        f"{sizes[new] / sizes[old]:6.2f}"
    )


if __name__ == "__main__":
    main()
