"""``cairn.integrations.optuna.CairnCallback`` with a real Optuna study: every trial a run of the
study's group, with its parameters, reported values, value and state."""

from __future__ import annotations

import math
from pathlib import Path

import optuna
import pytest

import cairn
from cairn.integrations.optuna import CairnCallback

pytestmark = pytest.mark.usefixtures("no_open_run")


def objective(trial: optuna.Trial) -> float:
    x = trial.suggest_float("x", -4.0, 4.0)
    layers = trial.suggest_int("layers", 1, 3)
    trial.set_user_attr("note", f"layers={layers}")
    if trial.number == 4:
        raise ValueError("the data loader broke")
    for step in range(5):
        trial.report((x - 1.0) ** 2 + 1 / (step + 1), step)
        if trial.number == 2 and step == 1:
            raise optuna.TrialPruned()
    return (x - 1.0) ** 2 + layers


def test_each_trial_is_a_run_of_the_studys_group(store_dir: Path) -> None:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(study_name="quad", sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(
        objective,
        n_trials=6,
        callbacks=[CairnCallback("loss", project="tune")],
        catch=(ValueError,),
    )
    runs = {r.summary["optuna/trial"]: r for r in cairn.Api().runs("tune")}
    assert sorted(runs) == list(range(6))
    assert {r.group for r in runs.values()} == {"quad"}
    assert {r.name for r in runs.values()} == {f"quad-trial-{i}" for i in range(6)}
    for trial in study.trials:
        run = runs[trial.number]
        assert run.config == trial.params
        assert run.summary["optuna/user/note"] == trial.user_attrs["note"]
        steps = sorted(trial.intermediate_values)
        history = run.history(keys=["loss"])
        assert history["_step"].tolist() == steps
        assert history["loss"].tolist() == [trial.intermediate_values[s] for s in steps]
    done = runs[0]
    assert done.state == "finished" and "complete" in done.tags
    assert math.isclose(done.summary["loss"], study.trials[0].value)
    assert done.summary["optuna/duration"] >= 0
    pruned = runs[2]
    assert pruned.state == "finished" and "pruned" in pruned.tags
    assert pruned.summary["loss"] == study.trials[2].intermediate_values[1]  # its last report
    assert runs[4].state == "failed" and runs[4].summary["optuna/state"] == "fail"
    best = cairn.Api().runs("tune", filter='"complete" in tags', order="summary.loss")[0]
    assert best.summary["optuna/trial"] == study.best_trial.number


def test_a_multi_objective_study_names_each_value(store_dir: Path) -> None:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(directions=["minimize", "maximize"], study_name="pareto")
    study.optimize(
        lambda t: (t.suggest_float("a", 0, 1), t.suggest_float("b", 0, 1)),
        n_trials=3,
        callbacks=[CairnCallback(["error", "speed"], project="multi")],
    )
    for run in cairn.Api().runs("multi"):
        trial = study.trials[run.summary["optuna/trial"]]
        assert (run.summary["error"], run.summary["speed"]) == tuple(trial.values)
    with pytest.raises(ValueError, match="one name per objective"):
        CairnCallback(["a", "b", "c"])._names(2)
