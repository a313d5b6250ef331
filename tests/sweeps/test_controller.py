"""Choosing the next trial: grid order, seeded random draws, run_cap and metric.target."""

from __future__ import annotations

from typing import Any

from cairn.store.sweeps import SweepRow, TrialRow
from cairn.sweeps.controller import next_trial


def sweep(config: dict[str, Any], trial_count: int, seed: int = 5) -> SweepRow:
    return SweepRow("s", "p", "s", config["method"], "running", config, seed, trial_count, 0.0, 0.0)


def done(number: int, loss: float) -> TrialRow:
    return TrialRow(
        "s",
        number,
        f"r{number}",
        {},
        "finished",
        "a",
        0.0,
        run_state="finished",
        summary={"loss": loss},
    )


RANDOM = {"method": "random", "parameters": {"x": {"min": 0.0, "max": 1.0}}}


def test_random_trial_n_is_the_same_whoever_asks_and_differs_from_n_plus_one() -> None:
    first = next_trial(sweep(RANDOM, 3), [])
    again = next_trial(sweep(RANDOM, 3), [])
    other = next_trial(sweep(RANDOM, 4), [])
    assert first is not None and again is not None and other is not None
    assert first.params == again.params and first.params != other.params
    assert next_trial(sweep(RANDOM, 3, seed=6), []) != first


def test_run_cap_ends_the_search() -> None:
    capped = {**RANDOM, "run_cap": 2}
    assert next_trial(sweep(capped, 1), []) is not None
    assert next_trial(sweep(capped, 2), []) is None


def test_grid_ends_when_exhausted() -> None:
    grid = {"method": "grid", "parameters": {"x": {"values": [1, 2]}}}
    assert [p.params if (p := next_trial(sweep(grid, n), [])) else None for n in range(3)] == [
        {"x": 1},
        {"x": 2},
        None,
    ]


def test_reaching_the_target_ends_the_search() -> None:
    minimize = {**RANDOM, "metric": {"name": "loss", "goal": "minimize", "target": 0.1}}
    assert next_trial(sweep(minimize, 2), [done(0, 0.5), done(1, 0.2)]) is not None
    assert next_trial(sweep(minimize, 2), [done(0, 0.5), done(1, 0.1)]) is None
    maximize = {**RANDOM, "metric": {"name": "loss", "goal": "maximize", "target": 0.4}}
    assert next_trial(sweep(maximize, 2), [done(0, 0.5)]) is None
