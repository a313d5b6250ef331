"""Media charts (histogram heatmap, gradient norm, cairn.plot charts) in Chromium: colours follow the
dark theme (no white background, grid or near-white cells) and the heatmap's value axis has a few
round ticks."""

from __future__ import annotations

import io
from typing import Any

import pytest
from tests.fakes.media import MediaRuns

from .conftest import SCREENSHOTS, open_media_tab

expect = pytest.importorskip("playwright.sync_api").expect
Image = pytest.importorskip("PIL.Image")

# A pixel is "near white" when every channel is at least this bright: the light theme's grid
# (#e0e6f1), its palest heatmap cells (#e8f0fd, #f3f6fb) and white itself all are.
NEAR_WHITE = 215
# The heatmap's grid: ECharts draws the value labels left of it (see HistogramPanel).
HEATMAP_GRID_LEFT = 54
HEATMAP_GRID_TOP = 8
HEATMAP_GRID_BOTTOM = 28


def _charts(tab: Any) -> dict[str, Any]:
    histogram = tab.locator('[data-testid="histogram-panel"][data-key="gradients/fc1"]')
    return {
        "heatmap": histogram.get_by_test_id("histogram-heatmap"),
        "gradient norm": histogram.get_by_test_id("gradient-norm"),
        "confusion matrix": tab.locator(
            '[data-testid="plot-panel"][data-key="confusion"]'
        ).get_by_test_id("plot-chart"),
        "roc": tab.locator('[data-testid="plot-panel"][data-key="roc"]').get_by_test_id(
            "plot-chart"
        ),
    }


def _pixels(locator: Any) -> Any:
    locator.scroll_into_view_if_needed()
    return Image.open(io.BytesIO(locator.screenshot())).convert("RGB")


def _near_white_share(image: Any) -> float:
    data = list(image.getdata())
    bright = sum(1 for r, g, b in data if min(r, g, b) >= NEAR_WHITE)
    return bright / len(data)


def test_media_charts_follow_the_dark_theme(page: Any, media: tuple[str, MediaRuns]) -> None:
    tab = open_media_tab(page, media)
    charts = _charts(tab)
    for chart in charts.values():
        expect(chart).to_have_attribute("data-rendered", "true")
    # In the light theme the heatmap's pale cells and the grid are near white: the check sees them.
    assert _near_white_share(_pixels(charts["heatmap"])) > 0.2

    page.get_by_test_id("theme-toggle").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    _assert_dark(charts)
    page.screenshot(path=str(SCREENSHOTS / "media-dark.png"), full_page=True)


def _assert_dark(charts: dict[str, Any]) -> None:
    for name, chart in charts.items():
        expect(chart).to_have_attribute("data-theme", "dark")
        image = _pixels(chart)
        share = _near_white_share(image)
        assert share < 0.002, f"{name}: {share:.1%} of its pixels are near white in the dark theme"
        corner = image.getpixel((2, 2))
        assert max(corner) < 80, f"{name}: its background {corner} is not dark"


def test_media_charts_drawn_first_in_the_dark_theme_are_dark(
    page: Any, media: tuple[str, MediaRuns]
) -> None:
    url, _ = media
    page.goto(f"{url}/p/media")
    page.get_by_test_id("theme-toggle").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    charts = _charts(open_media_tab(page, media))  # a new page load: the charts start out dark
    for chart in charts.values():
        expect(chart).to_have_attribute("data-rendered", "true")
    _assert_dark(charts)


def _label_bands(image: Any) -> int:
    """Text lines in the strip left of the heatmap's grid: runs of rows holding ink."""
    width = HEATMAP_GRID_LEFT - 8  # leave out the axis ticks
    background = image.getpixel((1, image.height // 2))
    inked = []
    for y in range(HEATMAP_GRID_TOP - 4, image.height - HEATMAP_GRID_BOTTOM + 4):
        ink = any(
            sum(abs(c - b) for c, b in zip(image.getpixel((x, y)), background, strict=True)) > 90
            for x in range(width)
        )
        inked.append(ink)
    bands, previous = 0, False
    for ink in inked:
        if ink and not previous:
            bands += 1
        previous = ink
    return bands


def test_histogram_heatmap_has_a_few_round_value_ticks(
    page: Any, media: tuple[str, MediaRuns]
) -> None:
    tab = open_media_tab(page, media)
    heatmap = _charts(tab)["heatmap"]
    expect(heatmap).to_have_attribute("data-rendered", "true")
    bands = _label_bands(_pixels(heatmap))
    assert 3 <= bands <= 8, f"{bands} value labels beside the heatmap"
