"""Parameter importance benchmark: how long the importance table makes a user wait.

Fixed workloads: 20, 100, 500 and 2,000 runs (2,000 is the API's limit) with 10 parameters (7
numeric, 3 categorical) and a metric that depends on 3 of them. For each, the time of
`parameter_importance` (forest + permutation importance + correlations) against two baselines in
the same run: fitting the same forest alone and reading its impurity importance (what the
permutation step adds to), and the previous implementation, sklearn's ``permutation_importance``
(which predicts each shuffled copy in its own call; ours stacks them into one ``predict``).
Then the server call, ``POST /projects/{p}/importance`` on 100 runs through HTTP to a real
``cairn ui``: the first call for a set of runs (computed) and a repeat (served from the memo). Prints a table; it asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import math
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from bench_api import T0, apply_many, serve

from cairn.analysis import parameter_importance
from cairn.analysis.importance import N_ESTIMATORS, N_REPEATS, RANDOM_STATE
from cairn.journal.records import Record, RunFinish, RunStart, SummaryUpdate
from cairn.store import Store

SIZES = (20, 100, 500, 2000)
REPEATS = 3


def workload(n: int) -> tuple[list[dict[str, Any]], list[float | None]]:
    rng = random.Random(n)
    configs: list[dict[str, Any]] = []
    metrics: list[float | None] = []
    for _ in range(n):
        config: dict[str, Any] = {f"x{i}": rng.random() for i in range(6)}
        config["lr"] = 10 ** rng.uniform(-5, -1)
        config["opt"] = rng.choice(["adam", "sgd", "rmsprop"])
        config["act"] = rng.choice(["relu", "gelu"])
        config["aug"] = rng.choice([True, False])
        configs.append(config)
        bonus = 0.3 if config["opt"] == "adam" else 0.0
        metrics.append((math.log10(config["lr"]) + 3) ** 2 + config["x0"] + bonus)
    return configs, metrics


def best_of(
    fn: Callable[[list[dict[str, Any]], list[float | None]], object],
    configs: list[dict[str, Any]],
    metrics: list[float | None],
) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn(configs, metrics)
        times.append(time.perf_counter() - start)
    return min(times)


def _matrix(configs: list[dict[str, Any]]) -> np.ndarray:
    keys = sorted(configs[0])
    codes = {k: {v: i for i, v in enumerate(sorted({repr(c[k]) for c in configs}))} for k in keys}
    x = np.array(
        [
            [codes[k][repr(c[k])] if isinstance(c[k], str | bool) else c[k] for k in keys]
            for c in configs
        ]
    )
    return x


def forest_only(configs: list[dict[str, Any]], metrics: list[float | None]) -> None:
    from sklearn.ensemble import RandomForestRegressor

    forest = RandomForestRegressor(n_estimators=N_ESTIMATORS, random_state=RANDOM_STATE, n_jobs=1)
    forest.fit(_matrix(configs), np.array(metrics, dtype=float))
    _ = forest.feature_importances_


def sklearn_permutation(configs: list[dict[str, Any]], metrics: list[float | None]) -> None:
    """The previous implementation: the same forest, sklearn predicting each shuffled copy alone."""
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.inspection import permutation_importance

    x, y = _matrix(configs), np.array(metrics, dtype=float)
    forest = RandomForestRegressor(n_estimators=N_ESTIMATORS, random_state=RANDOM_STATE, n_jobs=1)
    forest.fit(x, y)
    permutation_importance(forest, x, y, n_repeats=N_REPEATS, random_state=RANDOM_STATE)


def main() -> None:
    print(f"parameter importance, 10 parameters, best of {REPEATS}")
    print(
        f"{'runs':>6} | {'forest only':>11} | {'sklearn permutation (old)':>25} | "
        f"{'parameter_importance':>20} | {'old/new':>7} | top 3"
    )
    for n in SIZES:
        configs, metrics = workload(n)
        base = best_of(forest_only, configs, metrics)
        old = best_of(sklearn_permutation, configs, metrics)
        full = best_of(parameter_importance, configs, metrics)
        top = [p.name for p in parameter_importance(configs, metrics).parameters[:3]]
        print(
            f"{n:>6} | {base * 1000:>8.0f} ms | {old * 1000:>22.0f} ms | "
            f"{full * 1000:>17.0f} ms | {old / full:>6.1f}x | {', '.join(top)}"
        )
    print("targets: 100 runs in under 300 ms; a 500-run sweep in under 2 s")
    server_rows()


def stored_runs(n: int) -> Iterator[tuple[str, list[Record]]]:
    configs, metrics = workload(n)
    for i, (config, metric) in enumerate(zip(configs, metrics, strict=True)):
        run_id = f"i{i:05d}"
        yield (
            run_id,
            [
                RunStart(
                    seq=1,
                    run_id=run_id,
                    project="imp",
                    name=run_id,
                    created_at=T0 + i,
                    config=config,
                ),
                SummaryUpdate(seq=2, set={"score": metric}),
                RunFinish(seq=3, ts=T0 + i + 60),
            ],
        )


def server_rows(n: int = 100) -> None:
    """The importance route on n runs through HTTP: calls on new sets of runs (a window of n
    run ids sliding by one, so the memo cannot answer) and repeats of one call."""
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = Path(tmp) / ".cairn"
        store = Store.local(store_dir)
        apply_many(store, stored_runs(n + REPEATS + 1), per_txn=1000)
        store.close()
        ids = [f"i{i:05d}" for i in range(n + REPEATS + 1)]
        with (
            serve(store_dir) as (url, _pid),
            httpx.Client(base_url=f"{url}/api/v1", timeout=60) as client,
        ):

            def call(first: int) -> float:
                start = time.perf_counter()
                body = {"metric": "score", "run_ids": ids[first : first + n]}
                client.post("/projects/imp/importance", json=body).raise_for_status()
                return time.perf_counter() - start

            call(0)  # warm-up: imports sklearn in the server
            computed = min(call(k + 1) for k in range(REPEATS))
            repeat = min(call(0) for _ in range(REPEATS))
    print(f"server, POST /importance on {n} runs over HTTP, best of {REPEATS}:")
    print(
        f"  new set of runs (computed) {computed * 1000:.0f} ms | same runs again (memo) {repeat * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
