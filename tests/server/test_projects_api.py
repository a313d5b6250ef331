"""GET /projects and /projects/{p}/columns against a real server."""

from __future__ import annotations

import time

import httpx
from tests.server.conftest import Demo


def test_projects_list_names_counts_and_times(api: httpx.Client) -> None:
    response = api.get("/projects")
    assert response.status_code == 200
    projects = response.json()
    assert [p["name"] for p in projects] == ["demo", "other"]
    demo, other = projects
    assert (demo["run_count"], other["run_count"]) == (4, 1)
    assert set(demo) == {"name", "run_count", "created_at", "last_activity"}
    assert demo["created_at"] <= demo["last_activity"] <= time.time()


def test_columns_are_the_sorted_union_of_flattened_config_and_summary(api: httpx.Client) -> None:
    response = api.get("/projects/demo/columns")
    assert response.status_code == 200
    body = response.json()
    assert body["config"] == ["layers", "lr", "model.depth", "model.width", "optimizer"]
    assert body["summary"] == ["acc", "best", "epoch", "loss", "train/loss", "val/acc"]
    # the default columns: config keys that vary first, validation metrics first
    assert body["defaults"][0].startswith("config.")
    assert "summary.val/acc" in body["defaults"]


def test_columns_of_another_project(api: httpx.Client) -> None:
    assert api.get("/projects/other/columns").json() == {
        "config": ["lr"],
        "summary": ["loss"],
        "defaults": ["config.lr", "summary.loss"],
    }


def test_unknown_project_is_404_with_a_message(api: httpx.Client, demo: Demo) -> None:
    for path in ("/projects/nope/columns", "/projects/nope/runs", "/projects/nope/workspace"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert "no project named 'nope'" in response.json()["detail"]
    for path, body in (
        ("/projects/nope/metric-keys", {"run_ids": None}),
        ("/projects/nope/series", {"run_ids": [demo.alpha], "keys": ["loss"]}),
        ("/projects/nope/runs/delete", {"ids": [demo.alpha]}),
    ):
        response = api.post(path, json=body)
        assert response.status_code == 404, path
        assert "nope" in response.json()["detail"]
