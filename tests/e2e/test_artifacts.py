"""The Artifacts page and the run's Artifacts tab in a browser: navigation, the file browser's
CSV preview, alias editing, and the lineage graph (clicking a node navigates)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.fakes.artifacts import Lineage, log_lineage
from tests.fakes.server import serve

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Lineage]]:
    lineage = log_lineage(tmp_path_factory.mktemp("e2e_artifacts") / ".cairn")
    with serve(lineage.store_dir) as running:
        yield running.url, lineage


def test_file_browser_previews_a_csv(page: Any, served: tuple[str, Lineage]) -> None:
    url, _ = served
    page.goto(f"{url}/p/lineage")
    page.get_by_test_id("nav-artifacts").click()
    expect(page.get_by_test_id("artifact-list")).to_contain_text("dataset")
    page.get_by_test_id("artifact-item").filter(has_text="digits").click()
    expect(page.get_by_test_id("version-row")).to_have_count(1)
    expect(page.get_by_test_id("version-row").first).to_be_visible()
    panel = page.get_by_test_id("version-panel")
    expect(panel.get_by_test_id("used-by")).to_contain_text("evaluate")
    with page.expect_response(lambda r: "/preview/train.csv" in r.url):
        panel.locator("[data-testid=file-row][data-path='train.csv']").click()
    preview = panel.get_by_test_id("file-preview")
    expect(preview.locator("th")).to_have_text(["pixel0", "pixel1", "label"])
    expect(preview.locator("tbody tr")).to_have_count(3)
    expect(preview).to_contain_text("3 rows shown of 3")
    assert "f=train.csv" in page.url  # the selection is in the URL
    panel.locator("[data-testid=file-row][data-path='val.parquet']").click()
    expect(preview.locator("th")).to_have_text(["label", "weight"])
    href = panel.get_by_test_id("file-download").first.get_attribute("href")
    assert href is not None and href.endswith("?download=true")


def test_alias_editing(page: Any, served: tuple[str, Lineage]) -> None:
    url, _ = served
    page.goto(f"{url}/p/lineage/artifacts?a=mlp&v=0")
    panel = page.get_by_test_id("version-panel")
    panel.get_by_test_id("edit-aliases").click()
    panel.get_by_test_id("alias-input").fill("v9")
    expect(panel.get_by_test_id("alias-save")).to_be_disabled()
    panel.get_by_test_id("alias-input").fill("candidate")
    with page.expect_response(lambda r: r.url.endswith("/aliases") and r.status == 200):
        panel.get_by_test_id("alias-save").click()
    expect(panel.get_by_test_id("aliases")).to_contain_text("candidate")
    expect(page.get_by_test_id("version-row").nth(1)).to_contain_text("candidate")


def test_lineage_graph_node_navigates(page: Any, served: tuple[str, Lineage]) -> None:
    url, lineage = served
    page.goto(f"{url}/p/lineage/r/{lineage.evaluate}")
    page.get_by_test_id("tab-artifacts").click()
    expect(page.get_by_test_id("run-artifacts-used")).to_contain_text("mlp:v1")
    graph = page.get_by_test_id("lineage")
    expect(graph.get_by_test_id("lineage-node")).to_have_count(6)
    graph.locator(f"[data-node='run:{lineage.train[1]}']").click()
    page.wait_for_url(f"**/r/{lineage.train[1]}?tab=artifacts")
    expect(page.get_by_test_id("run-artifacts-logged")).to_contain_text("mlp:v1")
    version = page.get_by_test_id("lineage").locator(
        "[data-testid=lineage-node]", has_text="mlp:v1"
    )
    version.click()
    page.wait_for_url("**/artifacts?a=mlp&v=1")
    expect(page.get_by_test_id("version-panel")).to_contain_text("mlp:v1")
    expect(page.get_by_test_id("version-panel").get_by_test_id("aliases")).to_contain_text("best")
