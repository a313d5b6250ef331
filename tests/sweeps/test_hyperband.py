"""Hyperband's bracket rule on scripted curves."""

from __future__ import annotations

import pytest

from cairn.sweeps.config import EarlyTerminate
from cairn.sweeps.hyperband import milestones, runs_to_stop


def test_milestones_from_min_iter_and_from_max_iter() -> None:
    assert milestones(EarlyTerminate(min_iter=3))[:4] == [3, 9, 27, 81]
    assert milestones(EarlyTerminate(min_iter=2, eta=2, max_iter=16)) == [2, 4, 8, 16]
    assert milestones(EarlyTerminate(min_iter=1, s=3)) == [1, 3, 9]
    assert milestones(EarlyTerminate(max_iter=27, s=3)) == [1, 3, 9]
    assert milestones(EarlyTerminate(max_iter=81, s=2, eta=3)) == [9, 27]


def test_runs_worse_than_the_top_third_at_a_milestone_stop() -> None:
    early = EarlyTerminate(min_iter=3, eta=3)
    curves = {
        "good": [1.0, 0.8, 0.5],
        "fine": [1.0, 0.9, 0.7],
        "bad": [1.0, 1.0, 0.9],
        "young": [5.0, 5.0],  # has not reached iteration 3: not judged yet
    }
    stop = runs_to_stop(early, "minimize", curves, running=["good", "fine", "bad", "young"])
    assert set(stop) == {"fine", "bad"}
    assert "iteration 3" in stop["bad"] and "0.9" in stop["bad"]


def test_only_running_runs_are_stopped_and_maximize_flips_the_rule() -> None:
    early = EarlyTerminate(min_iter=2, eta=2)
    curves = {"a": [0.1, 0.9], "b": [0.1, 0.2], "c": [0.1, 0.5, 0.6, 0.7]}
    stop = runs_to_stop(early, "maximize", curves, running=["a", "c"])
    assert stop == {}  # a is best at 2; c is above the median at 2 and alone at 4
    stop = runs_to_stop(early, "maximize", curves, running=["b"])
    assert set(stop) == {"b"}


def test_a_run_is_judged_at_the_largest_milestone_it_reached() -> None:
    early = EarlyTerminate(min_iter=1, eta=2)
    # at iteration 1 "late" was best, at iteration 2 (its latest milestone) it is worst
    curves = {"late": [0.0, 9.0], "x": [1.0, 1.0], "y": [2.0, 2.0]}
    assert set(runs_to_stop(early, "minimize", curves, ["late"])) == {"late"}


@pytest.mark.parametrize("goal", ["minimize", "maximize"])
def test_a_lone_run_is_never_stopped(goal: str) -> None:
    early = EarlyTerminate(min_iter=1)
    assert runs_to_stop(early, goal, {"only": [3.0, 2.0, 1.0]}, ["only"]) == {}
