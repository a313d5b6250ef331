"""POST /projects/{p}/metric-keys and /series: chart lines, downsampled, JSON-safe."""

from __future__ import annotations

import math
from typing import Any

import httpx
import pytest
from tests.server.conftest import LONG_STEPS, Demo


def series(api: httpx.Client, **body: Any) -> dict[str, Any]:
    response = api.post("/projects/demo/series", json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def lines(answer: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(s["run_id"], s["key"]): s for s in answer["series"]}


def test_metric_keys_of_some_runs_or_all(api: httpx.Client, demo: Demo) -> None:
    def keys(run_ids: list[str] | None) -> list[str]:
        response = api.post("/projects/demo/metric-keys", json={"run_ids": run_ids})
        assert response.status_code == 200
        found: list[str] = response.json()["keys"]
        return found

    assert keys(None) == ["acc", "epoch", "loss", "train/loss", "val/acc"]
    assert keys([demo.alpha, demo.gamma]) == ["acc", "epoch", "loss", "train/loss", "val/acc"]
    assert keys([demo.beta]) == ["loss"]
    assert keys([demo.empty]) == []
    assert keys([demo.elsewhere, "nope"]) == []  # another project's run is not this project's
    assert keys([]) == []
    assert api.post("/projects/demo/metric-keys", json={}).json()["keys"] == keys(None)


def test_one_line_per_run_and_key_the_run_logged(api: httpx.Client, demo: Demo) -> None:
    answer = series(
        api,
        run_ids=[demo.gamma, demo.alpha, demo.empty, "nope", demo.elsewhere],
        keys=["loss", "train/loss", "val/acc", "never"],
    )
    assert answer["x"] == "_step"
    assert [(s["run_id"], s["key"]) for s in answer["series"]] == [
        (demo.gamma, "train/loss"),
        (demo.alpha, "loss"),
        (demo.alpha, "val/acc"),
    ]
    gamma = answer["series"][0]
    assert gamma["x"] == list(range(20))
    assert gamma["y"] == pytest.approx([2 - s / 10 for s in range(20)])
    val = answer["series"][2]
    assert val["x"] == [10, 20, 30, 40, 50]  # only the rows that logged it
    assert val["y"] == pytest.approx([9 / 60, 19 / 60, 29 / 60, 39 / 60, 49 / 60])
    assert gamma["nonfinite"] == val["nonfinite"] == {"index": [], "kind": []}


def test_long_series_are_downsampled_to_at_most_max_points(api: httpx.Client, demo: Demo) -> None:
    for max_points in (5, 100, 1500):
        (line,) = series(api, run_ids=[demo.beta], keys=["loss"], max_points=max_points)["series"]
        assert 0 < len(line["x"]) <= max_points
        assert len(line["y"]) == len(line["x"])
        assert line["x"] == sorted(line["x"])
        assert line["x"][0] == 0 and line["x"][-1] == LONG_STEPS
    (full,) = series(api, run_ids=[demo.beta], keys=["loss"], max_points=10_000)["series"]
    assert len(full["x"]) == LONG_STEPS + 1  # small enough to send every point


def test_nonfinite_values_are_null_and_marked(api: httpx.Client, demo: Demo) -> None:
    (line,) = series(api, run_ids=[demo.beta], keys=["loss"], max_points=1500)["series"]
    marked = dict(zip(line["nonfinite"]["index"], line["nonfinite"]["kind"], strict=True))
    assert {line["x"][i]: kind for i, kind in marked.items()} == {
        100: "nan",
        200: "inf",
        300: "-inf",
        LONG_STEPS: "nan",
    }
    assert all(line["y"][i] is None for i in marked)
    assert sum(y is None for y in line["y"]) == len(marked)
    finite = [y for y in line["y"] if y is not None]
    assert min(finite) == pytest.approx(-1, abs=1e-3) and max(finite) == pytest.approx(1, abs=1e-3)


def test_x_range_zooms_in(api: httpx.Client, demo: Demo) -> None:
    (line,) = series(
        api, run_ids=[demo.beta], keys=["loss"], x_min=1000.5, x_max=1100, max_points=1500
    )["series"]
    assert line["x"] == list(range(1001, 1101))
    assert line["y"] == pytest.approx([math.sin(s / 50) for s in range(1001, 1101)])
    (empty,) = series(api, run_ids=[demo.beta], keys=["loss"], x_min=5000, x_max=6000)["series"]
    assert empty["x"] == [] and empty["y"] == []
    (huge,) = series(api, run_ids=[demo.beta], keys=["loss"], x_min=-1e300, x_max=1e300)["series"]
    assert huge["x"][0] == 0 and huge["x"][-1] == LONG_STEPS


@pytest.mark.parametrize("x", ["_runtime", "_timestamp"])
def test_time_axes(api: httpx.Client, demo: Demo, x: str) -> None:
    answer = series(api, run_ids=[demo.gamma], keys=["train/loss"], x=x)
    assert answer["x"] == x
    (line,) = answer["series"]
    assert len(line["x"]) == 20 and line["x"] == sorted(line["x"])
    run = api.get(f"/projects/demo/runs/{demo.gamma}").json()
    if x == "_runtime":
        assert 0 <= line["x"][0] <= line["x"][-1] <= run["runtime"] + 1
    else:
        assert run["created_at"] <= line["x"][0] <= line["x"][-1] <= run["finished_at"]


def test_a_metric_as_x(api: httpx.Client, demo: Demo) -> None:
    (line,) = series(api, run_ids=[demo.gamma, demo.alpha], keys=["train/loss"], x="epoch")[
        "series"
    ]
    assert line["x"] == pytest.approx([s / 4 for s in range(20)])
    assert line["y"] == pytest.approx([2 - s / 10 for s in range(20)])
    # alpha lacks epoch: its loss has no points against it
    (lacking,) = series(api, run_ids=[demo.alpha], keys=["loss"], x="epoch")["series"]
    assert lacking["x"] == [] and lacking["y"] == []


def test_too_many_lines_is_a_400(api: httpx.Client) -> None:
    body = {"run_ids": [f"r{i}" for i in range(1000)], "keys": ["a", "b", "c"]}
    response = api.post("/projects/demo/series", json=body)
    assert response.status_code == 400
    assert "3000 lines; ask for at most 2000" in response.json()["detail"]
    too_long = {"run_ids": [f"r{i}" for i in range(2001)], "keys": ["a"]}
    assert api.post("/projects/demo/series", json=too_long).status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {"run_ids": ["a"], "keys": ["loss"], "max_points": 4},
        {"run_ids": ["a"], "keys": ["loss"], "max_points": 10_001},
        {"run_ids": ["a"], "keys": ["loss"], "x_min": "low"},
        {"run_ids": ["a"], "keys": ["loss"], "extra": 1},
        {"run_ids": "a", "keys": ["loss"]},
        {"keys": ["loss"]},
        {"run_ids": ["a"], "keys": [""]},
    ],
)
def test_malformed_series_requests_are_422(api: httpx.Client, body: dict[str, Any]) -> None:
    response = api.post("/projects/demo/series", json=body)
    assert response.status_code == 422
    assert response.json()["detail"]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_a_nonfinite_x_range_is_422(api: httpx.Client, demo: Demo, literal: str) -> None:
    content = f'{{"run_ids": ["{demo.beta}"], "keys": ["loss"], "x_min": {literal}}}'
    response = api.post(
        "/projects/demo/series", content=content, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


@pytest.mark.parametrize("x", ["_seq", "_nope"])
def test_a_reserved_x_that_is_no_axis_is_a_400(api: httpx.Client, demo: Demo, x: str) -> None:
    response = api.post(
        "/projects/demo/series", json={"run_ids": [demo.beta], "keys": ["loss"], "x": x}
    )
    assert response.status_code == 400
    assert "_step, _runtime, _timestamp or a metric key" in response.json()["detail"]


def test_runs_of_another_project_are_named_by_their_path(api: httpx.Client, demo: Demo) -> None:
    other = f"other/{demo.elsewhere}"
    answer = series(api, run_ids=[demo.alpha, other, f"demo/{demo.beta}"], keys=["loss"])
    assert [s["run_id"] for s in answer["series"]] == [demo.alpha, other, f"demo/{demo.beta}"]
    assert answer["series"][1]["y"] == [1.0]
    keys = api.post("/projects/demo/metric-keys", json={"run_ids": [demo.beta, other]})
    assert keys.json()["keys"] == ["loss"]
    # a path to a run that is not there is skipped, as a bare id is
    assert series(api, run_ids=["other/nope"], keys=["loss"])["series"] == []


@pytest.mark.parametrize(
    ("ref", "status", "says"),
    [
        ("nowhere/abc", 404, "nowhere"),
        ("../abc", 400, "'..'"),
        ("other/../abc", 400, "project/id"),
        ("other/", 400, "project/id"),
        ("/abc", 400, "1-255"),
        ("a/b/c", 400, "one '/'"),
        ("<img src=x onerror=alert(1)>/abc", 404, "<img src=x"),
    ],
)
def test_a_bad_run_path_is_a_clear_error(
    api: httpx.Client, demo: Demo, ref: str, status: int, says: str
) -> None:
    for route, body in (
        ("series", {"run_ids": [demo.alpha, ref], "keys": ["loss"]}),
        ("metric-keys", {"run_ids": [ref]}),
    ):
        response = api.post(f"/projects/demo/{route}", json=body)
        assert response.status_code == status, response.text
        assert says in response.json()["detail"]
        assert response.headers["content-type"].startswith("application/json")
