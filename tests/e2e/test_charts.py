"""The workspace charts (PanelGrid): sections of panels, tooltip, zoom, smoothing, x axis, NaN markers,
and a layout that is saved with the project."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

expect = pytest.importorskip("playwright.sync_api").expect

RUN_NAMES = [f"mlp-{lr}-{width}" for lr in (0.3, 0.1, 0.03) for width in (32, 128)]
NAN_RUN = "mlp-0.03-128"  # the demo's sixth run logs train/loss = NaN at its last step
KEYS = ["train/acc", "train/loss", "val/acc", "val/loss"]


def empty_workspace(server: str) -> None:
    request = urllib.request.Request(
        f"{server}/api/v1/projects/demo/workspace",
        data=b"{}",
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=5).read()


@pytest.fixture(autouse=True)
def fresh_workspace(server: str) -> Iterator[None]:
    """Each test starts from the automatic layout and leaves none behind for other tests."""
    empty_workspace(server)
    yield
    empty_workspace(server)


def saved_workspace(server: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{server}/api/v1/projects/demo/workspace", timeout=5) as r:
        return dict(json.loads(r.read()))


def panel(page: Any, key: str) -> Any:
    return page.locator(f'[data-testid=chart-panel][data-keys="{key}"]')


def open_charts(page: Any, server: str, query: str = "") -> None:
    page.goto(f"{server}/p/demo{query}")
    expect(page.get_by_test_id("panel-grid")).to_have_attribute("data-run-count", "6")
    for key in KEYS:
        expect(panel(page, key)).to_have_attribute("data-state", "ready", timeout=15_000)


def x_range(locator: Any) -> tuple[float, float]:
    return float(locator.get_attribute("data-x-min")), float(locator.get_attribute("data-x-max"))


def plot_box(page: Any, key: str) -> dict[str, float]:
    box = panel(page, key).locator(".u-over").bounding_box()
    assert box is not None, f"the {key} panel has no plot area"
    return dict(box)


def wait_for_x_range(page: Any, key: str, check: str) -> None:
    """Waits until the panel's x range satisfies `check` (a JS expression of lo and hi).

    `check` is part of the predicate's source, not run through Function(): the server's CSP
    forbids evaluating strings in the page."""
    page.wait_for_function(
        """(key) => {
            const p = document.querySelector(`[data-testid=chart-panel][data-keys="${key}"]`);
            if (!p || p.dataset.xMin === undefined) return false;
            const lo = Number(p.dataset.xMin), hi = Number(p.dataset.xMax);
            return CHECK;
        }""".replace("CHECK", check),
        arg=key,
        timeout=10_000,
    )


def tooltip_rows(page: Any) -> list[tuple[str, str]]:
    tooltip = page.locator("[data-testid=chart-tooltip]:visible")
    expect(tooltip).to_have_count(1)
    rows = tooltip.get_by_test_id("chart-tooltip-row")
    return [
        (
            row.locator(".cc-tip-name").inner_text().split(" (")[0],
            row.locator(".cc-tip-val").inner_text(),
        )
        for row in rows.all()
    ]


def hover(page: Any, key: str, fraction: float) -> None:
    box = plot_box(page, key)
    page.mouse.move(box["x"] + box["width"] * fraction, box["y"] + box["height"] * 0.5)


def test_demo_workspace_has_a_section_per_prefix_and_a_panel_per_key(
    page: Any, server: str
) -> None:
    open_charts(page, server)
    sections = page.get_by_test_id("chart-section")
    expect(sections).to_have_count(2)
    assert [s.get_attribute("data-section") for s in sections.all()] == ["train", "val"]
    train = page.locator('[data-testid=chart-section][data-section="train"]')
    expect(train.get_by_test_id("chart-panel")).to_have_count(2)
    for key in KEYS:
        p = panel(page, key)
        expect(p.locator(".cc-panel-title")).to_have_text(key)
        expect(p).to_have_attribute("data-line-count", "6")
        expect(p.locator("canvas")).to_have_count(1)
        # the whole x range: train/* at steps 0..300, val/* every 30 steps from 30
        lo, hi = x_range(p)
        assert lo <= 30 and hi >= 299, (key, lo, hi)

    # collapsing a section hides its panels and is remembered
    train.locator(".cc-section-toggle").click()
    expect(train).to_have_attribute("data-collapsed", "true")
    expect(train.get_by_test_id("chart-panel")).to_have_count(0)
    expect(panel(page, "val/loss")).to_be_visible()


def test_tooltip_lists_every_run_with_its_value_sorted(page: Any, server: str) -> None:
    open_charts(page, server)
    hover(page, "train/loss", 0.5)
    tooltip = page.locator("[data-testid=chart-tooltip]:visible")
    expect(tooltip.locator(".cc-tip-head")).to_have_text(re.compile(r"^Step 1\d\d$"))
    rows = tooltip_rows(page)
    assert sorted(name for name, _ in rows) == sorted(RUN_NAMES)
    values = [float(value) for _, value in rows]
    assert values == sorted(values, reverse=True), rows
    # four significant digits at most, e.g. 1.454 or 0.5779
    assert all(len(v.replace(".", "").lstrip("0")) <= 4 for _, v in rows), rows
    # losses fall fastest with the largest learning rate: highest loss is the smallest lr, width 32
    assert rows[0][0] == "mlp-0.03-32" and rows[-1][0] == "mlp-0.3-128", rows

    # at the last step the NaN run says so, listed last
    hover(page, "train/loss", 0.999)
    expect(tooltip.locator(".cc-tip-head")).to_have_text("Step 300")
    rows = tooltip_rows(page)
    assert rows[-1] == (NAN_RUN, "NaN"), rows

    page.mouse.move(5, 5)
    expect(page.locator("[data-testid=chart-tooltip]:visible")).to_have_count(0)


def test_drag_zooms_every_panel_with_exact_data_and_double_click_resets(
    page: Any, server: str
) -> None:
    open_charts(page, server)
    box = plot_box(page, "train/loss")
    y = box["y"] + box["height"] / 2
    with page.expect_request(
        lambda r: (
            "/series" in r.url
            and r.method == "POST"
            and json.loads(r.post_data or "{}").get("x_min") is not None
        )
    ) as refetch:
        page.mouse.move(box["x"] + box["width"] * 0.2, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.35, y, steps=4)
        page.mouse.move(box["x"] + box["width"] * 0.5, y, steps=4)
        page.mouse.up()
    body = json.loads(refetch.value.post_data or "{}")
    assert 40 < body["x_min"] < 80 and 130 < body["x_max"] < 170, body

    wait_for_x_range(page, "train/loss", "lo > 50 && lo < 70 && hi > 140 && hi < 160")
    expect(page).to_have_url(re.compile(r"[?&]zoom=\d"))
    # every panel on the same x axis zooms with it
    wait_for_x_range(page, "train/acc", "lo > 50 && lo < 70 && hi > 140 && hi < 160")
    wait_for_x_range(page, "val/loss", "lo > 50 && lo < 70 && hi > 140 && hi < 160")
    # the zoom is in the link: opening it shows the same range
    page.goto(page.url)
    wait_for_x_range(page, "val/acc", "lo > 50 && lo < 70 && hi > 140 && hi < 160")

    box = plot_box(page, "train/acc")
    page.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_for_x_range(page, "train/loss", "lo === 0 && hi === 300")
    wait_for_x_range(page, "val/loss", "lo === 30 && hi === 300")
    assert "zoom=" not in page.url


def test_smoothing_slider_smooths_the_lines_and_goes_into_the_url(page: Any, server: str) -> None:
    open_charts(page, server)
    hover(page, "train/acc", 0.5)
    before = dict(tooltip_rows(page))
    page.mouse.move(5, 5)

    page.get_by_test_id("smoothing-slider").fill("0.9")
    expect(page).to_have_url(re.compile(r"[?&]smooth=0\.9(&|$)"))
    expect(page.locator(".cc-smoothing-value")).to_have_text("0.90")
    hover(page, "train/acc", 0.5)
    expect(page.locator("[data-testid=chart-tooltip]:visible")).to_have_count(1)
    after = dict(tooltip_rows(page))
    assert after.keys() == before.keys()
    # a rising curve smoothed by a moving average lags below the raw values
    lagging = [name for name in after if float(after[name]) < float(before[name])]
    assert len(lagging) >= 5, (before, after)

    # the setting is shared by a link
    page.goto(page.url)
    expect(page.get_by_test_id("smoothing-slider")).to_have_value("0.9")


def test_x_axis_switches_to_time_and_to_a_metric(page: Any, server: str) -> None:
    open_charts(page, server)
    select = page.get_by_test_id("x-axis-select")

    select.select_option("_runtime")
    expect(page).to_have_url(re.compile(r"[?&]x=_runtime"))
    # the demo runs take well under a minute: relative time is seconds, not 300 steps
    wait_for_x_range(page, "train/loss", "lo >= 0 && hi > 0 && hi < 60")
    hover(page, "train/loss", 0.5)
    expect(page.locator("[data-testid=chart-tooltip]:visible .cc-tip-head")).to_have_text(
        re.compile(r"s$")
    )

    select.select_option("_timestamp")
    wait_for_x_range(page, "train/loss", "lo > 1e9")

    select.select_option("train/acc")
    expect(page).to_have_url(re.compile(r"[?&]x=train%2Facc"))
    # train/acc runs from about 0 to 1
    wait_for_x_range(page, "train/loss", "lo > -0.2 && lo < 0.2 && hi > 0.8 && hi <= 1.01")
    expect(panel(page, "train/loss")).to_have_attribute("data-line-count", "6")


def test_nan_run_shows_a_non_finite_marker(page: Any, server: str) -> None:
    open_charts(page, server)
    expect(panel(page, "train/loss")).to_have_attribute("data-nonfinite-count", "1")
    expect(panel(page, "train/acc")).to_have_attribute("data-nonfinite-count", "0")
    # a red triangle (exactly the marker colour, #e03131) at the top of the plot where x = 300, the
    # right edge; none on the chart without non-finite values
    count = """([key, fromX]) => {
        const p = document.querySelector(`[data-testid=chart-panel][data-keys="${key}"]`);
        const canvas = p.querySelector('canvas');
        const { data, width } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let n = 0;
        for (let i = 0; i < data.length; i += 4) {
            const near = (a, b) => Math.abs(a - b) <= 2;
            if ((i / 4) % width >= width * fromX && near(data[i], 224) && near(data[i + 1], 49) && near(data[i + 2], 49)) n++;
        }
        return n;
    }"""
    assert page.evaluate(count, ["train/loss", 0.85]) > 10
    assert page.evaluate(count, ["train/acc", 0]) == 0


def test_layout_changes_are_saved_with_the_project(page: Any, server: str) -> None:
    open_charts(page, server)

    # remove an automatic panel
    p = panel(page, "val/acc")
    p.get_by_test_id("panel-menu").click()
    page.get_by_role("menuitem", name="Remove panel").click()
    expect(panel(page, "val/acc")).to_have_count(0)

    # make train/loss two columns wide by dragging its corner one column to the right
    loss = panel(page, "train/loss")
    loss.hover()
    handle = loss.get_by_test_id("panel-resize").bounding_box()
    width = loss.bounding_box()["width"]
    page.mouse.move(handle["x"] + 7, handle["y"] + 7)
    page.mouse.down()
    page.mouse.move(handle["x"] + 7 + width * 0.6, handle["y"] + 7 + 130, steps=6)
    page.mouse.up()
    expect(loss).to_have_attribute("data-w", "2")
    expect(loss).to_have_attribute("data-h", "l")

    # add a panel with two keys to the val section
    val = page.locator('[data-testid=chart-section][data-section="val"]')
    val.get_by_role("button", name="+ Add panel").click()
    picker = page.get_by_test_id("key-picker")
    picker.get_by_label("val/loss").check()
    picker.get_by_label("train/loss").check()
    with page.expect_request(
        lambda r: r.url.endswith("/workspace") and r.method == "PUT", timeout=5_000
    ):
        picker.get_by_role("button", name="Add panel").click()
    both = panel(page, "val/loss, train/loss")
    expect(both).to_have_attribute("data-state", "ready")
    expect(both).to_have_attribute("data-line-count", "12")

    layout = saved_workspace(server)["default"]
    val_saved = next(s for s in layout["sections"] if s["name"] == "val")
    assert val_saved["deleted"] == ["val/acc"]
    assert [p["keys"] for p in val_saved["panels"]] == [["val/loss"], ["val/loss", "train/loss"]]

    # a fresh page shows the saved layout, and a deleted automatic panel stays deleted
    page.goto(f"{server}/p/demo")
    expect(panel(page, "val/loss, train/loss")).to_have_attribute("data-state", "ready")
    expect(panel(page, "train/loss")).to_have_attribute("data-w", "2")
    expect(panel(page, "val/acc")).to_have_count(0)
    expect(page.get_by_test_id("chart-panel")).to_have_count(4)
