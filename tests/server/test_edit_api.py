"""PATCH and DELETE of runs, and the workspace, on a store of their own (they change it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.fakes.runs import make_run
from tests.fakes.server import serve

import cairn


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("edit") / ".cairn"
    make_run(path, "edit", name="first")  # the project exists from the start
    make_run(path, "bare", name="no-workspace")
    return path


@pytest.fixture(scope="module")
def api(store_dir: Path) -> Iterator[httpx.Client]:
    with serve(store_dir) as server, httpx.Client(base_url=f"{server.url}/api/v1") as client:
        yield client


def new_run(store_dir: Path, **init: Any) -> str:
    return make_run(store_dir, "edit", tags=["old"], **init).id


def test_patch_name_notes_and_tags(api: httpx.Client, store_dir: Path) -> None:
    run_id = new_run(store_dir, notes="before")
    response = api.patch(
        f"/projects/edit/runs/{run_id}",
        json={"name": "renamed", "notes": "after", "tags": ["b", "a", "b"]},
    )
    assert response.status_code == 200
    run = response.json()
    assert (run["name"], run["notes"], run["tags"]) == ("renamed", "after", ["a", "b"])
    assert run["metric_keys"] == ["acc", "loss"]  # a RunDetail
    assert api.get(f"/projects/edit/runs/{run_id}").json()["name"] == "renamed"
    stored = cairn.Api(store_dir).run(f"edit/{run_id}")
    assert (stored.name, stored.notes, stored.tags) == ("renamed", "after", ["a", "b"])


def test_patch_leaves_fields_left_out(api: httpx.Client, store_dir: Path) -> None:
    run_id = new_run(store_dir, name="keep", notes="keep too")
    run = api.patch(f"/projects/edit/runs/{run_id}", json={"tags": []}).json()
    assert (run["name"], run["notes"], run["tags"]) == ("keep", "keep too", [])
    run = api.patch(f"/projects/edit/runs/{run_id}", json={}).json()
    assert (run["name"], run["notes"], run["tags"]) == ("keep", "keep too", [])
    run = api.patch(f"/projects/edit/runs/{run_id}", json={"notes": ""}).json()
    assert run["notes"] == ""


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": "x" * 256},
        {"tags": [""]},
        {"tags": ["x" * 256]},
        {"tags": [f"t{i}" for i in range(101)]},
        {"tags": "a,b"},
        {"tags": [1]},
        {"name": 5},
        {"state": "finished"},
    ],
)
def test_patch_validates(api: httpx.Client, store_dir: Path, body: dict[str, Any]) -> None:
    run_id = new_run(store_dir, name="unchanged")
    response = api.patch(f"/projects/edit/runs/{run_id}", json=body)
    assert response.status_code == 422
    assert api.get(f"/projects/edit/runs/{run_id}").json()["name"] == "unchanged"


def test_patch_and_delete_of_a_missing_run_are_404(api: httpx.Client, store_dir: Path) -> None:
    other = make_run(store_dir, "bare").id
    for run_id in ("nosuchrun", other):
        assert api.patch(f"/projects/edit/runs/{run_id}", json={"name": "x"}).status_code == 404
        assert api.delete(f"/projects/edit/runs/{run_id}").status_code == 404
    assert api.get(f"/projects/bare/runs/{other}").status_code == 200


def test_delete_one_run(api: httpx.Client, store_dir: Path) -> None:
    run_id = new_run(store_dir)
    response = api.delete(f"/projects/edit/runs/{run_id}")
    assert response.status_code == 204 and response.content == b""
    assert api.get(f"/projects/edit/runs/{run_id}").status_code == 404
    assert api.delete(f"/projects/edit/runs/{run_id}").status_code == 404


def test_delete_many_counts_what_it_deleted(api: httpx.Client, store_dir: Path) -> None:
    ids = [new_run(store_dir) for _ in range(3)]
    elsewhere = make_run(store_dir, "bare").id
    before = api.get("/projects/edit/runs").json()["total"]
    response = api.post(
        "/projects/edit/runs/delete", json={"ids": [*ids, ids[0], "nosuchrun", elsewhere]}
    )
    assert response.status_code == 200
    assert response.json() == {"deleted": 3}
    assert api.get("/projects/edit/runs").json()["total"] == before - 3
    assert api.get(f"/projects/bare/runs/{elsewhere}").status_code == 200
    assert api.post("/projects/edit/runs/delete", json={"ids": ids}).json() == {"deleted": 0}
    assert api.post("/projects/edit/runs/delete", json={"ids": "x"}).status_code == 422


def test_workspace_round_trip(api: httpx.Client) -> None:
    assert api.get("/projects/bare/workspace").json() == {}
    layout = {
        "sections": [{"title": "Charts", "panels": [{"keys": ["loss"], "x": "_step"}]}],
        "nan": "NaN",
        "n": 1.5,
        "ok": True,
        "none": None,
        "ünïcode": "✓",
    }
    response = api.put("/projects/edit/workspace", json=layout)
    assert response.status_code == 200 and response.json() == layout
    assert api.get("/projects/edit/workspace").json() == layout
    assert api.put("/projects/edit/workspace", json={"v": 2}).json() == {"v": 2}
    assert api.get("/projects/edit/workspace").json() == {"v": 2}
    assert api.get("/projects/bare/workspace").json() == {}


def test_workspace_limits(api: httpx.Client) -> None:
    big = {"blob": "x" * 1_000_001}
    response = api.put("/projects/edit/workspace", json=big)
    assert response.status_code == 413
    assert "1,000,000 bytes" in response.json()["detail"]
    deep: Any = 1
    for _ in range(100):
        deep = [deep]
    response = api.put("/projects/edit/workspace", json={"deep": deep})
    assert response.status_code == 400
    assert "deeper than 64 levels" in response.json()["detail"]
    for not_an_object in ([1, 2], "text", 3, None):
        response = api.put("/projects/edit/workspace", json=not_an_object)
        assert response.status_code == 422, not_an_object
    assert api.put("/projects/nope/workspace", json={}).status_code == 404


def test_saved_views_through_the_api(api: httpx.Client) -> None:
    make = api.post("/projects/views/views", json={"name": "x"})
    assert make.status_code == 404  # no such project
    api.put("/projects/edit/workspace", json={"who": "default"})
    xss = '<img src=x onerror="alert(1)">'
    created = api.post("/projects/edit/views", json={"name": f" {xss} ", "workspace": {"w": 1}})
    assert created.status_code == 201, created.text
    assert created.json()["name"] == xss and created.json()["is_default"] is False
    assert api.get("/projects/edit/workspace", params={"view": xss}).json() == {"w": 1}
    assert api.get("/projects/edit/workspace").json() == {"who": "default"}
    assert api.put("/projects/edit/workspace", params={"view": xss}, json={"w": 2}).json() == {
        "w": 2
    }
    again = api.post("/projects/edit/views", json={"name": xss})
    assert again.status_code == 409 and "already has a view" in again.json()["detail"]
    assert api.post("/projects/edit/views", json={"name": "   "}).status_code == 400
    assert api.post("/projects/edit/views", json={"name": "a", "extra": 1}).status_code == 422

    path = f"/projects/edit/views/{xss}"
    assert api.patch(path, json={}).status_code == 400
    renamed = api.patch(path, json={"name": "Loss", "default": True})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json() == {**renamed.json(), "name": "Loss", "is_default": True}
    views = api.get("/projects/edit/views").json()
    assert [(v["name"], v["is_default"]) for v in views] == [("Loss", True), ("Default", False)]
    assert api.get("/projects/edit/workspace").json() == {"w": 2}
    assert api.patch("/projects/edit/views/Default", json={"name": "Loss"}).status_code == 409
    assert api.delete("/projects/edit/views/Loss").status_code == 409  # the default
    assert api.delete("/projects/edit/views/Default").status_code == 204
    assert api.delete("/projects/edit/views/Default").status_code == 404
    assert api.get("/projects/edit/workspace", params={"view": "Default"}).status_code == 404
    assert api.put("/projects/edit/workspace", params={"view": "gone"}, json={}).status_code == 404
    big = {"name": "big", "workspace": {"blob": "x" * 1_000_001}}
    assert api.post("/projects/edit/views", json=big).status_code == 413
