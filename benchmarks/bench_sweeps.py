"""Sweep claim benchmark: how long choosing and claiming the next trial takes, by sweep size.

Fixed workload: sweeps over 4 parameters (a log-scale float, a float, an int, a category) with 0,
100 and 300 trials already claimed. Measured: a claim through the store with a fixed proposal
(one write transaction: lock the sweep, read its trials, insert one); a random claim; and the
bayes proposal alone (rebuild the Optuna study from that many finished trials with values, ask
once), which a bayes claim adds to the store's part. Baseline in the same run: one plain write
transaction (reserving a run number). Prints a table; it asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import itertools
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path

import numpy as np

from cairn.store.store import Store
from cairn.store.sweeps import (
    Proposal,
    Propose,
    SweepRow,
    TrialRow,
    claim_trial,
    create_sweep,
)
from cairn.sweeps.bayes import suggest
from cairn.sweeps.config import load_sweep_config
from cairn.sweeps.controller import next_trial

SIZES = (0, 100, 300)
REPEATS = 15
PARAMETERS = {
    "lr": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-1},
    "dropout": {"min": 0.0, "max": 0.5},
    "layers": {"min": 1, "max": 8},
    "optimizer": {"values": ["adam", "sgd", "adamw"]},
}
CONFIG = {"method": "bayes", "metric": {"name": "loss"}, "parameters": PARAMETERS}


def timed(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    """Median milliseconds of ``fn``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def fixed(sweep: SweepRow, trials: Sequence[TrialRow]) -> Proposal:
    return Proposal({"x": 1})


def claim_next(store: Store, sweep_id: str, ids: Iterator[int], propose: Propose) -> None:
    claim_trial(store, sweep_id, f"run{next(ids)}", "bench", propose)


def sweep_of(store: Store, method: str, size: int) -> str:
    sweep_id = f"{method}{size}"
    create_sweep(store, sweep_id, "bench", sweep_id, {**CONFIG, "method": method}, seed=1)
    for n in range(size):
        claim_trial(store, sweep_id, f"{sweep_id}-{n}", "bench", fixed)
    return sweep_id


def finished_trials(size: int) -> list[TrialRow]:
    """``size`` finished bayes trials with values, as the store would hand them to ``suggest``."""
    config = load_sweep_config(CONFIG)
    rng = np.random.default_rng(0)
    out: list[TrialRow] = []
    for n in range(size):
        proposal = suggest(config, [], 0, n) if n < 8 else suggest(config, out[-50:], 0, n)
        lr = float(proposal.params["lr"])
        out.append(
            TrialRow(
                sweep_id="b",
                number=n,
                run_id=f"r{n}",
                params=proposal.params,
                suggestion=proposal.suggestion,
                status="finished",
                agent="bench",
                claimed_at=float(n),
                run_state="finished",
                summary={"loss": abs(math.log10(lr) + 3) + float(rng.normal(0, 0.1))},
            )
        )
    return out


def main() -> None:
    rows: list[tuple[str, int, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.local(Path(tmp) / ".cairn")
        baseline = timed(lambda: store.reserve_run_number("bench"))
        ids = itertools.count()
        for size in SIZES:
            sid = sweep_of(store, "random", size)
            rows.append(
                (
                    "claim, fixed proposal",
                    size,
                    timed(partial(claim_next, store, sid, ids, fixed)),
                )
            )
            rows.append(
                (
                    "claim, random",
                    size,
                    timed(partial(claim_next, store, sid, ids, next_trial)),
                )
            )
        config = load_sweep_config(CONFIG)
        for size in SIZES:
            trials = finished_trials(size)
            rows.append(
                (
                    "bayes proposal (TPE ask)",
                    size,
                    timed(partial(suggest, config, trials, 1, size), repeats=5),
                )
            )
        store.close()
    print(f"sweep claims, median milliseconds (SQLite, {sys.platform})")
    print(f"{'what':<28} {'trials stored':>13} {'ms':>9} {'x baseline':>11}")
    print(f"{'baseline: one write txn':<28} {'-':>13} {baseline:>9.2f} {1.0:>11.1f}")
    for what, size, ms in rows:
        print(f"{what:<28} {size:>13} {ms:>9.2f} {ms / baseline:>11.1f}")


if __name__ == "__main__":
    main()
