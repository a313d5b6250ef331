"""A compare panel through a real ``cairn ui``: its cells as the dashboard reads them, and a
filter matching more runs than a panel compares is a 400 saying what to do, never a 500 or a
saved version."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.fakes.server import serve

import cairn
from cairn.reports.compare_keys import MAX_RUNS


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("compare") / ".cairn"
    for i in range(MAX_RUNS + 1):
        run = cairn.init(project="cp", dir=path, name=f"r{i}", config={"lr": i / 100, "seed": 0})
        run.summary["acc"] = i / 10
        run.finish(quiet=True)
    return path


@pytest.fixture(scope="module")
def api(store_dir: Path) -> Iterator[httpx.Client]:
    with serve(store_dir) as server, httpx.Client(base_url=f"{server.url}/api/v1") as client:
        yield client


def test_cells_of_the_compared_runs(api: httpx.Client) -> None:
    panel = {"kind": "compare", "keys": [], "runs": "name in ['r1', 'r2']"}
    response = api.post("/projects/cp/reports/render/panel", json={"panel": panel})
    assert response.status_code == 200, response.text
    runs = response.json()["runs"]
    assert [r["name"] for r in runs] == ["r1", "r2"]
    assert [r["values"]["config.lr"] for r in runs] == [0.01, 0.02]
    assert [r["values"]["summary.acc"] for r in runs] == [0.1, 0.2]
    assert all(r["values"]["run.duration"] >= 0 for r in runs)


def test_too_many_runs_is_a_400_and_saves_nothing(api: httpx.Client) -> None:
    panel = {"kind": "compare", "keys": []}
    response = api.post("/projects/cp/reports/render/panel", json={"panel": panel})
    assert response.status_code == 400
    assert f"at most {MAX_RUNS} runs" in response.json()["detail"]
    created = api.post("/projects/cp/reports", json={"title": "c", "blocks": []})
    assert created.status_code == 201
    doc = created.json()
    frozen = api.put(
        f"/projects/cp/reports/{doc['id']}",
        json={"base_version": 1, "blocks": [{**panel, "frozen": True}], "title": "c"},
    )
    assert frozen.status_code == 400 and "narrow the filter" in frozen.json()["detail"]
    assert api.get(f"/projects/cp/reports/{doc['id']}").json()["version"] == 1


def test_bad_keys_are_a_400(api: httpx.Client) -> None:
    panel = {"kind": "compare", "keys": ["lr"]}
    response = api.post("/projects/cp/reports/render/panel", json={"panel": panel})
    assert response.status_code == 400 and "config.lr" in response.json()["detail"]
