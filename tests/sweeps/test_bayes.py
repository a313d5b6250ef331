"""bayes search: Optuna's TPE asked with the trials as the store holds them."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from optuna.trial import TrialState

from cairn.store.sweeps import TrialRow
from cairn.sweeps.bayes import _frozen, optuna_space, suggest
from cairn.sweeps.config import SweepConfig, load_sweep_config
from cairn.sweeps.search import random_point

BRANIN = {
    "method": "bayes",
    "metric": {"name": "value", "goal": "minimize"},
    "parameters": {"x1": {"min": -5.0, "max": 10.0}, "x2": {"min": 0.0, "max": 15.0}},
}


def branin(x1: float, x2: float) -> float:
    """Its minimum is 0.397887, at three points."""
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


def _done(number: int, trial: Any, value: float, suggestion: Any = None) -> TrialRow:
    return TrialRow(
        sweep_id="s",
        number=number,
        run_id=f"r{number}",
        params=trial,
        suggestion=suggestion,
        status="finished",
        agent="test",
        claimed_at=0.0,
        run_state="finished",
        summary={"value": value},
    )


def best_of_bayes(config: SweepConfig, seed: int, trials: int) -> float:
    done: list[TrialRow] = []
    for n in range(trials):
        proposal = suggest(config, done, seed, n)
        value = branin(proposal.params["x1"], proposal.params["x2"])
        done.append(_done(n, proposal.params, value, proposal.suggestion))
    return min(t.summary["value"] for t in done)


def best_of_random(config: SweepConfig, seed: int, trials: int) -> float:
    return min(
        branin(**random_point(config.parameters, np.random.default_rng([seed, n])))
        for n in range(trials)
    )


def test_bayes_beats_random_on_branin() -> None:
    config = load_sweep_config(BRANIN)
    seeds = range(6)
    bayes = [best_of_bayes(config, seed, 30) for seed in seeds]
    random = [best_of_random(config, seed, 30) for seed in seeds]
    assert np.mean(bayes) < np.mean(random), (bayes, random)
    assert np.mean(bayes) < 1.5  # near the optimum 0.398, not merely lucky against random


def test_every_distribution_maps_into_its_range() -> None:
    config = load_sweep_config(
        {
            "method": "bayes",
            "metric": {"name": "value"},
            "parameters": {
                "c": {"value": 3},
                "cat": {"values": ["a", [1, 2], {"k": 1}]},
                "i": {"min": 2, "max": 5},
                "u": {"min": 0.5, "max": 1.5},
                "qu": {"distribution": "q_uniform", "min": 0, "max": 64, "q": 8},
                "luv": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-1},
                "lu": {"distribution": "log_uniform", "min": -2, "max": 1},
                "qluv": {"distribution": "q_log_uniform_values", "min": 1, "max": 1024, "q": 1},
                "ilu": {"distribution": "inv_log_uniform_values", "min": 0.01, "max": 1},
                "n": {"distribution": "normal", "mu": 5, "sigma": 2},
                "qn": {"distribution": "q_normal", "mu": 5, "sigma": 2, "q": 1},
                "ln": {"distribution": "log_normal", "mu": 0, "sigma": 1},
                "qln": {"distribution": "q_log_normal", "mu": 0, "sigma": 1, "q": 1},
                "b": {"distribution": "beta", "a": 2, "b": 3},
                "nested": {"parameters": {"w": {"values": [1, 2]}}},
            },
        }
    )
    space, constants = optuna_space(config)
    assert constants == [(("c",), 3)]
    assert "nested.w" in space and "c" not in space
    done: list[TrialRow] = []
    for n in range(15):  # past the random start-up trials, into TPE
        p = suggest(config, done, 7, n).params
        assert p["c"] == 3
        assert p["cat"] in ("a", [1, 2], {"k": 1})
        assert isinstance(p["i"], int) and 2 <= p["i"] <= 5
        assert 0.5 <= p["u"] <= 1.5
        assert isinstance(p["qu"], int) and p["qu"] % 8 == 0 and 0 <= p["qu"] <= 64
        assert 1e-5 <= p["luv"] <= 1e-1
        assert math.exp(-2) <= p["lu"] <= math.exp(1)
        assert isinstance(p["qluv"], int) and 1 <= p["qluv"] <= 1024
        assert 0.01 <= p["ilu"] <= 1
        assert -1 <= p["n"] <= 11 and isinstance(p["qn"], int)
        assert math.exp(-3) <= p["ln"] <= math.exp(3) and isinstance(p["qln"], int)
        assert 0 <= p["b"] <= 1
        assert p["nested"]["w"] in (1, 2)
        proposal = suggest(config, done, 7, n)
        done.append(_done(n, proposal.params, float(n % 4), proposal.suggestion))


def test_running_and_failed_trials_are_told_but_not_as_results() -> None:
    config = load_sweep_config(BRANIN)
    first = suggest(config, [], 1, 0)
    running = TrialRow(
        sweep_id="s",
        number=0,
        run_id="r0",
        params=first.params,
        suggestion=first.suggestion,
        status="running",
        agent="a",
        claimed_at=0.0,
    )
    failed = TrialRow(
        sweep_id="s",
        number=1,
        run_id="r1",
        params=first.params,
        suggestion=first.suggestion,
        status="failed",
        agent="a",
        claimed_at=0.0,
        run_state="failed",
    )
    second = suggest(config, [running, failed], 1, 2)
    assert second.params != first.params


def test_a_crashed_trial_is_told_as_failed_even_with_a_value() -> None:
    config = load_sweep_config(BRANIN)
    first = suggest(config, [], 1, 0)
    assert first.suggestion is not None
    crashed = TrialRow(
        sweep_id="s",
        number=0,
        run_id="r0",
        params=first.params,
        suggestion=first.suggestion,
        status="crashed",
        agent="a",
        claimed_at=0.0,
        run_state="crashed",
        summary={"value": 0.5},  # logged before its agent died: not a result
    )
    distributions = {name: dist for name, (dist, _) in optuna_space(config)[0].items()}
    told = _frozen(config, crashed, first.suggestion, distributions)
    assert told.state == TrialState.FAIL and told.value is None


def test_a_finished_trial_whose_run_is_not_stored_yet_is_told_as_running() -> None:
    """Through a team server a trial can end before the server applied its run's records: its
    result is pending, not a failure (and a value read meanwhile is not final)."""
    config = load_sweep_config(BRANIN)
    first = suggest(config, [], 1, 0)
    assert first.suggestion is not None
    distributions = {name: dist for name, (dist, _) in optuna_space(config)[0].items()}
    for run_state, summary in ((None, {}), ("running", {"value": 9.0})):
        pending = TrialRow(
            sweep_id="s",
            number=0,
            run_id="r0",
            params=first.params,
            suggestion=first.suggestion,
            status="finished",
            agent="a",
            claimed_at=0.0,
            run_state=run_state,
            summary=summary,
        )
        told = _frozen(config, pending, first.suggestion, distributions)
        assert told.state == TrialState.RUNNING and told.value is None
    done = _frozen(
        config, _done(0, first.params, 2.0, first.suggestion), first.suggestion, distributions
    )
    assert done.state == TrialState.COMPLETE and done.value == 2.0
