"""The "Add to report…" menu item from the sweep page's analysis, the workspace's Analysis tab, the
compare page's panels and the run page's charts: the panel arrives in a new report with the page's
runs as its run set (the sweep's runs, the workspace's runs filter and the Analysis brush, the
compared runs, the run), its keys and settings, and draws those runs and no others; runs of several
projects say why they cannot be added."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from tests.e2e.conftest import IMPORTANCE_MS, add_to_new_report
from tests.e2e.test_analysis import brush_axis
from tests.e2e.test_xss import Guard
from tests.fakes.server import serve
from tests.fakes.sweeps import make_sweep

import cairn

XSS_PROJECT = "<img src=x onerror=window.__xss=1>"

expect = pytest.importorskip("playwright.sync_api").expect


@dataclass(frozen=True)
class Store:
    url: str
    sweep: str
    outside: str  # a run of the sweep's project, not in the sweep, with the same keys
    other: str  # a run of project "other"
    payload: str  # a run of project XSS_PROJECT


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store_dir = tmp_path_factory.mktemp("e2e_add_to_report_pages") / ".cairn"
    sweep = make_sweep(store_dir, "sweepy", trials=6)
    ids = {}
    for project in ("sweepy", "other", XSS_PROJECT):
        run = cairn.init(
            project=project,
            dir=store_dir,
            name="outside",
            config={"lr": 5.0, "model": {"width": 8}},
        )
        for step in range(5):
            run.log({"val/loss": 9.0 + step})
        run.finish(quiet=True)
        ids[project] = run.id
    for i, opt in enumerate((XSS_PROJECT, "adam", "sgd")):  # a category value like HTML
        run = cairn.init(
            project="brushxss",
            dir=store_dir,
            name=f"x{i}",
            config={"lr": 0.1 * (i + 1), "opt": opt},
        )
        run.log({"val/loss": 1.0 + i})
        run.finish(quiet=True)
    with serve(store_dir) as running:
        yield Store(running.url, sweep, ids["sweepy"], ids["other"], ids[XSS_PROJECT])


def stored_panel(page: Any, url: str, project: str) -> dict[str, Any]:
    """The first block of the report the page shows, as the API stores it."""
    report_id = page.url.rsplit("/", 1)[1]
    doc = page.request.get(f"{url}/api/v1/projects/{project}/reports/{report_id}").json()
    return doc["blocks"][0]  # type: ignore[no-any-return]


def report_run_names(view: Any) -> set[str]:
    return {name.strip() for name in view.locator(".rp-run-name").all_inner_texts()}


@pytest.mark.parametrize("kind", ["parallel", "importance"])
def test_add_the_sweep_analysis_to_a_report(page: Any, store: Store, kind: str) -> None:
    page.goto(f"{store.url}/p/sweepy/sweeps/{store.sweep}")
    analysis = page.get_by_test_id("sweep-analysis")
    expect(analysis.get_by_test_id("parallel-coordinates")).to_have_attribute(
        "data-line-count", "6"
    )
    analysis.get_by_test_id(f"analysis-add-{kind}").click()
    dialog = page.get_by_test_id("add-to-report")
    expect(dialog).to_contain_text(f'sweep_id == "{store.sweep}"')
    expect(dialog).to_contain_text("config.lr, config.model.width, summary.val/loss")
    view = add_to_new_report(page, f"Sweep {kind}")
    expect(page).to_have_url(re.compile(r"/p/sweepy/reports/"))
    runset = view.get_by_test_id("panel-runset")
    expect(runset).to_contain_text(f'sweep_id == "{store.sweep}"')
    expect(runset).to_contain_text("6 runs")  # not the project's run outside the sweep
    expect(runset).not_to_contain_text("outside")
    if kind == "parallel":
        chart = view.get_by_test_id("parallel-coordinates")
        expect(chart).to_have_attribute("data-line-count", "6")
        expect(chart).to_have_attribute("data-axes", "lr,model.width,val/loss")
    else:
        expect(view.get_by_test_id("importance-row")).to_have_count(2, timeout=IMPORTANCE_MS)
    panel = stored_panel(page, store.url, "sweepy")
    assert panel["kind"] == kind
    assert panel["keys"] == ["config.lr", "config.model.width", "summary.val/loss"]
    assert panel["goal"] == ("minimize" if kind == "parallel" else None)
    assert panel["frozen"] is False


def test_a_sweep_pages_brush_narrows_the_sweeps_runs(page: Any, store: Store) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{store.url}/p/sweepy/sweeps/{store.sweep}")
    analysis = page.get_by_test_id("sweep-analysis")
    expect(analysis.get_by_test_id("parallel-coordinates")).to_have_attribute(
        "data-line-count", "6"
    )
    brush_axis(page, 2, 0.0, 0.55)  # the upper half of val/loss
    count = analysis.get_by_test_id("analysis-count")
    expect(count).to_have_text(re.compile(r"^\d of 6 runs"))
    shown = int(count.get_attribute("data-shown"))
    brushed = set(analysis.get_by_test_id("analysis-run-list").locator(".an-run").all_inner_texts())
    assert 0 < shown < 6 and len(brushed) == shown
    analysis.get_by_test_id("analysis-add-parallel").click()
    expect(page.get_by_test_id("add-to-report")).to_contain_text(
        f'(sweep_id == "{store.sweep}") and (summary.val/loss >= '
    )
    view = add_to_new_report(page, "Brushed sweep")
    expect(view.get_by_test_id("parallel-coordinates")).to_have_attribute(
        "data-line-count", str(shown)
    )
    assert report_run_names(view) == brushed


def test_add_a_compare_line_panel_to_a_report(page: Any, store: Store) -> None:
    page.goto(f"{store.url}/p/sweepy/sweeps/{store.sweep}")
    rows = page.get_by_test_id("trial-row")
    expect(rows).to_have_count(6)
    compared = [rows.nth(i).get_attribute("data-run") for i in (0, 1)]
    page.goto(f"{store.url}/p/sweepy/compare?runs={','.join(compared)}&smooth=0.5&logy=1")
    line = page.locator('[data-testid=chart-panel][data-keys="val/loss"]')
    expect(line).to_have_attribute("data-line-count", "2")
    line.get_by_test_id("panel-menu").click()
    page.get_by_role("menuitem", name="Add to report…").click()
    expect(page.get_by_test_id("add-to-report")).to_contain_text(f'id in ["{compared[0]}"')
    view = add_to_new_report(page, "Two trials")
    expect(view.get_by_test_id("panel-runset")).to_contain_text("2 runs")
    expect(view.get_by_test_id("panel-chart")).to_have_attribute("data-lines", "2")
    panel = stored_panel(page, store.url, "sweepy")
    assert panel["runs"] == f'id in ["{compared[0]}", "{compared[1]}"]'
    assert (panel["kind"], panel["keys"]) == ("line", ["val/loss"])
    assert (panel["smoothing"], panel["log_y"], panel["log_x"]) == (0.5, True, False)


def test_compared_runs_of_another_project_go_to_its_reports(page: Any, store: Store) -> None:
    page.goto(f"{store.url}/p/sweepy/compare?runs=other/{store.other}")
    line = page.locator('[data-testid=chart-panel][data-keys="val/loss"]')
    expect(line).to_have_attribute("data-line-count", "1")
    line.get_by_test_id("panel-menu").click()
    page.get_by_role("menuitem", name="Add to report…").click()
    view = add_to_new_report(page, "Elsewhere")
    expect(page).to_have_url(re.compile(r"/p/other/reports/"))
    expect(view.get_by_test_id("panel-chart")).to_have_attribute("data-lines", "1")


def test_compared_runs_of_several_projects_say_why_they_cannot_be_added(
    page: Any, store: Store
) -> None:
    def count() -> int:
        lists = [
            page.request.get(f"{store.url}/api/v1/projects/{p}/reports").json()
            for p in ("sweepy", "other")
        ]
        return sum(len(r) for r in lists)

    before = count()
    page.goto(f"{store.url}/p/sweepy/compare?runs={store.outside},other/{store.other}")
    line = page.locator('[data-testid=chart-panel][data-keys="val/loss"]')
    expect(line).to_have_attribute("data-line-count", "2")
    line.get_by_test_id("panel-menu").click()
    page.get_by_role("menuitem", name="Add to report…").click()
    dialog = page.get_by_test_id("add-to-report")
    expect(dialog.get_by_test_id("add-to-report-blocked")).to_contain_text(
        "2 projects (sweepy, other)"
    )
    expect(dialog.get_by_test_id("add-to-report-submit")).to_have_count(0)
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    assert count() == before  # nothing was saved


def test_add_a_compare_bar_panel_to_a_report(page: Any, store: Store) -> None:
    page.goto(f"{store.url}/p/sweepy/compare?runs={store.outside}")
    page.get_by_test_id("add-panel").click()
    page.get_by_test_id("panel-kind-bar").click()
    form = page.get_by_test_id("value-panel-form")
    form.get_by_label("Value", exact=True).select_option("summary.val/loss")
    form.get_by_role("button", name="Add panel").click()
    bar = page.locator("[data-testid=chart-panel][data-kind=bar]")
    bar.get_by_test_id("panel-menu").click()
    page.get_by_role("menuitem", name="Add to report…").click()
    view = add_to_new_report(page, "One bar")
    expect(view.get_by_test_id("panel-view")).to_have_attribute("data-kind", "bar")
    expect(view.get_by_test_id("panel-runset")).to_contain_text(f'id in ["{store.outside}"]')
    expect(view.get_by_test_id("panel-runset")).to_contain_text("1 run")
    expect(view.get_by_test_id("panel-values")).to_contain_text("outside")


def test_a_project_named_like_html_is_text_in_the_reason(page: Any, store: Store) -> None:
    guard = Guard(page)
    payload = quote(f"{XSS_PROJECT}/{store.payload}", safe="")
    page.goto(f"{store.url}/p/sweepy/compare?runs={store.outside},{payload}")
    line = page.locator('[data-testid=chart-panel][data-keys="val/loss"]')
    expect(line).to_have_attribute("data-line-count", "2")
    line.get_by_test_id("panel-menu").click()
    page.get_by_role("menuitem", name="Add to report…").click()
    reason = page.get_by_test_id("add-to-report-blocked")
    expect(reason).to_contain_text(f"(sweepy, {XSS_PROJECT})")
    expect(reason.locator("img")).to_have_count(0)
    guard.check("the compare page's add-to-report dialog")


def test_add_a_run_page_line_panel_to_a_report(page: Any, store: Store) -> None:
    page.goto(f"{store.url}/p/sweepy/r/{store.outside}?tab=charts")
    line = page.locator('[data-testid=chart-panel][data-keys="val/loss"]')
    expect(line).to_have_attribute("data-line-count", "1")
    line.get_by_test_id("panel-menu").click()
    page.get_by_role("menuitem", name="Add to report…").click()
    view = add_to_new_report(page, "One run")
    runset = view.get_by_test_id("panel-runset")
    expect(runset).to_contain_text(f'id in ["{store.outside}"]')
    expect(runset).to_contain_text("1 run:")
    expect(view.get_by_test_id("panel-chart")).to_have_attribute("data-lines", "1")


def test_add_the_workspace_analysis_to_a_report_with_its_runs_filter(
    page: Any, store: Store
) -> None:
    runs_filter = "config.lr <= 0.1"  # 4 of the 6 trials; not "outside" (lr 5)
    page.goto(f"{store.url}/p/sweepy?view=analysis&filter={quote(runs_filter)}")
    chart = page.get_by_test_id("analysis").get_by_test_id("parallel-coordinates")
    expect(chart).to_have_attribute("data-line-count", "4")
    expect(chart).to_have_attribute("data-axes", "lr,model.width,val/loss")
    page.get_by_test_id("analysis-add-parallel").click()
    dialog = page.get_by_test_id("add-to-report")
    expect(dialog).to_contain_text(runs_filter)
    expect(dialog.get_by_test_id("add-to-report-brush-note")).to_have_count(0)
    view = add_to_new_report(page, "Workspace analysis")
    expect(page).to_have_url(re.compile(r"/p/sweepy/reports/"))
    runset = view.get_by_test_id("panel-runset")
    expect(runset).to_contain_text("4 runs")
    expect(view.get_by_test_id("parallel-coordinates")).to_have_attribute("data-line-count", "4")
    panel = stored_panel(page, store.url, "sweepy")
    assert panel["kind"] == "parallel"
    assert panel["runs"] == runs_filter
    assert panel["keys"] == ["config.lr", "config.model.width", "summary.val/loss"]
    assert panel["goal"] == "minimize"


def test_the_workspace_brush_travels_into_the_report(page: Any, store: Store) -> None:
    """Brushed with the mouse on the Analysis tab, the panel's run set is the runs filter and the
    brush: the report draws the brushed runs only, and still does after a reload."""
    runs_filter = "config.lr <= 0.1"
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{store.url}/p/sweepy?view=analysis&filter={quote(runs_filter)}")
    chart = page.get_by_test_id("analysis").get_by_test_id("parallel-coordinates")
    expect(chart).to_have_attribute("data-line-count", "4")
    expect(chart).to_have_attribute("data-axes", "lr,model.width,val/loss")
    brush_axis(page, 2, 0.0, 0.55)  # the upper half of val/loss: the worse runs
    count = page.get_by_test_id("analysis-count")
    expect(count).to_have_text(re.compile(r"^\d of 4 runs"))
    shown = int(count.get_attribute("data-shown"))
    assert 0 < shown < 4
    brushed = set(page.get_by_test_id("analysis-run-list").locator(".an-run").all_inner_texts())
    assert len(brushed) == shown
    page.get_by_test_id("analysis-add-parallel").click()
    dialog = page.get_by_test_id("add-to-report")
    expect(dialog.get_by_test_id("add-to-report-brush-note")).to_contain_text("brushed runs")
    expect(dialog).to_contain_text(f"({runs_filter}) and (summary.val/loss >= ")
    view = add_to_new_report(page, "Brushed analysis")
    for _ in range(2):  # as added, then after a reload
        expect(view.get_by_test_id("parallel-coordinates")).to_have_attribute(
            "data-line-count", str(shown)
        )
        expect(view.get_by_test_id("panel-runset")).to_contain_text(
            "1 run:" if shown == 1 else f"{shown} runs:"
        )
        assert report_run_names(view) == brushed
        page.reload()
        expect(view.get_by_test_id("report-title")).to_have_text("Brushed analysis")
    panel = stored_panel(page, store.url, "sweepy")
    assert panel["kind"] == "parallel" and panel["runs"].startswith(f"({runs_filter}) and (")


def test_the_workspace_brush_narrows_an_importance_panel(page: Any, store: Store) -> None:
    runs_filter = "config.lr <= 0.1"
    brush = quote('{"lr":[[0.05,0.2]]}')
    page.goto(f"{store.url}/p/sweepy?view=analysis&filter={quote(runs_filter)}&brush={brush}")
    expect(page.get_by_test_id("analysis-count")).to_have_text("2 of 4 runs")
    expect(page).to_have_url(re.compile(r"brushed="))
    page.get_by_test_id("analysis-add-importance").click()
    dialog = page.get_by_test_id("add-to-report")
    expect(dialog.get_by_test_id("add-to-report-brush-note")).to_be_visible()
    view = add_to_new_report(page, "Brushed importance")
    expect(view.get_by_test_id("panel-runset")).to_contain_text("2 runs")
    panel = stored_panel(page, store.url, "sweepy")
    brushed = "config.lr >= 0.05 and config.lr <= 0.2"
    assert (panel["kind"], panel["runs"]) == ("importance", f"({runs_filter}) and ({brushed})")


def test_a_brushed_category_like_html_is_text_in_the_dialog_and_the_report(
    page: Any, store: Store
) -> None:
    guard = Guard(page)
    brush = quote('{"opt":[[0,1]]}')  # the categories sorted: the payload, then "adam"
    page.goto(f"{store.url}/p/brushxss?view=analysis&brush={brush}")
    expect(page.get_by_test_id("analysis-count")).to_have_text("2 of 3 runs")
    page.get_by_test_id("analysis-add-parallel").click()
    dialog = page.get_by_test_id("add-to-report")
    brushed = f'config.opt in ["{XSS_PROJECT}", "adam"]'
    expect(dialog).to_contain_text(brushed)
    expect(dialog.locator("img")).to_have_count(0)
    view = add_to_new_report(page, "Brushed like HTML")
    expect(view.get_by_test_id("panel-runset")).to_contain_text(brushed)
    expect(view.get_by_test_id("parallel-coordinates")).to_have_attribute("data-line-count", "2")
    assert report_run_names(view) == {"x0", "x1"}
    assert stored_panel(page, store.url, "brushxss")["runs"] == brushed
    guard.check("a brushed category like HTML in the dialog and the report")


def test_the_workspace_analysis_without_a_filter_adds_every_run(page: Any, store: Store) -> None:
    page.goto(f"{store.url}/p/sweepy?view=analysis")
    chart = page.get_by_test_id("analysis").get_by_test_id("parallel-coordinates")
    expect(chart).to_have_attribute("data-line-count", "7")  # the 6 trials and "outside"
    page.get_by_test_id("analysis-goal").select_option(label="higher")
    expect(page.get_by_test_id("analysis")).to_have_attribute("data-goal", "maximize")
    page.get_by_test_id("analysis-add-parallel").click()
    expect(page.get_by_test_id("add-to-report")).to_contain_text("over every run")
    view = add_to_new_report(page, "Every run")
    expect(view.get_by_test_id("parallel-coordinates")).to_have_attribute("data-line-count", "7")
    panel = stored_panel(page, store.url, "sweepy")
    assert (panel["runs"], panel["goal"]) == (None, "maximize")


def test_a_workspace_filter_like_html_is_text_in_the_dialog(page: Any, store: Store) -> None:
    guard = Guard(page)
    runs_filter = f'config.lr <= 0.1 or name == "{XSS_PROJECT}"'
    page.goto(f"{store.url}/p/sweepy?view=analysis&filter={quote(runs_filter)}")
    chart = page.get_by_test_id("analysis").get_by_test_id("parallel-coordinates")
    expect(chart).to_have_attribute("data-line-count", "4")
    page.get_by_test_id("analysis-add-importance").click()
    dialog = page.get_by_test_id("add-to-report")
    expect(dialog).to_contain_text(runs_filter)
    expect(dialog.locator("img")).to_have_count(0)
    add_to_new_report(page, "Filter like HTML")
    assert stored_panel(page, store.url, "sweepy")["runs"] == runs_filter
    guard.check("the workspace analysis's add-to-report dialog")


def test_a_workspace_chart_panel_carries_the_brush(page: Any, store: Store) -> None:
    runs_filter = "config.lr <= 0.1"
    brushed = "config.lr >= 0.05 and config.lr <= 0.2"  # as the Analysis tab's brush writes it
    page.goto(f"{store.url}/p/sweepy?filter={quote(runs_filter)}&brushed={quote(brushed)}")
    line = page.locator('[data-testid=chart-panel][data-keys="val/loss"]')
    expect(line).to_have_attribute("data-line-count", "2")  # the charts follow the brush
    line.get_by_test_id("panel-menu").click()
    page.get_by_role("menuitem", name="Add to report…").click()
    dialog = page.get_by_test_id("add-to-report")
    expect(dialog.get_by_test_id("add-to-report-brush-note")).to_be_visible()
    view = add_to_new_report(page, "Line with the brush")
    expect(view.get_by_test_id("panel-chart")).to_have_attribute("data-lines", "2")
    assert stored_panel(page, store.url, "sweepy")["runs"] == f"({runs_filter}) and ({brushed})"
