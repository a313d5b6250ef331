"""A run comparison in a report, as a user makes one: compare two runs, "Add to report…" into a
new report, which shows both runs side by side with the differing config row marked and the equal
ones hidden; freeze it; add one from the report's panel form with every row; and payloads in run
names, config keys and values stay text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.e2e.conftest import add_to_new_report
from tests.e2e.test_xss import Guard
from tests.fakes.server import serve

import cairn
from cairn.reports.compare_keys import MAX_RUNS
from cairn.reports.style import PALETTE

expect = pytest.importorskip("playwright.sync_api").expect

XSS = "<img src=x onerror=window.__xss=1>"


@dataclass(frozen=True)
class Store:
    url: str
    dir: Path
    ids: list[str]
    many: list[str]  # runs of project "many": one more than a compare panel shows


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store_dir = tmp_path_factory.mktemp("e2e_report_compare") / ".cairn"
    ids = []
    for i, lr in enumerate((0.1, 0.3, 0.5)):
        config = {"lr": lr, "seed": 7, f"key {XSS}": f"<script>window.__xss=1</script>{i}"}
        run = cairn.init(project="cmp", dir=store_dir, name=f"run{i} {XSS}", config=config)
        run.summary["acc"] = lr
        run.finish(quiet=True)
        ids.append(run.id)
    many = []
    for i in range(MAX_RUNS + 1):
        run = cairn.init(project="many", dir=store_dir, name=f"m{i}", config={"i": i})
        run.finish(quiet=True)
        many.append(run.id)
    with serve(store_dir) as running:
        yield Store(running.url, store_dir, ids, many)


def rgb(colour: str) -> str:
    """``#rrggbb`` as the browser's computed style writes it."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def _row(panel: Any, section: str, key: str) -> Any:
    return panel.get_by_test_id(f"compare-{section}").locator(
        f'[data-testid=diff-row][data-key="{key}"]'
    )


def test_compare_two_runs_add_to_a_report_and_freeze(page: Any, store: Store) -> None:
    guard = Guard(page)
    a, b = store.ids[0], store.ids[1]
    page.goto(f"{store.url}/p/cmp/compare?runs={a},{b}")
    expect(page.get_by_test_id("config-diff")).to_be_visible()
    # the page shows the runs' capture facts as the panel will: every row with the toggle off
    page.get_by_test_id("only-differences").uncheck()
    python = page.get_by_test_id("run-diff").locator('[data-testid=diff-row][data-key="python"]')
    expect(python).to_have_attribute("data-differs", "false")
    page.get_by_test_id("only-differences").check()
    expect(python).to_have_count(0)
    page.get_by_test_id("compare-add-to-report").click()
    expect(page.get_by_test_id("add-to-report")).to_contain_text(f'id in ["{a}", "{b}"]')
    view = add_to_new_report(page, "Two runs")
    panel = view.get_by_test_id("panel-compare")
    expect(panel).to_have_attribute("data-only-differences", "true")
    heads = panel.get_by_test_id("compare-config").locator("th[data-run-ref]")
    expect(heads).to_have_text([f"run0 {XSS}", f"run1 {XSS}"])
    for head, run_id in zip((heads.nth(0), heads.nth(1)), (a, b), strict=True):
        number = (
            cairn.Api(store.dir).run(f"cmp/{run_id}").info.number
        )  # its colour, as in the workspace
        expect(head).to_have_css("border-top-color", rgb(PALETTE[number - 1]))
    lr = _row(panel, "config", "lr")
    expect(lr).to_have_attribute("data-differs", "true")
    expect(lr).to_have_class("differs")
    expect(lr.locator("td")).to_have_text(["lr", "0.1", "0.3"])
    expect(_row(panel, "config", f"key {XSS}")).to_have_attribute("data-differs", "true")
    expect(_row(panel, "config", "seed")).to_have_count(0)  # equal: hidden, as on the compare page
    expect(_row(panel, "summary", "acc")).to_have_attribute("data-differs", "true")
    expect(panel.get_by_test_id("compare-run-count")).to_contain_text("run facts")  # capture
    assert page.locator("main img[src='x'], main script").count() == 0
    guard.check("the report's compare panel")

    # freeze it: the stored version keeps every run's cells
    page.get_by_test_id("edit-report").click()
    page.get_by_test_id("block-edit-panel").first.click()
    page.get_by_test_id("panel-frozen").check()
    page.get_by_test_id("panel-submit").click()
    expect(page.get_by_test_id("save-status")).to_have_text("Saved", timeout=15_000)
    page.get_by_test_id("done-editing").click()
    view = page.get_by_test_id("report-view")
    expect(view.get_by_test_id("panel-runset")).to_contain_text("frozen")
    expect(_row(view, "config", "lr").locator("td")).to_have_text(["lr", "0.1", "0.3"])
    report_id = page.url.split("/reports/")[1].split("?")[0]
    doc = httpx.get(f"{store.url}/api/v1/projects/cmp/reports/{report_id}").json()
    [block] = doc["blocks"]
    assert block["kind"] == "compare" and block["frozen"] and block["differences_only"]
    cells = [run["values"] for run in block["data"]["runs"]]
    assert [c["config.lr"] for c in cells] == [0.1, 0.3]
    assert [c["config.seed"] for c in cells] == [7, 7]
    guard.check("the frozen compare panel")


def test_the_panel_form_picks_runs_and_adds_a_comparison_of_every_row(
    page: Any, store: Store
) -> None:
    guard = Guard(page)
    page.goto(f"{store.url}/p/cmp")
    page.get_by_test_id("nav-reports").click()
    page.get_by_test_id("new-report").click()
    page.get_by_test_id("report-title-input").fill("All rows")
    page.get_by_test_id("add-panel").click()
    form = page.get_by_test_id("panel-form")
    form.get_by_test_id("panel-kind").select_option("compare")
    for i in (2, 0, 1):  # picked as on the compare page: "+ Add run", search, click
        form.get_by_test_id("add-run").click()
        expect(page.get_by_test_id("run-picker-project")).to_have_count(0)  # this project's
        page.get_by_test_id("run-picker-search").fill(f"run{i}")
        page.get_by_test_id("run-picker-option").filter(has_text=f"run{i} ").click()
    ids = ", ".join(f'"{store.ids[i]}"' for i in (2, 0, 1))
    expect(form.get_by_test_id("panel-filter")).to_have_value(f"id in [{ids}]")
    form.get_by_test_id("panel-only-differences").uncheck()
    form.get_by_test_id("panel-submit").click()
    expect(page.get_by_test_id("save-status")).to_have_text("Saved", timeout=15_000)
    page.get_by_test_id("done-editing").click()
    panel = page.get_by_test_id("report-view").get_by_test_id("panel-compare")
    expect(panel).to_have_attribute("data-only-differences", "false")
    expect(panel.get_by_test_id("compare-config").locator("th[data-run-ref]")).to_have_count(3)
    seed = _row(panel, "config", "seed")
    expect(seed).to_have_attribute("data-differs", "false")
    expect(seed.locator("td")).to_have_text(["seed", "7", "7", "7"])
    expect(_row(panel, "config", "lr")).to_have_attribute("data-differs", "true")
    for fact in ("python", "host", "duration"):  # what the capture says, every row shown
        expect(_row(panel, "run", fact)).to_have_count(1)
    guard.check("a compare panel from the form")


def test_more_runs_than_a_panel_compares_say_so_instead_of_adding(page: Any, store: Store) -> None:
    page.goto(f"{store.url}/p/many/compare?runs={','.join(store.many)}")
    expect(page.get_by_test_id("config-diff")).to_be_visible()
    page.get_by_test_id("compare-add-to-report").click()
    expect(page.get_by_test_id("add-to-report-blocked")).to_contain_text(
        f"at most {MAX_RUNS} runs, and {MAX_RUNS + 1} are compared here"
    )
    expect(page.get_by_test_id("add-to-report-submit")).to_have_count(0)
