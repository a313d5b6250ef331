"""Sweeps in the store: rows, state changes, and trials claimed once each."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from cairn.errors import ProjectNotFoundError, SweepNotFoundError, SweepStateError
from cairn.store.store import Store
from cairn.store.sweeps import (
    Proposal,
    SweepRow,
    TrialRow,
    change_state,
    claim_trial,
    create_sweep,
    end_trial,
    get_sweep,
    list_sweeps,
    list_trials,
)

CONFIG = {"method": "random", "parameters": {"x": {"values": [1, 2]}}}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.local(tmp_path / ".cairn")


def counting(sweep: SweepRow, trials: Sequence[TrialRow]) -> Proposal | None:
    assert len(trials) == sweep.trial_count  # the search sees every trial claimed so far
    return Proposal({"x": sweep.trial_count}) if sweep.trial_count < 3 else None


def test_create_get_and_list(store: Store) -> None:
    made = create_sweep(store, "s1", "proj", "first", CONFIG, seed=7)
    assert made == get_sweep(store, "s1")
    assert (made.project, made.name, made.method, made.state) == (
        "proj",
        "first",
        "random",
        "running",
    )
    assert made.config == CONFIG and made.seed == 7 and made.trial_count == 0
    create_sweep(store, "s2", "proj", "second", CONFIG, seed=8)
    create_sweep(store, "s3", "other", "third", CONFIG, seed=9)
    assert [s.id for s in list_sweeps(store, "proj")] == ["s2", "s1"]
    assert len(list_sweeps(store)) == 3
    with pytest.raises(SweepNotFoundError, match="cairn sweep ls"):
        get_sweep(store, "nope")
    with pytest.raises(ProjectNotFoundError):
        list_sweeps(store, "nope")


def test_claims_number_trials_and_a_done_search_finishes_the_sweep(store: Store) -> None:
    create_sweep(store, "s", "p", "s", CONFIG, seed=1)
    claims = [claim_trial(store, "s", f"run{i}", "agent", counting) for i in range(4)]
    assert [c.trial.number if c.trial else None for c in claims] == [0, 1, 2, None]
    assert claims[3].state == "finished" and get_sweep(store, "s").state == "finished"
    trials = list_trials(store, "s")
    assert [(t.number, t.params, t.run_id, t.status) for t in trials] == [
        (i, {"x": i}, f"run{i}", "running") for i in range(3)
    ]
    assert trials[0].run_state is None and trials[0].summary == {}  # no run in the store yet
    end_trial(store, "s", 1, "stopped", "hyperband")
    ended = list_trials(store, "s")[1]
    assert ended.status == "stopped" and ended.note == "hyperband" and ended.ended_at
    with pytest.raises(ValueError, match="not 'running'"):
        end_trial(store, "s", 1, "running")


def test_a_paused_sweep_hands_out_nothing_until_resumed(store: Store) -> None:
    create_sweep(store, "s", "p", "s", CONFIG, seed=1)
    assert change_state(store, "s", "pause").state == "paused"
    claim = claim_trial(store, "s", "r", "a", counting)
    assert claim.trial is None and claim.state == "paused"
    assert change_state(store, "s", "resume").state == "running"
    assert claim_trial(store, "s", "r", "a", counting).trial is not None


@pytest.mark.parametrize(
    ("path", "action", "state"),
    [
        ([], "resume", "running"),
        (["stop"], "resume", "stopped"),
        (["stop"], "pause", "stopped"),
        (["cancel"], "cancel", "cancelled"),
        (["cancel"], "stop", "cancelled"),
    ],
)
def test_impossible_transitions_say_why(
    store: Store, path: list[str], action: str, state: str
) -> None:
    create_sweep(store, "s", "p", "s", CONFIG, seed=1)
    for step in path:
        change_state(store, "s", step)
    with pytest.raises(SweepStateError, match=f"cannot {action} sweep s: it is {state}"):
        change_state(store, "s", action)


def test_possible_transitions(store: Store) -> None:
    create_sweep(store, "s", "p", "s", CONFIG, seed=1)
    states = [change_state(store, "s", a).state for a in ("pause", "resume", "stop", "cancel")]
    assert states == ["paused", "running", "stopped", "cancelled"]
    with pytest.raises(SweepNotFoundError):
        change_state(store, "missing", "pause")
    with pytest.raises(ValueError, match="unknown action"):
        change_state(store, "s", "explode")
