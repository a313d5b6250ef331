"""``cairn sql`` over many short runs (issue 17): a finished run of a few rows keeps them in the
store's SQL tail (no Parquet file), so the ``history`` view stacks the tails of every such run
in Python before DuckDB reads them.

Fixed workload: RUNS finished runs of 3 history rows each, applied through the journal's records
into a new local store, with two kinds of metric names: every run logging the same 2 names (a
sweep), and each run logging 2 of 2,000 names (the worst case for a wide view: 2,000 columns,
nearly all null). Timed, median of 3 in one process: stacking the tails (``stack.stack``) against
``pa.concat_tables(promote_options="default")``, what the view used before (the baseline, same
tables, same run), and two whole queries through ``cairn.store.sql.query``: a count, and the last
step of each run.

Prints a table and asserts nothing.
Usage: python benchmarks/bench_sql.py [RUNS]
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_api import apply_many  # noqa: E402
from timing import median_s  # noqa: E402

from cairn.journal.records import History, Record, RunFinish, RunStart  # noqa: E402
from cairn.store.history_read import decode_tail  # noqa: E402
from cairn.store.schema import history_tail  # noqa: E402
from cairn.store.sql import _with_run, query  # noqa: E402
from cairn.store.stack import stack  # noqa: E402
from cairn.store.store import Store  # noqa: E402

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000
NAMES = 2_000
T0 = 1_700_000_000.0


def runs(names: int) -> Iterator[tuple[str, list[Record]]]:
    """RUNS finished runs of 3 rows, each logging 2 metric names drawn from ``names``."""
    rng = random.Random(0)
    for i in range(RUNS):
        keys = rng.sample(range(names), 2)
        run_id = f"run{i:06d}"
        rows: list[Record] = [
            History(seq=2 + s, step=s, ts=T0 + s, values={f"m{k}": rng.random() for k in keys})
            for s in range(3)
        ]
        yield (
            run_id,
            [
                RunStart(seq=1, run_id=run_id, project="p", name=run_id, created_at=T0),
                *rows,
                RunFinish(seq=5, ts=T0 + 5),
            ],
        )


def tails(store: Store) -> list[pa.Table]:
    with store._snapshot() as conn:
        found = conn.execute(
            select(history_tail.c.run_id, history_tail.c.data).order_by(history_tail.c.first_seq)
        ).all()
    return [_with_run(decode_tail(t.data), t.run_id) for t in found]


def timed(work: Callable[[], object]) -> float:
    return median_s(work, 3) * 1000


def main() -> None:
    print(
        f"cairn sql over {RUNS:,} short runs (3 rows each, in the store's tail), ms, median of 3; "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'metric names':<28}{'columns':>9}{'stack':>9}{'concat_tables':>15}{'ratio':>7}"
        f"{'count(*)':>10}{'last step a run':>17}"
    )
    for label, names in (("the same 2 in every run", 2), (f"2 of {NAMES:,} a run", NAMES)):
        with tempfile.TemporaryDirectory() as tmp:
            store = Store.local(Path(tmp))
            apply_many(store, runs(names), 200)
            tables = tails(store)
            columns = stack(tables).num_columns
            stacked = timed(lambda t=tables: stack(t))  # type: ignore[misc]
            concat = timed(
                lambda t=tables: pa.concat_tables(t, promote_options="default")  # type: ignore[misc]
            )
            count = timed(lambda s=store: query(s, "SELECT count(*) FROM history"))  # type: ignore[misc]
            last = timed(
                lambda s=store: query(  # type: ignore[misc]
                    s, "SELECT run_id, max(_step) FROM history GROUP BY run_id"
                )
            )
            store.close()
        print(
            f"{label:<28}{columns:>9,}{stacked:>9.0f}{concat:>15.0f}{concat / stacked:>6.1f}x"
            f"{count:>10.0f}{last:>17.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
