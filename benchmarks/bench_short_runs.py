"""The store's side of a short run (issue 17): the work a run costs in the store's one write
turn, and the room its history takes.

Fixed workload, the runs of ``bench_run_creation.py``: ``RunStart`` with 50 config keys, 3
``History`` rows of 2 keys, a ``SummaryUpdate`` of 2 values, ``RunFinish``.

- **apply**: RUNS such runs applied to one new local SQLite store in one process, one
  ``Store.apply`` a run (all its records in one transaction, as the syncer applies a short run
  after the process's first), each after its run number (``reserve_run_number``, the other
  write transaction of a run). CPU and wall time a run, median of REPEATS passes, each into a
  new store; then the room the store takes a run: the database (WAL checkpointed) and the blob
  folder, with each file counted in whole 4 KiB blocks as the disk holds it.
- **sdk**: one process creating RUNS runs with ``cairn.init()``, 3 ``log()``, 2 summary values,
  ``finish()`` (capture off): CPU of every thread of the process and wall time a run, median of
  REPEATS passes.

Prints a table and asserts nothing. Which Cairn it measures is the one on ``PYTHONPATH``: run it
on the old and the new code in turn to compare them.
Usage: python benchmarks/bench_short_runs.py [RUNS [REPEATS]]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 200
REPEATS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
BLOCK = 4096
CONFIG = {f"hp{j}": j * 0.5 if j % 2 else f"choice{j}" for j in range(50)}

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from team_server import QUIET  # noqa: E402

from cairn.journal.records import History, Record, RunFinish, RunStart, SummaryUpdate  # noqa: E402

os.environ.update(QUIET)  # capture off, as bench_run_creation's workers


def records(i: int) -> list[Record]:
    """The journal records of run ``i`` of the workload."""
    t0 = time.time()
    rows = [
        History(seq=2 + s, step=s, ts=t0 + s, values={"loss": 1.0 / (s + 1), "acc": s / 3})
        for s in range(3)
    ]
    return [
        RunStart(
            seq=1,
            run_id=f"run{i:06d}",
            project="grid",
            name=f"run-{i}",
            created_at=t0,
            config=CONFIG,
        ),
        *rows,
        SummaryUpdate(seq=5, set={"best": 0.5, "epochs": 3}),
        RunFinish(seq=6, ts=t0 + 3),
    ]


def on_disk(files: Iterable[Path]) -> int:
    """Bytes ``files`` hold on disk, each in whole blocks."""
    return sum(-(-p.stat().st_size // BLOCK) * BLOCK for p in files if p.is_file())


def apply_pass() -> tuple[float, float, int, int]:
    """CPU and wall seconds a run, and bytes a run of database and of blobs."""
    from sqlalchemy import text

    from cairn.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store.local(Path(tmp))
        batches = [(f"run{i:06d}", records(i)) for i in range(RUNS)]
        cpu, wall = time.process_time(), time.perf_counter()
        for run_id, batch in batches:
            store.reserve_run_number("grid")
            store.apply(run_id, batch)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        with store.engine.begin() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        store.close()
        db = on_disk(Path(tmp).glob("cairn.db*"))
        blobs = on_disk((Path(tmp) / "blobs").rglob("*"))
    return cpu / RUNS, wall / RUNS, db // RUNS, blobs // RUNS


def sdk_pass() -> tuple[float, float]:
    """CPU (every thread) and wall seconds a run created through the SDK."""
    import cairn

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CAIRN_DIR"] = tmp
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(RUNS):
            run = cairn.init(project="grid", config=CONFIG)
            for step in range(3):
                run.log({"loss": 1.0 / (step + 1), "acc": step / 3})
            run.summary["best"] = 0.5
            run.summary["epochs"] = 3
            run.finish(quiet=True)
        return (time.process_time() - cpu) / RUNS, (time.perf_counter() - wall) / RUNS


def main() -> None:
    import cairn

    load = os.getloadavg()
    print(
        f"short runs: {RUNS} runs a pass, median of {REPEATS} passes, cairn from "
        f"{Path(cairn.__file__).parent}; load average at start {load[0]:.1f} {load[1]:.1f} "
        f"{load[2]:.1f}"
    )
    sdk_pass()  # warm: imports, threads, the shared store
    applied = [apply_pass() for _ in range(REPEATS)]
    sdk = [sdk_pass() for _ in range(REPEATS)]
    med = [statistics.median(column) for column in zip(*applied, strict=True)]
    print(f"{'what':<46}{'value':>10}")
    print(f"{'apply: CPU a run, ms':<46}{med[0] * 1000:>10.2f}")
    print(f"{'apply: wall time a run, ms':<46}{med[1] * 1000:>10.2f}")
    print(f"{'apply: runs/s in one write turn (1 / wall)':<46}{1 / med[1]:>10.0f}")
    print(f"{'room a run: database, bytes':<46}{med[2]:>10,.0f}")
    print(f"{'room a run: blob folder, bytes':<46}{med[3]:>10,.0f}")
    print(
        f"{'sdk: CPU a run (every thread), ms':<46}{statistics.median(c for c, _ in sdk) * 1000:>10.2f}"
    )
    print(f"{'sdk: wall time a run, ms':<46}{statistics.median(w for _, w in sdk) * 1000:>10.2f}")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
