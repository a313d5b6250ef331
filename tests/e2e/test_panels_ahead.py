"""Line panels just below the fold draw while the page is idle, before they are scrolled to (so
scrolling does not stop to draw them); panels far below are placeholders until they come near."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.fakes.server import serve

import cairn

expect = pytest.importorskip("playwright.sync_api").expect

KEYS = [f"m{i:02d}" for i in range(60)]


@pytest.fixture(scope="module")
def many_panels(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store_dir: Path = tmp_path_factory.mktemp("ahead")
    for seed in range(3):
        run = cairn.init(project="ahead", dir=store_dir, config={"seed": seed})
        for step in range(20):
            run.log({key: (seed + 1) * step * (i + 1) for i, key in enumerate(KEYS)})
        run.finish(quiet=True)
    with serve(store_dir) as running:
        yield running.url


def panel(page: Any, key: str) -> Any:
    return page.locator(f'[data-testid=chart-panel][data-keys="{key}"]')


def slot(page: Any, key: str) -> Any:
    """The panel of ``key`` or the placeholder standing for it."""
    return page.locator(f'[data-panel-id="auto:{key}"]')


def below_fold(page: Any, key: str) -> float:
    """How far the panel's top lies below the bottom of the box that scrolls the charts, in px."""
    return float(
        slot(page, key).evaluate(
            """e => { let box = e.parentElement;
                 while (box && !/auto|scroll/.test(getComputedStyle(box).overflowY)) box = box.parentElement;
                 return e.getBoundingClientRect().top - box.getBoundingClientRect().bottom; }"""
        )
    )


def test_panels_below_the_fold_draw_before_scrolling_and_far_ones_wait(
    page: Any, many_panels: str
) -> None:
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(f"{many_panels}/p/ahead")
    expect(panel(page, KEYS[0])).to_have_attribute("data-state", "ready", timeout=15_000)
    offsets = {key: below_fold(page, key) for key in KEYS}
    # beyond the 400 px every panel gets, within the idle margin (twice the box's height)
    near = [key for key, off in offsets.items() if 600 < off < 1200]
    far = [key for key, off in offsets.items() if off > 4000]
    assert near and far, offsets
    for key in near:
        expect(panel(page, key)).to_have_attribute("data-state", "ready", timeout=15_000)
    # far ones are not even mounted: a placeholder holds their place
    assert {slot(page, key).get_attribute("data-testid") for key in far} == {"panel-placeholder"}
    assert below_fold(page, near[0]) == offsets[near[0]], "nothing was scrolled"
    # a far panel draws once it is scrolled to
    slot(page, far[-1]).scroll_into_view_if_needed()
    expect(panel(page, far[-1])).to_have_attribute("data-state", "ready", timeout=15_000)
