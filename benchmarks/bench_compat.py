"""``cairn.compat.wandb.log`` against ``cairn.Run.log``: what the W&B translation costs per call.

Fixed workload: 20,000 committed rows of 10 float scalars, median of 5 runs, each into a fresh
store with capture and system metrics off; and 2,000 rows that also hold a string, a None and a
100-element numpy array (W&B values the translation turns into a Text and a Histogram). Prints a
table; it asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np

STEPS = 20_000
MIXED_STEPS = 2_000
REPEATS = 5
KEYS = [f"train/metric_{i}" for i in range(10)]
os.environ.update(
    CAIRN_CAPTURE_GIT="0", CAIRN_SAVE_CODE="0", CAIRN_CAPTURE_ENV="0", CAIRN_CAPTURE_CONSOLE="0",
    CAIRN_SYSTEM_METRICS="0",
)  # fmt: skip


def rows(steps: int, mixed: bool) -> list[dict[str, Any]]:
    rng = np.random.default_rng(0)
    out: list[dict[str, Any]] = []
    for values in rng.random((steps, len(KEYS))):
        row: dict[str, Any] = dict(zip(KEYS, map(float, values), strict=True))
        if mixed:
            row.update(phase="train", skipped=None, weights=rng.random(100))
        out.append(row)
    return out


def as_cairn(row: dict[str, Any]) -> dict[str, Any]:
    """The row as a Cairn script logs it: the string as a Text, the array as a Histogram."""
    import cairn

    out = {k: v for k, v in row.items() if k not in ("phase", "skipped", "weights")}
    out.update(phase=cairn.Text(row["phase"]), weights=cairn.Histogram(row["weights"]))
    return out


def per_call(
    start: Callable[[], Any],
    data: list[dict[str, Any]],
    prepare: Callable[[dict[str, Any]], dict[str, Any]] = lambda row: row,
) -> float:
    """Median µs per ``log`` call, ``prepare`` included (the background writer excluded:
    finish is not timed)."""
    times = []
    for _ in range(REPEATS):
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["CAIRN_DIR"] = tmp
            run = start()
            t0 = time.perf_counter()
            for row in data:
                run.log(prepare(row))
            times.append((time.perf_counter() - t0) / len(data) * 1e6)
            run.finish(quiet=True)
    return statistics.median(times)


def main() -> None:
    import cairn
    import cairn.compat.wandb as wandb

    plain, mixed = rows(STEPS, False), rows(MIXED_STEPS, True)
    table = [
        ("10 float scalars", per_call(lambda: cairn.init(project="b"), plain),
         per_call(lambda: wandb.init(project="b", reinit=True), plain)),
        ("+ a string, a None, a 100-value array (Cairn: a Text and a Histogram)",
         per_call(lambda: cairn.init(project="b"), mixed, as_cairn),
         per_call(lambda: wandb.init(project="b", reinit=True), mixed)),
    ]  # fmt: skip
    print("\n| log() call | cairn.Run.log | cairn.compat.wandb.log |\n| --- | --- | --- |")
    for name, native, compat in table:
        print(f"| {name} | {native:.1f} µs | {compat:.1f} µs |")


if __name__ == "__main__":
    main()
