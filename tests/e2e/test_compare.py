"""The compare view: config differences highlighted, summaries side by side, charts of those runs."""

from __future__ import annotations

import re
from typing import Any

import pytest

expect = pytest.importorskip("playwright.sync_api").expect


def select_runs(page: Any, names: list[str]) -> None:
    for name in names:
        page.locator(f'[data-testid=run-row][data-run-name="{name}"]').get_by_test_id(
            "run-select"
        ).click()


def test_compare_two_selected_runs(page: Any, server: str) -> None:
    page.goto(f"{server}/p/demo")
    # the same lr; width and optimizer differ (adam for width 32, sgd for 128)
    select_runs(page, ["mlp-0.3-32", "mlp-0.3-128"])
    expect(page.get_by_test_id("selection-bar")).to_contain_text("2 selected")
    page.get_by_test_id("compare-button").click()
    expect(page).to_have_url(re.compile(r"/p/demo/compare\?runs="))
    diff = page.get_by_test_id("config-diff")
    expect(diff).to_be_visible()
    # only differences by default: same lr is hidden, width and optimizer differ
    rows = diff.get_by_test_id("diff-row")
    expect(rows).to_have_count(2)
    for key in ("model.width", "optimizer"):
        row = diff.locator(f'[data-key="{key}"]')
        expect(row).to_have_attribute("data-differs", "true")
        expect(row).to_have_class(re.compile(r"\bdiffers\b"))
    expect(diff.locator('[data-key="lr"]')).to_have_count(0)
    expect(page.get_by_test_id("diff-count")).to_have_text("2 of 3 config keys differ")
    # all keys: the identical one is shown but not highlighted
    page.get_by_test_id("only-differences").uncheck()
    expect(rows).to_have_count(3)
    same = diff.locator('[data-key="lr"]')
    expect(same).to_have_attribute("data-differs", "false")
    expect(same).not_to_have_class(re.compile(r"\bdiffers\b"))
    expect(page).to_have_url(re.compile(r"diff=all"))
    summary = page.get_by_test_id("summary-diff")
    expect(summary.locator('[data-key="val/acc"] td')).to_have_count(3)
    expect(page.get_by_test_id("panel-grid")).to_have_attribute("data-run-count", "2")
    expect(page.get_by_test_id("panel-grid")).to_have_attribute("data-grouped", "false")


def test_compare_link_shows_the_same_view(page: Any, server: str) -> None:
    page.goto(f"{server}/p/demo")
    select_runs(page, ["mlp-0.3-32", "mlp-0.03-32", "mlp-0.1-32"])
    page.get_by_test_id("compare-button").click()
    expect(page.get_by_test_id("compare-run")).to_have_count(3)
    url = page.url
    page.goto(url)
    expect(page.get_by_test_id("compare-run")).to_have_count(3)
    diff = page.get_by_test_id("config-diff")
    expect(diff.locator('[data-key="lr"]')).to_have_attribute("data-differs", "true")
    expect(diff.locator('[data-key="model.width"]')).to_have_count(0)
    expect(page.get_by_test_id("panel-grid")).to_have_attribute("data-run-count", "3")
