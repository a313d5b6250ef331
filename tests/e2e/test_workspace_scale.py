"""The workspace at scale, on a smaller store: 300 metric names create only the panels near the
view (more as it scrolls, the far ones freed), a pinned panel stays pinned after a reload, and one
chart draws every one of 300 runs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.fakes.server import serve

from cairn.journal.records import History, Record, RunFinish, RunStart
from cairn.store import Store

expect = pytest.importorskip("playwright.sync_api").expect

WIDE_KEYS = [f"m/k{i:03d}" for i in range(300)]
MANY_RUNS = 300


def _run(project: str, run_id: str, keys: list[str], steps: int, offset: int) -> list[Record]:
    t0 = 1_750_000_000.0 + offset
    records: list[Record] = [
        RunStart(seq=1, run_id=run_id, project=project, name=run_id, created_at=t0)
    ]
    for step in range(steps):
        values = {k: (offset + 1) / (step + 1 + i % 7) for i, k in enumerate(keys)}
        records.append(History(seq=step + 2, step=step, ts=t0 + step, values=values))
    records.append(RunFinish(seq=steps + 2, ts=t0 + steps))
    return records


@pytest.fixture(scope="module")
def scale_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Project "wide": 3 runs of 300 metric names (one section); project "many": 300 runs of
    one metric."""
    store_dir: Path = tmp_path_factory.mktemp("e2e_scale") / ".cairn"
    store = Store.local(store_dir)
    try:
        for r in range(3):
            store.apply(f"wide{r}", _run("wide", f"wide{r}", WIDE_KEYS, 5, r))
        for r in range(MANY_RUNS):
            store.apply(f"many{r:03d}", _run("many", f"many{r:03d}", ["loss"], 20, r))
    finally:
        store.close()
    with serve(store_dir) as running:
        yield running.url


# Scrolls the box that scrolls the charts (the page itself on a narrow screen) to the top or end.
SCROLL_CHARTS = """
(end) => {
  let box = document.querySelector("[data-testid=charts-pane]");
  while (box && !(box.scrollHeight > box.clientHeight + 1 &&
                  /auto|scroll/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
  box = box || document.scrollingElement;
  box.scrollTop = end ? box.scrollHeight : 0;
}
"""


def scroll_charts(page: Any, to: str) -> None:
    page.evaluate(SCROLL_CHARTS, to == "end")


def section_height(page: Any) -> float:
    return page.locator('[data-testid=chart-section][data-section="m"]').bounding_box()["height"]


def panel(page: Any, key: str) -> Any:
    return page.locator(f'[data-testid=chart-section] [data-testid=chart-panel][data-keys="{key}"]')


def test_only_the_panels_near_the_view_are_created(page: Any, scale_server: str) -> None:
    page.goto(f"{scale_server}/p/wide")
    expect(panel(page, "m/k000")).to_have_attribute("data-state", "ready")
    panels = page.get_by_test_id("chart-panel")
    placeholders = page.get_by_test_id("panel-placeholder")
    mounted = panels.count()
    assert 0 < mounted < 100, mounted
    assert mounted + placeholders.count() == len(WIDE_KEYS)
    # only mounted panels hold a chart
    assert page.locator(".cc-placeholder canvas").count() == 0
    assert page.locator("[data-testid=chart-panel] canvas").count() <= mounted
    height = section_height(page)

    scroll_charts(page, "end")
    expect(panel(page, "m/k299")).to_have_attribute("data-state", "ready")
    expect(panel(page, "m/k000")).to_have_count(0)  # far above now: freed, a placeholder again
    expect(
        page.locator('[data-testid=panel-placeholder][data-panel-id="auto:m/k000"]')
    ).to_have_count(1)
    assert panels.count() < 100
    assert section_height(page) == height  # swapping panels and placeholders moves nothing

    scroll_charts(page, "top")
    expect(panel(page, "m/k000")).to_have_attribute("data-state", "ready")
    expect(panel(page, "m/k299")).to_have_count(0)


def test_a_pinned_panel_is_in_pinned_after_a_reload(page: Any, scale_server: str) -> None:
    page.goto(f"{scale_server}/p/wide")
    pinned = page.get_by_test_id("pinned-section")
    target = panel(page, "m/k004")
    expect(target).to_have_attribute("data-state", "ready")
    expect(pinned).to_have_count(0)
    target.hover()
    target.get_by_test_id("panel-pin").click()
    expect(pinned.get_by_test_id("chart-panel")).to_have_count(1)
    first = pinned.get_by_test_id("chart-panel").first
    expect(first).to_have_attribute("data-keys", "m/k004")
    expect(first).to_have_attribute("data-state", "ready")
    expect(first.get_by_test_id("panel-pin")).to_have_attribute("aria-pressed", "true")
    # it stays in its own section too
    expect(target.get_by_test_id("panel-pin")).to_have_attribute("aria-pressed", "true")
    # the pin is saved with the view (the layout is saved 600 ms after a change)
    page.wait_for_timeout(1500)
    page.reload()
    expect(pinned.get_by_test_id("chart-panel")).to_have_count(1)
    expect(pinned.get_by_test_id("chart-panel").first).to_have_attribute("data-keys", "m/k004")
    # the Pinned section is first on the page
    first_section = page.locator(".cc-section").first
    expect(first_section).to_have_attribute("data-testid", "pinned-section")
    # unpinned from the Pinned section: gone, and gone after a reload
    pinned.get_by_test_id("chart-panel").first.get_by_test_id("panel-pin").click()
    expect(pinned).to_have_count(0)
    page.wait_for_timeout(1500)
    page.reload()
    expect(panel(page, "m/k000")).to_have_attribute("data-state", "ready")
    expect(pinned).to_have_count(0)


def test_a_chart_draws_every_one_of_300_runs(page: Any, scale_server: str) -> None:
    # The charts show the table's first 50 runs; the others are shown with their eye (show=).
    shown = ",".join(f"many{r:03d}" for r in range(MANY_RUNS))
    page.goto(f"{scale_server}/p/many?show={shown}")
    expect(page.get_by_test_id("panel-grid")).to_have_attribute("data-run-count", str(MANY_RUNS))
    chart = panel(page, "loss")
    expect(chart).to_have_attribute("data-state", "ready")
    expect(chart).to_have_attribute("data-line-count", str(MANY_RUNS))


def test_the_legend_of_300_runs_renders_a_page_and_more_as_it_is_scrolled(
    page: Any, scale_server: str
) -> None:
    shown = ",".join(f"many{r:03d}" for r in range(MANY_RUNS))
    page.goto(f"{scale_server}/p/many?show={shown}")
    chart = panel(page, "loss")
    expect(chart).to_have_attribute("data-line-count", str(MANY_RUNS))
    legend = chart.get_by_test_id("chart-legend")
    items = legend.get_by_test_id("legend-item")
    expect(items).to_have_count(100)
    expect(legend.get_by_test_id("legend-more")).to_have_text(f"{MANY_RUNS - 100} more")
    # Scrolled to its end, the legend renders the next page.
    legend.evaluate("(box) => { box.scrollTop = box.scrollHeight; }")
    expect(items).to_have_count(200)
    # Its button renders the rest. Dispatched, not clicked: a click scrolls the button into view,
    # and reaching the end by scrolling renders the rest too (under load, before the click lands).
    legend.get_by_test_id("legend-more").dispatch_event("click")
    expect(items).to_have_count(MANY_RUNS)
    expect(legend.get_by_test_id("legend-more")).to_have_count(0)
    expect(items.filter(has_text="many299")).to_have_count(1)


def test_a_chart_of_300_runs_offers_a_density_view_with_the_hovered_run_on_top(
    page: Any, scale_server: str
) -> None:
    shown = ",".join(f"many{r:03d}" for r in range(MANY_RUNS))
    page.goto(f"{scale_server}/p/many?show={shown}")
    chart = panel(page, "loss")
    expect(chart).to_have_attribute("data-line-count", str(MANY_RUNS))
    expect(chart).to_have_attribute("data-view", "lines")
    lines = chart.locator("canvas").first.screenshot()

    chart.get_by_test_id("panel-menu").click()
    page.get_by_role("menuitem", name="Show as density").click()
    expect(chart).to_have_attribute("data-view", "density")
    # Every line is counted: the lines meet at their last steps, so some cell holds many of them.
    expect(chart).to_have_attribute("data-density-max", re.compile(r"^\d+$"))
    most = int(chart.get_attribute("data-density-max") or "0")
    assert 10 < most <= MANY_RUNS, most
    assert chart.locator("canvas").first.screenshot() != lines, "the density view drew as lines"

    # The hovered run's line is drawn on top of the density.
    row = page.get_by_test_id("run-row").first
    row.locator("[data-column]").first.hover()
    expect(chart).to_have_attribute("data-emphasis", row.get_attribute("data-run-id") or "")
    expect(chart).to_have_attribute("data-view", "density")

    chart.get_by_test_id("panel-menu").click()
    page.get_by_role("menuitem", name="Show as lines").click()
    expect(chart).to_have_attribute("data-view", "lines")


def test_a_chart_of_few_runs_does_not_offer_the_density_view(page: Any, scale_server: str) -> None:
    page.goto(f"{scale_server}/p/wide")
    chart = panel(page, "m/k000")
    expect(chart).to_have_attribute("data-state", "ready")
    chart.get_by_test_id("panel-menu").click()
    expect(page.get_by_role("menuitem", name="Panel settings…")).to_be_visible()
    expect(page.get_by_role("menuitem", name="Show as density")).to_have_count(0)
