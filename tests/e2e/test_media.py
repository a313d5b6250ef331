"""The run page's Media tab in Chromium: mask overlays toggled, a box score threshold, a logged
table sorted and filtered, a histogram heatmap drawn, a confusion matrix, HTML in a sandboxed frame."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from tests.fakes.media import MediaRuns

from .conftest import SCREENSHOTS, open_media_tab

expect = pytest.importorskip("playwright.sync_api").expect
Image = pytest.importorskip("PIL.Image")


def _redrawn(canvas: Any, before: str) -> None:
    expect(canvas).not_to_have_attribute("data-drawn", before)


def test_mask_overlay_toggles_off_and_on(page: Any, media: tuple[str, MediaRuns]) -> None:
    tab = open_media_tab(page, media)
    panel = tab.locator('[data-testid="image-panel"][data-key="samples"]')
    canvas = panel.get_by_test_id("image-canvas")
    expect(canvas).not_to_have_attribute("data-drawn", "0")
    with_mask = canvas.screenshot()
    drawn = canvas.get_attribute("data-drawn")
    panel.get_by_label("Mask predictions", exact=True).uncheck()
    _redrawn(canvas, drawn)
    without_mask = canvas.screenshot()
    assert with_mask != without_mask
    # The mask's "edge" class covers the top rows: there, the pixel is the image's own grey.
    plain = Image.open(io.BytesIO(without_mask)).convert("RGB")
    tinted = Image.open(io.BytesIO(with_mask)).convert("RGB")
    assert plain.getpixel((plain.width // 2, 3)) == (40, 40, 40)
    assert tinted.getpixel((tinted.width // 2, 3)) != (40, 40, 40)
    drawn = canvas.get_attribute("data-drawn")
    panel.get_by_label("Mask predictions", exact=True).check()
    _redrawn(canvas, drawn)
    assert canvas.screenshot() == with_mask
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "media-tab.png"), full_page=True)


def test_score_threshold_hides_boxes(page: Any, media: tuple[str, MediaRuns]) -> None:
    tab = open_media_tab(page, media)
    panel = tab.locator('[data-testid="image-panel"][data-key="samples"]')
    canvas = panel.get_by_test_id("image-canvas")
    expect(canvas).to_have_attribute("data-boxes", "2")
    before = canvas.screenshot()
    slider = panel.get_by_label("Box score threshold")
    slider.focus()
    for _ in range(40):  # 0.00 → 0.40: above the "edge" box's 0.3, below the "ink" box's 0.9
        slider.press("ArrowRight")
    expect(panel.locator(".md-threshold strong")).to_have_text("0.40")
    expect(canvas).to_have_attribute("data-boxes", "1")
    assert canvas.screenshot() != before
    panel.get_by_label("Box class ink").uncheck()
    expect(canvas).to_have_attribute("data-boxes", "0")


def test_table_sorted_and_filtered(page: Any, media: tuple[str, MediaRuns]) -> None:
    tab = open_media_tab(page, media)
    table = tab.locator('[data-testid="table-panel"][data-key="predictions"]')
    expect(table.get_by_test_id("table-count")).to_contain_text("6 rows")
    expect(table.get_by_test_id("table-row")).to_have_count(6)
    expect(table.locator(".md-thumb").first).to_be_visible()
    header = table.get_by_role("button", name="score")
    header.click()
    header.click()  # descending
    expect(header).to_contain_text("▼")
    expect(table.get_by_test_id("table-row").first.locator(".md-cell").nth(1)).to_have_text("5")
    table.get_by_label("Filter predictions").fill('label == "cat"')
    expect(table.get_by_test_id("table-count")).to_contain_text("3 of 6 rows")
    ids = [
        row.locator(".md-cell").nth(1).inner_text()
        for row in table.get_by_test_id("table-row").all()
    ]
    assert ids == ["4", "2", "0"]
    table.get_by_label("Filter predictions").fill("nope > 1")
    expect(table.get_by_test_id("table-error")).to_contain_text("unknown column 'nope'")


def test_histogram_heatmap_and_plots_are_drawn(page: Any, media: tuple[str, MediaRuns]) -> None:
    tab = open_media_tab(page, media)
    panel = tab.locator('[data-testid="histogram-panel"][data-key="gradients/fc1"]')
    heatmap = panel.get_by_test_id("histogram-heatmap")
    heatmap.scroll_into_view_if_needed()
    expect(heatmap).to_have_attribute("data-rendered", "true")
    pixels = Image.open(io.BytesIO(heatmap.screenshot())).convert("RGB")
    assert len(pixels.getcolors(maxcolors=1 << 20) or []) > 20, (
        "the heatmap has cells of many shades"
    )
    expect(panel.get_by_test_id("gradient-norm")).to_have_attribute("data-rendered", "true")
    confusion = tab.locator('[data-testid="plot-panel"][data-key="confusion"]')
    expect(confusion).to_have_attribute("data-type", "confusion_matrix")
    expect(confusion.get_by_test_id("plot-chart")).to_have_attribute("data-rendered", "true")
    html = tab.locator('[data-testid="other-panel"][data-key="notes"]')
    expect(html.get_by_test_id("media-html")).to_have_attribute("sandbox", "")
    expect(html.frame_locator('[data-testid="media-html"]').locator("b")).to_have_text("bold")
    assert page.evaluate("() => window.hacked") is None


def test_workspace_draws_one_media_panel_per_key(page: Any, media: tuple[str, MediaRuns]) -> None:
    url, _ = media
    page.goto(f"{url}/p/media")
    expect(page.get_by_test_id("panel-grid")).to_have_attribute("data-run-count", "2")
    block = page.get_by_test_id("workspace-media")
    block.scroll_into_view_if_needed()
    section = block.locator('[data-testid="media-section"][data-section="Media"]')
    expect(section).to_have_attribute("data-collapsed", "true")
    section.get_by_role("button", name=re.compile("^Media ")).click()
    gallery = block.locator('[data-testid="image-panel"][data-key="gallery"]')
    gallery.scroll_into_view_if_needed()
    expect(gallery.get_by_test_id("image-column")).to_have_count(2)  # the runs side by side
    expect(gallery.locator(".md-run-name")).to_have_text(["media-b", "media-a"])
    expect(gallery.get_by_test_id("image-canvas")).to_have_count(4)
    confusion = block.locator('[data-testid="plot-panel"][data-key="confusion"]')
    confusion.scroll_into_view_if_needed()
    expect(confusion).to_have_count(1)  # one panel, the runs side by side in it
    expect(confusion.get_by_test_id("plot-run")).to_have_count(2)
    expect(confusion.get_by_test_id("run-chooser")).to_have_text("2 runs ▾")
    table = block.locator('[data-testid="table-panel"][data-key="predictions"]')
    table.scroll_into_view_if_needed()
    expect(table.locator('.cc-panel-head [data-testid="media-run"]')).to_have_text("media-b")
    table.get_by_label("Join with run").select_option(label="media-a")
    table.get_by_label("Join on column").select_option("id")
    expect(table.get_by_role("button", name="score · media-a")).to_be_visible()
    expect(table.get_by_role("button", name="score · media-b")).to_be_visible()
