"""One metric with 10,000,000 points (issue 17): reading it back whole, as a chart, and zoomed.

Fixed workload: one finished run of project ``series10m`` with STEPS steps of one key, ``loss``
(a noisy decaying curve, float64), applied to a local store through the journal's own records
(``RunStart``, ``History``, ``RunFinish``), as the syncer applies them, and kept in
``benchmarks/.cache/`` (named after GENERATOR_VERSION) so a second ``make bench`` reuses it.

Measured through the public API in one process (``cairn.Api(dir).run(...)``), as a user or the
``/series`` route reads it, after one warm-up call each: ``series("loss")`` over the full range
(1,500 points, M4), ``series`` zoomed into 1% of the steps at ZOOMS seeded positions (M4 of
100,000 points) and into 0.01% (1,000 points: every one of them must come back), and
``history(keys=["loss"], format="numpy")`` of all the points. p50/p95 of REPEATS calls (the zoom
rows: one call per position). Prints a table with issue 17's targets beside it; asserts nothing
but the points each read returns.

Usage: python benchmarks/bench_series10m.py [STEPS]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator

import numpy as np
from cached_stores import cached_local_store
from timing import percentiles

import cairn
from cairn.journal.records import History, Record, RunFinish, RunStart
from cairn.store import Store

GENERATOR_VERSION = 2
PROJECT, RUN = "series10m", "long"
STEPS = 10_000_000
BATCH = 20_000
REPEATS, ZOOMS = 15, 15
T0 = 1_700_000_000.0


def records(steps: int) -> Iterator[list[Record]]:
    """The run's journal records, in batches of BATCH, as its syncer would apply them."""
    rng = np.random.default_rng(0)
    yield [RunStart(seq=1, run_id=RUN, project=PROJECT, name=RUN, created_at=T0)]
    for first in range(0, steps, BATCH):
        step = np.arange(first, min(first + BATCH, steps))
        loss = 2.0 * np.exp(-step / (steps / 4)) + 0.1 * rng.standard_normal(len(step))
        yield [
            History(seq=2 + int(s), step=int(s), ts=T0 + s * 1e-3, values={"loss": float(v)})
            for s, v in zip(step.tolist(), loss.tolist(), strict=True)
        ]
    yield [RunFinish(seq=2 + steps, ts=T0 + steps * 1e-3)]


def build(store: Store, steps: int) -> None:
    for batch in records(steps):
        store.apply(RUN, batch)


def timed(call: Callable[[], object]) -> tuple[float, object]:
    """Seconds ``call()`` took, and what it returned (each read's points are checked)."""
    began = time.perf_counter()
    got = call()
    return time.perf_counter() - began, got


def main() -> None:
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else STEPS
    store_dir, built = cached_local_store(
        f"series{steps}-v{GENERATOR_VERSION}", lambda store: build(store, steps)
    )
    how = "found in the cache" if built is None else f"built in {built:.0f} s"
    print(f"{steps:,} points of one key: {store_dir} ({how})", file=sys.stderr)
    run = cairn.Api(store_dir).run(f"{PROJECT}/{RUN}")
    rows: list[tuple[str, list[float], str]] = []

    run.series("loss")  # warm-up: the store opened, the segments' footers read once
    full = [timed(lambda: run.series("loss")) for _ in range(REPEATS)]
    assert all(len(got) <= 1500 for _, got in full)  # type: ignore[arg-type]
    rows.append(
        ("series, full range (1,500 points, M4)", [seconds for seconds, _ in full], "≤ 300")
    )

    rng = np.random.default_rng(1)
    for share, label in ((0.01, "1%"), (0.0001, "0.01%")):
        width = int(steps * share)
        zoomed = []
        for start in rng.integers(0, steps - width, ZOOMS).tolist():
            seconds, got = timed(
                lambda s=start, w=width: run.series("loss", x_min=s, x_max=s + w - 1)
            )
            points = len(got)  # type: ignore[arg-type]
            # every point when the range fits the 1,500-point budget, M4 of it otherwise
            assert points == width if width <= 1500 else 0 < points <= 1500, (label, points)
            zoomed.append(seconds)
        points = f"{width:,} steps, {'every point' if width <= 1500 else 'M4'}"
        rows.append((f"series, zoom into {label} ({points})", zoomed, "≤ 300"))

    run.history(keys=["loss"], format="numpy")
    whole = [timed(lambda: run.history(keys=["loss"], format="numpy")) for _ in range(3)]
    assert all(len(got["loss"]) == steps for _, got in whole)  # type: ignore[index]
    rows.append(
        (
            f"history(keys=['loss']), all {steps:,} points",
            [seconds for seconds, _ in whole],
            "≤ 2000",
        )
    )

    print()
    header = f"{'read (one key, ' + format(steps, ',') + ' points)':58} {'p50 ms':>8} {'p95 ms':>8}  target ms  met"
    print(header)
    print("-" * len(header))
    for label, seconds, target in rows:
        p50, p95 = percentiles(seconds)
        met = "yes" if p95 <= float(target.removeprefix("≤ ")) else "NO"
        print(f"{label:58} {p50:8.0f} {p95:8.0f}  {target:>9}  {met}")


if __name__ == "__main__":
    main()
