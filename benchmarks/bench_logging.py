"""Logging and reading benchmark: Cairn against a plain orjson JSON-lines writer, in one run.

Fixed workload: 20,000 steps x 10 float scalars (and a 1,000,000-step run of one key for reads).
Prints a table; it asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import orjson

STEPS = 20_000
# The one-time capture at init (git, code snapshot, packages, console) is not per-call work: it is
# left out here, so "CPU per call" measures logging alone.
KEYS = [f"train/metric_{i}" for i in range(10)]
REPEATS = 5
BIG_STEPS = 1_000_000


def _logging_only() -> object:
    import cairn

    return cairn.Settings(
        capture_git=False, save_code=False, capture_env=False, capture_console=False
    )


LOGGING_ONLY = _logging_only()


def workload(seed: int = 0) -> list[dict[str, float]]:
    """Random-walk curves, like real losses: noisy, drifting, not constant."""
    rng = np.random.default_rng(seed)
    walk = np.cumsum(rng.normal(0, 0.01, size=(STEPS, len(KEYS))), axis=0) + 1.0
    return [dict(zip(KEYS, map(float, row), strict=True)) for row in walk]


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def median_of(fn: Callable[[], float], repeats: int = REPEATS) -> float:
    return statistics.median(fn() for _ in range(repeats))


# ---- the baseline: a plain JSON-lines writer ---------------------------------------------


class JsonLines:
    def __init__(self, path: Path) -> None:
        self.f = open(path, "wb")  # noqa: SIM115
        self.step = 0

    def log(self, data: dict[str, float]) -> None:
        self.f.write(orjson.dumps({"_step": self.step, "_timestamp": time.time(), **data}) + b"\n")
        self.step += 1

    def finish(self) -> None:
        self.f.flush()
        os.fsync(self.f.fileno())
        self.f.close()


def bench_jsonl(rows: list[dict[str, float]]) -> dict[str, float]:
    results: dict[str, list[float]] = {"us": [], "cpu": [], "finish": [], "bytes": []}
    for _ in range(REPEATS):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "run.jsonl"
            cpu0 = time.process_time()
            writer = JsonLines(path)
            t0 = time.perf_counter()
            for row in rows:
                writer.log(row)
            t1 = time.perf_counter()
            writer.finish()
            t2 = time.perf_counter()
            results["us"].append((t1 - t0) / STEPS * 1e6)
            results["cpu"].append((time.process_time() - cpu0) / STEPS * 1e6)
            results["finish"].append((t2 - t1) * 1e3)
            results["bytes"].append(path.stat().st_size / (STEPS * len(KEYS)))
    return {k: statistics.median(v) for k, v in results.items()}


def jsonl_read_ms(path: Path, key: str) -> float:
    def once() -> float:
        t0 = time.perf_counter()
        with open(path, "rb") as f:
            values = [orjson.loads(line).get(key) for line in f]
        assert values
        return (time.perf_counter() - t0) * 1e3

    return median_of(once, 3)


# ---- Cairn ------------------------------------------------------------------------------


def bench_cairn(rows: list[dict[str, float]], root: Path) -> dict[str, float]:
    import cairn

    results: dict[str, list[float]] = {"us": [], "cpu": [], "finish": [], "bytes": [], "jbytes": []}
    for i in range(REPEATS):
        store_dir = root / f"log{i}"
        run = cairn.init(
            project="bench", dir=store_dir, config={"repeat": i}, settings=LOGGING_ONLY
        )
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        for row in rows:
            run.log(row)
        t1 = time.perf_counter()
        run.finish(quiet=True)
        t2 = time.perf_counter()
        results["us"].append((t1 - t0) / STEPS * 1e6)
        results["cpu"].append((time.process_time() - cpu0) / STEPS * 1e6)
        results["finish"].append((t2 - t1) * 1e3)
        results["bytes"].append(du(store_dir / "blobs") / (STEPS * len(KEYS)))
        results["jbytes"].append(du(store_dir / "runs") / (STEPS * len(KEYS)))
    return {k: statistics.median(v) for k, v in results.items()}


def cairn_read_ms(store_dir: Path, path: str, key: str) -> tuple[float, float]:
    import cairn

    api = cairn.Api(store_dir)
    run = api.run(path)
    store = api.store

    def history() -> float:
        t0 = time.perf_counter()
        table = store.history(run.id, [key])
        assert table.num_rows
        return (time.perf_counter() - t0) * 1e3

    def series() -> float:
        t0 = time.perf_counter()
        frame = run.series(key, max_points=1500)
        assert 0 < len(frame) <= 1500
        return (time.perf_counter() - t0) * 1e3

    return median_of(history), median_of(series)


def make_big_run(root: Path) -> tuple[Path, str, Path]:
    """A 1,000,000-step run of one key in Cairn, and the same as JSON lines."""
    import cairn

    store_dir = root / "big"
    os.environ["CAIRN_FINISH_TIMEOUT"] = "600"
    run = cairn.init(project="bench", dir=store_dir, name="million", settings=LOGGING_ONLY)
    values = np.cumsum(np.random.default_rng(1).normal(0, 0.01, BIG_STEPS)).tolist()
    jsonl = root / "big.jsonl"
    writer = JsonLines(jsonl)
    for v in values:
        run.log({"loss": v})
        writer.log({"loss": v})
    run.finish(quiet=True)
    writer.finish()
    return store_dir, run.path, jsonl


def main() -> None:
    rows = workload()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        print(
            f"workload: {STEPS:,} steps x {len(KEYS)} float scalars, median of {REPEATS} runs",
            file=sys.stderr,
        )
        base = bench_jsonl(rows)
        ours = bench_cairn(rows, root)
        small_store = root / "log0"
        import cairn

        small_path = cairn.Api(small_store).runs("bench")[0].path
        small_read, _ = cairn_read_ms(small_store, small_path, KEYS[0])
        base_jsonl = root / "small.jsonl"
        w = JsonLines(base_jsonl)
        for row in rows:
            w.log(row)
        w.finish()
        base_small_read = jsonl_read_ms(base_jsonl, KEYS[0])
        print(f"building a {BIG_STEPS:,}-step run…", file=sys.stderr)
        big_store, big_path, big_jsonl = make_big_run(root)
        big_read, big_series = cairn_read_ms(big_store, big_path, "loss")
        base_big_read = jsonl_read_ms(big_jsonl, "loss")

    table = [
        (
            "log() call, µs (median)",
            ours["us"],
            base["us"],
            f"≤ {2 * base['us']:.1f} (2x baseline)",
            ours["us"] <= 2 * base["us"],
        ),
        ("CPU per call, µs (all threads, incl. store)", ours["cpu"], base["cpu"], "reported", None),
        ("finish() to durable, ms", ours["finish"], base["finish"], "reported", None),
        ("bytes per point, sealed", ours["bytes"], base["bytes"], "≤ 10", ours["bytes"] <= 10),
        ("bytes per point, journal", ours["jbytes"], base["bytes"], "reported", None),
        ("read 20,000 points of a key, ms", small_read, base_small_read, "reported", None),
        ("read 1,000,000 points of a key, ms", big_read, base_big_read, "≤ 100", big_read <= 100),
        ("series() of 1,000,000 steps, ms", big_series, float("nan"), "≤ 50", big_series <= 50),
    ]
    print()
    print(f"{'metric':46} {'cairn':>10} {'jsonl':>10}  {'target':26} met")
    print("-" * 100)
    for name, mine, theirs, target, ok in table:
        verdict = "" if ok is None else ("yes" if ok else "NO")
        print(f"{name:46} {mine:10.2f} {theirs:10.2f}  {target:26} {verdict}")


if __name__ == "__main__":
    main()
