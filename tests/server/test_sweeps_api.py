"""``/projects/{p}/sweeps``: list, one sweep, its runs, and state changes, on a real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.fakes.runs import make_run
from tests.fakes.server import serve
from tests.fakes.sweeps import make_sweep

from cairn.journal.records import RunStart
from cairn.store.store import Store
from cairn.store.sweeps import claim_trial
from cairn.sweeps.controller import next_trial


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sweeps") / ".cairn"


@pytest.fixture(scope="module")
def sweep_id(store_dir: Path) -> str:
    found = make_sweep(store_dir, "sweepy", trials=4)
    make_run(store_dir, "sweepy", name="not-in-the-sweep")
    make_run(store_dir, "empty", name="no-sweeps-here")
    return found


@pytest.fixture(scope="module")
def api(store_dir: Path, sweep_id: str) -> Iterator[httpx.Client]:
    with serve(store_dir) as server, httpx.Client(base_url=f"{server.url}/api/v1") as client:
        yield client


def test_list_a_projects_sweeps(api: httpx.Client, sweep_id: str) -> None:
    (sweep,) = api.get("/projects/sweepy/sweeps").json()
    assert sweep["id"] == sweep_id and sweep["name"] == "lr-search"
    assert (sweep["method"], sweep["state"], sweep["trial_count"]) == ("grid", "running", 4)
    assert sweep["grid_size"] == 12 and sweep["counts"] == {"finished": 4}
    assert sweep["metric"] == {"name": "val/loss", "goal": "minimize", "target": None}
    assert api.get("/projects/empty/sweeps").json() == []
    assert api.get("/projects/nope/sweeps").status_code == 404


def test_one_sweep_has_config_trials_and_the_best(api: httpx.Client, sweep_id: str) -> None:
    body = api.get(f"/projects/sweepy/sweeps/{sweep_id}").json()
    assert body["config"]["parameters"]["lr"]["values"][0] == 0.3
    trials = body["trials"]
    assert [t["number"] for t in trials] == [0, 1, 2, 3]
    assert all(t["status"] == "finished" and t["run_state"] == "finished" for t in trials)
    assert trials[0]["params"] == {"lr": 0.3, "model": {"width": 32}}
    best = min(trials, key=lambda t: t["value"])
    assert body["best"]["run_id"] == best["run_id"] and body["best"]["value"] == best["value"]
    assert body["best"]["params"] == {"lr": 0.1, "model": {"width": 64}}
    run = api.get(f"/projects/sweepy/runs/{trials[0]['run_id']}").json()
    assert run["sweep_id"] == sweep_id
    assert api.get(f"/projects/sweepy/sweeps/{sweep_id}x").status_code == 404
    assert api.get(f"/projects/empty/sweeps/{sweep_id}").status_code == 404


def test_the_sweeps_runs_are_the_runs_listing_limited_to_it(
    api: httpx.Client, sweep_id: str
) -> None:
    page = api.get(f"/projects/sweepy/sweeps/{sweep_id}/runs").json()
    assert page["total"] == 4 and len(page["runs"]) == 4
    assert all(r["name"] != "not-in-the-sweep" for r in page["runs"])
    assert {r["config"]["model.width"] for r in page["runs"]} == {32, 64}
    ordered = api.get(
        f"/projects/sweepy/sweeps/{sweep_id}/runs", params={"order": "summary.val/loss"}
    ).json()
    values = [r["summary"]["val/loss"] for r in ordered["runs"]]
    assert values == sorted(values)
    filtered = api.get("/projects/sweepy/runs", params={"filter": f'sweep_id == "{sweep_id}"'})
    assert filtered.json()["total"] == 4


def test_state_changes_and_their_conflicts(store_dir: Path) -> None:
    sweep_id = make_sweep(store_dir, "states", trials=1)
    with serve(store_dir) as server, httpx.Client(base_url=f"{server.url}/api/v1") as api:
        url = f"/projects/states/sweeps/{sweep_id}/state"
        assert api.post(url, json={"action": "pause"}).json()["state"] == "paused"
        again = api.post(url, json={"action": "pause"})
        assert again.status_code == 409 and "it is paused" in again.json()["detail"]
        assert api.post(url, json={"action": "resume"}).json()["state"] == "running"
        assert api.post(url, json={"action": "stop"}).json()["state"] == "stopped"
        refused = api.post(url, json={"action": "resume"})
        assert refused.status_code == 409 and "cannot resume" in refused.json()["detail"]
        assert api.post(url, json={"action": "cancel"}).json()["state"] == "cancelled"
        assert api.post(url, json={"action": "explode"}).status_code == 422
        assert api.post(url, json={"action": "pause", "extra": 1}).status_code == 422
        assert api.post(url, json=[1, 2]).status_code == 422
        missing = api.post("/projects/states/sweeps/nope/state", json={"action": "pause"})
        assert missing.status_code == 404


def test_a_trial_whose_agent_died_is_shown_crashed(tmp_path: Path) -> None:
    store_dir = tmp_path / ".cairn"
    sweep_id = make_sweep(store_dir, "dead", trials=1)
    store = Store.local(store_dir)
    claim_trial(store, sweep_id, "r-dead", "dead-agent", next_trial)
    start = RunStart(seq=1, run_id="r-dead", project="dead", name="r-dead", created_at=0.0)
    store.apply("r-dead", [start])  # its agent was killed (-9): no heartbeat since 1970
    store.close()
    with serve(store_dir) as server, httpx.Client(base_url=f"{server.url}/api/v1") as api:
        body = api.get(f"/projects/dead/sweeps/{sweep_id}").json()
        assert body["counts"] == {"finished": 1, "crashed": 1}
        dead = body["trials"][1]
        assert (dead["run_id"], dead["status"], dead["run_state"]) == (
            "r-dead",
            "crashed",
            "crashed",
        )
