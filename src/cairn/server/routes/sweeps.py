"""``/projects/{project}/sweeps``: a project's sweeps, creating one, one sweep with its trials,
its runs, pause / resume / stop / cancel, and claiming a trial (agents on other machines)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from cairn.errors import ConfigError, SweepNotFoundError
from cairn.server.auth.access import found_if_new
from cairn.server.deps import StoreDep
from cairn.server.routes.runs import list_runs
from cairn.server.schemas import ApiError, JsonObject, RequestBody, RunPage
from cairn.store import Store
from cairn.store.jsonsafe import encode_nonfinite
from cairn.store.sweeps import SweepRow, TrialRow, change_state, get_sweep, list_sweeps, list_trials
from cairn.sweeps.config import SweepConfig, load_sweep_config
from cairn.sweeps.results import best_trial, trial_value
from cairn.sweeps.search import grid_size

router = APIRouter(tags=["sweeps"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ApiError}}
BAD_CONFIG: dict[int | str, dict[str, Any]] = {400: {"model": ApiError}}
CONFLICT: dict[int | str, dict[str, Any]] = {409: {"model": ApiError}, **NOT_FOUND}


class SweepMetric(BaseModel):
    name: str
    goal: str = Field(description="minimize or maximize")
    target: float | None


class SweepBest(BaseModel):
    run_id: str
    trial: int
    value: float
    params: JsonObject


class Sweep(BaseModel):
    """A sweep as the sweeps list shows it."""

    id: str
    project: str
    name: str
    method: str = Field(description="grid, random or bayes")
    state: str = Field(description="running, paused, stopped, cancelled or finished")
    created_at: float
    updated_at: float
    metric: SweepMetric | None
    run_cap: int | None
    grid_size: int | None = Field(description="grid: how many trials the grid has")
    trial_count: int
    counts: dict[str, int] = Field(
        description="trials by status: running, finished, failed, stopped, killed, crashed"
    )
    best: SweepBest | None


class Trial(BaseModel):
    number: int
    run_id: str
    status: str = Field(
        description="running, finished, failed, stopped (early), killed (the sweep was cancelled) or "
        "crashed (its agent died: its run lost its heartbeat, or never appeared)",
    )
    run_state: str | None = Field(description="the run's state; null before it reached the store")
    params: JsonObject
    value: float | None = Field(description="the run's summary value of the sweep's metric")
    agent: str
    claimed_at: float
    ended_at: float | None
    note: str | None
    summary: JsonObject = Field(
        default_factory=dict, description="the run's summary ({} before it reached the store)"
    )


class SweepDetail(Sweep):
    config: JsonObject = Field(description="the sweep config as given (W&B's schema)")
    seed: int = Field(0, description="the seed of the sweep's search")
    trials: list[Trial]


class SweepAction(RequestBody):
    action: Literal["pause", "resume", "stop", "cancel"]


class ClaimRequest(RequestBody):
    agent: str = Field(min_length=1, max_length=200, description="Who claims, e.g. host:pid")


class ClaimedTrial(BaseModel):
    number: int
    run_id: str = Field(description="The id the trial's run must log under")
    params: JsonObject


class ClaimResult(BaseModel):
    trial: ClaimedTrial | None = Field(description="None: no trial now; state says why")
    state: str


def _sweep(project: str, sweep_id: str, store: Store) -> SweepRow:
    row = get_sweep(store, sweep_id)
    if row.project != project:
        raise SweepNotFoundError(f"no sweep {sweep_id!r} in project {project!r}")
    return row


def _summary(row: SweepRow, config: SweepConfig, trials: list[TrialRow]) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for trial in trials:
        counts[trial.status] = counts.get(trial.status, 0) + 1
    best = best_trial(config, trials)
    metric = config.metric
    return {
        "id": row.id,
        "project": row.project,
        "name": row.name,
        "method": row.method,
        "state": row.state,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "metric": None
        if metric is None
        else {"name": metric.name, "goal": metric.goal, "target": metric.target},
        "run_cap": config.run_cap,
        "grid_size": grid_size(config.parameters) if config.method == "grid" else None,
        "trial_count": row.trial_count,
        "counts": counts,
        "best": None
        if best is None
        else {
            "run_id": best[0].run_id,
            "trial": best[0].number,
            "value": best[1],
            "params": encode_nonfinite(best[0].params),
        },
    }


def _detail(row: SweepRow, store: Store) -> dict[str, Any]:
    config = load_sweep_config(row.config)
    trials = list_trials(store, row.id)
    return {
        **_summary(row, config, trials),
        "config": encode_nonfinite(row.config),
        "seed": row.seed,
        "trials": [
            {
                "number": t.number,
                "run_id": t.run_id,
                "status": t.status,
                "run_state": t.run_state,
                "params": encode_nonfinite(t.params),
                "value": trial_value(config, t),
                "agent": t.agent,
                "claimed_at": t.claimed_at,
                "ended_at": t.ended_at,
                "note": t.note,
                "summary": encode_nonfinite(t.summary),
            }
            for t in trials
        ],
    }


@router.get("/projects/{project}/sweeps", response_model=list[Sweep], responses=NOT_FOUND)
def sweeps_of_project(project: str, store: StoreDep) -> list[dict[str, Any]]:
    """The project's sweeps, newest first, each with its trial counts and best value."""
    store.project(project)
    out = []
    for row in list_sweeps(store, project):
        config = load_sweep_config(row.config)
        out.append(_summary(row, config, list_trials(store, row.id)))
    return out


@router.post(
    "/projects/{project}/sweeps", response_model=Sweep, status_code=201, responses=BAD_CONFIG
)
def create(
    project: str,
    request: Request,
    store: StoreDep,
    config: Annotated[
        JsonObject, Body(description="the sweep config, as `cairn sweep create` reads its YAML")
    ],
) -> dict[str, Any]:
    """Create a sweep in the project (made if new, as a run's first log makes it), ready for
    ``cairn agent PROJECT/ID``; 400 naming the problem when the config is not valid."""
    from cairn.sweeps.controller import new_sweep  # numpy: only when a sweep is made

    try:
        load_sweep_config(config)  # a refused config makes no project
        found_if_new(request)
        row = new_sweep(store, config, project)
    except ConfigError as exc:
        raise HTTPException(400, f"sweep config: {exc}") from None
    return _summary(row, load_sweep_config(row.config), [])


@router.get(
    "/projects/{project}/sweeps/{sweep_id}", response_model=SweepDetail, responses=NOT_FOUND
)
def get_one(project: str, sweep_id: str, store: StoreDep) -> dict[str, Any]:
    """One sweep: state, config, trial counts, best trial, and every trial with its value."""
    return _detail(_sweep(project, sweep_id, store), store)


@router.get(
    "/projects/{project}/sweeps/{sweep_id}/runs", response_model=RunPage, responses=NOT_FOUND
)
def sweep_runs(
    project: str,
    sweep_id: str,
    store: StoreDep,
    order: Annotated[str | None, Query(description="e.g. summary.loss")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    columns: Annotated[str | None, Query(description="config.<path>,summary.<key>,...")] = None,
) -> dict[str, Any]:
    """The runs of the sweep's trials: the runs listing, limited to ``sweep_id``."""
    row = _sweep(project, sweep_id, store)
    return list_runs(
        project,
        store,
        filter=f'sweep_id == "{row.id}"',
        order=order,
        search=None,
        limit=limit,
        offset=offset,
        columns=columns,
    )


@router.post(
    "/projects/{project}/sweeps/{sweep_id}/state", response_model=SweepDetail, responses=CONFLICT
)
def act(project: str, sweep_id: str, body: SweepAction, store: StoreDep) -> dict[str, Any]:
    """Pause, resume, stop or cancel the sweep; 409 when its state does not allow it (resume a
    stopped sweep, pause a finished one)."""
    _sweep(project, sweep_id, store)
    return _detail(change_state(store, sweep_id, body.action), store)


@router.post(
    "/projects/{project}/sweeps/{sweep_id}/claim", response_model=ClaimResult, responses=NOT_FOUND
)
def claim(project: str, sweep_id: str, body: ClaimRequest, store: StoreDep) -> dict[str, Any]:
    """Claim the sweep's next trial for an agent: each trial goes to exactly one claim, whichever
    server process or machine it comes through (one database transaction chooses it)."""
    # Loaded here: the search (numpy, Optuna for bayes) only on a claim.
    from cairn.names import new_run_id
    from cairn.store.sweeps import claim_trial
    from cairn.sweeps.controller import next_trial

    _sweep(project, sweep_id, store)
    got = claim_trial(store, sweep_id, new_run_id(), body.agent, next_trial)
    trial = got.trial
    return {
        "trial": None
        if trial is None
        else {"number": trial.number, "run_id": trial.run_id, "params": trial.params},
        "state": got.state,
    }


class TrialEnd(RequestBody):
    status: Literal["finished", "failed", "stopped", "killed"]
    note: str | None = Field(default=None, max_length=100_000)


class Verdict(BaseModel):
    verdict: Literal["killed", "stopped"] | None = Field(
        description="None: the trial goes on; killed: the sweep was cancelled; stopped: "
        "Hyperband stops it"
    )
    reason: str | None


@router.post(
    "/projects/{project}/sweeps/{sweep_id}/trials/{number}/end",
    status_code=204,
    response_class=Response,
    responses=NOT_FOUND,
)
def end(project: str, sweep_id: str, number: int, body: TrialEnd, store: StoreDep) -> Response:
    """Record how a claimed trial ended (an agent on another machine reports it)."""
    from cairn.store.sweeps import end_trial

    _sweep(project, sweep_id, store)
    if not any(t.number == number for t in list_trials(store, sweep_id)):
        raise HTTPException(404, f"sweep {sweep_id} has no trial {number}")
    end_trial(store, sweep_id, number, body.status, body.note)
    return Response(status_code=204)


@router.get(
    "/projects/{project}/sweeps/{sweep_id}/verdict/{run_id}",
    response_model=Verdict,
    responses=NOT_FOUND,
)
def verdict(project: str, sweep_id: str, run_id: str, store: StoreDep) -> dict[str, Any]:
    """Whether the running trial of ``run_id`` should stop: the sweep was cancelled, or
    Hyperband's rule stops it now (agents ask every few seconds)."""
    from cairn.sweeps.source import sweep_verdict

    _sweep(project, sweep_id, store)
    found = sweep_verdict(store, sweep_id, run_id)
    return (
        {"verdict": None, "reason": None}
        if found is None
        else {
            "verdict": found[0],
            "reason": found[1],
        }
    )
