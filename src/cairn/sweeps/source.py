"""Where an agent gets its sweep's trials and reports how they ended: the local store, or a team
server over HTTP (``cairn login`` / ``$CAIRN_URL``), so agents on many machines share a sweep.

On a server, each claim is one request, and the server chooses the trial in one database
transaction (``POST .../claim``): two agents, on any machines and through any server processes,
never get the same trial.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from cairn.errors import UsageError
from cairn.server_client import ServerError, login_client, message, ok
from cairn.server_login import Login

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True)
class SweepInfo:
    id: str
    project: str
    config: dict[str, Any]


@dataclass(frozen=True)
class Trial:
    number: int
    run_id: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Claimed:
    trial: Trial | None
    state: str
    """The sweep's state: why there is no trial (paused, finished, stopped, cancelled)."""


class SweepSource(Protocol):
    sweep: SweepInfo

    def claim(self, run_id: str, agent: str) -> Claimed: ...

    def end(self, number: int, status: str, note: str | None) -> None: ...

    def verdict(self, run_id: str) -> tuple[str, str] | None:
        """``("killed", why)`` for a cancelled sweep, ``("stopped", why)`` when Hyperband stops
        the trial's run, else None."""
        ...

    def has_run(self, run_id: str) -> bool: ...

    def close(self) -> None: ...


class LocalSweep:
    """A sweep of the local store."""

    def __init__(self, store_dir: Path, sweep_id: str) -> None:
        from cairn.store.store import Store
        from cairn.store.sweeps import get_sweep

        self.store = Store.local(store_dir)
        row = get_sweep(self.store, sweep_id)
        self.sweep = SweepInfo(row.id, row.project, row.config)

    def claim(self, run_id: str, agent: str) -> Claimed:
        from cairn.store.sweeps import claim_trial
        from cairn.sweeps.controller import next_trial

        got = claim_trial(self.store, self.sweep.id, run_id, agent, next_trial)
        trial = got.trial
        return Claimed(
            None if trial is None else Trial(trial.number, trial.run_id, trial.params), got.state
        )

    def end(self, number: int, status: str, note: str | None) -> None:
        from cairn.store.sweeps import end_trial

        end_trial(self.store, self.sweep.id, number, status, note)

    def verdict(self, run_id: str) -> tuple[str, str] | None:
        return sweep_verdict(self.store, self.sweep.id, run_id)

    def has_run(self, run_id: str) -> bool:
        return bool(self.store.runs(ids=[run_id]))

    def close(self) -> None:
        self.store.close()


def sweep_verdict(store: Any, sweep_id: str, run_id: str) -> tuple[str, str] | None:
    """What should happen to the running trial of ``run_id`` (see ``SweepSource.verdict``)."""
    from cairn.store.sweeps import get_sweep
    from cairn.sweeps.controller import trials_to_stop

    sweep = get_sweep(store, sweep_id)
    if sweep.state == "cancelled":
        return "killed", "the sweep was cancelled"
    reason = trials_to_stop(store, sweep).get(run_id)
    return None if reason is None else ("stopped", reason)


OUTAGE_SECONDS = 600.0
"""How long an agent waits for a team server that does not answer (down, restarting, or
answering 5xx) before it stops; the trial in hand goes on meanwhile."""


class ServerSweep:
    """A sweep of a team server, named ``PROJECT/SWEEP_ID``. A server that does not answer is
    waited for (``OUTAGE_SECONDS``, with back-off), so that a server restarted while agents run
    on many machines does not stop them."""

    def __init__(self, login: Login, ref: str) -> None:
        self.base = server_sweep_path(ref)
        self.url = login.url
        self.client = login_client(login, timeout=60)
        detail = ok(self._request("GET", self.base)).json()
        self.sweep = SweepInfo(detail["id"], detail["project"], detail["config"])
        self.project = detail["project"]

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The server's answer, once it gives one that is not 5xx or 429. A claim sent again
        after its answer was lost leaves the first trial without an agent: it reads crashed,
        as any trial whose agent died."""
        import httpx

        waited, delay, told = 0.0, 1.0, False
        while True:
            try:
                response = self.client.request(method, path, **kwargs)
                if response.status_code < 500 and response.status_code != 429:
                    return response
                why = message(response)
            except httpx.TransportError as exc:
                why = f"{type(exc).__name__}: {exc}"
            if waited >= OUTAGE_SECONDS:
                raise ServerError(f"{self.url} did not answer for {waited:.0f} s ({why})")
            if not told:
                print(
                    f"cairn agent: {self.url} did not answer ({why}); trying again for up to "
                    f"{OUTAGE_SECONDS:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
                told = True
            time.sleep(delay)
            waited += delay
            delay = min(delay * 2, 30.0)

    def claim(self, run_id: str, agent: str) -> Claimed:
        # the server names the trial's run; ``run_id`` is this side's proposal, unused
        got = ok(self._request("POST", f"{self.base}/claim", json={"agent": agent})).json()
        trial = got["trial"]
        return Claimed(
            None if trial is None else Trial(trial["number"], trial["run_id"], trial["params"]),
            got["state"],
        )

    def end(self, number: int, status: str, note: str | None) -> None:
        body = {"status": status, "note": note}
        ok(self._request("POST", f"{self.base}/trials/{number}/end", json=body))

    def verdict(self, run_id: str) -> tuple[str, str] | None:
        got = ok(self._request("GET", f"{self.base}/verdict/{quote(run_id, safe='')}")).json()
        return None if got["verdict"] is None else (got["verdict"], got["reason"])

    def has_run(self, run_id: str) -> bool:
        path = f"/projects/{quote(self.project, safe='')}/runs/{quote(run_id, safe='')}"
        response = self._request("GET", path)
        if response.status_code == 404:
            return False
        ok(response)
        return True

    def close(self) -> None:
        self.client.close()


def server_sweep_path(ref: str) -> str:
    """The API path of the team server's sweep ``PROJECT/SWEEP_ID``."""
    project, _, sweep_id = ref.rpartition("/")
    if not project:
        raise UsageError(
            f"{ref!r}: on a team server, name the sweep as PROJECT/SWEEP_ID "
            "(`cairn sweep create` prints it, and the sweep page shows both)"
        )
    return f"/projects/{quote(project, safe='')}/sweeps/{quote(sweep_id, safe='')}"


def open_sweep(store_dir: Path, ref: str) -> SweepSource:
    """The sweep ``ref`` names: on the team server when one is configured, else locally."""
    from cairn.server_login import current_login

    login = current_login()
    if login is not None:
        return ServerSweep(login, ref)
    return LocalSweep(store_dir, ref.rpartition("/")[2])
