"""Create, list and control sweeps where they live: on the team server when one is
configured (``cairn login``, ``$CAIRN_URL``: the rule ``cairn agent`` follows), else in the local
store. On a server, agents name the sweep ``PROJECT/SWEEP_ID``; locally, ``SWEEP_ID``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cairn.server_client import login_client, ok
from cairn.server_login import Login
from cairn.store.store import Store
from cairn.store.sweeps import change_state, list_sweeps, list_trials
from cairn.sweeps.config import load_sweep_config, read_sweep_file
from cairn.sweeps.controller import new_sweep, sweep_project
from cairn.sweeps.results import best_trial
from cairn.sweeps.source import server_sweep_path

ACTIONS = ("pause", "resume", "stop", "cancel")


@dataclass(frozen=True)
class SweepMade:
    """A sweep just created, and where."""

    id: str
    project: str
    method: str
    server: str | None
    """The team server's URL; None: the local store."""

    @property
    def ref(self) -> str:
        """What ``cairn agent`` takes: ``PROJECT/SWEEP_ID`` on a server, ``SWEEP_ID`` locally."""
        return self.id if self.server is None else f"{self.project}/{self.id}"


def create_sweep(
    source: Mapping[str, Any] | str | Path, project: str | None, where: Login | Path
) -> SweepMade:
    """Validate a sweep config (a dict or a YAML path) and create the sweep ``where``: on a
    login's server (which validates it again), or in the local store folder."""
    raw = read_sweep_file(source) if isinstance(source, (str, Path)) else source
    if isinstance(where, Path):
        store = Store.local(where)
        try:
            row = new_sweep(store, raw, project)
        finally:
            store.close()
        return SweepMade(row.id, row.project, row.method, None)
    project = sweep_project(load_sweep_config(raw), project)
    with login_client(where) as client:
        made = ok(client.post(f"/projects/{quote(project, safe='')}/sweeps", json=dict(raw)))
    body = made.json()
    return SweepMade(body["id"], body["project"], body["method"], where.url)


@dataclass(frozen=True)
class SweepListed:
    """A sweep as ``cairn sweep ls`` shows it."""

    id: str
    project: str
    name: str
    state: str
    method: str
    trials: int
    metric: str | None
    """``loss (min)``: the metric and its goal; None without a metric."""
    best: float | None
    created_at: float


def _metric(name: str, goal: str) -> str:
    return f"{name} ({goal[:3]})"


def list_sweeps_at(where: Login | Path, project: str | None) -> list[SweepListed]:
    """The sweeps of ``project``, else of every project (on a server: that the caller may
    read), newest first."""
    if isinstance(where, Path):
        store = Store.local(where)
        try:
            out = []
            for row in list_sweeps(store, project):
                config = load_sweep_config(row.config)
                best = best_trial(config, list_trials(store, row.id))
                metric = config.metric
                out.append(
                    SweepListed(
                        row.id,
                        row.project,
                        row.name,
                        row.state,
                        row.method,
                        row.trial_count,
                        None if metric is None else _metric(metric.name, metric.goal),
                        None if best is None else best[1],
                        row.created_at,
                    )
                )
            return out
        finally:
            store.close()
    found = []
    with login_client(where) as client:
        names = [project] if project else [p["name"] for p in ok(client.get("/projects")).json()]
        for name in names:
            found += ok(client.get(f"/projects/{quote(name, safe='')}/sweeps")).json()
    listed = [
        SweepListed(
            s["id"],
            s["project"],
            s["name"],
            s["state"],
            s["method"],
            s["trial_count"],
            None if s["metric"] is None else _metric(s["metric"]["name"], s["metric"]["goal"]),
            None if s["best"] is None else s["best"]["value"],
            s["created_at"],
        )
        for s in found
    ]
    return sorted(listed, key=lambda s: s.created_at, reverse=True)


def change_sweep_state(ref: str, action: str, where: Login | Path) -> str:
    """Pause, resume, stop or cancel the sweep ``ref`` names ``where`` (``PROJECT/SWEEP_ID``
    on a server); its new state. SweepStateError (ServerError 409 on a server) when its state
    does not allow the action."""
    if action not in ACTIONS:
        raise ValueError(f"{action!r} is not one of {', '.join(ACTIONS)}")
    if isinstance(where, Path):
        store = Store.local(where)
        try:
            return change_state(store, ref.rpartition("/")[2], action).state
        finally:
            store.close()
    with login_client(where) as client:
        done = ok(client.post(f"{server_sweep_path(ref)}/state", json={"action": action}))
    return str(done.json()["state"])
