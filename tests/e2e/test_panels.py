"""Panels beyond the automatic line charts: scatter, bar and scalar panels over the runs' config and
summary; a line panel's own markers, y range, smoothing and full screen; reordering panels."""

from __future__ import annotations

import itertools
import json
import math
import re
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from tests.e2e.test_charts import (
    empty_workspace,
    hover,
    open_charts,
    panel,
    saved_workspace,
    tooltip_rows,
)

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture(autouse=True)
def fresh_workspace(server: str) -> Iterator[None]:
    empty_workspace(server)
    yield
    empty_workspace(server)


def demo_runs(server: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{server}/api/v1/projects/demo/runs?limit=100", timeout=5) as r:
        return list(json.loads(r.read())["runs"])


def fmt(value: float) -> str:
    """The dashboard's four significant digits (lib/format.ts formatValue) for values in [1e-3, 1e4)."""
    return repr(float(f"{value:.4g}")).removesuffix(".0")


def add_value_panel(page: Any, kind: str, **fields: str) -> Any:
    """Adds a panel of `kind` from the toolbar, choosing `fields` by their labels; returns it."""
    before = page.locator(f"[data-testid=chart-panel][data-kind={kind}]").count()
    page.get_by_test_id("add-panel").click()
    page.get_by_test_id(f"panel-kind-{kind}").click()
    form = page.get_by_test_id("value-panel-form")
    for label, value in fields.items():
        form.get_by_label(label.replace("_", " "), exact=True).select_option(value)
    with page.expect_request(
        lambda r: r.url.endswith("/workspace") and r.method == "PUT", timeout=5_000
    ):
        form.get_by_role("button", name="Add panel").click()
    added = page.locator(f"[data-testid=chart-panel][data-kind={kind}]")
    expect(added).to_have_count(before + 1)
    return added.last


def anchors(chart: Any) -> list[list[Any]]:
    expect(chart).to_have_attribute("data-rendered", "true")
    return list(json.loads(chart.get_attribute("data-anchors")))


def panel_menu(page: Any, key: str, item: str) -> None:
    panel(page, key).get_by_test_id("panel-menu").click()
    page.get_by_role("menuitem", name=item).click()


def test_scatter_of_lr_against_val_acc_hovers_and_opens_the_right_run(
    page: Any, server: str
) -> None:
    runs = {r["name"]: r for r in demo_runs(server)}
    open_charts(page, server)
    scatter = add_value_panel(
        page, "scatter", X="config.lr", Y="summary.val/acc", Colour_by="config.model.width"
    )
    expect(scatter.locator(".cc-panel-title")).to_have_text("val/acc vs lr")
    chart = scatter.get_by_test_id("value-chart")
    points = anchors(chart)
    assert sorted(p[1] for p in points) == sorted(runs)

    # the run with the highest val/acc is drawn highest (smallest y pixel); hover it
    best = max(runs.values(), key=lambda r: r["summary"]["val/acc"])
    run_id, name, px, py = min(points, key=lambda p: p[3])
    assert (run_id, name) == (best["id"], best["name"])
    box = chart.bounding_box()
    page.mouse.move(box["x"] + px, box["y"] + py)
    tip = chart.get_by_text(best["name"], exact=True)
    expect(tip).to_be_visible()
    tip_box = chart.locator("div").filter(has_text=best["name"]).last
    expect(tip_box).to_contain_text(f"lr: {fmt(best['config']['lr'])}")
    expect(tip_box).to_contain_text(f"val/acc: {fmt(best['summary']['val/acc'])}")
    expect(tip_box).to_contain_text(f"model.width: {best['config']['model.width']}")

    # clicking the point opens the run
    page.mouse.click(box["x"] + px, box["y"] + py)
    expect(page).to_have_url(re.compile(rf"/p/demo/r/{best['id']}$"))
    page.go_back()

    # the log x toggle moves the points apart and is saved with the panel
    chart = page.locator("[data-testid=chart-panel][data-kind=scatter]").get_by_test_id(
        "value-chart"
    )
    linear = {p[0]: p[2] for p in anchors(chart)}
    before = chart.get_attribute("data-anchors")
    page.locator("[data-testid=chart-panel][data-kind=scatter]").get_by_test_id(
        "panel-menu"
    ).click()
    page.get_by_role("menuitem", name="Edit panel…").click()
    page.get_by_test_id("value-panel-form").get_by_label("Log x").check()
    with page.expect_request(
        lambda r: r.url.endswith("/workspace") and r.method == "PUT", timeout=5_000
    ):
        page.get_by_test_id("value-panel-form").get_by_role("button", name="Apply").click()
    expect(chart).not_to_have_attribute("data-anchors", before)
    lr = {r["id"]: r["config"]["lr"] for r in runs.values()}
    logged = {p[0]: p[2] for p in anchors(chart)}

    # the gaps 0.03 → 0.1 → 0.3 are in the ratio of their logs on a log axis, of the values on a linear one
    def gaps(xs: dict[str, int]) -> list[int]:
        by_lr = sorted({lr[i]: x for i, x in xs.items()}.items())
        return [b[1] - a[1] for a, b in itertools.pairwise(by_lr)]

    log_ratio = math.log(0.1 / 0.03) / math.log(0.3 / 0.1)
    assert math.isclose(gaps(logged)[0] / gaps(logged)[1], log_ratio, rel_tol=0.06), gaps(logged)
    assert math.isclose(gaps(linear)[0] / gaps(linear)[1], 0.07 / 0.2, rel_tol=0.06), gaps(linear)
    saved = saved_workspace(server)["default"]
    scatter_saved = [
        p for s in saved["sections"] for p in s["panels"] if p.get("kind") == "scatter"
    ]
    assert scatter_saved and scatter_saved[0]["logx"] is True
    assert scatter_saved[0]["keys"] == ["config.lr", "summary.val/acc"]
    assert scatter_saved[0]["colorBy"] == "config.model.width"


def test_bar_panel_values_match_the_summaries_per_run_and_per_group(page: Any, server: str) -> None:
    runs = demo_runs(server)
    open_charts(page, server)
    bar = add_value_panel(page, "bar", Value="summary.val/acc")
    expected = sorted(((r["name"], r["summary"]["val/acc"]) for r in runs), key=lambda b: -b[1])
    shown = json.loads(bar.get_attribute("data-bars"))
    assert [(label, value) for label, value, *_ in shown] == expected

    # hovering the longest bar names its run and value
    chart = bar.get_by_test_id("value-chart")
    top = anchors(chart)[0]
    box = chart.bounding_box()
    page.mouse.move(box["x"] + top[2], box["y"] + top[3])
    expect(chart.locator("div").filter(has_text=expected[0][0]).last).to_contain_text(
        fmt(expected[0][1])
    )

    # grouped by optimizer: one bar per group, the mean with the min and max of its runs
    page.get_by_test_id("group-by").select_option("config.optimizer")
    expect(bar).to_have_attribute("data-bars", re.compile("adam"))
    groups: dict[str, list[float]] = {}
    for r in runs:
        groups.setdefault(r["config"]["optimizer"], []).append(r["summary"]["val/acc"])
    grouped = {
        label: (mean, low, high)
        for label, mean, low, high in json.loads(bar.get_attribute("data-bars"))
    }
    assert grouped.keys() == groups.keys()
    for label, values in groups.items():
        mean, low, high = grouped[label]
        assert math.isclose(mean, sum(values) / len(values))
        assert (low, high) == (min(values), max(values))


def test_scalar_shows_the_aggregate_of_the_visible_runs(page: Any, server: str) -> None:
    runs = demo_runs(server)
    open_charts(page, server)
    scalar = add_value_panel(page, "scalar", Value="summary.val/acc", Show="max")
    best = max(runs, key=lambda r: r["summary"]["val/acc"])
    expect(scalar.locator(".cc-scalar-value")).to_have_text(fmt(best["summary"]["val/acc"]))
    expect(scalar.get_by_test_id("scalar-caption")).to_have_text(
        f"val/acc · maximum of 6 runs: {best['name']}"
    )

    # hiding the best run from the charts: the maximum of the other five
    page.get_by_test_id("run-row").filter(has_text=best["name"]).get_by_test_id(
        "eye-toggle"
    ).click()
    rest = [r for r in runs if r["id"] != best["id"]]
    second = max(rest, key=lambda r: r["summary"]["val/acc"])
    expect(scalar.locator(".cc-scalar-value")).to_have_text(fmt(second["summary"]["val/acc"]))
    expect(scalar.get_by_test_id("scalar-caption")).to_contain_text("maximum of 5 runs")

    # the mean
    scalar.get_by_test_id("panel-menu").click()
    page.get_by_role("menuitem", name="Edit panel…").click()
    page.get_by_test_id("value-panel-form").get_by_label("Show").select_option("mean")
    page.get_by_test_id("value-panel-form").get_by_role("button", name="Apply").click()
    mean = sum(r["summary"]["val/acc"] for r in rest) / len(rest)
    expect(scalar.locator(".cc-scalar-value")).to_have_text(fmt(mean))
    expect(scalar.get_by_test_id("scalar-caption")).to_have_text("val/acc · mean of 5 runs")


def series_minima(
    server: str, runs: list[dict[str, Any]], key: str
) -> dict[str, tuple[float, float]]:
    body = json.dumps({"run_ids": [r["id"] for r in runs], "keys": [key]}).encode()
    request = urllib.request.Request(
        f"{server}/api/v1/projects/demo/series",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as r:
        series = json.loads(r.read())["series"]
    minima = {}
    for s in series:
        finite = [(y, x) for x, y in zip(s["x"], s["y"], strict=True) if y is not None]
        y, x = min(finite)
        minima[s["run_id"]] = (x, y)
    return minima


def test_min_markers_land_at_each_runs_minimum(page: Any, server: str) -> None:
    runs = demo_runs(server)
    open_charts(page, server)
    loss = panel(page, "train/loss")
    with page.expect_request(
        lambda r: r.url.endswith("/workspace") and r.method == "PUT", timeout=5_000
    ):
        panel_menu(page, "train/loss", "Mark the min of each line")
    expect(loss).to_have_attribute("data-extremes", re.compile(r"\["))
    marked = {run_id: (x, y) for run_id, x, y in json.loads(loss.get_attribute("data-extremes"))}
    assert marked == series_minima(server, runs, "train/loss")
    # an accuracy is marked at its maximum by default
    panel(page, "val/acc").get_by_test_id("panel-menu").click()
    expect(page.get_by_role("menuitem", name="Mark the max of each line")).to_be_visible()
    page.keyboard.press("Escape")

    # saved with the layout
    saved = saved_workspace(server)["default"]
    train = next(s for s in saved["sections"] if s["name"] == "train")
    assert next(p for p in train["panels"] if p["keys"] == ["train/loss"])["line"] == {
        "extremes": "min"
    }


def open_settings(page: Any, key: str) -> Any:
    panel_menu(page, key, "Panel settings…")
    return page.get_by_test_id("line-settings")


def test_y_range_clips_the_panel_and_is_saved(page: Any, server: str) -> None:
    open_charts(page, server)
    loss = panel(page, "train/loss")
    assert float(loss.get_attribute("data-y-max")) > 2
    form = open_settings(page, "train/loss")
    form.get_by_label("Y min").fill("0.5")
    form.get_by_label("Y max").fill("0.4")
    expect(form.get_by_role("button", name="Apply")).to_be_disabled()
    form.get_by_label("Y max").fill("1")
    with page.expect_request(
        lambda r: r.url.endswith("/workspace") and r.method == "PUT", timeout=5_000
    ):
        form.get_by_role("button", name="Apply").click()
    expect(loss).to_have_attribute("data-y-min", "0.5")
    expect(loss).to_have_attribute("data-y-max", "1")
    # the other panels keep their own range
    assert float(panel(page, "val/loss").get_attribute("data-y-max")) > 2
    page.reload()
    expect(panel(page, "train/loss")).to_have_attribute("data-y-max", "1")


def test_panel_smoothing_overrides_the_workspace_for_that_panel_only(
    page: Any, server: str
) -> None:
    open_charts(page, server)
    hover(page, "train/acc", 0.5)
    acc_before = dict(tooltip_rows(page))
    hover(page, "train/loss", 0.5)
    loss_before = dict(tooltip_rows(page))
    page.mouse.move(5, 5)

    form = open_settings(page, "train/acc")
    form.get_by_label("Own smoothing").check()
    form.get_by_label("Panel smoothing").fill("0.9")
    form.get_by_role("button", name="Apply").click()
    acc = panel(page, "train/acc")
    expect(acc.get_by_test_id("panel-smoothing")).to_have_text(
        re.compile(r"smoothing 0\.90 · panel")
    )
    expect(acc).to_have_attribute("data-smoothing", "0.9")
    expect(panel(page, "train/loss")).to_have_attribute("data-smoothing", "0")

    hover(page, "train/acc", 0.5)
    acc_after = dict(tooltip_rows(page))
    # a rising curve smoothed by a moving average lags below the raw values
    assert sum(float(acc_after[n]) < float(acc_before[n]) for n in acc_before) >= 5, (
        acc_before,
        acc_after,
    )
    hover(page, "train/loss", 0.5)
    assert dict(tooltip_rows(page)) == loss_before

    # the workspace slider moves the other panels, not this one
    page.mouse.move(5, 5)
    page.get_by_test_id("smoothing-slider").fill("0.5")
    expect(panel(page, "train/loss")).to_have_attribute("data-smoothing", "0.5")
    expect(acc).to_have_attribute("data-smoothing", "0.9")
    # the badge clears the override
    acc.get_by_test_id("panel-smoothing").click()
    expect(acc).to_have_attribute("data-smoothing", "0.5")


def test_full_screen_draws_the_chart_big_with_tooltip_and_zoom_and_escape_closes(
    page: Any, server: str
) -> None:
    open_charts(page, server)
    loss = panel(page, "train/loss")
    small = loss.locator(".u-over").bounding_box()
    loss.hover()
    loss.get_by_test_id("panel-fullscreen").click()
    full = page.get_by_test_id("panel-full")
    expect(full).to_be_visible()
    over = full.locator(".u-over")
    expect(over).to_have_count(1)
    big = over.bounding_box()
    assert big["width"] > small["width"] * 2 and big["height"] > small["height"] * 2

    page.mouse.move(big["x"] + big["width"] * 0.5, big["y"] + big["height"] * 0.5)
    expect(page.locator("[data-testid=chart-tooltip]:visible")).to_have_count(1)
    assert len(tooltip_rows(page)) == 6

    # a drag zooms (into the URL, every panel follows)
    page.mouse.move(big["x"] + big["width"] * 0.2, big["y"] + big["height"] * 0.5)
    page.mouse.down()
    page.mouse.move(big["x"] + big["width"] * 0.4, big["y"] + big["height"] * 0.5, steps=5)
    page.mouse.up()
    expect(page).to_have_url(re.compile(r"[?&]zoom="))

    page.keyboard.press("Escape")
    expect(full).to_have_count(0)
    expect(loss).to_have_attribute("data-state", "ready")


def panel_order(page: Any, section: str) -> list[str]:
    panels = page.locator(
        f'[data-testid=chart-section][data-section="{section}"] [data-testid=chart-panel]'
    )
    return [p.get_attribute("data-keys") for p in panels.all()]


def test_drag_reorders_panels_and_the_order_persists(page: Any, server: str) -> None:
    open_charts(page, server)
    assert panel_order(page, "train") == ["train/acc", "train/loss"]
    handle = panel(page, "train/acc").get_by_test_id("panel-drag").bounding_box()
    target = panel(page, "train/loss").bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + target["height"] / 2, steps=8)
    expect(panel(page, "train/loss")).to_have_class(re.compile("cc-drop-target"))
    with page.expect_request(
        lambda r: r.url.endswith("/workspace") and r.method == "PUT", timeout=5_000
    ):
        page.mouse.up()
    assert panel_order(page, "train") == ["train/loss", "train/acc"]

    page.reload()
    expect(panel(page, "train/acc")).to_have_attribute("data-state", "ready", timeout=15_000)
    assert panel_order(page, "train") == ["train/loss", "train/acc"]

    # the keyboard way: the menu's Move left
    panel_menu(page, "train/acc", "Move left")
    expect(
        page.locator('[data-section="train"] [data-testid=chart-panel]').first
    ).to_have_attribute("data-keys", "train/acc")
    panel(page, "train/acc").get_by_test_id("panel-menu").click()
    expect(page.get_by_role("menuitem", name="Move left")).to_be_disabled()
    page.keyboard.press("Escape")
    # or the arrow keys on the handle
    panel(page, "train/acc").get_by_test_id("panel-drag").focus()
    page.keyboard.press("ArrowRight")
    expect(
        page.locator('[data-section="train"] [data-testid=chart-panel]').first
    ).to_have_attribute("data-keys", "train/loss")
