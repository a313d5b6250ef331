"""Parameter importance benchmark: how long the importance table makes a user wait.

Fixed workloads: 20, 100, 500 and 2,000 runs (2,000 is the API's limit) with 10 parameters (7
numeric, 3 categorical) and a metric that depends on 3 of them. For each, the time of
`parameter_importance` (forest + permutation importance + correlations) against two baselines in
the same run: fitting the same forest alone and reading its impurity importance (what the
permutation step adds to), and the previous implementation, sklearn's ``permutation_importance``
(which predicts each shuffled copy in its own call; ours stacks them into one ``predict``). Prints a table; it asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from cairn.analysis import parameter_importance
from cairn.analysis.importance import N_ESTIMATORS, N_REPEATS, RANDOM_STATE

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


if __name__ == "__main__":
    main()
