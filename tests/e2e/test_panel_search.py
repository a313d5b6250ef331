"""Searching the workspace's panels by metric name: plain text or /regex/, kept in the URL."""

from __future__ import annotations

import re
from typing import Any

import pytest

expect = pytest.importorskip("playwright.sync_api").expect

KEYS = ["train/acc", "train/loss", "val/acc", "val/loss"]


def open_charts(page: Any, server: str, query: str = "") -> None:
    page.goto(f"{server}/p/demo{query}")
    expect(page.get_by_test_id("chart-panel")).not_to_have_count(0)


def shown(page: Any) -> list[str]:
    panels = page.locator("[data-testid=chart-panel]")
    return sorted(p.get_attribute("data-keys") for p in panels.all())


def expect_shown(page: Any, keys: list[str]) -> None:
    # 15 s: panels are made as they come into view, and make test's 4 workers share 2 cores
    # (the default 5 s once saw none drawn yet).
    expect(page.get_by_test_id("chart-panel")).to_have_count(len(keys), timeout=15_000)
    assert shown(page) == keys


def all_panels(page: Any) -> list[str]:
    """The panels before any search: the demo's four, and any another test saved in the
    project's workspace (the browser tests share one store)."""
    expect(page.get_by_test_id("chart-panel")).not_to_have_count(0)
    keys = shown(page)
    assert set(KEYS) <= set(keys), keys
    return keys


def having(keys: list[str], part: str) -> list[str]:
    return [k for k in keys if part in k.lower()]


def test_text_narrows_the_panels_and_lives_in_the_url(page: Any, server: str) -> None:
    open_charts(page, server)
    everything = all_panels(page)
    acc = having(everything, "acc")
    search = page.get_by_test_id("panel-search")
    search.fill("ACC")
    expect_shown(page, acc)
    count = f"{len(acc)} of {len(everything)} panels match"
    expect(page.get_by_test_id("panel-search-count")).to_have_text(count)
    expect(page).to_have_url(re.compile(r"[?&]panels=ACC(&|$)"))
    page.reload()
    expect(page.get_by_test_id("panel-search")).to_have_value("ACC")
    expect_shown(page, acc)
    page.get_by_test_id("panel-search").press("Escape")
    expect_shown(page, everything)
    expect(page.get_by_test_id("panel-search-count")).to_have_count(0)
    expect(page).not_to_have_url(re.compile(r"panels="))


def test_a_search_opens_collapsed_sections_and_takes_a_regex(page: Any, server: str) -> None:
    open_charts(page, server)
    everything = all_panels(page)
    train = page.locator('[data-testid=chart-section][data-section="train"]')
    train.locator(".cc-section-toggle").click()
    expect(train).to_have_attribute("data-collapsed", "true")
    search = page.get_by_test_id("panel-search")
    search.fill("loss")
    expect_shown(page, having(everything, "loss"))  # the collapsed section shows its match
    assert "train/loss" in shown(page)
    search.fill("/^val\\//")
    val = [k for k in everything if k.startswith("val/")]
    expect_shown(page, val)
    search.fill("/(/")
    expect(page.get_by_test_id("panel-search-error")).to_contain_text("Invalid regular expression")
    expect(page.get_by_test_id("chart-panel")).to_have_count(0)
    search.fill("")
    expect(train).to_have_attribute("data-collapsed", "true")  # and stays collapsed after
    expect(train.get_by_test_id("chart-panel")).to_have_count(0)
    expect(page.locator('[data-testid=chart-panel][data-keys="val/loss"]')).to_be_visible()


def test_no_match_says_so_with_the_text_inert(page: Any, server: str) -> None:
    payload = '<img src=x onerror="window.__pwned=1">'
    open_charts(page, server)
    everything = all_panels(page)
    page.get_by_test_id("panel-search").fill(payload)
    empty = page.get_by_test_id("panel-search-empty")
    expect(empty).to_contain_text(f"No panel has a metric matching “{payload}”")
    expect(empty.locator("img")).to_have_count(0)
    assert page.evaluate("window.__pwned") is None
    expect(page.get_by_test_id("panel-search-count")).to_have_count(0)  # the note says it all
    page.get_by_test_id("panel-search-clear").click()
    expect_shown(page, everything)
    expect(page.get_by_test_id("panel-search")).to_have_value("")


def test_a_shared_link_opens_with_the_search(page: Any, server: str) -> None:
    open_charts(page, server, "?panels=%2Facc%24%2F")
    expect(page.get_by_test_id("panel-search")).to_have_value("/acc$/")
    expect(page.locator('[data-testid=chart-panel][data-keys="train/acc"]')).to_be_visible()
    assert all(re.search("acc$", k) for k in shown(page)), shown(page)
