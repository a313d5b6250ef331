"""The projects page and the workspace: runs table, filter, search, sort, group, eye toggles, delete."""

from __future__ import annotations

import json
import os
import re
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

import cairn

expect = pytest.importorskip("playwright.sync_api").expect

ROOT = Path(__file__).resolve().parents[2]
RUNS = 6  # the demo project (tests/e2e/conftest.py): lr in (0.3, 0.1, 0.03) x width in (32, 128)


def api(server: str, path: str) -> Any:
    with urllib.request.urlopen(f"{server}/api/v1{path}", timeout=10) as response:
        return json.loads(response.read())


def open_workspace(page: Any, server: str, query: str = "") -> None:
    page.goto(f"{server}/p/demo{query}")
    expect(page.get_by_test_id("runs-table")).to_be_visible()


def rows(page: Any) -> Any:
    return page.get_by_test_id("run-row")


def column_values(page: Any, column: str) -> list[str]:
    return [
        c.inner_text()
        for c in page.locator(f'[data-testid=run-row] [data-column="{column}"]').all()
    ]


def test_projects_page_opens_the_workspace(page: Any, server: str) -> None:
    page.goto(server)
    row = page.locator('[data-testid=project-row][data-project="demo"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text(str(RUNS))
    expect(row).to_contain_text(re.compile(r"just now|ago"))
    row.click()
    expect(page).to_have_url(re.compile(r"/p/demo$"))
    expect(rows(page)).to_have_count(RUNS)
    expect(page.get_by_test_id("run-count")).to_have_text(f"{RUNS} runs")
    expect(page.get_by_test_id("breadcrumb")).to_contain_text("demo")
    # default columns: meta, then config and summary keys from /columns
    headers = page.get_by_test_id("column-header")
    for column in (
        "name",
        "state",
        "created_at",
        "runtime",
        "tags",
        "config.lr",
        "summary.val/acc",
    ):
        expect(headers.and_(page.locator(f'[data-column="{column}"]'))).to_have_count(1)
    failed = page.locator(
        '[data-testid=run-row][data-run-name="mlp-0.03-128"] [data-testid=state-pill]'
    )
    expect(failed).to_have_attribute("data-state", "failed")


def test_filter_narrows_the_table_and_the_charts_and_lives_in_the_url(
    page: Any, server: str
) -> None:
    open_workspace(page, server)
    charts = page.get_by_test_id("panel-grid")
    box = page.get_by_test_id("filter-input")
    box.fill("config.lr < 0.2")
    expect(rows(page)).to_have_count(RUNS)  # nothing happens before Enter
    expect(charts).to_have_attribute("data-run-count", str(RUNS))
    box.press("Enter")
    expect(rows(page)).to_have_count(4)
    expect(page.get_by_test_id("run-count")).to_have_text(f"4 of {RUNS} runs")
    expect(charts).to_have_attribute("data-run-count", "4")
    assert sorted(set(column_values(page, "config.lr"))) == ["0.03", "0.1"]
    assert "filter=config.lr" in urllib.parse.unquote_plus(page.url)
    page.reload()
    expect(rows(page)).to_have_count(4)
    expect(page.get_by_test_id("filter-input")).to_have_value("config.lr < 0.2")


def test_bad_filter_shows_the_servers_message_at_its_position(page: Any, server: str) -> None:
    open_workspace(page, server)
    box = page.get_by_test_id("filter-input")
    box.fill("config.lr << 0.2")
    box.press("Enter")
    error = page.get_by_test_id("filter-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("unknown operator '<<'")
    expect(error).to_have_attribute("data-position", "10")
    expect(page.get_by_test_id("filter-error-caret")).to_have_text("<")
    # the last good rows stay on screen; fixing the filter clears the error
    expect(rows(page)).to_have_count(RUNS)
    box.fill("config.lr >= 0.3")
    box.press("Enter")
    expect(error).to_have_count(0)
    expect(rows(page)).to_have_count(2)


def test_an_unknown_project_is_a_not_found_page(page: Any, server: str) -> None:
    page.goto(f"{server}/p/nope")
    missing = page.get_by_test_id("project-missing")
    expect(missing).to_contain_text("Project not found")
    expect(missing).to_contain_text("no project named 'nope'")
    expect(page.get_by_test_id("workspace")).to_have_count(0)
    expect(page.get_by_text("select runs in the table")).to_have_count(0)
    missing.get_by_role("link", name="Back to projects").click()
    expect(page.locator('[data-testid=project-row][data-project="demo"]')).to_be_visible()


def test_a_bad_filter_in_the_url_shows_its_error_where_the_filter_is(
    page: Any, server: str
) -> None:
    page.goto(f"{server}/p/demo?filter=config.lr%20%3C%3C%200.2")
    error = page.get_by_test_id("filter-error")
    expect(error).to_contain_text("unknown operator '<<'")
    expect(page.get_by_test_id("filter-input")).to_have_value("config.lr << 0.2")
    expect(page.get_by_test_id("runs-bad-filter")).to_contain_text("Fix the filter")
    expect(page.get_by_test_id("run-count")).to_have_text(f"filter not applied · {RUNS} runs")
    expect(page.get_by_test_id("charts-blocked")).to_contain_text("filter")
    expect(page.get_by_text("select runs in the table")).to_have_count(0)
    page.get_by_test_id("runs-bad-filter").get_by_role("button", name="Clear the filter").click()
    expect(rows(page)).to_have_count(RUNS)
    expect(error).to_have_count(0)


def test_an_unknown_x_key_in_the_url_falls_back_to_step_with_a_note(page: Any, server: str) -> None:
    open_workspace(page, server, "?x=nokey")
    expect(page.get_by_test_id("x-axis-select")).to_have_value("_step", timeout=3000)
    options = page.get_by_test_id("x-axis-select").locator("option")
    expect(options.filter(has_text="nokey")).to_have_count(0, timeout=1000)
    expect(page.get_by_test_id("x-axis-note")).to_contain_text("nokey", timeout=1000)


def test_filter_without_matches_offers_to_clear_it(page: Any, server: str) -> None:
    page.goto(f"{server}/p/demo?filter=config.lr%20%3E%205")
    expect(page.get_by_test_id("runs-no-match")).to_contain_text("No runs match")
    page.get_by_test_id("clear-filter").click()
    expect(rows(page)).to_have_count(RUNS)
    expect(page.get_by_test_id("filter-input")).to_have_value("")


def test_quick_search(page: Any, server: str) -> None:
    open_workspace(page, server)
    page.get_by_test_id("search-input").fill("-0.3-")
    expect(rows(page)).to_have_count(2)
    expect(page).to_have_url(re.compile(r"[?&]q=-0.3-"))
    expect(page.get_by_test_id("run-count")).to_have_text(f"2 of {RUNS} runs")


def test_sort_by_a_config_column(page: Any, server: str) -> None:
    open_workspace(page, server)
    header = page.locator('[data-testid=column-header][data-column="config.lr"]')
    header.click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(page).to_have_url(re.compile(r"sort=config.lr"))
    expect(page.locator('[data-testid=run-row] [data-column="config.lr"]').first).to_have_text(
        "0.03"
    )
    assert column_values(page, "config.lr") == ["0.03", "0.03", "0.1", "0.1", "0.3", "0.3"]
    header.click()
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(page.locator('[data-testid=run-row] [data-column="config.lr"]').first).to_have_text(
        "0.3"
    )
    assert column_values(page, "config.lr") == ["0.3", "0.3", "0.1", "0.1", "0.03", "0.03"]
    header.click()
    expect(header).to_have_attribute("aria-sort", "none")
    assert "sort=" not in page.url


def test_sort_by_a_summary_column_uses_the_bracket_form(page: Any, server: str) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(urllib.parse.unquote_plus(r.url)))
    open_workspace(page, server)
    page.locator('[data-testid=column-header][data-column="summary.val/acc"]').click()
    page.locator('[data-testid=column-header][data-column="summary.val/acc"]').click()
    expect(
        page.locator('[data-testid=column-header][data-column="summary.val/acc"]')
    ).to_have_attribute("aria-sort", "descending")
    expect(rows(page).first).to_have_attribute("data-run-name", "mlp-0.3-128")  # best val/acc
    assert any('order=-summary["val/acc"]' in url for url in requests), requests


def test_group_by_a_config_key_and_collapse_a_group(page: Any, server: str) -> None:
    open_workspace(page, server)
    charts = page.get_by_test_id("panel-grid")
    expect(charts).to_have_attribute("data-grouped", "false")
    page.get_by_test_id("group-by").select_option("config.optimizer")
    groups = page.get_by_test_id("group-row")
    expect(groups).to_have_count(2)
    expect(charts).to_have_attribute("data-grouped", "true")
    adam = page.locator('[data-testid=group-row][data-group="adam"]')
    expect(adam.get_by_test_id("group-count")).to_have_text("3")
    expect(rows(page)).to_have_count(RUNS)
    adam.get_by_test_id("group-toggle").click()
    expect(adam).to_have_attribute("data-collapsed", "true")
    expect(rows(page)).to_have_count(3)
    assert set(column_values(page, "config.optimizer")) == {"sgd"}
    expect(page).to_have_url(re.compile(r"group=config.optimizer.*fold=adam"))
    # the group's eye hides all its runs from the charts
    expect(charts).to_have_attribute("data-run-count", str(RUNS))
    adam.get_by_test_id("group-eye-toggle").click()
    expect(charts).to_have_attribute("data-run-count", "3")
    page.reload()
    expect(page.get_by_test_id("group-row")).to_have_count(2)
    expect(rows(page)).to_have_count(3)
    expect(page.get_by_test_id("panel-grid")).to_have_attribute("data-run-count", "3")


def test_eye_toggle_hides_a_run_from_the_charts(page: Any, server: str) -> None:
    open_workspace(page, server)
    charts = page.get_by_test_id("panel-grid")
    expect(charts).to_have_attribute("data-run-count", str(RUNS))
    first = rows(page).first
    eye = first.get_by_test_id("eye-toggle")
    expect(eye).to_have_attribute("data-visible", "true")
    eye.click()
    expect(eye).to_have_attribute("data-visible", "false")
    expect(charts).to_have_attribute("data-run-count", str(RUNS - 1))
    run_id = first.get_attribute("data-run-id")
    expect(page).to_have_url(re.compile(rf"hide={run_id}"))
    eye.click()
    expect(charts).to_have_attribute("data-run-count", str(RUNS))
    page.get_by_test_id("eye-toggle-all").click()
    expect(charts).to_have_attribute("data-run-count", "0")


def test_column_picker_adds_and_removes_columns(page: Any, server: str) -> None:
    open_workspace(page, server)
    header = page.locator('[data-testid=column-header][data-column="summary.train/loss"]')
    expect(header).to_have_count(1)
    page.get_by_test_id("column-picker-button").click()
    page.get_by_test_id("column-search").fill("train/loss")
    option = page.locator('[data-testid=column-option][data-column="summary.train/loss"] input')
    expect(option).to_be_checked()
    option.click()
    expect(header).to_have_count(0)
    page.get_by_test_id("column-search").fill("host")
    page.locator('[data-testid=column-option][data-column="host"] input').click()
    expect(page.locator('[data-testid=column-header][data-column="host"]')).to_have_count(1)
    page.reload()
    expect(page.locator('[data-testid=column-header][data-column="host"]')).to_have_count(1)
    expect(header).to_have_count(0)


def test_pin_and_resize_a_column(page: Any, server: str) -> None:
    open_workspace(page, server)
    header = page.locator('[data-testid=column-header][data-column="summary.val/acc"]')
    header.hover()
    header.get_by_test_id("column-menu-button").click()
    page.get_by_test_id("column-menu").get_by_role("menuitem", name="Pin column left").click()
    expect(page).to_have_url(re.compile(r"pin=summary.val"))
    expect(header).to_have_class(re.compile(r"\bpinned\b"))
    # a pinned column stays in view when the table scrolls sideways
    before = header.bounding_box()
    page.get_by_test_id("runs-table").evaluate("e => { e.scrollLeft = 400 }")
    page.wait_for_timeout(100)
    assert header.bounding_box() == before
    name = page.locator('[data-testid=column-header][data-column="name"]')
    width = name.bounding_box()["width"]
    handle = name.get_by_test_id("column-resizer").bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + 10)
    page.mouse.down()
    page.mouse.move(handle["x"] + 80, handle["y"] + 10, steps=5)
    page.mouse.up()
    assert name.bounding_box()["width"] == pytest.approx(width + 80 - handle["width"] / 2, abs=6)


def test_selection_with_shift_click_opens_compare(page: Any, server: str) -> None:
    open_workspace(page, server)
    boxes = page.get_by_test_id("run-select")
    boxes.nth(0).click()
    boxes.nth(2).click(modifiers=["Shift"])
    expect(page.get_by_test_id("selection-bar")).to_contain_text("3 selected")
    ids = [rows(page).nth(i).get_attribute("data-run-id") for i in range(3)]
    page.get_by_test_id("compare-button").click()
    expect(page).to_have_url(re.compile(r"/p/demo/compare\?runs="))
    expect(page.get_by_test_id("compare-run")).to_have_count(3)
    assert all(run_id in urllib.parse.unquote(page.url) for run_id in ids if run_id)


def test_delete_selected_runs_after_confirming(page: Any, server: str, demo_store: Path) -> None:
    for name in ("scratch-a", "scratch-b"):
        run = cairn.init(project="scratch", dir=demo_store, config={"lr": 1}, name=name)
        run.log({"loss": 1.0})
        run.finish()
    page.goto(f"{server}/p/scratch")
    expect(rows(page)).to_have_count(2)
    page.get_by_test_id("select-all").click()
    page.get_by_test_id("delete-button").click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_contain_text("Delete 2 runs?")
    page.get_by_role("button", name="Cancel").click()
    expect(rows(page)).to_have_count(2)
    page.get_by_test_id("delete-button").click()
    page.get_by_test_id("confirm-button").click()
    expect(page.get_by_test_id("runs-empty")).to_contain_text("No runs in scratch yet")
    expect(page.get_by_test_id("snippet")).to_contain_text("cairn.init(project=")
    assert api(server, "/projects/scratch/runs")["total"] == 0


def test_theme_toggle_persists(page: Any, server: str) -> None:
    open_workspace(page, server)
    html = page.locator("html")
    before = html.get_attribute("data-theme")
    page.get_by_test_id("theme-toggle").click()
    after = "dark" if before == "light" else "light"
    expect(html).to_have_attribute("data-theme", after)
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", after)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_workspace_screenshot(page: Any, server: str, theme: str) -> None:
    """The workspace with its charts drawn, in both themes, for a person to look at."""
    page.add_init_script(f"localStorage.setItem('cairn.theme', '{theme}')")
    open_workspace(page, server, "?group=config.optimizer")
    expect(page.locator("html")).to_have_attribute("data-theme", theme)
    expect(page.get_by_test_id("group-row")).to_have_count(2)
    expect(page.locator("[data-testid=panel-grid] canvas").first).to_be_visible(timeout=10_000)
    page.wait_for_timeout(500)  # let the charts finish drawing
    folder = Path(os.environ.get("CAIRN_SCREENSHOTS", ROOT / "test-results" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"workspace-{theme}.png"))
