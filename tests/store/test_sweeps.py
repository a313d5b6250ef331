"""Sweeps in the store: rows, state changes, and trials claimed once each."""

from __future__ import annotations

import time
from collections.abc import Sequence

import pytest
from sqlalchemy import update
from tests.store.conftest import MakeStore, at_once

from cairn.errors import ProjectNotFoundError, SweepNotFoundError, SweepStateError
from cairn.journal.records import RunFinish, RunStart
from cairn.store.schema import sweep_trials
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
def store(make_store: MakeStore) -> Store:
    return make_store()


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


# ---- trials whose agent died ------------------------------------------------------------


def start_run(store: Store, run_id: str, silent_for: float = 0.0) -> None:
    """Store a running run whose last heartbeat was ``silent_for`` seconds ago."""
    start = RunStart(
        seq=1, run_id=run_id, project="p", name=run_id, created_at=time.time() - silent_for
    )
    store.apply(run_id, [start])


@pytest.fixture
def short_timeout(make_store: MakeStore, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A store whose runs read crashed after 60 s without a heartbeat."""
    monkeypatch.setenv("CAIRN_HEARTBEAT_TIMEOUT", "60")
    return make_store()


def test_a_trial_whose_run_lost_its_heartbeat_reads_crashed_and_the_next_claim_proceeds(
    short_timeout: Store,
) -> None:
    store = short_timeout
    assert store.heartbeat_timeout == 60
    create_sweep(store, "s1", "p", "one", CONFIG, 7)
    claim_trial(store, "s1", "r0", "live-agent", counting)
    start_run(store, "r0")
    assert [(t.status, t.run_state) for t in list_trials(store, "s1")] == [("running", "running")]
    claim_trial(store, "s1", "r1", "dead-agent", counting)
    start_run(store, "r1", silent_for=600)  # its agent was killed (-9) ten minutes ago
    seen: list[str] = []

    def watching(sweep: SweepRow, trials: Sequence[TrialRow]) -> Proposal | None:
        seen.extend(t.status for t in trials)
        return counting(sweep, trials)

    claim = claim_trial(store, "s1", "r2", "live-agent", watching)
    assert claim.trial is not None and claim.trial.number == 2
    assert seen == ["running", "crashed"]  # the search sees the dead agent's trial as ended
    trials = list_trials(store, "s1")
    assert [(t.status, t.run_state) for t in trials[:2]] == [
        ("running", "running"),
        ("crashed", "crashed"),
    ]


def test_a_trial_whose_run_never_appeared_reads_crashed_once_its_claim_is_old(
    short_timeout: Store,
) -> None:
    store = short_timeout
    create_sweep(store, "s1", "p", "one", CONFIG, 7)
    claim_trial(store, "s1", "ghost", "dead-agent", counting)
    assert [(t.status, t.run_state) for t in list_trials(store, "s1")] == [("running", None)]
    with store._write() as conn:
        conn.execute(update(sweep_trials).values(claimed_at=time.time() - 600))
    assert [(t.status, t.run_state) for t in list_trials(store, "s1")] == [("crashed", None)]


def test_a_trial_whose_run_ended_long_ago_but_was_never_ended_reads_crashed(
    short_timeout: Store,
) -> None:
    """An agent killed alone leaves its subprocess trial running; that run then finishes."""
    store = short_timeout
    create_sweep(store, "s1", "p", "one", CONFIG, 7)
    for number, ended_ago in enumerate((600.0, 5.0)):
        run_id = f"r{number}"
        claim_trial(store, "s1", run_id, "agent", counting)
        start_run(store, run_id, silent_for=ended_ago + 10)
        store.apply(run_id, [RunFinish(seq=2, ts=time.time() - ended_ago, state="finished")])
    trials = list_trials(store, "s1")
    assert [(t.status, t.run_state) for t in trials] == [
        ("crashed", "finished"),
        ("running", "finished"),  # its agent is about to end it
    ]


def test_an_ended_trial_keeps_its_status_and_crashed_is_never_stored(
    short_timeout: Store,
) -> None:
    store = short_timeout
    create_sweep(store, "s1", "p", "one", CONFIG, 7)
    start_run(store, "r0", silent_for=600)
    claim_trial(store, "s1", "r0", "slow-agent", counting)
    assert list_trials(store, "s1")[0].status == "crashed"
    end_trial(store, "s1", 0, "failed", "it came back after all")
    assert list_trials(store, "s1")[0].status == "failed"
    with pytest.raises(ValueError, match="not 'crashed'"):
        end_trial(store, "s1", 0, "crashed")


def test_agents_claiming_at_once_on_many_connections_never_share_a_trial(store: Store) -> None:
    """The sweep row is locked (FOR UPDATE on PostgreSQL, the write lock on SQLite) while a claim
    reads the trials so far and adds one: 8 agents × 5 claims give trials 0..39, each once."""
    create_sweep(store, "s", "p", "s", CONFIG, seed=1)

    def up_to_40(sweep: SweepRow, trials: Sequence[TrialRow]) -> Proposal | None:
        assert len(trials) == sweep.trial_count
        return Proposal({"x": sweep.trial_count}) if sweep.trial_count < 40 else None

    def agent(mine: Store, i: int) -> list[int]:
        claims = [claim_trial(mine, "s", f"a{i}-{n}", f"agent{i}", up_to_40) for n in range(5)]
        return [c.trial.number for c in claims if c.trial]

    got = at_once(store, agent)
    numbers = sorted(n for claimed in got for n in claimed)  # type: ignore[attr-defined]
    assert numbers == list(range(40))
    trials = list_trials(store, "s")
    assert sorted(t.number for t in trials) == list(range(40))
    assert all(t.params == {"x": t.number} for t in trials)
