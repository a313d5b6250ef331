"""The run page: header edits (name, tags, notes) that persist, the overview, the charts tab."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

expect = pytest.importorskip("playwright.sync_api").expect


def run_id(server: str, name: str) -> str:
    """The id of the demo run first named ``name`` (ids do not change when a run is renamed)."""
    query = urllib.parse.urlencode({"filter": f'name == "{name}"'})
    with urllib.request.urlopen(
        f"{server}/api/v1/projects/demo/runs?{query}", timeout=10
    ) as response:
        runs = json.loads(response.read())["runs"]
    assert runs, f"no demo run named {name}"
    return str(runs[0]["id"])


def test_open_a_run_from_the_workspace(page: Any, server: str) -> None:
    page.goto(f"{server}/p/demo")
    row = page.locator('[data-testid=run-row][data-run-name="mlp-0.3-32"]')
    row.get_by_test_id("run-link").click()
    expect(page).to_have_url(re.compile(r"/p/demo/r/\w+$"))
    expect(page.get_by_test_id("run-name")).to_have_text("mlp-0.3-32")
    expect(page.get_by_test_id("run-header").get_by_test_id("state-pill")).to_have_attribute(
        "data-state", "finished"
    )
    expect(page.get_by_test_id("breadcrumb")).to_contain_text("mlp-0.3-32")
    tree = page.get_by_test_id("config-tree")
    expect(tree.locator('[data-path="lr"]')).to_contain_text("0.3")
    expect(tree.locator('[data-path="model.width"]')).to_contain_text("32")
    # a branch collapses; the search finds nested keys and values
    tree.locator('[data-path="model"]').click()
    expect(tree.locator('[data-path="model.width"]')).to_have_count(0)
    page.get_by_test_id("config-search").fill("width")
    expect(tree.locator('[data-path="model.width"]')).to_be_visible()
    expect(tree.locator('[data-path="lr"]')).to_have_count(0)
    summary = page.get_by_test_id("summary-table")
    expect(summary.locator('[data-key="val/acc"]')).to_be_visible()
    page.get_by_test_id("summary-search").fill("train")
    expect(summary.get_by_test_id("summary-row")).to_have_count(2)


@pytest.fixture
def renamed_back(server: str) -> Iterator[str]:
    """The id of demo run mlp-0.1-128, named so again after the test: the demo store is shared
    by every e2e file of the session (test_colors, say, looks for it by name)."""
    rid = run_id(server, "mlp-0.1-128")
    yield rid
    request = urllib.request.Request(
        f"{server}/api/v1/projects/demo/runs/{rid}",
        data=json.dumps({"name": "mlp-0.1-128"}).encode(),
        headers={"Content-Type": "application/json", "Origin": server},
        method="PATCH",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def test_rename_persists_after_reload(page: Any, server: str, renamed_back: str) -> None:
    rid = renamed_back
    page.goto(f"{server}/p/demo/r/{rid}")
    page.get_by_test_id("run-name").click()
    field = page.get_by_test_id("run-name-input")
    field.fill("renamed-by-e2e")
    field.press("Enter")
    expect(page.get_by_test_id("run-name")).to_have_text("renamed-by-e2e")
    page.reload()
    expect(page.get_by_test_id("run-name")).to_have_text("renamed-by-e2e")
    # Escape leaves the name alone
    page.get_by_test_id("run-name").click()
    page.get_by_test_id("run-name-input").fill("not-this")
    page.get_by_test_id("run-name-input").press("Escape")
    expect(page.get_by_test_id("run-name")).to_have_text("renamed-by-e2e")
    page.goto(f"{server}/p/demo")
    expect(page.locator(f'[data-testid=run-row][data-run-id="{rid}"]')).to_have_attribute(
        "data-run-name", "renamed-by-e2e"
    )


def test_tags_and_notes_are_saved(page: Any, server: str) -> None:
    rid = run_id(server, "mlp-0.3-128")
    page.goto(f"{server}/p/demo/r/{rid}")
    chips = page.get_by_test_id("tag-editor").get_by_test_id("tag-chip")
    expect(chips).to_have_count(2)
    page.get_by_test_id("tag-add").click()
    page.get_by_test_id("tag-input").fill("keeper")
    page.get_by_test_id("tag-input").press("Enter")
    expect(chips).to_have_count(3)
    with page.expect_response(lambda r: r.request.method == "PATCH"):
        page.get_by_role("button", name="Remove tag sweep").click()
    expect(chips).to_have_count(2)
    notes = page.get_by_test_id("run-notes")
    notes.fill("best run so far")

    def saves_notes(response: Any) -> bool:  # the PATCH with the notes, not a late one for tags
        request = response.request
        return bool(request.method == "PATCH" and "best run so far" in (request.post_data or ""))

    with page.expect_response(saves_notes):
        notes.blur()  # leaving the field saves the notes
    page.reload()
    expect(page.get_by_test_id("tag-editor").get_by_test_id("tag-chip")).to_contain_text(
        ["demo", "keeper"]
    )
    expect(page.get_by_test_id("run-notes")).to_have_value("best run so far")


def test_failed_run_shows_its_exit_code(page: Any, server: str) -> None:
    rid = run_id(server, "mlp-0.03-128")
    page.goto(f"{server}/p/demo/r/{rid}")
    expect(page.get_by_test_id("run-header").get_by_test_id("state-pill")).to_have_attribute(
        "data-state", "failed"
    )
    expect(page.get_by_test_id("exit-code")).to_have_text("1")
    expect(page.get_by_test_id("summary-table").locator('[data-key="train/loss"]')).to_contain_text(
        "NaN"
    )


def test_charts_tab_shows_this_run(page: Any, server: str) -> None:
    rid = run_id(server, "mlp-0.3-32")
    page.goto(f"{server}/p/demo/r/{rid}")
    tabs = page.get_by_test_id("run-tabs").get_by_role("tab")
    expect(tabs).to_have_count(5)  # overview, charts, logs, artifacts, reproducibility
    page.get_by_test_id("tab-charts").click()
    expect(page).to_have_url(re.compile(r"tab=charts"))
    expect(page.get_by_test_id("panel-grid")).to_have_attribute("data-run-count", "1")
    expect(page.get_by_test_id("config-tree")).to_have_count(0)
    page.get_by_test_id("tab-overview").click()
    expect(page.get_by_test_id("config-tree")).to_be_visible()


def test_unknown_run_says_so(page: Any, server: str) -> None:
    page.goto(f"{server}/p/demo/r/nosuchrun")
    expect(page.get_by_test_id("run-missing")).to_contain_text("Run not found")
