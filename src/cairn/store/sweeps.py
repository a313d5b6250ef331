"""Sweeps in the store: the sweep rows, their trials, and claiming the next trial atomically.

Claiming happens inside ONE write transaction that first locks the sweep's row (SQLite: the
``BEGIN IMMEDIATE`` every write starts with; PostgreSQL: ``SELECT ... FOR UPDATE``), so however
many agents claim at once, each trial number (and each grid point) is handed out exactly once.
What the next trial is, the caller decides (``cairn.sweeps`` holds the search): the store knows
rows and transactions, not search strategies.

A trial whose agent died (kill -9, machine lost) is ``crashed``, derived on read like a run's state
(``Store.state_column``): a ``running`` trial whose run reads crashed (no heartbeat for
``Store.heartbeat_timeout``), whose run never reached the store though it was claimed longer ago
than that timeout, or whose run ended longer ago than that (an agent killed alone leaves its
subprocess trial running; nobody then records how the trial ended). Nothing is written, so no job
must run to settle it and no agent must notice; every reader (the claim's ``propose``, the Python
and HTTP APIs, the dashboard) sees the same status. A crashed trial is not retried: its number,
and so its grid point, stays used, as a failed trial's does. If its agent was alive after all and
ends it, the stored status wins again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert, select, update

from cairn.errors import ProjectNotFoundError, SweepNotFoundError, SweepStateError
from cairn.store.schema import projects, runs, sweep_trials, sweeps

if TYPE_CHECKING:
    from cairn.store.store import Store

STATES = ("running", "paused", "stopped", "cancelled", "finished")
"""running: trials are handed out; paused: none for now; stopped: none again, running trials
finish; cancelled: none again and running trials are killed; finished: the search is done."""
TRIAL_STATUSES = ("running", "finished", "failed", "stopped", "killed", "crashed")
"""stopped: early termination ended it; killed: the sweep was cancelled while it ran; crashed: its
agent died while it ran (derived on read, never stored: see the module docstring)."""
ENDINGS = ("finished", "failed", "stopped", "killed")
"""The statuses ``end_trial`` stores."""
ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "pause": (("running",), "paused"),
    "resume": (("paused",), "running"),
    "stop": (("running", "paused"), "stopped"),
    "cancel": (("running", "paused", "stopped", "finished"), "cancelled"),
}
"""action → (the states it applies to, the state it leads to)."""


@dataclass(frozen=True)
class SweepRow:
    id: str
    project: str
    name: str
    method: str
    state: str
    config: dict[str, Any]
    """The sweep config as given, in W&B's schema."""
    seed: int
    trial_count: int
    """How many trials were claimed: the next trial's number."""
    created_at: float
    updated_at: float


@dataclass(frozen=True)
class TrialRow:
    sweep_id: str
    number: int
    run_id: str
    params: dict[str, Any]
    status: str
    agent: str
    claimed_at: float
    ended_at: float | None = None
    note: str | None = None
    suggestion: dict[str, Any] | None = None
    """bayes: Optuna's internal values of the parameters, to tell the result back."""
    run_state: str | None = None
    """The state of the trial's run, or None before the run reached the store."""
    summary: dict[str, Any] = field(default_factory=dict)
    """The run's summary ({} before it reached the store)."""


@dataclass(frozen=True)
class Proposal:
    """The next trial's parameters, from the search."""

    params: dict[str, Any]
    suggestion: dict[str, Any] | None = None


@dataclass(frozen=True)
class Claim:
    """What a claim got: a trial, or None with the sweep's state saying why not."""

    trial: TrialRow | None
    state: str


Propose = Callable[[SweepRow, Sequence[TrialRow]], Proposal | None]
"""Given the sweep and its trials so far, the next trial; None when the search is done."""


def create_sweep(
    store: Store, sweep_id: str, project: str, name: str, config: dict[str, Any], seed: int
) -> SweepRow:
    """Store a new sweep in ``project`` (created if new), in state running."""
    now = time.time()
    with store._write() as conn:
        project_id = conn.execute(select(projects.c.id).where(projects.c.name == project)).scalar()
        if project_id is None:
            result = conn.execute(
                insert(projects).values(name=project, created_at=now, run_counter=0)
            )
            key = result.inserted_primary_key
            assert key is not None
            project_id = key[0]
        conn.execute(
            insert(sweeps).values(
                id=sweep_id,
                project_id=project_id,
                name=name,
                method=str(config["method"]),
                state="running",
                config=config,
                seed=seed,
                trial_count=0,
                created_at=now,
                updated_at=now,
            )
        )
    return get_sweep(store, sweep_id)


def _select() -> Any:
    return select(sweeps, projects.c.name.label("project")).select_from(
        sweeps.join(projects, projects.c.id == sweeps.c.project_id)
    )


def _row(r: Any) -> SweepRow:
    return SweepRow(
        id=r.id,
        project=r.project,
        name=r.name,
        method=r.method,
        state=r.state,
        config=dict(r.config),
        seed=int(r.seed),
        trial_count=int(r.trial_count),
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


def _missing(sweep_id: str) -> SweepNotFoundError:
    return SweepNotFoundError(f"no sweep with id {sweep_id!r}: `cairn sweep ls` lists the sweeps")


def get_sweep(store: Store, sweep_id: str) -> SweepRow:
    """One sweep by id; raises SweepNotFoundError."""
    with store._read() as conn:
        found = conn.execute(_select().where(sweeps.c.id == sweep_id)).first()
    if found is None:
        raise _missing(sweep_id)
    return _row(found)


def list_sweeps(store: Store, project: str | None = None) -> list[SweepRow]:
    """The sweeps of ``project`` (of every project when None), newest first."""
    query = _select().order_by(sweeps.c.created_at.desc(), sweeps.c.id)
    if project is not None:
        with store._read() as conn:
            known = conn.execute(select(projects.c.id).where(projects.c.name == project)).first()
        if known is None:
            raise ProjectNotFoundError(f"no project named {project!r}")
        query = query.where(projects.c.name == project)
    with store._read() as conn:
        return [_row(r) for r in conn.execute(query)]


def _status(r: Any, cutoff: float) -> str:
    """The trial's status as read: a running trial whose agent died reads crashed."""
    if r.status != "running":
        return str(r.status)
    if r.run_state is None:
        lost = r.claimed_at < cutoff
    else:  # the run crashed, or it ended so long ago that its agent should have ended the trial
        lost = r.run_state == "crashed" or (r.finished_at is not None and r.finished_at < cutoff)
    return "crashed" if lost else "running"


def _trials(store: Store, conn: Connection, sweep_id: str) -> list[TrialRow]:
    now = time.time()
    cutoff = now - store.heartbeat_timeout
    query = (
        select(
            sweep_trials,
            store.state_column(now).label("run_state"),
            runs.c.summary,
            runs.c.finished_at,
        )
        .select_from(sweep_trials.outerjoin(runs, runs.c.id == sweep_trials.c.run_id))
        .where(sweep_trials.c.sweep_id == sweep_id)
        .order_by(sweep_trials.c.number)
    )
    return [
        TrialRow(
            sweep_id=r.sweep_id,
            number=r.number,
            run_id=r.run_id,
            params=dict(r.params),
            status=_status(r, cutoff),
            agent=r.agent,
            claimed_at=r.claimed_at,
            ended_at=r.ended_at,
            note=r.note,
            suggestion=dict(r.suggestion) if r.suggestion is not None else None,
            run_state=r.run_state,
            summary=dict(r.summary) if r.summary is not None else {},
        )
        for r in conn.execute(query)
    ]


def list_trials(store: Store, sweep_id: str) -> list[TrialRow]:
    """A sweep's trials in claim order, each with its run's state (crashed when its heartbeat
    stopped) and summary, and its status as read (crashed when its agent died)."""
    get_sweep(store, sweep_id)
    with store._read() as conn:
        return _trials(store, conn, sweep_id)


def change_state(store: Store, sweep_id: str, action: str) -> SweepRow:
    """Pause, resume, stop or cancel a sweep; SweepStateError when its state does not allow it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}: use one of {', '.join(ACTIONS)}")
    allowed, target = ACTIONS[action]
    with store._write() as conn:
        found = conn.execute(
            select(sweeps.c.state).where(sweeps.c.id == sweep_id).with_for_update()
        ).first()
        if found is None:
            raise _missing(sweep_id)
        if found.state not in allowed:
            raise SweepStateError(
                f"cannot {action} sweep {sweep_id}: it is {found.state}, and {action} applies to "
                f"a sweep that is {' or '.join(allowed)}"
            )
        conn.execute(
            update(sweeps)
            .where(sweeps.c.id == sweep_id)
            .values(state=target, updated_at=time.time())
        )
    return get_sweep(store, sweep_id)


def claim_trial(store: Store, sweep_id: str, run_id: str, agent: str, propose: Propose) -> Claim:
    """Claim the sweep's next trial for ``agent`` in one transaction (see the module docstring).

    A sweep that is not running gives no trial; a search that ``propose`` says is done marks the
    sweep finished. ``propose`` sees crashed trials as crashed (ended, like failed ones).
    """
    with store._write() as conn:
        found = conn.execute(_select().where(sweeps.c.id == sweep_id).with_for_update()).first()
        if found is None:
            raise _missing(sweep_id)
        sweep = _row(found)
        if sweep.state != "running":
            return Claim(None, sweep.state)
        proposal = propose(sweep, _trials(store, conn, sweep_id))
        now = time.time()
        if proposal is None:
            conn.execute(
                update(sweeps)
                .where(sweeps.c.id == sweep_id)
                .values(state="finished", updated_at=now)
            )
            return Claim(None, "finished")
        trial = TrialRow(
            sweep_id=sweep_id,
            number=sweep.trial_count,
            run_id=run_id,
            params=proposal.params,
            suggestion=proposal.suggestion,
            status="running",
            agent=agent,
            claimed_at=now,
        )
        conn.execute(
            insert(sweep_trials).values(
                sweep_id=sweep_id,
                number=trial.number,
                run_id=run_id,
                params=trial.params,
                suggestion=trial.suggestion,
                status="running",
                agent=agent,
                claimed_at=now,
            )
        )
        conn.execute(
            update(sweeps)
            .where(sweeps.c.id == sweep_id)
            .values(trial_count=sweep.trial_count + 1, updated_at=now)
        )
        return Claim(trial, "running")


def end_trial(
    store: Store, sweep_id: str, number: int, status: str, note: str | None = None
) -> None:
    """Record how a trial ended: finished, failed, stopped (early) or killed (cancelled)."""
    if status not in ENDINGS:
        raise ValueError(f"a trial ends {', '.join(ENDINGS)}, not {status!r}")
    with store._write() as conn:
        conn.execute(
            update(sweep_trials)
            .where((sweep_trials.c.sweep_id == sweep_id) & (sweep_trials.c.number == number))
            .values(status=status, ended_at=time.time(), note=note)
        )
