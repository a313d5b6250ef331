"""Many processes writing into one SQLite store at once: how long each write waits for its turn.

Fixed workload: PROCESSES processes (a sweep's agents, or a team server's workers and threads),
each applying BATCHES batches of 500 history rows x 10 floats to its own run in one local store,
all at once. Measured: the latency of each ``Store.apply`` (p50, p99, max) and the wall time.
Baseline in the same run: the same store without write turns (``WriteTurns(None)``), where
writers wait in SQLite's busy handler, which polls with sleeps of up to 100 ms. Prints a table;
asserts nothing. Usage: python benchmarks/bench_store_writers.py [PROCESSES BATCHES]
"""

from __future__ import annotations

import multiprocessing
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from cairn.journal.records import History, RunStart
from cairn.store.store import Store
from cairn.store.write_turns import WriteTurns

PROCESSES = int(sys.argv[1]) if len(sys.argv) > 1 else 16
BATCHES = int(sys.argv[2]) if len(sys.argv) > 2 else 40
ROWS = 500
REPEATS = 2


def _writer(index: int, root: str, turns: bool, start: Any, results: Any) -> None:
    store = Store.local(Path(root))
    if not turns:
        store._turns = WriteTurns(None)
    run = f"run{index}"
    store.apply(run, [RunStart(seq=1, run_id=run, project="p", name=run, created_at=time.time())])
    rng = random.Random(index)
    batches, seq = [], 1
    for _ in range(BATCHES):
        rows = []
        for _ in range(ROWS):
            seq += 1
            values = {f"k{j}": rng.random() for j in range(10)}
            rows.append(History(seq=seq, step=seq, ts=time.time(), values=values))
        batches.append(rows)
    start.wait()
    latencies = []
    for rows in batches:
        began = time.perf_counter()
        store.apply(run, rows)
        latencies.append(time.perf_counter() - began)
    store.close()
    results.put(latencies)


def one(turns: bool) -> dict[str, float]:
    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as root:
        Store.local(Path(root)).close()
        start, results = ctx.Barrier(PROCESSES + 1), ctx.Queue()
        children = [
            ctx.Process(target=_writer, args=(i, root, turns, start, results))
            for i in range(PROCESSES)
        ]
        for child in children:
            child.start()
        start.wait()
        began = time.perf_counter()
        latencies = sorted(x for _ in children for x in results.get(timeout=600))
        wall = time.perf_counter() - began
        for child in children:
            child.join()
    return {
        "p50": latencies[len(latencies) // 2] * 1000,
        "p99": latencies[int(len(latencies) * 0.99)] * 1000,
        "max": latencies[-1] * 1000,
        "wall": wall,
    }


def main() -> None:
    print(
        f"one SQLite store, {PROCESSES} processes x {BATCHES} batches x {ROWS} rows x 10 floats, "
        f"latency of each apply, best of {REPEATS} by p99"
    )
    print(f"{'writers':<34}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'wall s':>8}")
    rows: dict[str, list[dict[str, float]]] = {"turns": [], "busy": []}
    for _ in range(REPEATS):  # interleaved, so load on the machine hits both alike
        rows["busy"].append(one(turns=False))
        rows["turns"].append(one(turns=True))
    for key, label in (
        ("busy", "SQLite busy handler (baseline)"),
        ("turns", "write turns (cairn)"),
    ):
        r = min(rows[key], key=lambda r: r["p99"])
        print(f"{label:<34}{r['p50']:>9.0f}{r['p99']:>9.0f}{r['max']:>9.0f}{r['wall']:>8.1f}")


if __name__ == "__main__":
    main()
