"""The table viewer (cairn.Table) in Chromium: a step selector, thumbnails that open a lightbox which
Escape closes, readable headers in a join, a filter placeholder written with the table's own columns."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from tests.fakes.server import serve

import cairn

expect = pytest.importorskip("playwright.sync_api").expect
np = pytest.importorskip("numpy")

WORDS = ("zero", "one", "two")


class Tables(NamedTuple):
    url: str
    first: str


def log_tables(store_dir: Path) -> str:
    """Two runs; each logs `samples` (a table with image cells) at steps 0 and 1, 3 then 5 rows."""
    ids = []
    for index, name in enumerate(("tables-a", "tables-b")):
        run = cairn.init(project="tables", dir=store_dir, name=name)
        for step, n in enumerate((3, 5)):
            table = cairn.Table(columns=["sample", "truth", "confidence", "image"])
            for i in range(n):
                pixels = np.full((8, 8), 30 * i + 20, dtype=np.uint8)
                pixels[2:6, 2:6] = 255 - 40 * index
                table.add_data(i, WORDS[i % 3], round(0.5 + 0.1 * i, 2), cairn.Image(pixels))
            run.log({"samples": table, "picture": cairn.Image(pixels)}, step=step)
        run.finish(quiet=True)
        ids.append(run.id)
    return ids[0]


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tables]:
    store = tmp_path_factory.mktemp("e2e_tables") / ".cairn"
    first = log_tables(store)
    with serve(store) as running:
        yield Tables(running.url, first)


def open_table(page: Any, tables: Tables) -> Any:
    page.goto(f"{tables.url}/p/tables/r/{tables.first}")
    page.get_by_test_id("tab-media").click()
    table = page.locator('[data-testid="table-panel"][data-key="samples"]')
    expect(table.get_by_test_id("table-row").first).to_be_visible()
    return table


def test_step_selector_shows_the_table_of_an_earlier_step(page: Any, tables: Tables) -> None:
    table = open_table(page, tables)
    expect(table.get_by_test_id("table-count")).to_contain_text("5 rows · step 1")
    steps = table.get_by_test_id("table-step")
    expect(steps).to_be_enabled()
    steps.select_option("0")
    expect(table.get_by_test_id("table-count")).to_contain_text("3 rows · step 0")
    expect(table.get_by_test_id("table-row")).to_have_count(3)
    steps.select_option("")
    expect(table.get_by_test_id("table-row")).to_have_count(5)


def test_thumbnail_opens_the_lightbox_and_escape_closes_it(page: Any, tables: Tables) -> None:
    table = open_table(page, tables)
    thumb = table.get_by_role("button", name="Enlarge image, row 0")
    box = thumb.bounding_box()
    assert box["width"] >= 48 and box["height"] >= 48, box
    thumb.click()
    lightbox = page.get_by_test_id("lightbox")
    expect(lightbox).to_be_visible()
    image = lightbox.get_by_test_id("lightbox-image")
    expect(image).to_be_visible()
    assert image.bounding_box()["width"] >= 300
    page.keyboard.press("Escape")
    expect(lightbox).to_have_count(0)
    expect(thumb).to_be_focused()  # back where the user was
    # the image panel's lightbox closes the same way
    page.locator('[data-testid="image-canvas"]').first.click()
    expect(page.get_by_test_id("lightbox")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("lightbox")).to_have_count(0)


def test_headers_of_a_join_are_readable(page: Any, tables: Tables) -> None:
    page.set_viewport_size({"width": 1000, "height": 800})
    table = open_table(page, tables)
    table.get_by_label("Join with run").select_option(label="tables-b")
    table.get_by_label("Join on column").select_option("sample")
    header = table.get_by_role("button", name="confidence · tables-b")
    expect(header).to_be_visible()
    expect(header).to_contain_text("tables-b")
    headers = table.locator(".md-head .md-sort")
    expect(headers).to_have_count(7)  # sample, then truth, confidence, image of each run
    cut = "(el) => [el, ...el.querySelectorAll('span')].some((x) => x.scrollWidth > x.clientWidth + 1)"
    for cell in headers.all():
        assert not cell.evaluate(cut), f"header {cell.get_attribute('aria-label')!r} is cut"


def test_filter_placeholder_uses_the_tables_columns(page: Any, tables: Tables) -> None:
    table = open_table(page, tables)
    filter_input = table.get_by_label("Filter samples")
    expect(filter_input).to_have_attribute(
        "placeholder", 'filter, e.g. sample > 0 and truth == "zero"'
    )
    filter_input.fill('truth == "zero"')
    expect(table.get_by_test_id("table-count")).to_contain_text("2 of 5 rows")
