""" "New report from template" on the Reports list, clicked as a user: pick runs (searching for
one), create the reproducibility report, read its sections filled from those runs, with a hostile
run name shown as text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.fakes.server import serve

import cairn

expect = pytest.importorskip("playwright.sync_api").expect

IMG = '<img src=x onerror="window.__xss=(window.__xss||0)+1">'


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("e2e_template") / ".cairn"
    for seed, name in ((1, "original"), (2, f"evil {IMG}"), (3, "unpicked")):
        run = cairn.init(project="tpl", dir=path, name=name, config={"seed": seed})
        for step in range(10):
            run.log({"loss": 1 / (1 + seed * step)})
        run.summary["acc"] = seed / 10
        run.finish(quiet=True)
    return path


@pytest.fixture(scope="module")
def url(store_dir: Path) -> Iterator[str]:
    with serve(store_dir) as server:
        yield server.url


def test_new_report_from_the_reproducibility_template(page: Any, url: str, store_dir: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{url}/p/tpl/reports")
    expect(page.get_by_test_id("reports-empty")).to_be_visible()
    page.get_by_test_id("new-report-template").click()
    dialog = page.get_by_test_id("template-dialog")
    expect(dialog.get_by_test_id("template-run")).to_have_count(3)
    expect(dialog.get_by_test_id("template-create")).to_be_disabled()  # no run picked yet
    dialog.get_by_test_id("template-run").filter(has_text="original").locator("input").check()
    dialog.get_by_test_id("template-search").fill("evil")
    expect(dialog.get_by_test_id("template-run")).to_have_count(1)
    dialog.get_by_test_id("template-run").locator("input").check()
    expect(dialog.get_by_test_id("template-picked")).to_have_text("2 runs picked")
    dialog.get_by_test_id("template-title").fill("Does it hold?")
    dialog.get_by_test_id("template-create").click()

    view = page.get_by_test_id("report-view")
    expect(view.get_by_test_id("report-title")).to_have_text("Does it hold?")
    headings = view.get_by_test_id("markdown-view").locator("h2")
    expect(headings).to_have_text(
        [
            "Scope of reproducibility",
            "Methodology",
            "Results",
            "Computational cost",
            "Discussion",
        ]
    )
    methodology = view.get_by_test_id("markdown-view").nth(1)
    expect(methodology.locator("h3")).to_have_count(2)
    expect(methodology.locator("h3").nth(1)).to_contain_text(f"evil {IMG}")  # as text
    expect(view.get_by_test_id("markdown-view").filter(has_text="unpicked")).to_have_count(0)
    expect(view.get_by_test_id("panel-chart")).to_have_attribute("data-lines", "2")
    assert page.locator("main img[src='x']").count() == 0
    assert page.evaluate("window.__xss") is None and dialogs == []

    report_id = page.url.split("/reports/")[1].split("?")[0]
    stored = httpx.get(f"{url}/api/v1/projects/tpl/reports/{report_id}").json()
    assert stored["version"] == 1
    picked = {r.id for r in cairn.Api(store_dir).runs("tpl") if r.name != "unpicked"}
    line = next(b for b in stored["blocks"] if b["kind"] == "line")
    assert all(f'"{run_id}"' in line["runs"] for run_id in picked)
