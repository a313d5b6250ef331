"""Grouping in a report's line panel, clicked as a user: a workspace grouped by a config key is
added to a report, whose panel draws a line per group named in its legend (the LaTeX figure's
groups for the same data); the panel form sets the grouping to none (a line per run), which is
saved, versioned and still there after a reload. A group named by an XSS payload stays text.
A bar panel from the grouped workspace draws a bar per group and shows the group as a column of its table; the workspace's
bins of a numeric key are carried too, and the form changes them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.e2e.conftest import add_to_new_report
from tests.fakes.server import serve

import cairn
from cairn.reports import figures
from cairn.reports.blocks import Panel
from cairn.reports.chart_text import mpl_literal
from cairn.reports.export import panel_data
from cairn.store.reader import StoreReader

expect = pytest.importorskip("playwright.sync_api").expect

IMG = '<img src=x onerror="window.__xss=(window.__xss||0)+1">'
GROUPS = {"adam": ["adam-1", "adam-2"], IMG: ["odd-1", "odd-2"]}


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("e2e_report_groups") / ".cairn"
    for i, (opt, names) in enumerate(GROUPS.items()):
        for j, name in enumerate(names):
            config = {"opt": opt, "lr": 0.1 * (2 * i + j + 1)}
            run = cairn.init(project="grp", dir=path, name=name, config=config)
            for step in range(30):
                run.log({"loss": 1 / (1 + (2 * i + j + 1) * step / 10)})
            run.summary["best"] = 2 * i + j
            run.finish(quiet=True)
    return path


@pytest.fixture(scope="module")
def url(store_dir: Path) -> Iterator[str]:
    with serve(store_dir) as server:
        yield server.url


def legend_names(panel: Any) -> list[str]:
    return [item.inner_text() for item in panel.get_by_test_id("legend-item").all()]


def latex_groups(store_dir: Path, panel: dict[str, Any]) -> list[str]:
    """The legend of the LaTeX figure of ``panel`` (a stored block) over the same store."""
    api = cairn.Api(dir=store_dir)
    spec = Panel(kind="line", keys=panel["keys"], group_by=panel.get("group_by"))
    figure = figures.draw(spec, panel_data(spec, StoreReader(api.store), "grp"))
    assert figure is not None
    return [line.get_label() for line in figure.axes[0].lines if line.get_gid() == "line"]


def test_a_grouped_workspace_panel_in_a_report_draws_its_groups(
    page: Any, url: str, store_dir: Path
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{url}/p/grp")
    page.get_by_test_id("group-by").select_option("config.opt")
    line = page.locator('[data-testid=chart-panel][data-keys="loss"]')
    expect(line).to_have_attribute("data-line-count", "2")
    line.get_by_test_id("panel-menu").click()
    page.get_by_role("menuitem", name="Add to report…").click()
    expect(page.get_by_test_id("add-to-report-group")).to_contain_text("config.opt")
    view = add_to_new_report(page, "Grouped")

    panel = view.get_by_test_id("panel-view")
    chart = panel.get_by_test_id("panel-chart")
    expect(chart).to_have_attribute("data-lines", "2")
    expect(chart).to_have_attribute("data-grouped", "true")
    expect(panel.get_by_test_id("panel-runset")).to_contain_text("grouped by config.opt")
    expect(panel.get_by_test_id("legend-item")).to_have_count(2)
    assert sorted(legend_names(panel)) == sorted(GROUPS)  # the payload as text
    hostile = panel.get_by_test_id("legend-item").filter(has_text="onerror")
    expect(hostile).to_have_attribute("title", f"{IMG} (2 runs)")
    report_id = page.url.split("/reports/")[1].split("?")[0]
    api = f"{url}/api/v1/projects/grp/reports/{report_id}"
    [stored] = httpx.get(api).json()["blocks"]
    assert stored["group_by"] == "config.opt"
    # the LaTeX figure of the same panel has the same groups, in the same order
    assert latex_groups(store_dir, stored) == [
        mpl_literal(f"{name} (2 runs)") for name in legend_names(panel)
    ]

    box = chart.bounding_box()  # the tooltip names both groups, as text
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.get_by_test_id("chart-tooltip")
    expect(tooltip).to_contain_text(IMG)
    expect(tooltip).to_contain_text("adam")
    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("window.__xss") is None

    # the panel form offers the workspace's choices; none draws a line per run, live
    page.get_by_test_id("edit-report").click()
    page.get_by_test_id("block-edit-panel").click()
    choice = page.get_by_test_id("panel-form").get_by_test_id("group-by")
    expect(choice).to_have_value("config.opt")
    options = [o.get_attribute("value") for o in choice.locator("option").all()]
    assert options[0] == "" and options[-4:] == ["state", "group", "job_type", "host"]
    assert sorted(options[1:-4]) == ["config.lr", "config.opt"]  # the project's config keys
    choice.select_option("")
    page.get_by_test_id("panel-submit").click()
    editing = page.get_by_test_id("panel-view")
    expect(editing.get_by_test_id("panel-chart")).to_have_attribute("data-lines", "4")
    expect(editing.get_by_test_id("panel-chart")).to_have_attribute("data-grouped", "false")
    expect(page.get_by_test_id("save-status")).to_have_text("Saved", timeout=15_000)
    page.get_by_test_id("done-editing").click()

    page.reload()
    panel = page.get_by_test_id("report-view").get_by_test_id("panel-view")
    expect(panel.get_by_test_id("panel-chart")).to_have_attribute("data-lines", "4")
    expect(panel.get_by_test_id("legend-item")).to_have_count(4)
    assert sorted(legend_names(panel)) == sorted(n for names in GROUPS.values() for n in names)
    assert httpx.get(api).json()["blocks"][0].get("group_by") is None
    assert httpx.get(api, params={"version": 1}).json()["blocks"][0]["group_by"] == "config.opt"
    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("window.__xss") is None
    assert dialogs == []


def test_a_bar_panel_from_a_grouped_workspace_shows_its_group_column(page: Any, url: str) -> None:
    from tests.e2e.test_panels import add_value_panel

    page.goto(f"{url}/p/grp?group=config.opt")
    bar = add_value_panel(page, "bar", Value="summary.best")
    bar.get_by_test_id("panel-menu").click()
    page.get_by_role("menuitem", name="Add to report…").click()
    expect(page.get_by_test_id("add-to-report-group")).to_contain_text("config.opt")
    view = add_to_new_report(page, "Bars by optimizer")
    # A bar per group, as the workspace draws it: the 4 runs are 2 bars.
    expect(view.get_by_test_id("panel-value-chart")).to_have_attribute("data-items", "2")
    values = view.get_by_test_id("panel-values")
    expect(values.locator("th").nth(1)).to_have_text("config.opt")
    rows = {
        row.locator("td").nth(0).inner_text().strip(): row.locator("td").nth(1).inner_text()
        for row in values.locator("tbody tr").all()
    }
    assert rows == {name: opt for opt, names in GROUPS.items() for name in names}
    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("window.__xss") is None


def test_the_workspaces_bins_are_carried_into_the_report(page: Any, url: str) -> None:
    page.goto(f"{url}/p/grp?group=config.lr&bin=quantile-2")
    line = page.locator('[data-testid=chart-panel][data-keys="loss"]')
    expect(line).to_have_attribute("data-line-count", "2")
    shown = sorted(legend_names(line))  # two ranges of learning rates
    assert len(shown) == 2 and all("–" in name for name in shown)
    line.get_by_test_id("panel-menu").click()
    page.get_by_role("menuitem", name="Add to report…").click()
    expect(page.get_by_test_id("add-to-report-group")).to_contain_text(
        "grouped by config.lr (quantile × 2)"
    )
    view = add_to_new_report(page, "Binned")
    panel = view.get_by_test_id("panel-view")
    expect(panel.get_by_test_id("panel-chart")).to_have_attribute("data-lines", "2")
    assert sorted(legend_names(panel)) == shown
    report_id = page.url.split("/reports/")[1].split("?")[0]
    api = f"{url}/api/v1/projects/grp/reports/{report_id}"
    assert httpx.get(api).json()["blocks"][0]["group_bins"] == "quantile-2"

    # the form's bins are the workspace's: exact values draw a group per rate
    page.get_by_test_id("edit-report").click()
    page.get_by_test_id("block-edit-panel").click()
    form = page.get_by_test_id("panel-form")
    expect(form.get_by_test_id("group-bins")).to_have_value("quantile-2")
    form.get_by_test_id("group-bins").select_option("values")
    page.get_by_test_id("panel-submit").click()
    chart = page.get_by_test_id("panel-view").get_by_test_id("panel-chart")
    expect(chart).to_have_attribute("data-lines", "4")
    expect(page.get_by_test_id("save-status")).to_have_text("Saved", timeout=15_000)
    assert httpx.get(api).json()["blocks"][0]["group_bins"] == "values"
