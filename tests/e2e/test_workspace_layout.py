"""The workspace, second pass: grouping by a numeric key in bins, the draggable split, the layout at
1280x800."""

from __future__ import annotations

import re
from typing import Any

import pytest

expect = pytest.importorskip("playwright.sync_api").expect


def open_workspace(page: Any, server: str, query: str = "") -> None:
    page.goto(f"{server}/p/demo{query}")
    expect(page.get_by_test_id("runs-table")).to_be_visible()


def group_values(page: Any) -> list[str]:
    groups = page.get_by_test_id("group-row")
    return [g.get_attribute("data-group") for g in groups.all()]


def test_group_by_lr_in_numeric_order_and_in_bins(page: Any, server: str) -> None:
    open_workspace(page, server, "?sort=-config.lr")  # the table lists lr 0.3 first
    expect(page.locator('[data-testid=run-row] [data-column="config.lr"]').first).to_have_text(
        "0.3"
    )
    page.get_by_test_id("group-by").select_option("config.lr")
    groups = page.get_by_test_id("group-row")
    expect(groups).to_have_count(3)
    assert group_values(page) == ["0.03", "0.1", "0.3"]  # numeric order, not the sort's
    bins = page.get_by_test_id("group-bins")
    expect(bins).to_be_visible()
    bins.select_option("quantile-2")
    expect(groups).to_have_count(2)
    expect(page).to_have_url(re.compile(r"group=config.lr.*bin=quantile-2|bin=quantile-2.*group"))
    assert group_values(page) == ["0.03–0.1", "0.3"]
    first = groups.first
    expect(first.get_by_test_id("group-toggle")).to_contain_text("lr0.03–0.1")
    expect(first.get_by_test_id("group-count")).to_have_text("4")
    # the label is readable: the count badge sits inside the row, not cut
    count = first.get_by_test_id("group-count").bounding_box()
    toggle = first.get_by_test_id("group-toggle").bounding_box()
    assert count["x"] + count["width"] <= toggle["x"] + toggle["width"] + 0.5
    # the charts draw one line per bin
    expect(page.get_by_test_id("panel-grid")).to_have_attribute("data-grouped", "true")
    page.reload()
    expect(groups).to_have_count(2)
    expect(page.get_by_test_id("group-bins")).to_have_value("quantile-2")
    # a text key offers no bins
    page.get_by_test_id("group-by").select_option("config.optimizer")
    expect(page.get_by_test_id("group-bins")).to_have_count(0)


def split_width(page: Any) -> float:
    return page.locator(".split-left").bounding_box()["width"]


def test_drag_the_split_and_reload_keeps_it(page: Any, server: str) -> None:
    open_workspace(page, server)
    handle = page.get_by_test_id("split-handle")
    before = split_width(page)
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + 300
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 150, y, steps=8)
    page.mouse.up()
    dragged = split_width(page)
    assert abs(dragged - (before - 150)) < 6, (before, dragged)
    page.reload()
    expect(page.get_by_test_id("runs-table")).to_be_visible()
    assert abs(split_width(page) - dragged) < 2
    # the handle is a focusable separator that the arrow keys move
    handle = page.get_by_test_id("split-handle")
    handle.focus()
    expect(handle).to_be_focused()
    now = int(handle.get_attribute("aria-valuenow"))
    page.keyboard.press("Shift+ArrowRight")
    expect(handle).to_have_attribute("aria-valuenow", str(now + 10))
    assert split_width(page) > dragged + 100
    widened = split_width(page)
    page.reload()
    expect(page.get_by_test_id("runs-table")).to_be_visible()
    assert abs(split_width(page) - widened) < 2
    # Enter puts the default back
    page.get_by_test_id("split-handle").focus()
    page.keyboard.press("Enter")
    assert abs(split_width(page) - before) < 2


FITS = """() => {
  const input = document.querySelector('[data-testid=filter-input]');
  const style = getComputedStyle(input);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = style.font;
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const lines = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  };
  const chips = [...document.querySelectorAll('[data-testid=run-row] [data-column=tags]')].flatMap(
    (cell) => {
      const c = cell.getBoundingClientRect();
      const clip = cell.querySelector('.tag-chips').getBoundingClientRect();
      return [...cell.querySelectorAll('[data-testid=tag-chip]')]
        .map((chip) => chip.getBoundingClientRect())
        .filter((r) => r.top < clip.bottom)  // chips wrapped onto the clipped line are not drawn
        .map((r) => ({ cut: r.right > c.right + 0.5 || r.bottom > c.bottom + 0.5 }));
    });
  const toolbar = document.querySelector('[data-testid=chart-toolbar]');
  const tops = new Set([...toolbar.children].map((el) => Math.round(el.getBoundingClientRect().top
    + el.getBoundingClientRect().height / 2)));
  const pane = document.querySelector('.split-left').getBoundingClientRect();
  const headers = Object.fromEntries([...document.querySelectorAll('[data-testid=column-header]')]
    .map((h) => [h.dataset.column, h.getBoundingClientRect().right <= pane.right + 0.5]));
  return {
    placeholder: ctx.measureText(input.placeholder).width <= room,
    addPanel: [...document.querySelectorAll('button')]
      .filter((b) => b.textContent.includes('Add panel')).map(lines),
    chipsCut: chips.filter((c) => c.cut).length,
    chipsShown: chips.length,
    toolbarRows: tops.size,
    headers,
  };
}"""


def test_nothing_wraps_or_is_cut_at_1280x800(page: Any, server: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    open_workspace(page, server)
    expect(page.get_by_test_id("chart-toolbar")).to_be_visible()
    expect(page.get_by_test_id("tag-chip").first).to_be_visible()
    # the project's default columns arrive with their own request, after the table's first draw
    expect(page.locator('[data-testid=column-header][data-column="config.lr"]')).to_be_visible()
    fits = page.evaluate(FITS)
    assert fits["placeholder"], "the filter's placeholder is cut"
    assert fits["addPanel"] and set(fits["addPanel"]) == {1}, fits["addPanel"]
    assert fits["toolbarRows"] == 1, "the charts toolbar wraps"
    assert fits["chipsShown"] >= 6 and fits["chipsCut"] == 0, fits
    shown = [c for c, inside in fits["headers"].items() if inside]
    assert shown[:4] == ["name", "state", "config.lr", "config.model.width"], shown
