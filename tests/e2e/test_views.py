"""Views: what one viewer toggles (smoothing, log y, x axis, collapsed sections) stays in their
browser; saved views (named layouts) are shared in the project: save as, open, rename, set as
default, delete, and a link that opens one."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.fakes.server import serve
from tests.fakes.waiting import wait_for

import cairn

expect = pytest.importorskip("playwright.sync_api").expect

XSS = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture
def views_server(tmp_path: Path) -> Iterator[str]:
    """A project of its own per test (saved views and the default change)."""
    for lr in (0.1, 0.01):
        run = cairn.init(project="views", dir=tmp_path, config={"lr": lr})
        for step in range(10):
            run.log({"train/loss": lr * (10 - step), "val/loss": lr * (11 - step), "val/acc": step})
        run.finish(quiet=True)
    with serve(tmp_path) as running:
        yield running.url


def panel(page: Any, key: str) -> Any:
    return page.locator(f'[data-testid=chart-panel][data-keys="{key}"]')


def section(page: Any, name: str) -> Any:
    return page.locator(f'[data-testid=chart-section][data-section="{name}"]')


def open_project(page: Any, url: str, query: str = "") -> None:
    page.goto(f"{url}/p/views{query}")
    expect(panel(page, "val/acc")).to_have_attribute("data-state", "ready", timeout=15_000)


def open_menu(page: Any) -> Any:
    page.get_by_test_id("views-menu-button").click()
    return page.get_by_test_id("views-menu")


def name_dialog(page: Any, name: str) -> None:
    dialog = page.get_by_test_id("view-name-dialog")
    dialog.get_by_test_id("view-name-input").fill(name)
    dialog.get_by_test_id("view-name-submit").click()


def remove_panel(page: Any, key: str) -> None:
    panel(page, key).get_by_test_id("panel-menu").click()
    page.get_by_role("menuitem", name="Remove panel").click()
    expect(panel(page, key)).to_have_count(0)


def test_one_viewers_toggles_do_not_change_what_another_sees(
    browser: Any, page: Any, views_server: str
) -> None:
    open_project(page, views_server)
    page.get_by_test_id("logy-toggle").check()
    page.get_by_test_id("smoothing-slider").fill("0.6")
    expect(page).to_have_url(re.compile(r"smooth=0\.6"))
    section(page, "val").locator(".cc-section-toggle").click()
    expect(section(page, "val")).to_have_attribute("data-collapsed", "true")

    # another viewer (another browser profile) sees the project as it was
    other = browser.new_context(viewport={"width": 1600, "height": 1000})
    try:
        theirs = other.new_page()
        theirs.goto(f"{views_server}/p/views")
        expect(panel(theirs, "train/loss")).to_have_attribute("data-state", "ready")
        expect(theirs.get_by_test_id("logy-toggle")).not_to_be_checked()
        expect(theirs.get_by_test_id("smoothing-slider")).to_have_value("0")
        expect(section(theirs, "val")).to_have_attribute("data-collapsed", "false")
    finally:
        other.close()
    shared = httpx.get(f"{views_server}/api/v1/projects/views/workspace").json()
    assert "logy" not in str(shared) and "0.6" not in str(shared)

    # the first viewer gets their own settings back on a bare link
    page.goto(f"{views_server}/p/views")
    expect(page.get_by_test_id("logy-toggle")).to_be_checked()
    expect(page.get_by_test_id("smoothing-slider")).to_have_value("0.6")
    expect(section(page, "val")).to_have_attribute("data-collapsed", "true")


def test_save_as_switch_rename_default_and_delete(page: Any, views_server: str) -> None:
    open_project(page, views_server)
    expect(page.get_by_test_id("view-name")).to_have_text("Default")
    # a layout edit in the default view is kept in it
    remove_panel(page, "train/loss")

    open_menu(page).get_by_test_id("save-view-as").click()
    name_dialog(page, "Val only")
    expect(page).to_have_url(re.compile(r"ws=Val\+only"))
    expect(page.get_by_test_id("view-name")).to_have_text("Val only")
    remove_panel(page, "val/loss")
    expect(panel(page, "val/acc")).to_have_count(1)

    # the default view kept its own layout; the named one its own
    open_menu(page).locator('[data-testid=view-item][data-name="Default"]').click()
    expect(page).not_to_have_url(re.compile(r"ws="))
    expect(panel(page, "val/loss")).to_have_attribute("data-state", "ready")
    expect(panel(page, "train/loss")).to_have_count(0)
    open_menu(page).locator('[data-testid=view-item][data-name="Val only"]').click()
    expect(panel(page, "val/acc")).to_have_attribute("data-state", "ready")
    expect(panel(page, "val/loss")).to_have_count(0)

    # a taken name is refused in the dialog, which stays open to try another
    open_menu(page).get_by_test_id("rename-view").click()
    name_dialog(page, "Default")
    expect(page.get_by_test_id("view-error")).to_contain_text("already has a view named")
    name_dialog(page, XSS)
    expect(page.get_by_test_id("view-name")).to_have_text(XSS)
    assert urllib.parse.unquote_plus(page.url).endswith(f"ws={XSS}")
    assert page.evaluate("window.__pwned") is None

    # set as default: a bare link opens it; the default cannot be deleted
    menu = open_menu(page)
    menu.get_by_test_id("default-view").click()
    page.goto(f"{views_server}/p/views")
    expect(page.get_by_test_id("view-name")).to_have_text(XSS)
    expect(panel(page, "val/loss")).to_have_count(0)
    menu = open_menu(page)
    first = menu.get_by_test_id("view-item").first  # the default comes first
    expect(first).to_have_attribute("data-name", XSS)
    expect(first).to_contain_text("default")
    expect(menu.get_by_test_id("delete-view")).to_be_disabled()

    # delete the other view after confirming
    menu.locator('[data-testid=view-item][data-name="Default"]').click()
    expect(page).to_have_url(re.compile(r"ws=Default"))
    open_menu(page).get_by_test_id("delete-view").click()
    page.get_by_test_id("confirm-button").click()
    expect(page).not_to_have_url(re.compile(r"ws="))
    expect(page.get_by_test_id("view-name")).to_have_text(XSS)
    items = open_menu(page).get_by_test_id("view-item")
    expect(items).to_have_count(1)
    names = [v["name"] for v in httpx.get(f"{views_server}/api/v1/projects/views/views").json()]
    assert names == [XSS]


def test_a_link_opens_its_view_and_an_unknown_one_says_so(page: Any, views_server: str) -> None:
    api = f"{views_server}/api/v1/projects/views"
    assert httpx.put(f"{api}/workspace", json={"kept": 1}).status_code == 200  # "Default"
    created = httpx.post(f"{api}/views", json={"name": "Empty val", "workspace": {}})
    assert created.status_code == 201
    open_project(page, views_server, "?ws=Empty+val")
    expect(page.get_by_test_id("view-name")).to_have_text("Empty val")
    remove_panel(page, "val/acc")

    def saved() -> Any:
        return httpx.get(f"{api}/workspace", params={"view": "Empty val"}).json()

    # the edit went into that view only
    assert wait_for(lambda: "val/acc" in str(saved().get("default"))), saved()
    assert httpx.get(f"{api}/workspace").json() == {"kept": 1}

    page.goto(f"{views_server}/p/views?ws=Nope")
    expect(page.get_by_test_id("view-missing")).to_contain_text("no saved view named “Nope”")
