"""The run page's Reproducibility and Logs tabs, on a run logged with every capture on (the
session demo store is logged with capture off, so this module serves a store of its own)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.fakes.repos import KEPT_OUT, log_captured_run
from tests.fakes.server import serve

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The base URL of a server over a store holding one captured run, and that run's id."""
    store_dir, run_id = log_captured_run(tmp_path_factory.mktemp("e2e_repro"))
    with serve(store_dir) as running:
        yield running.url, run_id


def test_reproducibility_tab(page: Any, captured: tuple[str, str]) -> None:
    url, run_id = captured
    page.goto(f"{url}/p/repro/r/{run_id}")
    page.get_by_test_id("tab-reproducibility").click()
    tab = page.get_by_test_id("repro-tab")
    expect(tab.get_by_test_id("repro-score")).to_have_text("R 100%")
    expect(tab.get_by_test_id("check-commit")).to_contain_text("✓")
    expect(tab.get_by_test_id("check-seed")).to_contain_text("seed 3")
    expect(tab.get_by_test_id("check-data")).to_contain_text("no artifact inputs")
    expect(tab.get_by_test_id("reproduce-command")).to_have_text(f"cairn reproduce repro/{run_id}")
    expect(tab.get_by_test_id("run-command")).to_contain_text("train.py --lr 0.2")
    diff = tab.get_by_test_id("diff-viewer")
    expect(diff.locator(".diff-add")).to_contain_text("+X = 2  # changed")
    expect(diff.locator(".diff-del")).to_contain_text("-X = 1")
    kept_out = tab.get_by_test_id("repro-secrets")
    expect(kept_out).to_contain_text("Kept out as secrets (2)")
    expect(kept_out.locator("td.mono")).to_have_text(["deploy.pem", "hub.yaml"])
    expect(kept_out.locator("td.muted")).to_have_text(
        ["left out: name matches *.pem", "left out: contents: github-token"]
    )
    assert KEPT_OUT["hub.yaml"].split("token: ")[1].strip() not in page.content()
    tab.get_by_test_id("package-search").fill("numpy")
    expect(tab.get_by_test_id("repro-packages")).to_contain_text("numpy")
    reproductions = tab.get_by_test_id("repro-reproductions")
    expect(reproductions).to_contain_text("reproduced")
    expect(reproductions).to_contain_text("w0")
    curves = tab.get_by_test_id("repro-curves")
    curves.scroll_into_view_if_needed()  # panels draw once they come near the screen
    expect(curves.get_by_test_id("panel-grid")).to_have_attribute("data-run-count", "2")
    expect(curves.get_by_test_id("chart-panel").first).to_have_attribute("data-state", "ready")
    expect(curves.get_by_test_id("chart-panel").first).to_have_attribute("data-line-count", "2")


def test_logs_tab(page: Any, captured: tuple[str, str]) -> None:
    url, run_id = captured
    page.goto(f"{url}/p/repro/r/{run_id}?tab=logs")
    tab = page.get_by_test_id("logs-tab")
    expect(tab.get_by_test_id("log-line").filter(has_text="trained 40 steps")).to_have_count(1)
    green = tab.get_by_test_id("log-line").filter(has_text="green epoch line")
    expect(green.locator("span[style]")).to_have_text("green epoch line")  # ANSI rendered
    expect(green).not_to_contain_text("[32m")
    expect(tab.locator(".log-stderr").filter(has_text="a warning on stderr")).to_have_count(1)
    tab.get_by_test_id("log-search").fill("TRAINED")
    expect(tab.get_by_test_id("log-line")).to_have_count(1)
    expect(tab.get_by_test_id("log-line")).to_contain_text("trained 40 steps")
    with page.expect_download() as download:
        tab.get_by_test_id("log-download").click()
    assert download.value.suggested_filename == f"repro-{run_id}-console.txt"


def test_runs_table_shows_the_score_badge(page: Any, captured: tuple[str, str]) -> None:
    url, _ = captured
    page.goto(f"{url}/p/repro")  # a default column
    expect(page.get_by_test_id("repro-badge")).to_have_text(["R 100%", "R 100%"])
    page.goto(f"{url}/p/repro?cols=state,repro_score")
    expect(page.get_by_test_id("repro-badge")).to_have_text(["R 100%", "R 100%"])
