"""``/runs/{id}/capture``, ``/console`` and ``/reproductions`` of a run made with every capture
on, and the runs list's ``repro_score``, from a real server process."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from tests.fakes.repos import log_captured_run
from tests.fakes.server import serve


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, str]]:
    store_dir, run_id = log_captured_run(tmp_path_factory.mktemp("capture_api"))
    with (
        serve(store_dir) as running,
        httpx.Client(base_url=f"{running.url}/api/v1", timeout=30) as client,
    ):
        yield client, run_id


def test_capture_has_sections_checklist_and_score(captured: tuple[httpx.Client, str]) -> None:
    api, run_id = captured
    body = api.get(f"/projects/repro/runs/{run_id}/capture").json()
    capture = body["capture"]
    assert list(capture) == ["git", "code", "environment", "command", "seeds", "config_sources"]
    assert capture["git"]["dirty"] is True and "+X = 2  # changed" in capture["git"]["diff"]
    assert capture["environment"]["packages"]["numpy"]["version"]
    assert capture["seeds"]["seed"] == 3
    for info in capture["code"]["snapshot"]["files"].values():
        assert set(info) <= {"sha256", "size"}
    items = {item["id"]: item for item in body["checklist"]}
    assert items["data"]["ok"] is None and items["data"]["detail"].startswith("no artifact inputs")
    assert all(items[k]["ok"] for k in ("commit", "tree", "environment", "seed", "config"))
    assert body["score"] == 100
    assert body["reproduce_command"] == f"cairn reproduce repro/{run_id}"


def test_runs_list_has_the_score(captured: tuple[httpx.Client, str]) -> None:
    api, run_id = captured
    rows = api.get("/projects/repro/runs").json()["runs"]
    assert {r["repro_score"] for r in rows} == {100} and run_id in {r["id"] for r in rows}
    assert len(rows) == 2, "the original and its reproduction"
    assert api.get(f"/projects/repro/runs/{run_id}").json()["repro_score"] == 100


def test_console_lines_search_stream_and_tail(captured: tuple[httpx.Client, str]) -> None:
    api, run_id = captured
    url = f"/projects/repro/runs/{run_id}/console"
    body = api.get(url).json()
    texts = [line["text"] for line in body["lines"]]
    assert "trained 40 steps" in texts
    assert "\x1b[32mgreen epoch line\x1b[0m done" in texts
    assert body["total"] == len(body["lines"])
    assert [line["number"] for line in body["lines"]] == list(range(body["total"]))
    err = api.get(url, params={"stream": "stderr"}).json()["lines"]
    assert {line["stream"] for line in err} == {"stderr"}
    err_texts = [line["text"] for line in err]
    assert "a warning on stderr" in err_texts and "trained 40 steps" not in err_texts
    # the rest is Cairn's own warning about the KEPT_OUT files (one line, and its source line)
    assert any("look like credentials were left out" in text for text in err_texts)
    assert len(err_texts) <= 3
    found = api.get(url, params={"search": "TRAINED"}).json()["lines"]
    assert [line["text"] for line in found] == ["trained 40 steps"]
    last = body["lines"][-1]["number"]
    assert api.get(url, params={"after": last}).json()["lines"] == []
    assert len(api.get(url, params={"after": last - 1}).json()["lines"]) == 1


def test_reproductions(captured: tuple[httpx.Client, str]) -> None:
    api, run_id = captured
    body = api.get(f"/projects/repro/runs/{run_id}/reproductions").json()
    (comparison,) = body["reproductions"]
    assert comparison["verdict"] == "reproduced"
    (copy,) = comparison["runs"]
    assert copy != run_id
    linked = api.get(f"/projects/repro/runs/{copy}").json()
    assert linked["id"] == copy
    assert comparison["metrics"][0]["key"] == "w0"
    assert comparison["metrics"][0]["status"] == "exact"


@pytest.mark.parametrize("resource", ["capture", "console", "reproductions"])
def test_unknown_run_or_project_is_404(captured: tuple[httpx.Client, str], resource: str) -> None:
    api, run_id = captured
    assert api.get(f"/projects/repro/runs/nope/{resource}").status_code == 404
    assert api.get(f"/projects/nope/runs/{run_id}/{resource}").status_code == 404
    bad = api.get(f"/projects/repro/runs/{run_id}/console", params={"stream": "x"})
    assert bad.status_code in (400, 422)


def test_run_without_capture_has_no_score(api: httpx.Client) -> None:
    """The session demo is logged with git and console capture off."""
    rows = api.get("/projects/demo/runs").json()["runs"]
    assert all(r["repro_score"] is None or 0 <= r["repro_score"] <= 100 for r in rows)
