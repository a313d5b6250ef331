"""The workspace's Analysis tab: parallel coordinates brushed with the mouse, parameter importance."""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.fakes.server import serve

import cairn

expect = pytest.importorskip("playwright.sync_api").expect

RUNS = 20


def log_sweep_like_runs(store_dir: Path) -> None:
    """RUNS runs whose val/loss depends on lr only (lr spans 3 decades: a log axis); width is noise."""
    rng = random.Random(0)
    for i in range(RUNS):
        lr = 10 ** rng.uniform(-4, -1)
        width = [32, 64, 128, 256][i % 4]
        config = {"lr": lr, "model": {"width": width}, "seed": 0}
        run = cairn.init(project="analysis", dir=store_dir, name=f"run-{i:02d}", config=config)
        run.log({"val/loss": (math.log10(lr) + 2.5) ** 2 + 0.1})
        run.finish(quiet=True)


@pytest.fixture(scope="module")
def analysis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store_dir = tmp_path_factory.mktemp("analysis") / ".cairn"
    log_sweep_like_runs(store_dir)
    with serve(store_dir) as running:
        yield running.url


def brush_axis(page: Any, axis: int, start: float, end: float) -> None:
    """Drag with the mouse along parallel axis number ``axis``, from ``start`` to ``end`` (0 = the
    top of the axis, 1 = its bottom)."""
    chart = page.get_by_test_id("parallel-coordinates")
    box = chart.bounding_box()
    left, right, top, bottom = (float(v) for v in chart.get_attribute("data-margin").split(","))
    count = len(chart.get_attribute("data-axes").split(","))
    x = box["x"] + left + axis * (box["width"] - left - right) / (count - 1)
    height = box["height"] - top - bottom
    page.mouse.move(x, box["y"] + top + start * height)
    page.mouse.down()
    page.mouse.move(x, box["y"] + top + (start + end) / 2 * height, steps=4)
    page.mouse.move(x, box["y"] + top + end * height, steps=4)
    page.mouse.up()


def test_brush_an_axis_filters_the_runs_and_importance_ranks_lr_first(
    page: Any, analysis_server: str
) -> None:
    page.goto(f"{analysis_server}/p/analysis")
    page.get_by_role("tab", name="Analysis").click()
    expect(page).to_have_url(re.compile(r"view=analysis"))
    chart = page.get_by_test_id("parallel-coordinates")
    # the varying parameters are the axes (seed never varies), the metric last; lr on a log axis
    expect(chart).to_have_attribute("data-axes", "lr,model.width,val/loss")
    expect(chart).to_have_attribute("data-axis-kinds", "log,value,value")
    expect(chart).to_have_attribute("data-line-count", str(RUNS))
    count = page.get_by_test_id("analysis-count")
    expect(count).to_have_text(f"{RUNS} runs")

    brush_axis(page, 2, 0.02, 0.5)  # the upper half of val/loss: the worse runs
    expect(count).to_have_text(re.compile(rf"^\d+ of {RUNS} runs$"))
    shown = int(count.get_attribute("data-shown"))
    assert 0 < shown < RUNS
    runs_list = page.get_by_test_id("analysis-runs").locator("li")
    expect(runs_list).to_have_count(shown)

    # the brush survives a redraw (another colour direction) and a reload (it is in the URL)
    page.get_by_test_id("analysis-goal").select_option("maximize")
    expect(page.get_by_test_id("analysis")).to_have_attribute("data-goal", "maximize")
    expect(count).to_have_attribute("data-shown", str(shown))
    expect(page).to_have_url(re.compile(r"brush="))
    page.reload()
    expect(count).to_have_attribute("data-shown", str(shown))
    expect(page.get_by_test_id("analysis")).to_have_attribute("data-goal", "maximize")
    # a second axis narrows it further: only the widest models
    brush_axis(page, 1, 0.0, 0.3)
    expect(count).not_to_have_attribute("data-shown", str(shown))
    assert 0 < int(count.get_attribute("data-shown")) < shown
    page.get_by_role("button", name="Clear brush").click()
    expect(count).to_have_text(f"{RUNS} runs")
    expect(runs_list).to_have_count(RUNS)

    # an axis removed with its chip is gone from the chart and the URL
    page.get_by_role("button", name="Remove axis model.width").click()
    expect(chart).to_have_attribute("data-axes", "lr,val/loss")
    expect(page).to_have_url(re.compile(r"axes=lr(&|$)"))

    rows = page.get_by_test_id("importance-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_attribute("data-param", "lr")
    expect(rows.nth(1)).to_have_attribute("data-param", "model.width")


def test_clicking_a_run_in_the_brush_opens_it(page: Any, analysis_server: str) -> None:
    page.goto(f"{analysis_server}/p/analysis?view=analysis")
    first = page.get_by_test_id("analysis-runs").locator("li button").first
    name = first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(r"/p/analysis/r/"))
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def test_too_few_runs_show_a_note_instead_of_numbers(page: Any, analysis_server: str) -> None:
    page.goto(f"{analysis_server}/p/analysis?view=analysis&q=run-00")
    note = page.get_by_test_id("importance-note")
    expect(note).to_contain_text("at least 5")
    expect(page.get_by_test_id("importance-row")).to_have_count(0)
    # one run: nothing varies, so no chart but a note saying how to plot one anyway
    expect(page.get_by_test_id("analysis-no-axes")).to_be_visible()
    expect(page.get_by_test_id("parallel-coordinates")).to_have_count(0)
    expect(page.get_by_test_id("analysis-count")).to_have_text("1 run")
