"""POST /projects/{p}/importance through a real server: ranking, notes and 4xx on bad input."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.fakes.server import serve

import cairn
from cairn.server.schemas import MAX_IMPORTANCE_RUNS

RUNS = 12


def log_runs(store_dir: Path) -> list[str]:
    """RUNS finished runs whose val_loss depends only on lr; width varies as noise."""
    ids = []
    for i in range(RUNS):
        lr = 10 ** (-4 + 3 * i / (RUNS - 1))
        run = cairn.init(
            project="imp",
            dir=store_dir,
            name=f"r{i}",
            config={"lr": lr, "model": {"width": [32, 64, 128][(i * 7) % 3]}, "opt": "adam"},
        )
        run.log({"val_loss": (math.log10(lr) + 2.5) ** 2})
        run.summary["status"] = "ok"
        run.finish(quiet=True)
        ids.append(run.id)
    return ids


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("importance") / ".cairn"


@pytest.fixture(scope="module")
def runs(store_dir: Path) -> list[str]:
    return log_runs(store_dir)


@pytest.fixture(scope="module")
def client(runs: list[str], store_dir: Path) -> Iterator[httpx.Client]:
    with (
        serve(store_dir) as server,
        httpx.Client(base_url=f"{server.url}/api/v1", timeout=60) as http,
    ):
        yield http


def test_ranks_the_parameter_the_metric_depends_on_first(
    client: httpx.Client, runs: list[str]
) -> None:
    response = client.post("/projects/imp/importance", json={"metric": "val_loss", "run_ids": runs})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["metric"] == "val_loss" and answer["runs"] == RUNS and answer["note"] is None
    names = [p["name"] for p in answer["parameters"]]
    assert names == ["lr", "model.width"]  # "opt" never varies: left out
    lr = answer["parameters"][0]
    assert lr["kind"] == "numeric" and lr["importance"] > 0.5
    assert isinstance(lr["correlation"], float)


def test_a_filter_or_every_run_selects_runs(client: httpx.Client, runs: list[str]) -> None:
    every = client.post("/projects/imp/importance", json={"metric": "val_loss"}).json()
    assert every["runs"] == RUNS
    some = client.post(
        "/projects/imp/importance", json={"metric": "val_loss", "filter": "config.lr > 0.01"}
    ).json()
    assert 0 < some["runs"] < RUNS


def test_too_few_runs_is_a_note(client: httpx.Client, runs: list[str]) -> None:
    answer = client.post(
        "/projects/imp/importance", json={"metric": "val_loss", "run_ids": [*runs[:3], "nope"]}
    ).json()
    assert answer["runs"] == 3 and answer["parameters"] == []
    assert "at least 5" in answer["note"]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"metric": "nope"}, 400, "none of these 12 runs has a summary value 'nope'"),
        ({"metric": "status"}, 400, "not a number"),
        ({"metric": "val_loss", "filter": "config.lr <"}, 400, ""),
        ({"metric": "val_loss", "run_ids": [], "filter": "config.lr > 0"}, 400, "not both"),
        ({"metric": "val_loss", "run_ids": ["x"] * (MAX_IMPORTANCE_RUNS + 1)}, 422, "at most"),
        ({"metric": ""}, 422, ""),
        ({"metric": "val_loss", "extra": 1}, 422, ""),
        ({"run_ids": []}, 422, "metric"),
    ],
)
def test_bad_requests_are_4xx_with_a_message(
    client: httpx.Client, body: dict[str, object], status: int, message: str
) -> None:
    response = client.post("/projects/imp/importance", json=body)
    assert response.status_code == status, response.text
    assert message in response.text


def test_an_unknown_project_is_404(client: httpx.Client) -> None:
    response = client.post("/projects/nope/importance", json={"metric": "val_loss"})
    assert response.status_code == 404


def test_a_new_run_or_a_changed_summary_changes_the_answer(
    client: httpx.Client, store_dir: Path
) -> None:
    """The server keeps results by their input: asking again after the runs change never gives
    the old answer. Its own project, so the runs of the other tests stay as they are."""
    ids = []
    for i in range(6):
        run = cairn.init(project="imp-memo", dir=store_dir, name=f"m{i}", config={"a": i, "b": -i})
        run.log({"score": float(i)})
        run.finish(quiet=True)
        ids.append(run.id)

    def ask() -> dict[str, object]:
        response = client.post("/projects/imp-memo/importance", json={"metric": "score"})
        assert response.status_code == 200, response.text
        answer: dict[str, object] = response.json()
        return answer

    first = ask()
    assert first["runs"] == 6 and ask() == first
    extra = cairn.init(project="imp-memo", dir=store_dir, name="m6", config={"a": 6, "b": -6})
    extra.log({"score": 6.0})
    extra.finish(quiet=True)
    assert ask()["runs"] == 7
    resumed = cairn.init(project="imp-memo", dir=store_dir, id=ids[0], resume="must")
    resumed.summary["score"] = 100.0
    resumed.finish(quiet=True)
    changed = ask()
    assert changed["runs"] == 7
    correlations = {p["name"]: p["correlation"] for p in changed["parameters"]}  # type: ignore[attr-defined]
    before = {p["name"]: p["correlation"] for p in first["parameters"]}  # type: ignore[attr-defined]
    assert correlations["a"] != before["a"]
