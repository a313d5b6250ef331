"""The runs table's columns and run colours: drag a header (or use the column menu) to reorder the
columns, kept across a reload with pinned columns first; the swept keys in view at 1280 px; a run's
colour chosen from the palette used by its lines, kept in the workspace; a group row's hover
emphasises its lines."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.fakes.waiting import wait_for

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
    # the column list arrives after the rows: wait for the full set of headers
    expect(header(page, "runtime")).to_have_count(1)


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


def _rgb(css: str) -> str:
    """'rgb(18, 52, 86)' → '#123456'."""
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def legend_color(page: Any, key: str, name: str) -> str:
    item = panel(page, key).get_by_test_id("legend-item").filter(has_text=name)
    swatch = item.locator(".cc-legend-swatch")
    return _rgb(swatch.evaluate("(el) => getComputedStyle(el).backgroundColor"))


RUN = "mlp-0.1-32"


def test_a_chosen_run_colour_draws_its_lines_survives_a_reload_and_reset_restores_it(
    page: Any, server: str
) -> None:
    open_charts(page, server)
    row = page.locator(f'[data-testid=run-row][data-run-name="{RUN}"]')
    swatch = row.get_by_test_id("run-swatch")
    default = swatch.get_attribute("data-color")
    assert legend_color(page, "train/loss", RUN) == default
    # choose from the palette with the keyboard: the popover opens on the current colour
    swatch.click()
    popover = page.get_by_test_id("color-popover")
    expect(popover).to_be_visible()
    expect(popover.locator("[aria-pressed=true]")).to_be_focused()
    page.keyboard.press("ArrowRight")
    chosen = page.evaluate("() => document.activeElement.dataset.color")
    assert chosen and chosen != default
    page.keyboard.press("Enter")
    expect(popover).to_have_count(0)
    expect(swatch).to_have_attribute("data-color", chosen)
    for key in ("train/loss", "val/acc"):
        expect(panel(page, key).get_by_test_id("legend-item").filter(has_text=RUN)).to_have_count(1)
        assert legend_color(page, key, RUN) == chosen, key
    # a hex colour typed in; Escape closes without a change
    swatch.click()
    page.get_by_test_id("color-hex").fill("#123456")
    page.get_by_test_id("color-hex").press("Enter")
    expect(swatch).to_have_attribute("data-color", "#123456")
    swatch.click()
    expect(popover).to_be_visible()
    page.keyboard.press("Escape")
    expect(popover).to_have_count(0)
    expect(swatch).to_have_attribute("data-color", "#123456")
    run_id = row.get_attribute("data-run-id")

    def saved_color() -> object:
        return saved_workspace(server).get("runColors", {}).get(run_id)

    assert wait_for(lambda: saved_color() == "#123456")
    page.reload()
    expect(swatch).to_have_attribute("data-color", "#123456")
    expect(panel(page, "train/loss")).to_have_attribute("data-state", "ready", timeout=15_000)
    assert legend_color(page, "train/loss", RUN) == "#123456"
    # the compare page draws the run in that colour too
    page.goto(f"{server}/p/demo/compare?runs={run_id}")
    expect(page.locator("[data-testid=compare-run] .swatch").first).to_have_css(
        "background-color", "rgb(18, 52, 86)"
    )
    # and so does the run's own page
    page.goto(f"{server}/p/demo/r/{run_id}")
    expect(page.locator(".run-title-row .swatch")).to_have_css(
        "background-color", "rgb(18, 52, 86)"
    )
    # reset gives the palette's colour back, everywhere and after a reload
    open_charts(page, server)
    swatch.click()
    page.get_by_test_id("color-reset").click()
    expect(swatch).to_have_attribute("data-color", default or "")
    assert legend_color(page, "train/loss", RUN) == default
    assert wait_for(lambda: saved_color() is None)
    page.reload()
    expect(swatch).to_have_attribute("data-color", default or "")


def test_hovering_a_group_row_emphasises_its_line_and_a_group_line_marks_its_row(
    page: Any, server: str
) -> None:
    open_charts(page, server, "?group=config.optimizer")
    adam = page.locator('[data-testid=group-row][data-group="adam"]')
    expect(adam).to_be_visible()
    adam_ids = [
        r.get_attribute("data-run-id")
        for r in page.locator("[data-testid=run-row]").all()
        if r.locator('[data-column="config.optimizer"]').inner_text().strip() == "adam"
    ]
    assert len(adam_ids) == 3, adam_ids
    adam.locator("[data-column]").first.hover()
    expect(adam).to_have_attribute("data-hovered", "true")
    # the group's row stands for its line: none of its run rows is marked as well
    expect(page.locator("[data-testid=run-row][data-hovered=true]")).to_have_count(0)
    for key in ("train/loss", "val/acc"):
        expect(panel(page, key)).to_have_attribute("data-emphasis", re.compile("|".join(adam_ids)))
    expect(page.locator('[data-testid=group-row][data-group="sgd"]')).not_to_have_attribute(
        "data-hovered", "true"
    )
    page.get_by_test_id("workspace-tabs").hover()
    expect(adam).not_to_have_attribute("data-hovered", "true")
    expect(panel(page, "train/loss")).not_to_have_attribute("data-emphasis", re.compile("."))
    # hovering a group's line marks its group row: sweep up the plot until a line is nearest
    box = panel(page, "train/loss").locator(".u-over").bounding_box()
    assert box is not None
    near = page.locator("[data-testid=chart-tooltip]:visible .cc-tip-near .cc-tip-name")
    name = None
    for step in range(40):
        page.mouse.move(
            box["x"] + box["width"] * 0.25, box["y"] + box["height"] * (0.98 - step * 0.024)
        )
        if near.count() == 1:
            name = near.inner_text()
            break
    assert name is not None, "no line came near the cursor"
    group = "adam" if "adam" in name else "sgd"
    expect(page.locator(f'[data-testid=group-row][data-group="{group}"]')).to_have_attribute(
        "data-hovered", "true"
    )
