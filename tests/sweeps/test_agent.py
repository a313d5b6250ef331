"""Agents on a real local store: subprocess trials, many agents at once, failures, early
termination and cancel, and in-process trials (also stopped early and cancelled)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import cairn
from cairn.journal.records import RunStart
from cairn.sdk import session
from cairn.store.store import Store
from cairn.store.sweeps import change_state, claim_trial, get_sweep, list_trials
from cairn.sweeps.agent import Agent, AgentResult, SweepAgentError
from cairn.sweeps.controller import new_sweep, next_trial

TRAIN = """\
import argparse, sys, time
import cairn

parser = argparse.ArgumentParser()
parser.add_argument("--x", type=float, default=0.0)
parser.add_argument("--curve", default="good")
parser.add_argument("--epochs", type=int, default=3)
args = parser.parse_args()
if args.curve == "crash":
    print("loading data...")
    raise RuntimeError("boom: the data file is missing")
run = cairn.init(config=vars(args))
if args.curve == "bad":
    for _ in range(3):
        run.log({"loss": 5.0})
    time.sleep(120)  # a slow, bad trial: the agent must stop it long before this ends
for epoch in range(run.config["epochs"]):
    run.log({"loss": (run.config["x"] - 0.3) ** 2 + 1 / (epoch + 1)})
run.finish()
"""


@pytest.fixture
def train(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    script = tmp_path / "train.py"
    script.write_text(TRAIN)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CAIRN_CAPTURE_ENV", "0")
    return script


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the condition")
        time.sleep(0.05)


def test_eight_agents_run_forty_distinct_trials_once_each(store_dir: Path, train: Path) -> None:
    store = Store.local(store_dir)
    config = {
        "program": str(train),
        "method": "random",
        "metric": {"name": "loss"},
        "run_cap": 40,
        "parameters": {"x": {"min": 0.0, "max": 1.0}, "epochs": {"value": 2}},
    }
    sweep = new_sweep(store, config, "many")
    agents = [
        subprocess.Popen(
            [sys.executable, "-m", "cairn", "agent", sweep.id, "--dir", str(store_dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(8)
    ]
    outputs = [p.communicate(timeout=300)[0].decode() for p in agents]
    assert all(p.returncode == 0 for p in agents), outputs
    trials = list_trials(store, sweep.id)
    assert [t.number for t in trials] == list(range(40))
    assert len({t.run_id for t in trials}) == 40
    assert all(t.status == "finished" and t.run_state == "finished" for t in trials)
    params = [t.params["x"] for t in trials]
    assert len(set(params)) == 40  # every trial its own draw
    runs = store.runs("many", filter=f'sweep_id == "{sweep.id}"')
    assert len(runs) == 40
    by_id = {r.id: r for r in runs}
    for trial in trials:  # each run got its own trial's parameters, from the command line
        assert by_id[trial.run_id].config["x"] == trial.params["x"]
        assert by_id[trial.run_id].sweep_id == sweep.id
    claimed = sum(out.count(": finished") for out in outputs)
    assert claimed == 40  # no trial ran twice
    assert get_sweep(store, sweep.id).state == "finished"


def test_grid_covers_each_combination_exactly_once(store_dir: Path, train: Path) -> None:
    store = Store.local(store_dir)
    config = {
        "program": str(train),
        "method": "grid",
        "parameters": {"x": {"values": [0.1, 0.3]}, "epochs": {"min": 1, "max": 3}},
    }
    sweep = new_sweep(store, config, "grid")
    said: list[str] = []
    result = Agent(store_dir, sweep.id, say=said.append).run()
    assert result.trials == 6 and result.reason == "the sweep is finished"
    combos = [(t.params["x"], t.params["epochs"]) for t in list_trials(store, sweep.id)]
    assert sorted(combos) == [(x, e) for x in (0.1, 0.3) for e in (1, 2, 3)]
    assert said[-1] == "agent done: the sweep is finished"


def test_an_agent_gives_up_after_failures_in_a_row_and_shows_the_output(
    store_dir: Path, train: Path
) -> None:
    store = Store.local(store_dir)
    config = {
        "program": str(train),
        "method": "random",
        "parameters": {"curve": {"value": "crash"}},
    }
    sweep = new_sweep(store, config, "fails")
    with pytest.raises(SweepAgentError) as caught:
        Agent(store_dir, sweep.id, max_failures=3, say=lambda _: None).run()
    message = str(caught.value)
    assert "3 trials in a row failed" in message
    assert "loading data..." in message and "boom: the data file is missing" in message
    assert [t.status for t in list_trials(store, sweep.id)] == ["failed"] * 3


def test_hyperband_stops_the_bad_trial_with_sigterm(store_dir: Path, train: Path) -> None:
    store = Store.local(store_dir)
    config = {
        "program": str(train),
        "method": "grid",
        "metric": {"name": "loss", "goal": "minimize"},
        "early_terminate": {"type": "hyperband", "min_iter": 2, "eta": 2},
        "parameters": {"curve": {"values": ["good", "bad"]}, "x": {"value": 0.3}},
    }
    sweep = new_sweep(store, config, "hb")
    started = time.monotonic()
    Agent(store_dir, sweep.id, check_every=0.2, grace=5.0, say=lambda _: None).run()
    assert time.monotonic() - started < 60  # the bad trial would sleep 120 s
    good, bad = list_trials(store, sweep.id)
    assert good.status == "finished"
    assert bad.status == "stopped" and bad.note and "hyperband: at iteration 2" in bad.note
    # SIGTERM became sys.exit(143): the run was finished, not left running
    wait_for(lambda: store.run(bad.run_id).state == "failed")
    assert store.run(bad.run_id).exit_code == 143


def test_cancel_kills_the_running_trial(store_dir: Path, train: Path) -> None:
    store = Store.local(store_dir)
    config = {"program": str(train), "method": "random", "parameters": {"curve": {"value": "bad"}}}
    sweep = new_sweep(store, config, "cancel")
    agent = Agent(store_dir, sweep.id, check_every=0.2, grace=5.0, say=lambda _: None)
    thread = threading.Thread(target=agent.run)
    thread.start()
    wait_for(lambda: bool(store.runs("cancel")))  # the trial's run has started
    change_state(store, sweep.id, "cancel")
    thread.join(60)
    assert not thread.is_alive()
    (trial,) = list_trials(store, sweep.id)
    assert trial.status == "killed" and trial.note == "the sweep was cancelled"


def test_in_process_agent_runs_the_function_with_the_trial_as_config(
    store_dir: Path, no_open_run: None
) -> None:
    def train() -> None:
        run = cairn.init(config={"lr": 1.0, "batch": 32})  # lr is swept: 1.0 is ignored
        run.log({"loss": abs(run.config["lr"] - 0.01)})

    sweep_id = cairn.sweep(
        {
            "method": "grid",
            "metric": {"name": "loss", "goal": "minimize"},
            "parameters": {"lr": {"values": [0.1, 0.01, 0.001]}},
        },
        project="inproc",
    )
    with pytest.warns(UserWarning, match=r"'lr': sweep .* sets it to 0\.0?1, so the script's 1\.0"):
        result = cairn.agent(sweep_id, function=train, count=2)
    assert result.trials == 2
    with pytest.warns(UserWarning, match="sets it to 0.001"):
        cairn.agent(sweep_id, function=train)  # the last trial, then the grid is done
    sweep = cairn.Api().sweep(sweep_id)
    assert sweep.state == "finished" and sweep.method == "grid"
    runs = sweep.runs()
    assert sorted(r.config["lr"] for r in runs) == [0.001, 0.01, 0.1]
    assert all(r.config["batch"] == 32 and r.sweep_id == sweep_id for r in runs)
    best = sweep.best_run()
    assert best is not None and best.config["lr"] == 0.01
    assert [t.status for t in sweep.trials()] == ["finished"] * 3


def test_a_dead_agents_grid_point_reads_crashed_and_is_not_handed_out_again(
    store_dir: Path, no_open_run: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAIRN_HEARTBEAT_TIMEOUT", "60")
    sweep_id = cairn.sweep(
        {
            "method": "grid",
            "metric": {"name": "loss", "goal": "minimize"},
            "parameters": {"lr": {"values": [0.1, 0.01, 0.001]}},
        },
        project="dead",
    )
    store = Store.local(store_dir)
    # An agent claimed trial 0 and started its run, then was killed (-9): no heartbeat since.
    claim_trial(store, sweep_id, "r-dead", "dead-agent", next_trial)
    start = RunStart(seq=1, run_id="r-dead", project="dead", name="r-dead", created_at=0.0)
    store.apply("r-dead", [start])

    def train() -> None:
        run = cairn.init()
        run.log({"loss": abs(run.config["lr"] - 0.01)})

    result = cairn.agent(sweep_id, function=train)
    assert (result.trials, result.failures) == (2, 0)
    trials = list_trials(store, sweep_id)
    assert [(t.params["lr"], t.status) for t in trials] == [
        (0.1, "crashed"),
        (0.01, "finished"),
        (0.001, "finished"),
    ]
    assert get_sweep(store, sweep_id).state == "finished"  # the crashed point is not retried


def test_an_in_process_trial_that_raises_fails_and_the_agent_goes_on(
    store_dir: Path, no_open_run: None
) -> None:
    def train() -> None:
        run = cairn.init()
        if run.config["x"] == 1:
            raise ValueError("x=1 is cursed")
        run.log({"loss": 0.5})

    sweep_id = cairn.sweep({"method": "grid", "parameters": {"x": {"values": [1, 2]}}})
    cairn.agent(sweep_id, function=train)
    first, second = cairn.Api().sweep(sweep_id).trials()
    assert first.status == "failed" and first.note and "x=1 is cursed" in first.note
    assert first.run_state == "failed"
    assert second.status == "finished"


CHECK = 0.1
"""The agents' check interval in the tests below: a trial's loop waits as long between its logs."""


def test_hyperband_stops_a_bad_in_process_trial_and_the_agent_goes_on(
    store_dir: Path, no_open_run: None
) -> None:
    progress: dict[str, int] = {}
    raised: list[cairn.sweeps.TrialStopped] = []

    def train() -> None:
        run = cairn.init()
        curve = run.config["curve"]
        steps = 8 if curve != "bad" else 600  # 600 x CHECK: a minute, if never stopped
        for i in range(steps):
            loss = 5.0 if curve == "bad" else {"good": 1.0, "better": 0.9}[curve] / (i + 1)
            try:
                run.log({"loss": loss})
            except cairn.sweeps.TrialStopped as exc:
                raised.append(exc)
                raise
            progress[curve] = i + 1
            time.sleep(CHECK)  # a training step as long as the agent's check interval
        run.finish()

    store = Store.local(store_dir)
    config = {
        "method": "grid",
        "metric": {"name": "loss", "goal": "minimize"},
        "early_terminate": {"type": "hyperband", "min_iter": 2, "eta": 2},
        "parameters": {"curve": {"values": ["good", "bad", "better"]}},
    }
    sweep = new_sweep(store, config, "hb-inproc")
    said: list[str] = []
    result = Agent(store_dir, sweep.id, function=train, check_every=CHECK, say=said.append).run()
    assert result.trials == 3 and result.reason == "the sweep is finished"
    assert progress["good"] == progress["better"] == 8  # the good ones ran to their end
    assert 2 <= progress["bad"] < 600  # the bad one was stopped at its next log
    good, bad, better = list_trials(store, sweep.id)
    assert (good.status, better.status) == ("finished", "finished")
    assert (good.run_state, better.run_state) == ("finished", "finished")
    assert bad.status == "stopped" and bad.note and "hyperband: at iteration" in bad.note
    (exc,) = raised
    assert str(exc) == f"sweep {sweep.id} stopped trial 1: {bad.note}"
    stored = store.run(bad.run_id)  # finished, not left running; as a stopped subprocess's run
    assert (stored.state, stored.exit_code, stored.error) == ("failed", 143, None)
    assert f"trial 1: stopped ({bad.note})" in said
    assert session.current() is None


def test_cancel_stops_an_in_process_trial_and_the_agent_ends(
    store_dir: Path, no_open_run: None
) -> None:
    logged = [0]

    def train() -> None:
        run = cairn.init()
        for _ in range(600):  # a minute, if never stopped
            run.log({"loss": 1.0})
            logged[0] += 1
            time.sleep(CHECK)
        run.finish()

    store = Store.local(store_dir)
    config = {"method": "random", "parameters": {"x": {"min": 0.0, "max": 1.0}}}
    sweep = new_sweep(store, config, "cancel-inproc")
    agent = Agent(store_dir, sweep.id, function=train, check_every=CHECK, say=lambda _: None)
    results: list[AgentResult] = []
    thread = threading.Thread(target=lambda: results.append(agent.run()))
    thread.start()
    wait_for(lambda: logged[0] > 0)  # the trial is under way
    change_state(store, sweep.id, "cancel")
    thread.join(60)
    assert not thread.is_alive()
    assert logged[0] < 600
    (result,) = results
    assert result.trials == 1 and result.reason == "the sweep is cancelled"
    (trial,) = list_trials(store, sweep.id)
    assert trial.status == "killed" and trial.note == "the sweep was cancelled"
    stored = store.run(trial.run_id)
    assert (stored.state, stored.exit_code) == ("failed", 143)
    assert session.current() is None
