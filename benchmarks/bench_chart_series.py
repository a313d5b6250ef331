"""Series benchmark at issue 17's chart workloads, in one process (the store read directly, as the
``/series`` route reads it, and encoded to the route's JSON), so that the load of a shared machine
weighs on both sides of each ratio alike:

1. 2,000 metric names (benchmarks/workspaces.py WIDE: 20 runs, one Parquet segment of 2,003 columns
   each): one request of 20 runs x 4 keys, the segments' footers parsed on every read (the cache
   off) against kept between requests (``cairn.store.footers``), the two taking turns; each request
   asks for keys no earlier one asked.
2. 1,000 runs on one chart (LARGE's metric keys, 200 steps, every run applied straight to the
   store): one request of 1,000 runs x 1 key, 200 points a line as the web app asks at that count:
   its time and the size of its JSON answer.

Prints a table; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import contextlib
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_api import apply_many
from workspaces import LARGE, LARGE_STEPS, WIDE, _metric_records, build_wide

from cairn.server.charts import series_json
from cairn.store import Store
from cairn.store.footers import FOOTERS, MAX_BYTES

REPEATS = 21
WIDE_KEYS = 4
ALL_RUNS_POINTS = 200


def timed(request: Callable[[], object]) -> float:
    start = time.perf_counter()
    request()
    return (time.perf_counter() - start) * 1000


def wide_requests(store: Store) -> dict[str, list[float]]:
    """Milliseconds of one 20-run request of WIDE_KEYS keys, footers parsed every time and kept."""
    runs = store.runs(WIDE.project)
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


def all_runs_request(store: Store) -> tuple[list[float], int]:
    """Milliseconds of one 1,000-run request of one key, and its answer's bytes."""
    runs = store.runs(LARGE.project, limit=LARGE.runs)
    key = [LARGE.metric_keys[0]]
    answer = b""

    def request() -> None:
        nonlocal answer
        answer = series_json(
            store, runs, key, x="_step", max_points=ALL_RUNS_POINTS, x_min=None, x_max=None
        )

    request()
    return [timed(request) for _ in range(7)], len(answer)


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
            all_runs, size = all_runs_request(large)
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
    print(
        f"{f'{LARGE.runs:,} runs x 1 key, {ALL_RUNS_POINTS} points, ms':44} "
        f"{'':14} {statistics.median(all_runs):8.1f}"
    )
    print(f"{f'{LARGE.runs:,} runs x 1 key: answer, MB':44} {'':14} {size / 1e6:8.2f}")


if __name__ == "__main__":
    main()
