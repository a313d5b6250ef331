"""``cairn export`` throughput: MB of output a second, Parquet and CSV, against pyarrow writing the
same rows from one table already in memory (the writer's own speed: what export adds is reading
each run's history from the store and aligning its columns); then ``cairn export`` of many runs
with many metric names, as a user runs it (a process of its own), with its peak memory.

First workload: 20 runs x 50,000 steps x 10 float keys (1,000,000 rows, 10,000,000 values),
applied to a fresh local store through the store's own write path. Target (issue 17): at least
100 MB/s of output. Median of 3.

Second workload: the first MANY_RUNS runs of the 100,000-run project (``stores100k.py``: 4 of
2,000 metric names a run, 5 steps), exported whole and filtered to 1,010 runs, once each:
wall time, peak RSS of the process, MB/s of output, the history file's size, its Parquet footer
and row groups. ``--filtered-only`` skips the whole-project rows (the code before streaming
needed gigabytes for them); ``--many-only`` and ``--throughput-only`` run one workload. Prints
tables; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from stores100k import PROJECT, cached_store

from cairn.journal.records import History, Record, RunFinish, RunStart
from cairn.store import Store
from cairn.store.export import export_project

RUNS, STEPS, KEYS = 20, 50_000, 10
TARGET_MB_S = 100.0
REPEATS = 3
MANY_RUNS = 10_000
FILTER = "config.seed < 1010"


def build(root: Path) -> Store:
    store = Store.local(root)
    rng = np.random.default_rng(0)
    keys = [f"k{j}" for j in range(KEYS)]
    for r in range(RUNS):
        run_id = f"run{r:02d}"
        values = rng.random((STEPS, KEYS))
        records: list[Record] = [
            RunStart(seq=1, run_id=run_id, project="bench", name=run_id, created_at=1.7e9)
        ]
        records += [
            History(
                seq=2 + i,
                step=i,
                ts=1.7e9 + i,
                values=dict(zip(keys, values[i].tolist(), strict=True)),
            )
            for i in range(STEPS)
        ]
        records.append(RunFinish(seq=2 + STEPS, ts=1.7e9 + STEPS))
        for first in range(0, len(records), 10_000):
            store.apply(run_id, records[first : first + 10_000])
    return store


def timed(work: object) -> float:
    began = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - began


def throughput() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        print(f"building {RUNS} runs x {STEPS:,} steps x {KEYS} keys...", file=sys.stderr)
        store = build(root / "store")
        whole = pa.concat_tables(
            [store.history(f"run{r:02d}", index=("_step", "_timestamp")) for r in range(RUNS)]
        )
        rows = []
        for fmt in ("parquet", "csv"):
            out = root / f"out-{fmt}"
            seconds = [
                timed(lambda fmt=fmt, out=out: export_project(store, "bench", out, fmt))
                for _ in range(REPEATS)
            ]
            size = sum(f.stat().st_size for f in out.iterdir())
            base_path = root / f"baseline.{fmt}"

            def baseline(fmt: str = fmt, path: Path = base_path) -> None:
                if fmt == "parquet":
                    pq.write_table(whole, path, compression="zstd")
                else:
                    pacsv.write_csv(whole, path)

            base = [timed(baseline) for _ in range(REPEATS)]
            base_size = base_path.stat().st_size
            rows.append(
                (
                    fmt,
                    size / 1e6 / statistics.median(seconds),
                    base_size / 1e6 / statistics.median(base),
                    size,
                )
            )
        store.close()
    print()
    header = f"{'format':8} {'export MB/s':>12} {'pyarrow alone MB/s':>19} {'ratio':>6} {'output MB':>10}  target"
    print(header)
    print("-" * len(header))
    for fmt, rate, base_rate, size in rows:
        met = "yes" if rate >= TARGET_MB_S else "NO"
        print(
            f"{fmt:8} {rate:12.1f} {base_rate:19.1f} {rate / base_rate:6.2f} {size / 1e6:10.1f}"
            f"  >= {TARGET_MB_S:.0f} MB/s {met}"
        )


def exported(store_dir: Path, out: Path, fmt: str, filter: str | None) -> tuple[float, int]:
    """``cairn export`` in a process of its own: its wall time and peak RSS in bytes."""
    command = [sys.executable, "-m", "cairn", "export", PROJECT, "--format", fmt]
    command += ["--out", str(out), "--dir", str(store_dir)]
    if filter:
        command += ["--filter", filter]
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - began
    if status:
        raise SystemExit(f"{' '.join(command)} failed ({status})")
    return seconds, usage.ru_maxrss * 1024


def many_runs(filtered_only: bool) -> None:
    store_dir, _ = cached_store(MANY_RUNS)
    cases = [(FILTER, fmt) for fmt in ("parquet", "csv")]
    if not filtered_only:
        cases += [(None, fmt) for fmt in ("parquet", "csv")]
    header = (
        f"{'runs':>7} {'format':8} {'seconds':>8} {'peak RSS MB':>12} {'output MB':>10} "
        f"{'MB/s':>6} {'history MB':>11} {'footer MB':>10} {'row groups':>11} {'columns':>8}"
    )
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        for filter, fmt in cases:
            out = Path(tmp) / f"out-{fmt}-{bool(filter)}"
            seconds, rss = exported(store_dir, out, fmt, filter)
            size = sum(f.stat().st_size for f in out.iterdir())
            history = out / f"history.{fmt}"
            footer, groups, columns = "", "", ""
            if fmt == "parquet":
                meta = pq.ParquetFile(history).metadata
                footer = f"{meta.serialized_size / 1e6:.2f}"
                groups, columns = str(meta.num_row_groups), str(meta.num_columns)
            runs_file = out / f"runs.{fmt}"
            runs = (pq.read_table if fmt == "parquet" else pacsv.read_csv)(runs_file).num_rows
            lines.append(
                f"{runs:>7,} {fmt:8} {seconds:8.1f} {rss / 1e6:12.0f} {size / 1e6:10.1f} "
                f"{size / 1e6 / seconds:6.1f} {history.stat().st_size / 1e6:11.1f} {footer:>10} "
                f"{groups:>11} {columns:>8}"
            )
    print()
    print(f"cairn export of {PROJECT} ({MANY_RUNS:,} runs, 4 of 2,000 metric names, 5 steps each)")
    print(header)
    print("-" * len(header))
    print("\n".join(lines))


def main() -> None:
    filtered_only = "--filtered-only" in sys.argv
    if "--many-only" not in sys.argv:
        throughput()
    if "--throughput-only" not in sys.argv:
        many_runs(filtered_only)


if __name__ == "__main__":
    main()
