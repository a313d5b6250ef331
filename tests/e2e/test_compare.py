"""The compare view: runs added and removed in place, config and summary differences, the best
summary value per row, escaped run names, charts of those runs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from tests.fakes.server import serve

import cairn

expect = pytest.importorskip("playwright.sync_api").expect

XSS_NAME = "<img src=x onerror=window.__xss=1>"


@dataclass(frozen=True)
class Scores:
    """Project "cmp": three runs whose best score (define_metric min) and val/acc (key name) differ."""

    url: str
    ids: dict[str, str]  # run name -> id


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scores]:
    store_dir = tmp_path_factory.mktemp("e2e_compare") / ".cairn"
    ids = {}
    # score: lower is better by define_metric although the name says higher; val/acc: by its name
    runs = {"low-score": (0.2, 0.5), XSS_NAME: (0.9, 0.95), "middle": (0.5, 0.7)}
    for name, (score, acc) in runs.items():
        run = cairn.init(
            project="cmp",
            dir=store_dir,
            name=name,
            config={"lr": 0.1, "note": "<b>same</b>", "seed": len(ids)},
        )
        run.define_metric("score", summary="min")
        run.log({"score": score + 0.5, "val/acc": acc / 2, "epoch": 1})
        run.log({"score": score, "val/acc": acc, "epoch": 2})
        run.finish(quiet=True)
        ids[name] = run.id
    with serve(store_dir) as running:
        yield Scores(running.url, ids)


def compare_url(base: str, project: str, ids: list[str], extra: str = "") -> str:
    return f"{base}/p/{project}/compare?runs={','.join(ids)}{extra}"


def column_names(page: Any, table: str) -> list[str]:
    return page.get_by_test_id(table).locator("thead .diff-run-name").all_inner_texts()  # type: ignore[no-any-return]


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
    expect(page.get_by_test_id("config-diff-count")).to_have_text(
        "2 of 3 config keys differ · 1 equal hidden"
    )
    expect(page.get_by_test_id("diff-count")).to_contain_text("where every run agrees")
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


def test_one_run_says_run_and_cannot_hide_rows(page: Any, scores: Scores) -> None:
    page.goto(compare_url(scores.url, "cmp", [scores.ids["middle"]]))
    expect(page.get_by_test_id("compare-title")).to_have_text("Compare 1 run")
    expect(page.get_by_test_id("only-differences")).to_be_disabled()
    # every key is shown, none marked as differing, none marked best
    expect(page.get_by_test_id("config-diff").get_by_test_id("diff-row")).to_have_count(3)
    expect(page.get_by_test_id("best-mark")).to_have_count(0)
    expect(page.get_by_test_id("config-diff-count")).to_have_text("3 config keys")


def test_add_a_run_with_the_keyboard_and_go_back(page: Any, scores: Scores) -> None:
    first, second = scores.ids["low-score"], scores.ids["middle"]
    page.goto(compare_url(scores.url, "cmp", [first, second]))
    expect(page.get_by_test_id("compare-title")).to_have_text("Compare 2 runs")
    page.get_by_test_id("add-run").click()
    picker = page.get_by_test_id("run-picker")
    # the compared runs are not offered
    expect(picker.get_by_test_id("run-picker-option")).to_have_count(1)
    search = page.get_by_test_id("run-picker-search")
    expect(search).to_be_focused()
    search.fill("img")
    expect(picker.get_by_test_id("run-picker-option")).to_have_count(1)
    search.press("ArrowDown")
    search.press("Enter")
    expect(picker).to_have_count(0)
    expect(page).to_have_url(
        re.compile(rf"runs={first}(,|%2C){second}(,|%2C){scores.ids[XSS_NAME]}")
    )
    expect(page.get_by_test_id("compare-title")).to_have_text("Compare 3 runs")
    expect(page.get_by_test_id("config-diff").locator("thead th")).to_have_count(4)
    assert column_names(page, "config-diff") == ["low-score", "middle", XSS_NAME]
    page.go_back()
    expect(page.get_by_test_id("compare-title")).to_have_text("Compare 2 runs")
    expect(page.get_by_test_id("config-diff").locator("thead th")).to_have_count(3)


def test_remove_a_run_from_its_column(page: Any, scores: Scores) -> None:
    ids = [scores.ids["low-score"], scores.ids["middle"], scores.ids[XSS_NAME]]
    page.goto(compare_url(scores.url, "cmp", ids))
    expect(page.get_by_test_id("compare-run")).to_have_count(3)
    page.get_by_test_id("summary-diff").get_by_label("Remove middle from the comparison").click()
    expect(page).to_have_url(compare_url(scores.url, "cmp", [ids[0], ids[2]]).replace(",", "%2C"))
    expect(page.get_by_test_id("compare-title")).to_have_text("Compare 2 runs")
    expect(page.get_by_test_id("summary-diff").locator("thead th")).to_have_count(3)
    # and from its chip in the header, down to nothing
    page.get_by_test_id("remove-run").first.click()
    expect(page.get_by_test_id("compare-title")).to_have_text("Compare 1 run")
    page.get_by_test_id("remove-run").click()
    expect(page.get_by_text("Nothing to compare")).to_be_visible()


def test_differences_only_hides_equal_rows_and_counts_them(page: Any, scores: Scores) -> None:
    ids = [scores.ids["low-score"], scores.ids["middle"]]
    page.goto(compare_url(scores.url, "cmp", ids))
    config = page.get_by_test_id("config-diff")
    summary = page.get_by_test_id("summary-diff")
    # lr and note agree, seed differs; in the summary only epoch agrees
    expect(config.get_by_test_id("diff-row")).to_have_count(1)
    expect(config.locator('[data-key="seed"]')).to_have_count(1)
    expect(page.get_by_test_id("config-diff-count")).to_have_text(
        "1 of 3 config keys differ · 2 equal hidden"
    )
    expect(summary.locator('[data-key="epoch"]')).to_have_count(0)
    expect(page.get_by_test_id("summary-diff-count")).to_contain_text("· 1 equal hidden")
    expect(page.get_by_test_id("diff-count")).to_have_text(
        "3 rows where every run agrees are hidden"
    )
    page.get_by_test_id("only-differences").uncheck()
    expect(page).to_have_url(re.compile(r"diff=all"))
    expect(config.get_by_test_id("diff-row")).to_have_count(3)
    expect(summary.locator('[data-key="epoch"]')).to_have_attribute("data-differs", "false")
    # remembered in the URL
    page.reload()
    expect(page.get_by_test_id("only-differences")).not_to_be_checked()
    expect(config.get_by_test_id("diff-row")).to_have_count(3)


def test_best_value_follows_define_metric_and_key_name(page: Any, scores: Scores) -> None:
    names = ["low-score", XSS_NAME, "middle"]
    page.goto(compare_url(scores.url, "cmp", [scores.ids[n] for n in names]))
    summary = page.get_by_test_id("summary-diff")
    # score: define_metric(summary="min"), so the lowest (low-score, column 1) wins
    score_cells = summary.locator('[data-key="score"] td')
    expect(score_cells.nth(1)).to_have_attribute("data-best", "true")
    expect(score_cells.nth(1)).to_have_css("font-weight", "700")
    mark = score_cells.nth(1).get_by_test_id("best-mark")
    expect(mark).to_have_attribute(
        "title", re.compile(r'lowest \(define_metric\("score", summary="min"\)')
    )
    expect(mark).to_have_accessible_name(re.compile("Best: lowest"))
    expect(summary.locator('[data-key="score"] [data-testid=best-mark]')).to_have_count(1)
    # val/acc: by its name, the highest (the second run) wins
    acc_cells = summary.locator('[data-key="val/acc"] td')
    expect(acc_cells.nth(2).get_by_test_id("best-mark")).to_have_attribute(
        "title", re.compile("highest \\(the key name has “acc”: higher is better\\)")
    )
    expect(summary.locator('[data-key="val/acc"] [data-testid=best-mark]')).to_have_count(1)
    # epoch has no direction: no mark
    page.get_by_test_id("only-differences").uncheck()
    expect(summary.locator('[data-key="epoch"] [data-testid=best-mark]')).to_have_count(0)


def test_a_run_named_like_html_renders_as_text(page: Any, scores: Scores) -> None:
    ids = [scores.ids[XSS_NAME], scores.ids["middle"]]
    page.goto(compare_url(scores.url, "cmp", ids, "&diff=all"))
    chip = page.get_by_test_id("compare-run").first
    expect(chip).to_contain_text(XSS_NAME)
    expect(page.get_by_test_id("config-diff").locator('[data-key="note"] td').nth(1)).to_have_text(
        "<b>same</b>"
    )
    page.get_by_test_id("add-run").click()
    expect(page.get_by_test_id("run-picker-option")).to_have_count(1)
    expect(page.locator("[data-testid=compare-page] img")).to_have_count(0)
    expect(page.locator("[data-testid=compare-page] b")).to_have_count(0)
    assert page.evaluate("window.__xss") is None
