"""``/projects/{project}/reports``: list, create, read, save (with conflicts), versions, restore,
Markdown rendered sanitized and panels' data, through a real ``cairn ui`` on a store of its own."""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.fakes.server import serve

import cairn


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reports") / ".cairn"
    for lr, name in ((0.1, "fast"), (0.01, "slow")):
        run = cairn.init(project="rp", dir=path, name=name, config={"lr": lr})
        for step in range(20):
            run.log({"loss": math.nan if step == 5 else 1 / (1 + lr * step)})
        run.summary["acc"] = lr * 5
        run.finish(quiet=True)
    other = cairn.init(project="elsewhere", dir=path)
    other.finish(quiet=True)
    for i in range(6):  # a sweep, for parallel coordinates and importance panels
        config = {"lr": 0.01 * (i + 1), "opt": ["adam", "sgd"][i % 2], "seed": i}
        trial = cairn.init(project="sw", dir=path, name=f"t{i} {XSS}", config=config)
        trial.summary["val/loss"] = 1 + config["lr"] * 10
        trial.finish(quiet=True)
    return path


@pytest.fixture(scope="module")
def api(store_dir: Path) -> Iterator[httpx.Client]:
    with serve(store_dir) as server, httpx.Client(base_url=f"{server.url}/api/v1") as client:
        yield client


XSS = '<img src=x onerror="alert(1)">'
SWEEP_KEYS = ["config.lr", "config.opt", "config.seed", "summary.val/loss"]
LINE = {"kind": "line", "keys": ["loss"], "runs": "config.lr > 0.05"}


def create(api: httpx.Client, **body: Any) -> dict[str, Any]:
    response = api.post("/projects/rp/reports", json=body)
    assert response.status_code == 201, response.text
    doc: dict[str, Any] = response.json()
    return doc


def test_create_save_read_and_list(api: httpx.Client, store_dir: Path) -> None:
    doc = create(api, title="Learning rates", blocks=[{"kind": "markdown", "text": "# Hi"}])
    assert (doc["version"], doc["shown_version"], doc["title"]) == (1, 1, "Learning rates")
    assert doc["html"] == ["<h1>Hi</h1>\n"]
    saved = api.put(
        f"/projects/rp/reports/{doc['id']}",
        json={"base_version": 1, "blocks": [*doc["blocks"], LINE], "title": "LR"},
    )
    assert saved.status_code == 200, saved.text
    assert (saved.json()["version"], saved.json()["title"]) == (2, "LR")
    assert saved.json()["html"][1] is None
    listed = api.get("/projects/rp/reports").json()
    mine = next(r for r in listed if r["id"] == doc["id"])
    assert (mine["title"], mine["version"]) == ("LR", 2)
    assert api.get(f"/projects/rp/reports/{doc['id']}?version=1").json()["blocks"] == [
        {"kind": "markdown", "text": "# Hi"}
    ]
    # the Python API reads what the server saved
    report = cairn.Api(store_dir).report("rp", doc["id"])
    assert report.version == 2 and [b.kind for b in report.blocks] == ["markdown", "line"]


def test_a_save_from_an_older_version_is_a_conflict_and_overwrites_nothing(
    api: httpx.Client,
) -> None:
    doc = create(api, title="Two tabs")
    first = api.put(
        f"/projects/rp/reports/{doc['id']}",
        json={"base_version": 1, "blocks": [{"kind": "markdown", "text": "tab A"}]},
    )
    assert first.status_code == 200
    second = api.put(
        f"/projects/rp/reports/{doc['id']}",
        json={"base_version": 1, "blocks": [{"kind": "markdown", "text": "tab B"}]},
    )
    assert second.status_code == 409
    assert "version 2" in second.json()["detail"]
    latest = api.get(f"/projects/rp/reports/{doc['id']}").json()
    assert (latest["version"], latest["blocks"][0]["text"]) == (2, "tab A")


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"kind": "pie", "keys": ["loss"]}, "kind 'pie'"),
        ({"kind": "line", "keys": []}, "at least one key"),
        ({"kind": "line", "keys": ["config.lr"]}, "metric keys"),
        ({"kind": "bar", "keys": ["loss"]}, "config.lr"),
        ({"kind": "line", "keys": ["loss"], "runs": "config.lr >"}, "not a runs filter"),
        ({"kind": "line", "keys": ["loss"], "group_by": "nope"}, "group_by"),
        ({"kind": "line", "keys": ["loss"], "group_bins": "linear-4"}, "group_bins='linear-4'"),
        ({"kind": "line", "keys": ["loss"], "group_bins": 4}, "block 0"),
        ({"kind": "line", "keys": ["loss"], "smoothing": 2}, "smoothing=2"),
        ({"kind": "bibtex", "text": "@article{x, title={"}, "block 0"),
        ({"kind": "markdown", "text": "x", "onclick": "y"}, "unknown fields: onclick"),
        ({"kind": "markdown", "text": 3}, "block 0"),
        ({"kind": "line", "keys": "loss"}, "block 0"),
        ({"kind": "parallel", "keys": ["config.lr"]}, "target metric last"),
        ({"kind": "importance", "keys": ["loss", "summary.acc"]}, "not 'loss'"),
        ({"kind": "parallel", "keys": ["config.lr", "acc"]}, "a summary key such as"),
        ({"kind": "parallel", "keys": ["config.lr", "summary.acc"], "goal": "up"}, "goal='up'"),
        ({"kind": "parallel", "keys": ["config.lr", "summary.acc"], "goal": 3}, "block 0"),
        ("just text", "not an object"),
        (None, "not an object"),
    ],
)
def test_bad_blocks_are_400s_that_say_why(api: httpx.Client, block: Any, message: str) -> None:
    doc = create(api, title="Bad blocks")
    response = api.put(
        f"/projects/rp/reports/{doc['id']}", json={"base_version": 1, "blocks": [block]}
    )
    assert response.status_code == 400, response.text
    assert message in response.json()["detail"]
    assert api.get(f"/projects/rp/reports/{doc['id']}").json()["version"] == 1
    assert api.post("/projects/rp/reports", json={"blocks": [block]}).status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"base_version": 1}',
        b'{"base_version": -1, "blocks": []}',
        b'{"base_version": "one", "blocks": []}',
        b'{"base_version": 1, "blocks": {}}',
        b'{"base_version": 1, "blocks": [], "extra": 1}',
        b"[]",
        b'{"base_version": 1, "blocks": [], "title": "   "}',
        b'{"base_version": 1, "blocks": [' + b"[" * 200 + b"]" * 200 + b"]}",
    ],
)
def test_malformed_saves_are_client_errors(api: httpx.Client, body: bytes) -> None:
    doc = create(api, title="Malformed")
    response = api.put(
        f"/projects/rp/reports/{doc['id']}",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert 400 <= response.status_code < 500, response.text
    assert api.get(f"/projects/rp/reports/{doc['id']}").json()["version"] == 1


def test_unknown_reports_projects_and_versions_are_404s(api: httpx.Client) -> None:
    doc = create(api, title="Only here")
    assert api.get("/projects/rp/reports/nope").status_code == 404
    assert api.get("/projects/nope/reports").status_code == 404
    assert api.get(f"/projects/elsewhere/reports/{doc['id']}").status_code == 404
    assert api.get("/projects/rp/reports/Only here").status_code == 404  # ids, not titles
    assert api.get(f"/projects/rp/reports/{doc['id']}?version=9").status_code == 404
    assert api.get(f"/projects/rp/reports/{doc['id']}/versions").json()[0]["version"] == 1
    restore = api.post(f"/projects/rp/reports/{doc['id']}/versions/9/restore", json={})
    assert restore.status_code == 404
    save = api.put("/projects/rp/reports/nope", json={"base_version": 0, "blocks": []})
    assert save.status_code == 404


def test_versions_and_restore(api: httpx.Client) -> None:
    doc = create(api, title="History", blocks=[{"kind": "markdown", "text": "one"}])
    url = f"/projects/rp/reports/{doc['id']}"
    api.put(url, json={"base_version": 1, "blocks": [{"kind": "markdown", "text": "two"}]})
    versions = api.get(f"{url}/versions").json()
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[0]["block_count"] == 1
    stale = api.post(f"{url}/versions/1/restore", json={"base_version": 1})
    assert stale.status_code == 409
    restored = api.post(f"{url}/versions/1/restore", json={"base_version": 2})
    assert restored.status_code == 200, restored.text
    assert (restored.json()["version"], restored.json()["blocks"]) == (
        3,
        [{"kind": "markdown", "text": "one"}],
    )


def test_a_version_keeps_its_title_and_restoring_it_brings_the_title_back(
    api: httpx.Client,
) -> None:
    doc = create(
        api, title="Draft", description="first", blocks=[{"kind": "markdown", "text": "1"}]
    )
    url = f"/projects/rp/reports/{doc['id']}"
    renamed = api.put(
        url, json={"base_version": 1, "blocks": [], "title": "Final", "description": "second"}
    )
    assert renamed.status_code == 200, renamed.text
    old = api.get(url, params={"version": 1}).json()
    assert (old["title"], old["shown_title"], old["shown_description"]) == (
        "Final",  # the report's title now
        "Draft",  # the shown version's
        "first",
    )
    assert [(v["version"], v["title"]) for v in api.get(f"{url}/versions").json()] == [
        (2, "Final"),
        (1, "Draft"),
    ]
    diff = api.get(f"{url}/diff", params={"a": 1, "b": 2}).json()
    assert (diff["title"], diff["description"]) == (
        {"old": "Draft", "new": "Final"},
        {"old": "first", "new": "second"},
    )
    same = api.put(url, json={"base_version": 2, "blocks": [{"kind": "markdown", "text": "x"}]})
    assert same.status_code == 200
    unchanged = api.get(f"{url}/diff", params={"a": 2, "b": 3}).json()
    assert (unchanged["title"], unchanged["description"]) == (None, None)
    restored = api.post(f"{url}/versions/1/restore", json={"base_version": 3})
    assert restored.status_code == 200, restored.text
    back = restored.json()
    assert (back["version"], back["title"], back["description"], back["shown_title"]) == (
        4,
        "Draft",
        "first",
        "Draft",
    )
    assert back["blocks"] == [{"kind": "markdown", "text": "1"}]
    listed = {r["id"]: r["title"] for r in api.get("/projects/rp/reports").json()}
    assert listed[doc["id"]] == "Draft"


def test_a_version_saved_before_titles_were_recorded_says_so_and_restores_its_blocks_only(
    api: httpx.Client, store_dir: Path
) -> None:
    doc = create(api, title="Untracked", blocks=[{"kind": "markdown", "text": "old"}])
    url = f"/projects/rp/reports/{doc['id']}"
    with sqlite3.connect(store_dir / "cairn.db") as db:  # as migration 0018 leaves version 1
        db.execute(
            "UPDATE report_versions SET title = NULL, description = NULL WHERE report_id = ?",
            (doc["id"],),
        )
    assert (
        api.put(url, json={"base_version": 1, "blocks": [], "title": "Tracked"}).status_code == 200
    )
    old = api.get(url, params={"version": 1}).json()
    assert (old["title"], old["shown_title"], old["shown_description"]) == ("Tracked", None, None)
    assert [v["title"] for v in api.get(f"{url}/versions").json()] == ["Tracked", None]
    diff = api.get(f"{url}/diff", params={"a": 1, "b": 2}).json()
    assert (diff["title"], diff["description"]) == (None, None)  # unknown, not a change
    restored = api.post(f"{url}/versions/1/restore", json={"base_version": 2}).json()
    assert (restored["title"], restored["shown_title"], restored["blocks"]) == (
        "Tracked",
        "Tracked",
        [{"kind": "markdown", "text": "old"}],
    )


def test_a_title_change_in_a_diff_is_sent_as_written(api: httpx.Client) -> None:
    doc = create(api, title="Plain")
    url = f"/projects/rp/reports/{doc['id']}"
    payload = '<img src=x onerror="alert(1)">'
    assert api.put(url, json={"base_version": 1, "blocks": [], "title": payload}).status_code == 200
    diff = api.get(f"{url}/diff", params={"a": 1, "b": 2})
    assert diff.headers["content-type"] == "application/json"  # text for the page to escape
    assert diff.json()["title"] == {"old": "Plain", "new": payload}


def test_two_versions_compared_block_by_block(api: httpx.Client) -> None:
    intro, outro = {"kind": "markdown", "text": "keep"}, {"kind": "markdown", "text": "end"}
    first = [intro, {"kind": "markdown", "text": "a\nold line\nc"}, LINE, outro]
    doc = create(api, title="Diffed", blocks=first)
    url = f"/projects/rp/reports/{doc['id']}"
    second = [
        outro,
        intro,
        {"kind": "markdown", "text": "a\nnew line\nc"},
        {**LINE, "keys": ["loss", "acc"], "title": "Loss"},
        {"kind": "bibtex", "text": "@misc{k, title={T}}"},
    ]
    assert api.put(url, json={"base_version": 1, "blocks": second}).status_code == 200
    diff = api.get(f"{url}/diff", params={"a": 1, "b": 2})
    assert diff.status_code == 200, diff.text
    changes = {c["change"]: c for c in diff.json()["changes"]}
    assert sorted(c["change"] for c in diff.json()["changes"]) == [
        "added",
        "changed",
        "changed",
        "moved",
    ]
    assert (changes["moved"]["old_index"], changes["moved"]["new_index"]) == (3, 0)
    assert changes["added"]["new"]["kind"] == "bibtex"
    markdown, panel = (c for c in diff.json()["changes"] if c["change"] == "changed")
    assert markdown["lines"] == [
        {"op": "same", "text": "a"},
        {"op": "removed", "text": "old line"},
        {"op": "added", "text": "new line"},
        {"op": "same", "text": "c"},
    ]
    assert panel["lines"] is None
    assert {f["field"]: (f["old"], f["new"]) for f in panel["fields"]} == {
        "keys": (["loss"], ["loss", "acc"]),
        "title": (None, "Loss"),
    }
    backwards = api.get(f"{url}/diff", params={"a": 2, "b": 1}).json()["changes"]
    removed = [c["old"]["kind"] for c in backwards if c["change"] == "removed"]
    assert "bibtex" in removed and "moved" in [c["change"] for c in backwards]


def test_a_diff_of_a_missing_version_or_another_projects_report_is_refused(
    api: httpx.Client,
) -> None:
    doc = create(api, title="Alone", blocks=[{"kind": "markdown", "text": "x"}])
    url = f"/projects/rp/reports/{doc['id']}/diff"
    assert api.get(url, params={"a": 1, "b": 9}).status_code == 404
    assert api.get(url, params={"a": 1, "b": 10**30}).status_code == 422
    assert api.get(f"/projects/rp/reports/{doc['id']}?version={10**30}").status_code == 422
    restore = api.post(f"/projects/rp/reports/{doc['id']}/versions/{10**30}/restore", json={})
    assert restore.status_code == 422
    assert api.get(url, params={"a": 0, "b": 1}).status_code in (400, 422)
    assert api.get(url, params={"a": 1}).status_code in (400, 422)
    assert api.get(url, params={"a": "x", "b": 1}).status_code in (400, 422)
    other = f"/projects/elsewhere/reports/{doc['id']}/diff"
    assert api.get(other, params={"a": 1, "b": 1}).status_code == 404
    assert api.get(url, params={"a": 1, "b": 1}).json()["changes"] == []


def test_a_diff_over_a_block_of_an_unknown_kind_says_why(
    api: httpx.Client, store_dir: Path
) -> None:
    from cairn.store import Store
    from cairn.store import reports as stored

    doc = create(api, title="From the future", blocks=[{"kind": "markdown", "text": "x"}])
    store = Store.local(store_dir)
    stored.save_version(store, doc["id"], [{"kind": "hologram"}], base_version=1)
    store.close()
    answer = api.get(f"/projects/rp/reports/{doc['id']}/diff", params={"a": 1, "b": 2})
    assert answer.status_code == 400
    assert "hologram" in answer.text and "pip install -U cairn" in answer.text


class Elements(HTMLParser):
    """The elements of an HTML text with their attributes (text, escaped, is harmless)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "![x](https://evil.example/t.png)",
    '<a href="vbscript:x">v</a>',
    "<iframe src=//evil.example></iframe>",
    "[x](java\tscript:alert(1))",
]


@pytest.mark.parametrize("payload", XSS)
def test_markdown_renders_inert(api: httpx.Client, payload: str) -> None:
    rendered = api.post("/projects/rp/reports/render/markdown", json={"text": payload})
    assert rendered.status_code == 200
    tags = Elements()
    tags.feed(rendered.json()["html"])
    assert {tag for tag, _ in tags.found} <= {"p", "a", "h1"}, tags.found
    for _, attrs in tags.found:
        assert {name for name, _ in attrs} <= {"href", "rel"}
        assert all(not (v or "").lower().startswith(("java", "vbs", "data")) for _, v in attrs)
    doc = create(api, title=payload, blocks=[{"kind": "markdown", "text": payload}])
    assert doc["title"] == payload.strip()  # stored as written; escaping is the page's job
    assert doc["html"][0] == rendered.json()["html"]


def test_math_renders_in_a_span_for_the_dashboard(api: httpx.Client) -> None:
    text = "$<img src=x onerror=alert(1)>$\n\n$$\\href{javascript:alert(1)}{x}$$"
    rendered = api.post("/projects/rp/reports/render/markdown", json={"text": text})
    assert rendered.status_code == 200
    assert rendered.json()["html"] == (
        '<p><span class="math-inline">$&lt;img src=x onerror=alert(1)&gt;$</span></p>\n'
        '<p><span class="math-display">$$\\href{javascript:alert(1)}{x}$$</span></p>\n'
    )


def test_code_renders_highlighted_and_a_hostile_language_plain(api: httpx.Client) -> None:
    text = (
        "```python\nimport os  # <b>\n```\n\n"
        '```"><script>alert(1)</script>\n<img src=x onerror=alert(1)>\n```\n\n'
        "```" + "x" * 10_000 + "\ny\n```"
    )
    rendered = api.post("/projects/rp/reports/render/markdown", json={"text": text})
    assert rendered.status_code == 200
    assert rendered.json()["html"] == (
        '<pre><code class="language-python"><span class="hl-kn">import</span> '
        '<span class="hl-nn">os</span>  <span class="hl-c1"># &lt;b&gt;</span>\n</code></pre>\n'
        "<pre><code>&lt;img src=x onerror=alert(1)&gt;\n</code></pre>\n"
        f'<pre><code class="language-{"x" * 10_000}">y\n</code></pre>\n'
    )


def test_live_panel_data_follows_the_filter_and_marks_non_finite(api: httpx.Client) -> None:
    response = api.post("/projects/rp/reports/render/panel", json={"panel": LINE})
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["frozen"] is False
    [run] = data["runs"]
    assert (run["name"], run["number"]) == ("fast", 1)  # the number gives the run its colour
    [line] = run["series"]
    assert line["key"] == "loss" and len(line["x"]) == 20
    assert line["y"][5] is None and line["nonfinite"] == {"index": [5], "kind": ["nan"]}
    bar = {"kind": "bar", "keys": ["config.lr", "summary.acc"]}
    values = api.post("/projects/rp/reports/render/panel", json={"panel": bar}).json()
    assert sorted(r["values"]["config.lr"] for r in values["runs"]) == [0.01, 0.1]
    bad = api.post("/projects/rp/reports/render/panel", json={"panel": {"kind": "line"}})
    assert bad.status_code == 400
    text = api.post(
        "/projects/rp/reports/render/panel", json={"panel": {"kind": "markdown", "text": "x"}}
    )
    assert text.status_code == 400


def test_analysis_panels_give_each_runs_values_and_the_importance(
    api: httpx.Client, store_dir: Path
) -> None:
    url = "/projects/sw/reports/render/panel"
    parallel = api.post(url, json={"panel": {"kind": "parallel", "keys": SWEEP_KEYS}}).json()
    assert parallel["importance"] is None
    by_name = {r["name"]: r["values"] for r in parallel["runs"]}
    assert by_name[f"t2 {XSS}"] == {
        "config.lr": 0.03,
        "config.opt": "adam",
        "config.seed": 2,
        "summary.val/loss": pytest.approx(1.3),
    }
    panel = {"kind": "importance", "keys": SWEEP_KEYS, "runs": "config.seed < 5"}
    found = api.post(url, json={"panel": panel}).json()["importance"]
    assert found["metric"] == "val/loss" and found["runs"] == 5 and found["note"] is None
    assert found["parameters"][0]["name"] == "lr"  # the metric is lr's alone
    assert {p["name"] for p in found["parameters"]} == {"lr", "opt", "seed"}
    few = {**panel, "runs": "config.seed < 2"}
    assert "at least 5" in api.post(url, json={"panel": few}).json()["importance"]["note"]
    made = api.post("/projects/sw/reports", json={"blocks": [{**panel, "frozen": True}]})
    [block] = made.json()["blocks"]
    late = cairn.init(project="sw", dir=store_dir, config={"lr": 9, "opt": "sgd", "seed": 0})
    late.summary["val/loss"] = 0.5
    late.finish(quiet=True)
    assert api.post(url, json={"panel": panel}).json()["importance"]["runs"] == 6  # live
    again = api.post(url, json={"panel": block}).json()
    assert again["frozen"] and again["importance"] == found


BRUSH_CASES = Path(__file__).resolve().parents[2] / "web/src/features/analysis/lib/brushCases.json"


def test_a_brushed_panel_shows_the_runs_the_brush_kept(api: httpx.Client, store_dir: Path) -> None:
    """The brush's filters as the Analysis view writes them (brushCases.json, checked in vitest
    against the browser's own pick) keep the same runs here, alone and within a workspace filter."""
    shared = json.loads(BRUSH_CASES.read_text())
    for logged in shared["runs"]:
        run = cairn.init(
            project="brushed", dir=store_dir, name=logged["name"], config=logged["config"]
        )
        run.summary.update(logged["summary"])
        run.finish(quiet=True)
    keys = [*(f"config.{p}" for p in shared["params"]), f"summary.{shared['metric']}"]
    url = "/projects/brushed/reports/render/panel"
    for case in shared["cases"]:
        for within, allowed in (
            (None, {"r0", "r1", "r2", "r3", "r4", "r5"}),
            ("config.lr < 0.2", {"r0", "r1", "r2", "r3", "r4"}),
        ):
            runs = case["filter"] if within is None else f"({within}) and ({case['filter']})"
            panel = {"kind": "parallel", "keys": keys, "runs": runs}
            response = api.post(url, json={"panel": panel})
            assert response.status_code == 200, (runs, response.text)
            kept = sorted(r["name"] for r in response.json()["runs"])
            assert kept == sorted(set(case["kept"]) & allowed), runs
    saved = create(api, title="Brushed", blocks=[{**panel, "frozen": False}])
    assert saved["blocks"][0]["runs"] == runs  # a report keeps the filter as written
    broken = {
        **panel,
        "runs": 'config["drop rate" >= 0.1',
    }  # an unclosed bracket: a 400 that says where
    bad = api.post(url, json={"panel": broken})
    assert bad.status_code == 400 and "position" in bad.text.lower(), bad.text


def test_a_verdict_panel_gives_the_runs_latest_reproduction(
    api: httpx.Client, store_dir: Path
) -> None:
    from cairn.store import Store
    from cairn.store.reproductions import save_reproduction

    original, again = (r["id"] for r in api.get("/projects/rp/runs").json()["runs"][:2])
    url = "/projects/rp/reports/render/panel"
    panel = {"kind": "verdict", "run": original}
    before = api.post(url, json={"panel": panel}).json()
    assert before["verdict"] is None and [r["id"] for r in before["runs"]] == [original]
    metric = {"key": "acc", "original": 0.5, "values": [math.nan], "mean": None, "std": None,
              "abs_diff": None, "rel_diff": None, "status": "missing"}  # fmt: skip
    store = Store.local(store_dir)
    save_reproduction(
        store, original, verdict="not reproduced", runs=[again], metrics=[metric], details={},
        report="",
    )  # fmt: skip
    store.close()
    after = api.post(url, json={"panel": panel}).json()["verdict"]
    assert after["verdict"] == "not reproduced" and after["runs"] == [again]
    assert after["metrics"] == [{**metric, "values": ["NaN"]}]  # JSON has no NaN
    elsewhere = api.post(url, json={"panel": {**panel, "run": "no-such-run"}}).json()
    assert elsewhere["runs"] == [] and elsewhere["verdict"] is None
    bad = api.post(url, json={"panel": {"kind": "verdict"}})
    assert bad.status_code == 400 and "give run=" in bad.json()["detail"]


def test_an_image_panel_gives_the_image_at_its_step(api: httpx.Client, store_dir: Path) -> None:
    import numpy as np

    run = cairn.init(project="rp", dir=store_dir, name="pictures")
    for step in (0, 4):
        run.log({"samples": cairn.Image(np.full((4, 4), step, dtype=np.uint8))}, step=step)
    run.finish(quiet=True)
    url = "/projects/rp/reports/render/panel"
    panel = {"kind": "image", "run": run.id, "keys": ["samples"]}
    image = api.post(url, json={"panel": panel}).json()["image"]
    assert image["step"] == 4 and (image["meta"]["width"], image["meta"]["height"]) == (4, 4)
    assert api.get(f"/blobs/{image['meta']['blob']}").content.startswith(b"\x89PNG")
    first = api.post(url, json={"panel": {**panel, "step": 0}}).json()["image"]
    assert first["step"] == 0 and first["meta"]["blob"] != image["meta"]["blob"]
    assert api.post(url, json={"panel": {**panel, "step": 2}}).json()["image"] is None
    bad = api.post(url, json={"panel": {"kind": "image", "keys": ["samples"]}})
    assert bad.status_code == 400 and "one media key of one run" in bad.json()["detail"]


def test_a_plot_panel_gives_the_logged_chart(api: httpx.Client, store_dir: Path) -> None:
    import numpy as np

    run = cairn.init(project="rp", dir=store_dir, name="classifier")
    names = ["a", "<b onmouseover=alert(1)>"]
    run.log({"cm": cairn.plot.confusion_matrix([0, 1, 1], [0, 1, 0], class_names=names)})
    run.log({"shot": cairn.Image(np.zeros((2, 2), dtype=np.uint8))})
    run.finish(quiet=True)
    url = "/projects/rp/reports/render/panel"
    panel = {"kind": "plot", "run": run.id, "keys": ["cm"]}
    plot = api.post(url, json={"panel": panel}).json()["plot"]
    assert plot["spec"]["type"] == "confusion_matrix" and plot["spec"]["classes"] == names
    assert plot["data"]["Count"] == [1, 0, 1, 1] and plot["rows"] == 4
    other = api.post(url, json={"panel": {**panel, "keys": ["shot"]}}).json()
    assert other["plot"] is None and "it holds image values" in other["note"]
    gone = api.post(url, json={"panel": {**panel, "run": "no-such-run"}}).json()
    assert gone["plot"] is None and gone["runs"] == [] and "not in project" in gone["note"]
    bad = api.post(url, json={"panel": {"kind": "plot", "keys": ["cm"]}})
    assert bad.status_code == 400 and "one media key of one run" in bad.json()["detail"]
    doc = create(api, title="Plots", blocks=[{**panel, "frozen": True}])
    assert doc["blocks"][0]["data"]["plot"]["data"]["Predicted"] == ["a", names[1]] * 2
    forged = doc["blocks"][0]
    forged["data"]["plot"]["spec"]["classes"] = {"<b>": 1}  # a client's own frozen data
    refused = api.post(url, json={"panel": forged})
    assert refused.status_code == 400 and "frozen classes" in refused.json()["detail"]


def test_a_frozen_panel_keeps_its_data_when_runs_change(api: httpx.Client, store_dir: Path) -> None:
    frozen = {**LINE, "frozen": True}
    doc = create(api, title="Frozen", blocks=[frozen])
    [block] = doc["blocks"]
    assert block["data"]["runs"][0]["name"] == "fast"
    assert block["data"]["runs"][0]["series"]["loss"][1][5] == "NaN"  # JSON has no NaN
    late = cairn.init(project="rp", dir=store_dir, name="late", config={"lr": 0.5})
    late.log({"loss": 1.0})
    late.finish(quiet=True)
    live = api.post("/projects/rp/reports/render/panel", json={"panel": LINE}).json()
    assert {r["name"] for r in live["runs"]} == {"fast", "late"}
    kept = api.post("/projects/rp/reports/render/panel", json={"panel": block}).json()
    assert kept["frozen"] is True and [r["name"] for r in kept["runs"]] == ["fast"]
    # saving the document as it came back keeps the frozen data, NaN included
    again = api.put(
        f"/projects/rp/reports/{doc['id']}", json={"base_version": 1, "blocks": doc["blocks"]}
    )
    assert again.status_code == 200, again.text
    assert again.json()["blocks"] == doc["blocks"]


def test_citations_are_numbered_from_the_reports_bibtex(api: httpx.Client) -> None:
    bib = "@article{b, title={B}, year=2}\n@article{a, title={A}, year=1}"
    doc = create(
        api,
        title="Cited",
        blocks=[
            {"kind": "markdown", "text": "As [@a] and [@b] show, not [@missing]."},
            {"kind": "bibtex", "text": bib},
        ],
    )
    assert doc["html"][0] == "<p>As [1] and [2] show, not [?].</p>\n"  # numbered as cited
    references = doc["html"][1]  # the BibTeX block: its references, numbered as cited
    assert references.index('<li value="1" id="ref-a">') < references.index('<li value="2"')
    assert "<h2" in references and references.count("<li") == 2


def test_the_editors_preview_numbers_citations_as_the_saved_page_does(api: httpx.Client) -> None:
    bib = "@article{b, title={B}, year=2}\n@article{a, title={A <script>}, year=1}"
    report = [
        {"kind": "markdown", "text": "First [@b]."},
        {"kind": "markdown", "text": "Then [@a] and [@b], not [@missing]."},
        {"kind": "bibtex", "text": bib},
    ]
    preview = api.post(
        "/projects/rp/reports/render/markdown", json={"text": report[1]["text"], "report": report}
    )
    assert preview.status_code == 200, preview.text
    saved = create(api, title="Preview", blocks=report)
    assert preview.json()["html"] == saved["html"][1] == "<p>Then [2] and [1], not [?].</p>\n"
    alone = api.post("/projects/rp/reports/render/markdown", json={"text": report[1]["text"]})
    assert alone.json()["html"] == "<p>Then [?] and [?], not [?].</p>\n"  # no report sent
    references = api.post(
        "/projects/rp/reports/render/markdown",
        json={"text": bib, "kind": "bibtex", "report": report},
    )
    assert references.json()["html"] == saved["html"][2]
    assert "&lt;script&gt;" in saved["html"][2] and "<script" not in saved["html"][2]
    broken = api.post(
        "/projects/rp/reports/render/markdown",
        json={"text": "@article{x, title={", "kind": "bibtex"},
    )
    assert broken.status_code == 200 and "cannot read" in broken.json()["html"]
    wrong = api.post("/projects/rp/reports/render/markdown", json={"text": "x", "kind": "picture"})
    assert wrong.status_code == 422


def test_references_on_the_page_are_escaped(api: httpx.Client) -> None:
    bib = "@misc{x, title={<img src=x onerror=alert(1)> \\& <b>bold</b>}, year=2024}"
    doc = create(
        api,
        title="Hostile",
        blocks=[{"kind": "markdown", "text": "[@x]"}, {"kind": "bibtex", "text": bib}],
    )
    references = doc["html"][1]
    assert "<img" not in references and "<b>" not in references
    assert "&lt;img src=x onerror=alert(1)&gt;" in references


def test_a_report_from_the_reproducibility_template(api: httpx.Client, store_dir: Path) -> None:
    hostile = cairn.init(project="tp", dir=store_dir, name="<img src=x onerror=alert(1)>")
    hostile.log({"loss": 0.5})
    hostile.finish(quiet=True)
    made = api.post(
        "/projects/tp/reports/templates/reproducibility",
        json={"title": "Does it hold?", "runs": [hostile.id]},
    )
    assert made.status_code == 201, made.text
    doc = made.json()
    assert (doc["title"], doc["version"]) == ("Does it hold?", 1)
    html = "".join(h or "" for h in doc["html"])
    for section in ("Scope of reproducibility", "Methodology", "Results", "Computational cost"):
        assert f"<h2>{section}</h2>" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert [b["kind"] for b in doc["blocks"]].count("line") == 1
    report = cairn.Api(store_dir).report("tp", doc["id"])
    assert len(report.blocks) == len(doc["blocks"])
    other = cairn.Api(store_dir).runs("elsewhere")[0]
    wrong = api.post(
        "/projects/tp/reports/templates/reproducibility", json={"runs": [f"elsewhere/{other.id}"]}
    )
    assert wrong.status_code == 400 and "not 'tp'" in wrong.json()["detail"]
    missing = api.post("/projects/tp/reports/templates/reproducibility", json={"runs": ["nope"]})
    assert missing.status_code == 404
    empty = api.post("/projects/tp/reports/templates/reproducibility", json={"runs": []})
    assert empty.status_code in (400, 422)
    assert len(api.get("/projects/tp/reports").json()) == 1  # nothing saved by the failures
