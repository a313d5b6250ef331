"""GET /projects/{p}/runs (filter, order, search, pages, columns) and GET .../runs/{id}."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.fakes.runs import make_run
from tests.fakes.server import serve
from tests.server.conftest import LONG_STEPS, Demo

ROW_FIELDS = {
    "id", "project", "name", "state", "created_at", "updated_at", "heartbeat_at", "finished_at",
    "runtime", "tags", "notes", "group", "job_type", "host", "history_rows", "last_step", "number",
    "config", "summary", "repro_score",
}  # fmt: skip
DETAIL_FIELDS = ROW_FIELDS | {
    "exit_code",
    "error",
    "program",
    "metric_keys",
    "media_count",
    "metric_defs",
    "sweep_id",
}


def names(page: dict[str, Any]) -> list[str]:
    return [r["name"] for r in page["runs"]]


def runs(api: httpx.Client, **params: Any) -> dict[str, Any]:
    response = api.get("/projects/demo/runs", params=params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


def test_default_page_is_newest_first_with_every_field(api: httpx.Client) -> None:
    page = runs(api)
    assert (page["total"], page["offset"], page["limit"]) == (4, 0, 100)
    assert names(page) == ["empty", "gamma_100%", "beta", "alpha"]
    assert [r["number"] for r in page["runs"]] == [4, 3, 2, 1], "creation rank in the project"
    for row in page["runs"]:
        assert set(row) == ROW_FIELDS
        assert row["project"] == "demo"


def test_a_runs_number_does_not_change_with_the_filter(api: httpx.Client) -> None:
    page = runs(api, filter='name == "beta"')
    assert [(r["name"], r["number"]) for r in page["runs"]] == [("beta", 2)]


def test_a_row_flattens_config_and_keeps_the_summary_as_stored(
    api: httpx.Client, demo: Demo
) -> None:
    rows = {r["name"]: r for r in runs(api)["runs"]}
    alpha = rows["alpha"]
    assert alpha["id"] == demo.alpha
    assert alpha["config"] == {"lr": 0.1, "model.width": 64, "model.depth": 2, "optimizer": "adam"}
    assert alpha["summary"]["best"] == 0.9
    assert alpha["summary"]["val/acc"] == pytest.approx(49 / 60)
    assert alpha["tags"] == ["baseline", "small"]
    assert alpha["notes"] == "the first one"
    assert alpha["state"] == "finished"
    assert alpha["history_rows"] == 51 and alpha["last_step"] == 50  # + the pending val/acc row
    assert alpha["runtime"] == pytest.approx(alpha["finished_at"] - alpha["created_at"])
    assert rows["beta"]["config"] == {"lr": 0.01, "model.width": 128, "layers": [64, 32]}
    assert rows["beta"]["summary"]["loss"] == "NaN"  # JSON has no NaN
    gamma = rows["gamma_100%"]
    assert gamma["state"] == "failed"
    assert (gamma["group"], gamma["job_type"]) == ("g1", "train")
    assert rows["empty"]["config"] == {} and rows["empty"]["last_step"] is None


def test_columns_pick_the_config_and_summary_values_sent(api: httpx.Client) -> None:
    page = runs(api, columns="config.model.width,summary.val/acc, summary.loss")
    rows = {r["name"]: r for r in page["runs"]}
    assert rows["alpha"]["config"] == {"model.width": 64}
    assert set(rows["alpha"]["summary"]) == {"val/acc", "loss"}
    assert rows["gamma_100%"]["summary"] == {}
    assert rows["empty"]["config"] == {} and rows["empty"]["summary"] == {}
    only_config = {r["name"]: r for r in runs(api, columns="config.lr")["runs"]}
    assert only_config["alpha"] == {**rows["alpha"], "config": {"lr": 0.1}, "summary": {}}


def test_a_bad_column_is_a_400(api: httpx.Client) -> None:
    for columns in ("lr", "config.", "tags.x", "summary"):
        response = api.get("/projects/demo/runs", params={"columns": columns})
        assert response.status_code == 400, columns
        assert "config.<path> or summary.<key>" in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"filter": "config.lr < 0.05"}, ["gamma_100%", "beta"]),
        ({"filter": 'state == "failed"'}, ["gamma_100%"]),
        ({"filter": '"sweep" in tags', "order": "config.lr"}, ["gamma_100%", "beta"]),
        ({"filter": "config.model.width == 64", "order": "-config.lr"}, ["alpha", "gamma_100%"]),
        ({"filter": 'summary["val/acc"] > 0.5'}, ["alpha"]),
        ({"filter": 'summary.loss == "NaN"'}, ["beta"]),
        ({"order": "name"}, ["alpha", "beta", "empty", "gamma_100%"]),
        ({"order": "-config.model.width, config.lr"}, ["beta", "gamma_100%", "alpha", "empty"]),
        ({"filter": "   ", "order": ""}, ["empty", "gamma_100%", "beta", "alpha"]),
    ],
)  # fmt: skip
def test_filter_and_order(api: httpx.Client, params: dict[str, str], expected: list[str]) -> None:
    page = runs(api, **params)
    assert names(page) == expected
    assert page["total"] == len(expected)


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("ALPHA", ["alpha"]),
        ("odd_tag", ["gamma_100%"]),  # a tag, ignoring case
        ("SWEEP", ["gamma_100%", "beta"]),
        ("%", ["gamma_100%"]),  # wildcards match themselves
        ("_", ["gamma_100%"]),
        ("a_1", ["gamma_100%"]),
        ("a%", []),
        ("nothing like it", []),
    ],
)
def test_search_is_a_case_insensitive_substring_of_name_id_or_tag(
    api: httpx.Client, search: str, expected: list[str]
) -> None:
    page = runs(api, search=search)
    assert names(page) == expected
    assert page["total"] == len(expected)


def test_search_by_id(api: httpx.Client, demo: Demo) -> None:
    assert names(runs(api, search=demo.beta[2:6].upper())) == ["beta"]


def test_search_and_filter_combine(api: httpx.Client) -> None:
    page = runs(api, search="sweep", filter="config.lr > 0.005")
    assert names(page) == ["beta"] and page["total"] == 1


def test_pages_and_totals(api: httpx.Client) -> None:
    everything = names(runs(api, order="name"))
    seen = []
    for offset in range(0, 4, 3):
        page = runs(api, order="name", limit=3, offset=offset)
        assert (page["total"], page["offset"], page["limit"]) == (4, offset, 3)
        seen += names(page)
    assert seen == everything
    past_the_end = runs(api, limit=2, offset=10)
    assert past_the_end["runs"] == [] and past_the_end["total"] == 4
    filtered = runs(api, filter="config.lr < 0.05", limit=1, offset=1)
    assert names(filtered) == ["beta"] and filtered["total"] == 2


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 1001}, {"limit": "x"}, {"offset": -1}, {"offset": 2**40}],
)
def test_out_of_range_pages_are_422(api: httpx.Client, params: dict[str, Any]) -> None:
    response = api.get("/projects/demo/runs", params=params)
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


@pytest.mark.parametrize(
    ("param", "text", "position"),
    [
        ("filter", "config.lr <", 11),
        ("filter", "bogus == 1", 0),
        ("filter", "name = 'x'", 5),
        ("order", "-", 1),
        ("order", "tags", 0),
    ],
)
def test_a_bad_filter_or_order_is_a_400_with_the_position(
    api: httpx.Client, param: str, text: str, position: int
) -> None:
    response = api.get("/projects/demo/runs", params={param: text})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail["position"] == position
    assert f"at position {position}" in detail["message"]


def test_run_detail_has_nested_config_and_metric_keys(api: httpx.Client, demo: Demo) -> None:
    response = api.get(f"/projects/demo/runs/{demo.alpha}")
    assert response.status_code == 200
    run = response.json()
    assert set(run) == DETAIL_FIELDS
    assert run["config"] == {"lr": 0.1, "model": {"width": 64, "depth": 2}, "optimizer": "adam"}
    assert run["metric_keys"] == ["acc", "loss", "val/acc"]
    assert (run["exit_code"], run["error"], run["media_count"]) == (0, None, 0)
    assert run["program"]
    assert run["metric_defs"] == [{"name": "val/*", "summary": "max", "step_metric": None}]
    beta = api.get(f"/projects/demo/runs/{demo.beta}").json()
    assert beta["history_rows"] == LONG_STEPS + 1 and beta["summary"]["loss"] == "NaN"


def test_failed_run_detail(api: httpx.Client, demo: Demo) -> None:
    gamma = api.get(f"/projects/demo/runs/{demo.gamma}").json()
    assert (gamma["state"], gamma["exit_code"]) == ("failed", 1)
    assert gamma["metric_keys"] == ["epoch", "train/loss"]
    assert (gamma["metric_defs"], gamma["sweep_id"]) == ([], None)


@pytest.mark.parametrize("where", ["unknown", "other project"])
def test_missing_run_is_404(api: httpx.Client, demo: Demo, where: str) -> None:
    run_id = "nosuchrun" if where == "unknown" else demo.elsewhere
    response = api.get(f"/projects/demo/runs/{run_id}")
    assert response.status_code == 404
    assert response.json() == {"detail": f"no run {run_id!r} in project 'demo'"}
    assert api.get(f"/projects/other/runs/{demo.elsewhere}").status_code == 200


@pytest.mark.timeout(120)
def test_a_pathological_regex_filter_answers_at_once(tmp_path: Path) -> None:
    """``(a+)+$`` backtracks for ever in Python's ``re``; the server answers (RE2), or says 400."""
    make_run(tmp_path / ".cairn", "p", config={"x": "a" * 5000 + "!"})
    with serve(tmp_path / ".cairn") as server, httpx.Client(base_url=server.url) as client:
        url = "/api/v1/projects/p/runs"
        slow = client.get(url, params={"filter": 'config.x ~ "(a+)+$"'}, timeout=60)
        assert slow.status_code == 200, slow.text
        assert slow.json()["total"] == 0
        found = client.get(url, params={"filter": 'config.x ~ "a+!$"'}, timeout=60)
        assert found.json()["total"] == 1
        lookahead = client.get(url, params={"filter": 'config.x ~ "a(?=!)"'}, timeout=60)
        assert lookahead.status_code == 400
        assert "RE2 syntax" in lookahead.json()["detail"]["message"]


@pytest.mark.parametrize("order", [None, "-summary.acc", "name,-created_at"])
def test_pages_by_cursor_are_the_pages_by_offset(api: httpx.Client, order: str | None) -> None:
    params = {"order": order} if order else {}
    whole = names(runs(api, **params))
    page = runs(api, limit=1, **params)
    seen = names(page)
    while page["next"]:
        page = runs(api, limit=1, cursor=page["next"], **params)
        assert page["total"] == 4
        seen += names(page)
    assert seen == whole and len(whole) == 4
    records = api.get("/runs", params={"project": "demo", "limit": 3, **params}).json()
    rest = api.get("/runs", params={"project": "demo", "cursor": records["next"], **params})
    assert [r["name"] for r in records["runs"] + rest.json()["runs"]] == whole
    assert rest.json()["next"] is None


def test_a_malformed_or_forged_cursor_is_a_400_not_a_500(api: httpx.Client) -> None:
    import base64
    import json

    def forged(body: Any) -> str:
        return base64.urlsafe_b64encode(json.dumps(body).encode()).decode()

    made = runs(api, limit=1, order="-summary.acc")["next"]
    for cursor in (
        "garbage!",
        made[:-2],
        forged(["-summary.acc", [0, "text", None], "x"]),  # text where a number sorts
        forged(["-summary.acc", [0, 2**80, None], "x"]),  # beyond 64 bits
        forged(["-summary.acc", [[1], 0.5, None], "x"]),
        forged(["-summary.acc", [0, 0.5], "x"]),
        forged(["name", [], "x"]),  # made for another order
        forged({"a": 1}),
        forged(["-summary.acc", [0, 0.5, None], {"id": 1}]),
        base64.urlsafe_b64encode(b"[" * 3000 + b"]" * 3000).decode(),  # nested past recursion
    ):
        for path in ("/projects/demo/runs", "/runs"):
            got = api.get(path, params={"order": "-summary.acc", "cursor": cursor})
            assert got.status_code == 400, (path, cursor, got.text)
            assert "cursor" in got.json()["detail"]
    too_long = api.get("/runs", params={"cursor": "A" * 9000})
    assert too_long.status_code == 422
