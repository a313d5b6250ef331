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
    open_workspace(page, server, "?sort=-name")  # mlp-0.3-* first
    expect(page.get_by_test_id("run-row").first).to_have_attribute(
        "data-run-name", re.compile("^mlp-0.3-")
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
