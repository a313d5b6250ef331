"""The workspace's Analysis tab: parallel coordinates brushed with the mouse, parameter importance."""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from tests.e2e.conftest import IMPORTANCE_MS
from tests.fakes.server import serve
from tests.fakes.waiting import wait_for

import cairn

expect = pytest.importorskip("playwright.sync_api").expect

RUNS = 20
BRUSH_RUNS = 45
OPTIMIZERS = ("adam", "rmsprop", "sgd")


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


def log_brushing_runs(store_dir: Path) -> dict[str, tuple[str, float]]:
    """BRUSH_RUNS runs of project "brushing": an optimizer (categorical) and lr; returns each run's
    (optimizer, val/loss) by name."""
    rng = random.Random(1)
    truth: dict[str, tuple[str, float]] = {}
    for i in range(BRUSH_RUNS):
        lr = 10 ** rng.uniform(-4, -1)
        opt = OPTIMIZERS[i % 3]
        loss = round((math.log10(lr) + 2.5) ** 2 + 0.2 * (i % 3), 6)
        name = f"b-{i:02d}"
        run = cairn.init(
            project="brushing", dir=store_dir, name=name, config={"lr": lr, "opt": opt}
        )
        run.log({"val/loss": loss})
        run.finish(quiet=True)
        truth[name] = (opt, loss)
    return truth


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("analysis") / ".cairn"


@pytest.fixture(scope="module")
def brushing_truth(store_dir: Path) -> dict[str, tuple[str, float]]:
    return log_brushing_runs(store_dir)


@pytest.fixture(scope="module")
def analysis_server(store_dir: Path, brushing_truth: dict[str, tuple[str, float]]) -> Iterator[str]:
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
    expect(rows).to_have_count(2, timeout=IMPORTANCE_MS)
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


def url_brush(page: Any) -> tuple[dict[str, list[list[float]]], str]:
    """The drawn brush (?brush=) and the runs filter it became (?brushed=) in the page's URL."""
    query = parse_qs(urlparse(page.url).query)
    return json.loads(query.get("brush", ["{}"])[0]), query.get("brushed", [""])[0]


def table_names(page: Any) -> set[str]:
    return {row.get_attribute("data-run-name") for row in page.get_by_test_id("run-row").all()}


def test_brushing_filters_the_runs_table_and_clearing_restores_it(
    page: Any, analysis_server: str, brushing_truth: dict[str, tuple[str, float]]
) -> None:
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(f"{analysis_server}/p/brushing?view=analysis")
    chart = page.get_by_test_id("parallel-coordinates")
    expect(chart).to_have_attribute("data-axes", "lr,opt,val/loss")
    expect(chart).to_have_attribute("data-axis-kinds", "log,category,value")
    run_count = page.get_by_test_id("run-count")
    expect(run_count).to_have_text(f"{BRUSH_RUNS} runs")

    # the best (lowest) third of val/loss
    brush_axis(page, 2, 0.6, 1.0)
    expect(page.get_by_test_id("brush-filter")).to_be_visible()

    def filter_matches_brush() -> bool:
        brush, text = url_brush(page)
        if len(brush.get("val/loss", [])) != 1:
            return False
        [[lo, hi]] = brush["val/loss"]
        return bool(text == f"summary.val/loss >= {lo:g} and summary.val/loss <= {hi:g}")

    # The brush reports while the mouse moves: the URL settles on the last range a moment later.
    assert wait_for(filter_matches_brush), f"the filter does not match the brush: {url_brush(page)}"
    brush, _ = url_brush(page)
    [[lo, hi]] = brush["val/loss"]
    in_range = {name for name, (_, loss) in brushing_truth.items() if lo <= loss <= hi}
    assert 0 < len(in_range) < BRUSH_RUNS
    expect(run_count).to_have_text(f"{len(in_range)} of {BRUSH_RUNS} runs")
    expect(page.get_by_test_id("run-row")).to_have_count(len(in_range))
    assert table_names(page) == in_range
    # the chart still draws every run, so the brush can be moved
    expect(chart).to_have_attribute("data-line-count", str(BRUSH_RUNS))

    # a categorical axis too, combined with AND: the middle category (rmsprop) only
    brush_axis(page, 1, 0.4, 0.6)
    expect(page.get_by_test_id("brush-filter")).to_contain_text('config.opt in ["rmsprop"]')
    both = {name for name in in_range if brushing_truth[name][0] == "rmsprop"}
    assert 0 < len(both) < len(in_range)
    expect(run_count).to_have_text(f"{len(both)} of {BRUSH_RUNS} runs")
    expect(page.get_by_test_id("run-row")).to_have_count(len(both))
    assert table_names(page) == both
    assert "config.opt" in url_brush(page)[1]

    # brushing the metric axis again (a click outside the range drops it, then a new drag)
    brush_axis(page, 2, 0.1, 0.1)
    brush_axis(page, 2, 0.3, 0.7)
    expect(page).not_to_have_url(re.compile(rf"brushed=[^&]*{hi}"))
    brush, _ = url_brush(page)
    [[lo2, hi2]] = brush["val/loss"]
    moved = {
        name
        for name, (opt, loss) in brushing_truth.items()
        if opt == "rmsprop" and lo2 <= loss <= hi2
    }
    assert (lo2, hi2) != (lo, hi) and len(moved) > 0
    expect(run_count).to_have_text(f"{len(moved)} of {BRUSH_RUNS} runs")
    expect(page.get_by_test_id("run-row")).to_have_count(len(moved))
    assert table_names(page) == moved

    # the chip clears the brush: the table, the URL and the chart's ranges
    page.get_by_test_id("brush-filter-clear").click()
    expect(page.get_by_test_id("brush-filter")).to_have_count(0)
    expect(run_count).to_have_text(f"{BRUSH_RUNS} runs")
    expect(page.get_by_test_id("analysis-count")).to_have_text(f"{BRUSH_RUNS} runs")
    assert url_brush(page) == ({}, "")


def test_the_best_first_list_shows_that_it_scrolls(page: Any, analysis_server: str) -> None:
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(f"{analysis_server}/p/brushing?view=analysis")
    expect(page.get_by_test_id("analysis-list-count")).to_have_text(
        f"10 of {BRUSH_RUNS} shown · scroll"
    )
    run_list = page.get_by_test_id("analysis-run-list")
    expect(run_list).to_have_class(re.compile(r"an-scrolls"))
    sizes = run_list.evaluate(
        "el => ({client: el.clientHeight, scroll: el.scrollHeight, overflow: getComputedStyle(el).overflowY,"
        " row: el.querySelector('li').offsetHeight})"
    )
    assert sizes["scroll"] > sizes["client"] + 20 * sizes["row"]  # far more rows behind the edge
    assert abs(sizes["client"] - 10 * sizes["row"]) <= 2  # ten rows fit exactly
    # a scrollbar always drawn (headless Chromium hides scrollbars, so read the style, not its width)
    assert sizes["overflow"] == "scroll"
    # the list is best first: val/loss ascending
    values = [float(v) for v in run_list.locator("li .an-num").all_inner_texts()]
    assert values == sorted(values) and len(values) == BRUSH_RUNS
