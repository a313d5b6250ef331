"""Create a sweep and change its state where it lives: on the team server when one is
configured (``cairn login``, ``$CAIRN_URL``: the rule ``cairn agent`` follows), else in the local
store. On a server, agents name the sweep ``PROJECT/SWEEP_ID``; locally, ``SWEEP_ID``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cairn.server_client import ServerError, login_client, ok
from cairn.server_login import Login
from cairn.store.store import Store
from cairn.store.sweeps import change_state
from cairn.sweeps.config import load_sweep_config, read_sweep_file
from cairn.sweeps.controller import new_sweep, sweep_project
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
    body = _post(where, f"/projects/{quote(project, safe='')}/sweeps", dict(raw))
    return SweepMade(body["id"], body["project"], body["method"], where.url)


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
    return str(_post(where, f"{server_sweep_path(ref)}/state", {"action": action})["state"])


def _post(login: Login, path: str, body: dict[str, Any]) -> Any:
    """The team server's JSON answer; ServerError when it refuses or cannot be reached."""
    import httpx

    try:
        with login_client(login) as client:
            return ok(client.post(path, json=body)).json()
    except httpx.HTTPError as exc:
        raise ServerError(f"cannot reach {login.url}: {exc}") from None
