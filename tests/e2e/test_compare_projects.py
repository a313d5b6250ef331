"""The compare view across projects: a run of another project added through the picker (or named
``project/id`` in the URL) shows in the diff tables and on the charts, labelled with its project;
names of projects and runs stay text; bad run paths say what is wrong."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from tests.e2e.test_xss import Guard, hover_line_charts
from tests.fakes.server import serve

import cairn

expect = pytest.importorskip("playwright.sync_api").expect

XSS_PROJECT = "<img src=x onerror=window.__xss=1>"
XSS_RUN = "<svg onload=window.__xss=2>"


@dataclass(frozen=True)
class Projects:
    url: str
    vision: str  # the run of project "vision" (run 1 there)
    nlp: str  # the run of project "nlp" (run 1 there too: colours must still differ)
    payload: str  # the run named XSS_RUN of project XSS_PROJECT


def log_run(store_dir: Path, project: str, name: str, lr: float, loss: float) -> str:
    run = cairn.init(project=project, dir=store_dir, name=name, config={"lr": lr, "note": project})
    for step in range(10):
        run.log({"loss": loss / (step + 1)})
    run.finish(quiet=True)
    return run.id


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Projects]:
    store_dir = tmp_path_factory.mktemp("e2e_compare_projects") / ".cairn"
    vision = log_run(store_dir, "vision", "resnet", 0.1, 2.0)
    nlp = log_run(store_dir, "nlp", "bert", 0.01, 4.0)
    payload = log_run(store_dir, XSS_PROJECT, XSS_RUN, 0.5, 3.0)
    with serve(store_dir) as running:
        yield Projects(running.url, vision, nlp, payload)


def loss_panel(page: Any) -> Any:
    return page.locator('[data-testid=chart-panel][data-keys="loss"]')


def test_add_a_run_of_another_project_through_the_picker(page: Any, projects: Projects) -> None:
    page.goto(f"{projects.url}/p/vision/compare?runs={projects.vision}")
    expect(page.get_by_test_id("compare-title")).to_have_text("Compare 1 run")
    expect(loss_panel(page)).to_have_attribute("data-line-count", "1")
    page.get_by_test_id("add-run").click()
    picker = page.get_by_test_id("run-picker")
    # this project first; its only run is compared already
    expect(picker.get_by_test_id("run-picker-project")).to_have_value("vision")
    expect(picker.get_by_test_id("run-picker-option")).to_have_count(0)
    picker.get_by_test_id("run-picker-project").select_option("nlp")
    option = picker.get_by_test_id("run-picker-option")
    expect(option).to_have_count(1)
    expect(option).to_have_attribute("data-run-name", "bert")
    option.click()
    expect(page).to_have_url(re.compile(rf"runs={projects.vision}(,|%2C)nlp(/|%2F){projects.nlp}$"))
    expect(page.get_by_test_id("compare-title")).to_have_text("Compare 2 runs")
    config = page.get_by_test_id("config-diff")
    expect(config.locator("thead .diff-run-name")).to_have_text(["resnet", "bert"])
    expect(config.get_by_test_id("run-project")).to_have_text(["vision", "nlp"])
    expect(config.locator('[data-key="lr"] td')).to_have_text(["lr", "0.1", "0.01"])
    expect(config.locator('[data-key="note"] td')).to_have_text(["note", "vision", "nlp"])
    heads = config.locator("thead th[data-run-ref]")
    colors = [h.evaluate("e => getComputedStyle(e).borderTopColor") for h in heads.all()]
    assert len(set(colors)) == 2, colors  # both are run 1 of their project
    # both lines on the chart, each run's values
    panel = loss_panel(page)
    expect(panel).to_have_attribute("data-line-count", "2")
    expect(panel).to_have_attribute("data-state", "ready")
    page.set_viewport_size({"width": 1280, "height": 800})
    box = panel.locator(".u-over").bounding_box()
    page.mouse.move(box["x"] + 2, box["y"] + box["height"] / 2)
    tooltip = page.locator("[data-testid=chart-tooltip]:visible")
    expect(tooltip).to_contain_text("resnet (vision)")
    expect(tooltip).to_contain_text("bert (nlp)")
    expect(tooltip).to_contain_text("4")  # bert's first loss
    # the chip links to the run's page in its own project
    chip = page.locator(f'[data-testid=compare-run][data-run-id="nlp/{projects.nlp}"]')
    expect(chip.locator("a")).to_have_attribute("href", f"/p/nlp/r/{projects.nlp}")
    chip.get_by_test_id("remove-run").click()
    expect(page.get_by_test_id("compare-title")).to_have_text("Compare 1 run")
    expect(loss_panel(page)).to_have_attribute("data-line-count", "1")


def test_project_and_run_names_like_html_render_as_text(page: Any, projects: Projects) -> None:
    guard = Guard(page)
    ref = f"{XSS_PROJECT}/{projects.payload}"
    page.goto(f"{projects.url}/p/vision/compare?runs={projects.vision},{quote(ref, safe='')}")
    expect(page.get_by_test_id("compare-title")).to_have_text("Compare 2 runs")
    config = page.get_by_test_id("config-diff")
    expect(config.get_by_test_id("run-project")).to_have_text(["vision", XSS_PROJECT])
    expect(config.locator("thead .diff-run-name")).to_have_text(["resnet", XSS_RUN])
    expect(page.get_by_test_id("compare-run").nth(1)).to_contain_text(XSS_RUN)
    expect(loss_panel(page)).to_have_attribute("data-line-count", "2")
    assert hover_line_charts(page, 1) == 1
    assert f"{XSS_RUN} ({XSS_PROJECT})" in guard.shown_in("chart-tooltip")
    page.get_by_test_id("add-run").click()
    page.get_by_test_id("run-picker-project").select_option(XSS_PROJECT)
    expect(page.get_by_test_id("run-picker-option")).to_have_count(0)  # compared already
    page.keyboard.press("Escape")
    expect(page.locator("[data-testid=compare-page] img")).to_have_count(0)
    expect(page.locator("[data-testid=compare-page] svg[onload]")).to_have_count(0)
    guard.check("the compare page across projects")


def test_bad_run_paths_say_what_is_wrong(page: Any, projects: Projects) -> None:
    runs = f"{projects.vision},..%2Fx,nowhere%2Fabc,nlp%2Fnope"
    page.goto(f"{projects.url}/p/vision/compare?runs={runs}")
    expect(page.get_by_test_id("bad-runs")).to_have_text("runs=../x: '..' is not a project")
    failed = page.get_by_test_id("failed-runs")
    expect(failed).to_contain_text("2 runs could not be loaded")
    expect(failed).to_contain_text("nowhere/abc: ")
    expect(failed).to_contain_text("nlp/nope: ")
    # the run that exists is still compared and charted
    expect(page.get_by_test_id("config-diff").locator("thead .diff-run-name")).to_have_text(
        ["resnet"]
    )
    expect(loss_panel(page)).to_have_attribute("data-line-count", "1")
