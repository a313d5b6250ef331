"""The runs table's columns and run colours: drag a header (or use the column menu) to reorder the
columns, kept across a reload with pinned columns first; the swept keys in view at 1280 px; a run's
colour chosen from the palette used by its lines, kept in the workspace; a group row's hover
emphasises its lines."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .test_charts import fresh_workspace, open_charts, panel, saved_workspace

expect = pytest.importorskip("playwright.sync_api").expect

__all__ = ["fresh_workspace"]  # the autouse fixture: each test starts from an empty workspace


def header_ids(page: Any) -> list[str]:
    return [
        h.get_attribute("data-column") or "" for h in page.get_by_test_id("column-header").all()
    ]


def header(page: Any, column: str) -> Any:
    return page.locator(f'[data-testid=column-header][data-column="{column}"]')


def open_table(page: Any, server: str, query: str = "") -> None:
    page.goto(f"{server}/p/demo{query}")
    expect(page.get_by_test_id("run-row")).to_have_count(6)


def test_dragging_a_header_moves_its_column_and_the_order_survives_a_reload(
    page: Any, server: str
) -> None:
    open_table(page, server)
    before = header_ids(page)
    assert before.index("config.lr") < before.index("config.model.width"), before
    # drop lr on the right half of model.width: lr lands just after it
    target = header(page, "config.model.width")
    box = target.bounding_box()
    assert box is not None
    header(page, "config.lr").drag_to(
        target, target_position={"x": box["width"] * 0.8, "y": box["height"] / 2}
    )
    expect(page).to_have_url(re.compile(r"cols="))
    after = header_ids(page)
    assert after.index("config.model.width") + 1 == after.index("config.lr"), after
    assert sorted(after) == sorted(before)
    page.reload()
    expect(page.get_by_test_id("run-row")).to_have_count(6)
    assert header_ids(page) == after
    # the row cells follow their headers
    first = page.get_by_test_id("run-row").first
    cells = [c.get_attribute("data-column") for c in first.locator("[data-column]").all()]
    assert cells == [c for c in after if c != "name"], cells


def test_move_left_in_the_column_menu_and_pinned_columns_stay_first(page: Any, server: str) -> None:
    open_table(page, server)
    before = header_ids(page)
    i = before.index("config.model.width")
    header(page, "config.model.width").get_by_test_id("column-menu-button").click()
    page.get_by_test_id("column-menu").get_by_role("menuitem", name="Move left").click()
    expected = [*before[: i - 1], before[i], before[i - 1], *before[i + 1 :]]
    expect(page.get_by_test_id("column-menu")).to_have_count(0)
    assert header_ids(page) == expected
    # pin tags: it is drawn right after the name, and cannot move left of the pinned line
    header(page, "tags").get_by_test_id("column-menu-button").click()
    page.get_by_test_id("column-menu").get_by_role("menuitem", name="Pin column left").click()
    expect(header(page, "tags")).to_have_class(re.compile(r"\bpinned\b"))
    assert header_ids(page)[:2] == ["name", "tags"], header_ids(page)
    header(page, "tags").get_by_test_id("column-menu-button").click()
    menu = page.get_by_test_id("column-menu")
    expect(menu.get_by_role("menuitem", name="Move left")).to_be_disabled()
    expect(menu.get_by_role("menuitem", name="Move right")).to_be_disabled()
    page.keyboard.press("Escape")
    # an unpinned column dragged onto the pinned one does not cross the line
    header(page, "state").drag_to(header(page, "tags"))
    assert header_ids(page)[:2] == ["name", "tags"], header_ids(page)
    page.reload()
    expect(page.get_by_test_id("run-row")).to_have_count(6)
    assert header_ids(page)[:2] == ["name", "tags"]


SHOWN_HEADERS = """() => {
  const scroll = document.querySelector('[data-testid=runs-table]').getBoundingClientRect();
  return [...document.querySelectorAll('[data-testid=column-header]')]
    .filter((h) => h.getBoundingClientRect().right <= scroll.right + 0.5)
    .map((h) => h.dataset.column);
}"""


def test_the_swept_keys_are_in_view_at_1280x800_without_scrolling(page: Any, server: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    open_table(page, server)
    assert page.get_by_test_id("runs-table").evaluate("(el) => el.scrollLeft") == 0
    shown = page.evaluate(SHOWN_HEADERS)
    assert shown[:4] == ["name", "state", "config.lr", "config.model.width"], shown
    ids = header_ids(page)
    assert ids.index("config.model.width") < ids.index("tags"), ids


__all__ += ["open_charts", "panel", "saved_workspace"]
