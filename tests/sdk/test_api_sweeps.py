"""``Api().sweep()`` / ``sweeps()`` and what an ``ApiSweep`` read back tells (state, config,
trials, runs, best run); from the store, and through a ``cairn server`` serving it (the
``reading`` fixture)."""

from __future__ import annotations

import pytest
from tests.fakes.reading import Reading

import cairn
from cairn.errors import ProjectNotFoundError, SweepNotFoundError

pytestmark = pytest.mark.usefixtures("no_open_run")

CONFIG = {
    "method": "grid",
    "metric": {"name": "loss", "goal": "minimize"},
    "parameters": {"lr": {"values": [0.1, 0.01, 0.001]}, "batch": {"value": 32}},
}


def train() -> None:
    run = cairn.init()
    run.log({"loss": abs(run.config["lr"] - 0.01)})
    run.finish(quiet=True)


@pytest.fixture(scope="module")
def swept(reading: Reading) -> str:
    """A finished grid sweep of 3 trials in project ``tune``; its id."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CAIRN_DIR", str(reading.dir))
        sweep_id = cairn.sweep(CONFIG, project="tune", dir=reading.dir)
        cairn.agent(sweep_id, function=train, dir=reading.dir)
    return sweep_id


def test_a_sweep_with_its_trials_runs_and_best_run(swept: str, reading: Reading) -> None:
    sweep = reading.api().sweep(swept)
    assert (sweep.id, sweep.project, sweep.method, sweep.state) == (
        swept,
        "tune",
        "grid",
        "finished",
    )
    assert sweep.config == CONFIG
    assert sweep.parsed.metric is not None and sweep.parsed.metric.name == "loss"
    trials = sweep.trials()
    assert [t.number for t in trials] == [0, 1, 2]
    assert [t.status for t in trials] == ["finished"] * 3
    assert sorted(t.params["lr"] for t in trials) == [0.001, 0.01, 0.1]
    assert all(t.summary["loss"] == abs(t.params["lr"] - 0.01) for t in trials)
    assert trials == cairn.Api(reading.dir).sweep(swept).trials()
    runs = sweep.runs()
    assert sorted(r.config["lr"] for r in runs) == [0.001, 0.01, 0.1]
    assert all(r.sweep_id == swept for r in runs)
    best = sweep.best_run()
    assert best is not None and best.config["lr"] == 0.01
    assert sweep.refresh() is sweep and sweep.state == "finished"


def test_sweeps_by_project_and_by_reference(swept: str, reading: Reading) -> None:
    api = reading.api()
    assert [s.id for s in api.sweeps("tune")] == [swept]
    assert [s.id for s in api.sweeps()] == [swept]
    with pytest.raises(ProjectNotFoundError, match="nobody"):
        api.sweeps("nobody")
    assert api.sweep(f"tune/{swept}").id == swept
    with pytest.raises(SweepNotFoundError):
        api.sweep(f"other/{swept}")
    with pytest.raises(SweepNotFoundError):
        api.sweep("nosuchsweep")
