"""Run colours in the workspace: every line chart has a legend (run colour + name, collapsible),
and hover links the runs table and the charts both ways: a hovered row's lines stand out in every
chart (the others dimmed), and the row of the line nearest the cursor is highlighted."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from .test_charts import KEYS, RUN_NAMES, fresh_workspace, open_charts, panel

expect = pytest.importorskip("playwright.sync_api").expect
Image = pytest.importorskip("PIL.Image")

__all__ = ["fresh_workspace"]  # the autouse fixture: each test starts from the automatic layout

HOVERED = "mlp-0.1-32"


def _rgb(css: str) -> tuple[int, int, int]:
    """'rgb(78, 121, 167)' or '#4e79a7' → (78, 121, 167)."""
    if css.startswith("#"):
        return (int(css[1:3], 16), int(css[3:5], 16), int(css[5:7], 16))
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return (r, g, b)


def _row(page: Any, name: str) -> Any:
    return page.locator(f'[data-testid=run-row][data-run-name="{name}"]')


def _run_colors(page: Any) -> dict[str, tuple[int, int, int]]:
    return {
        name: _rgb(
            _row(page, name)
            .get_by_test_id("run-swatch")
            .evaluate("(el) => getComputedStyle(el).backgroundColor")
        )
        for name in RUN_NAMES
    }


def _pixels_of(image: Any, color: tuple[int, int, int], tolerance: int = 10) -> int:
    return sum(
        1
        for pixel in image.getdata()
        if all(abs(c - w) <= tolerance for c, w in zip(pixel[:3], color, strict=True))
    )


def _canvas(page: Any, key: str) -> Any:
    canvas = panel(page, key).locator("canvas").first
    return Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")


def test_every_line_chart_has_a_legend_of_run_colours_and_names(page: Any, server: str) -> None:
    open_charts(page, server)
    colors = _run_colors(page)
    for key in KEYS:
        legend = panel(page, key).get_by_test_id("chart-legend")
        items = legend.get_by_test_id("legend-item")
        expect(items).to_have_count(6)
        names = [item.inner_text().strip() for item in items.all()]
        assert sorted(names) == sorted(RUN_NAMES), (key, names)
        for item in items.all():
            name = item.inner_text().strip()
            swatch = item.locator(".cc-legend-swatch")
            assert (
                _rgb(swatch.evaluate("(el) => getComputedStyle(el).backgroundColor"))
                == (colors[name])
            ), (key, name)
    # collapsing hides the entries (and gives the chart their room); expanding shows them again
    legend = panel(page, "train/loss").get_by_test_id("chart-legend")
    toggle = legend.get_by_role("button", name=re.compile("legend", re.I))
    toggle.click()
    expect(legend.get_by_test_id("legend-item")).to_have_count(0)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(legend.get_by_test_id("legend-item")).to_have_count(6)


def test_hovering_a_row_dims_the_other_runs_lines_in_every_chart(page: Any, server: str) -> None:
    open_charts(page, server)
    colors = _run_colors(page)
    others = [name for name in RUN_NAMES if name != HOVERED]
    before = {key: _canvas(page, key) for key in ("train/loss", "val/acc")}
    counts = {
        key: {name: _pixels_of(image, colors[name]) for name in RUN_NAMES}
        for key, image in before.items()
    }
    for key, by_run in counts.items():
        assert by_run[HOVERED] > 20, (key, by_run)

    hovered_id = _row(page, HOVERED).get_attribute("data-run-id")
    _row(page, HOVERED).locator("[data-column]").first.hover()
    expect(_row(page, HOVERED)).to_have_attribute("data-hovered", "true")
    for key, by_run in counts.items():
        expect(panel(page, key)).to_have_attribute("data-emphasis", hovered_id)
        image = _canvas(page, key)
        kept = _pixels_of(image, colors[HOVERED])
        dimmed = sum(_pixels_of(image, colors[name]) for name in others)
        assert kept >= by_run[HOVERED] * 0.6, f"{key}: the hovered run's line faded ({kept})"
        assert dimmed <= sum(by_run[n] for n in others) * 0.1, (
            f"{key}: the other runs still drawn at full colour ({dimmed} pixels)"
        )

    # leaving the table draws every line at full colour again
    page.get_by_test_id("workspace-tabs").hover()
    expect(_row(page, HOVERED)).not_to_have_attribute("data-hovered", "true")
    image = _canvas(page, "train/loss")
    assert sum(_pixels_of(image, colors[n]) for n in others) > 0.8 * sum(
        counts["train/loss"][n] for n in others
    )


def test_hovering_a_line_highlights_its_row(page: Any, server: str) -> None:
    open_charts(page, server)
    box = panel(page, "train/loss").locator(".u-over").bounding_box()
    assert box is not None
    # Early on, the fastest run's loss is far below the others: walk up from the bottom of the
    # plot until the tooltip marks a line as the nearest, as a user sweeping the mouse would.
    x = box["x"] + box["width"] * 0.25
    near = page.locator("[data-testid=chart-tooltip]:visible .cc-tip-near .cc-tip-name")
    name = None
    for step in range(40):
        page.mouse.move(x, box["y"] + box["height"] * (0.98 - step * 0.024))
        if near.count() == 1:
            name = near.inner_text().split(" (")[0]
            break
    assert name in RUN_NAMES, "no line came near the cursor"
    row = _row(page, name)
    expect(row).to_have_attribute("data-hovered", "true")
    expect(page.locator("[data-testid=run-row][data-hovered=true]")).to_have_count(1)
    background = row.evaluate("(el) => getComputedStyle(el).backgroundColor")
    plain = _row(page, next(n for n in RUN_NAMES if n != name)).evaluate(
        "(el) => getComputedStyle(el).backgroundColor"
    )
    assert background != plain, "the hovered line's row looks like every other row"
    # and its line stands out in the other charts too
    expect(panel(page, "train/acc")).to_have_attribute(
        "data-emphasis", row.get_attribute("data-run-id")
    )
    page.mouse.move(box["x"] - 40, box["y"] - 40)
    expect(page.locator("[data-testid=run-row][data-hovered=true]")).to_have_count(0)
