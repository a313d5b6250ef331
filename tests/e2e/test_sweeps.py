"""The Sweeps list and the sweep page, on a store of their own with one grid sweep half done."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.fakes.server import serve
from tests.fakes.sweeps import make_sweep

from cairn.journal.records import RunStart
from cairn.store.store import Store
from cairn.store.sweeps import claim_trial
from cairn.sweeps.controller import next_trial

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The base URL of a server over a store with a sweep of 6 finished trials, and its id."""
    store_dir = tmp_path_factory.mktemp("e2e_sweeps") / ".cairn"
    sweep_id = make_sweep(store_dir, "sweepy", trials=6)
    with serve(store_dir) as running:
        yield running.url, sweep_id


def test_the_sweeps_list_links_to_the_sweep(page: Any, swept: tuple[str, str]) -> None:
    url, sweep_id = swept
    page.goto(f"{url}/p/sweepy")
    page.get_by_test_id("nav-sweeps").click()
    row = page.get_by_test_id("sweep-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("lr-search")
    expect(row).to_contain_text("6 / 12")
    expect(row.get_by_test_id("sweep-state")).to_have_attribute("data-state", "running")
    row.click()
    expect(page).to_have_url(f"{url}/p/sweepy/sweeps/{sweep_id}")
    expect(page.get_by_test_id("sweep-page")).to_be_visible()


def test_the_sweep_page_shows_state_trials_chart_and_pauses(
    page: Any, swept: tuple[str, str]
) -> None:
    url, sweep_id = swept
    page.goto(f"{url}/p/sweepy/sweeps/{sweep_id}")
    sweep = page.get_by_test_id("sweep-page")
    header_state = sweep.locator(".sw-header").get_by_test_id("sweep-state")
    expect(header_state).to_have_attribute("data-state", "running")
    expect(page.get_by_test_id("sweep-progress")).to_contain_text("6 / 12")
    expect(page.get_by_test_id("sweep-best")).to_contain_text("lr=0.03, model.width=64")
    expect(page.get_by_test_id("trial-row")).to_have_count(6)
    expect(page.get_by_test_id("sweep-trials")).to_contain_text("model.width")
    expect(page.get_by_test_id("sweep-metric-chart")).to_have_attribute("data-points", "6")
    analysis = page.get_by_test_id("sweep-analysis")
    expect(analysis.get_by_test_id("analysis")).to_have_attribute("data-metric", "val/loss")
    expect(analysis.get_by_test_id("parallel-coordinates")).to_be_visible()

    expect(page.get_by_test_id("sweep-resume")).to_be_disabled()
    with page.expect_response(lambda r: r.url.endswith("/state") and r.status == 200):
        page.get_by_test_id("sweep-pause").click()
    expect(header_state).to_have_attribute("data-state", "paused")
    expect(page.get_by_test_id("sweep-pause")).to_be_disabled()
    with page.expect_response(lambda r: r.url.endswith("/state") and r.status == 200):
        page.get_by_test_id("sweep-resume").click()
    expect(header_state).to_have_attribute("data-state", "running")

    newest = page.get_by_test_id("trial-row").first
    run_id = newest.get_attribute("data-run")
    newest.get_by_role("link").click()
    expect(page).to_have_url(f"{url}/p/sweepy/r/{run_id}")


def test_an_unknown_sweep_says_so(page: Any, swept: tuple[str, str]) -> None:
    url, _ = swept
    page.goto(f"{url}/p/sweepy/sweeps/nope")
    expect(page.locator(".page-message")).to_contain_text("no sweep with id 'nope'")


def test_a_trial_whose_agent_died_shows_crashed(page: Any, tmp_path: Path) -> None:
    store_dir = tmp_path / ".cairn"
    sweep_id = make_sweep(store_dir, "dead", trials=1)
    store = Store.local(store_dir)
    claim_trial(store, sweep_id, "r-dead", "dead-agent", next_trial)
    start = RunStart(seq=1, run_id="r-dead", project="dead", name="r-dead", created_at=0.0)
    store.apply("r-dead", [start])  # its agent was killed (-9): no heartbeat since 1970
    store.close()
    with serve(store_dir) as running:
        page.goto(f"{running.url}/p/dead/sweeps/{sweep_id}")
        dead = page.locator('[data-testid="trial-row"][data-run="r-dead"]')
        expect(dead.get_by_test_id("sweep-state")).to_have_attribute("data-state", "crashed")
        expect(dead).to_contain_text("crashed")
        expect(page.get_by_test_id("sweep-progress")).to_contain_text("1 crashed")


def test_cancel_asks_with_unambiguous_buttons_and_keeping_it_running_changes_nothing(
    page: Any, swept: tuple[str, str]
) -> None:
    url, sweep_id = swept
    page.goto(f"{url}/p/sweepy/sweeps/{sweep_id}")
    page.get_by_test_id("sweep-cancel").click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog.get_by_role("button")).to_have_text(["Keep running", "Cancel sweep"])
    dialog.get_by_role("button", name="Keep running").click()
    expect(dialog).to_have_count(0)
    header_state = page.locator(".sw-header").get_by_test_id("sweep-state")
    expect(header_state).to_have_attribute("data-state", "running")


def test_the_trials_table_has_one_state_column(page: Any, swept: tuple[str, str]) -> None:
    url, sweep_id = swept
    page.goto(f"{url}/p/sweepy/sweeps/{sweep_id}")
    headers = page.get_by_test_id("sweep-trials").locator("thead th")
    expect(headers.first).to_have_text("#")
    texts = [h.inner_text() for h in headers.all()]
    assert texts.count("State") == 1 and "Trial" not in texts and "Run state" not in texts, texts
    row = page.get_by_test_id("trial-row").first
    expect(row.get_by_test_id("sweep-state")).to_have_attribute("data-state", "finished")
    expect(row).not_to_contain_text("finished finished")


def test_cancel_is_disabled_on_a_finished_sweep(page: Any, tmp_path: Path) -> None:
    store_dir = tmp_path / ".cairn"
    sweep_id = make_sweep(store_dir, "done", trials=13)  # 12 trials, then the grid is done
    with serve(store_dir) as running:
        page.goto(f"{running.url}/p/done/sweeps/{sweep_id}")
        header_state = page.locator(".sw-header").get_by_test_id("sweep-state")
        expect(header_state).to_have_attribute("data-state", "finished")
        cancel = page.get_by_test_id("sweep-cancel")
        expect(cancel).to_be_disabled()
        expect(cancel).to_have_attribute("title", re.compile("no trial is running"))
