"""``cairn export`` throughput: MB of output a second, Parquet and CSV, against pyarrow writing the
same rows from one table already in memory (the writer's own speed: what export adds is reading
each run's history from the store and aligning its columns).

Fixed workload: 20 runs x 50,000 steps x 10 float keys (1,000,000 rows, 10,000,000 values),
applied to a fresh local store through the store's own write path. Target (issue 17): at least
100 MB/s of output. Median of 3. Prints a table; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from cairn.journal.records import History, Record, RunFinish, RunStart
from cairn.store import Store
from cairn.store.export import export_project

RUNS, STEPS, KEYS = 20, 50_000, 10
TARGET_MB_S = 100.0
REPEATS = 3


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


def main() -> None:
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


if __name__ == "__main__":
    main()
