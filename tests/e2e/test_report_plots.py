"""A run's logged charts in a report: "Add to report…" on the run page's confusion matrix brings
it into a new report, drawn by the run page's own chart with its class names; a ROC curve picked
by hand in the panel form (run, then chart key) draws its curves; an image panel arrives from the
run page at the step shown. Frozen, the confusion matrix still draws once the run is deleted,
while the live ROC panel says the run is gone. Class names like HTML stay text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.e2e.conftest import add_to_new_report
from tests.e2e.test_xss import Guard, hover_chart
from tests.fakes.server import serve

import cairn
from cairn.store.store import Store

expect = pytest.importorskip("playwright.sync_api").expect

PROJECT = "plots"
EVIL = "<img src=x onerror=window.__xss=1>"
CLASSES = ["cat", "dog", EVIL]
TRUTH = np.array([0, 0, 1, 1, 1, 2, 2, 2, 2, 0])
PREDS = np.array([0, 1, 1, 1, 2, 2, 2, 0, 2, 0])
PROBAS = np.array(
    [[0.8, 0.1, 0.1], [0.4, 0.5, 0.1], [0.2, 0.7, 0.1], [0.1, 0.8, 0.1], [0.2, 0.3, 0.5],
     [0.1, 0.2, 0.7], [0.1, 0.1, 0.8], [0.5, 0.2, 0.3], [0.2, 0.2, 0.6], [0.9, 0.05, 0.05]]
)  # fmt: skip


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str], Path]]:
    """A server on a store with two runs (the first one a test deletes) that each logged a
    confusion matrix, a ROC curve and an image at steps 0 and 3; (url, run ids, store folder)."""
    store_dir = tmp_path_factory.mktemp("e2e_report_plots") / ".cairn"
    ids = []
    for name in ("doomed", "classifier"):
        run = cairn.init(project=PROJECT, dir=store_dir, name=name)
        for step in (0, 3):
            run.log(
                {
                    "val/confusion": cairn.plot.confusion_matrix(TRUTH, PREDS, class_names=CLASSES),
                    "val/roc": cairn.plot.roc_curve(TRUTH, PROBAS, labels=CLASSES),
                    "sample": cairn.Image(np.full((6, 6), 40 * step, dtype=np.uint8)),
                },
                step=step,
            )
        run.finish(quiet=True)
        ids.append(run.id)
    with serve(store_dir) as server:
        yield server.url, ids, store_dir


def test_a_runs_charts_go_into_a_report_and_a_frozen_one_outlives_the_run(
    page: Any, logged: tuple[str, list[str], Path]
) -> None:
    url, (run_id, _), store_dir = logged
    guard = Guard(page)
    page.goto(f"{url}/p/{PROJECT}/r/{run_id}")
    page.get_by_test_id("tab-media").click()
    confusion = page.locator('[data-testid="plot-panel"][data-key="val/confusion"]')
    expect(confusion.get_by_test_id("plot-chart")).to_have_attribute("data-rendered", "true")
    confusion.get_by_test_id("media-add-to-report").click()
    expect(page.get_by_test_id("add-to-report")).to_contain_text(f"of run {run_id} at step 3")
    view = add_to_new_report(page, "Classifier")

    panel = view.get_by_test_id("panel-view")
    expect(panel).to_have_attribute("data-kind", "plot")
    expect(panel.locator(".rp-panel-title")).to_have_text(f"val/confusion of {run_id}")
    drawn = panel.get_by_test_id("panel-plot")
    expect(drawn).to_have_attribute("data-type", "confusion_matrix")
    expect(drawn).to_have_attribute("data-step", "3")
    expect(drawn.get_by_test_id("plot-chart")).to_have_attribute("data-rendered", "true")
    expect(drawn.locator("canvas").first).to_be_visible()
    expect(drawn.get_by_test_id("panel-plot-note")).to_have_text(
        f"confusion matrix at step 3 · classes: cat, dog, {EVIL}"
    )
    assert hover_chart(page, drawn.get_by_test_id("plot-chart")) > 0  # its cells' tooltips
    guard.check("the report with a confusion matrix")

    # a ROC curve added by hand: the run, then its chart, picked from lists
    page.get_by_test_id("edit-report").click()
    page.get_by_test_id("add-panel").click()
    form = page.get_by_test_id("panel-form")
    form.get_by_test_id("panel-kind").select_option("plot")
    form.get_by_test_id("panel-run").select_option(run_id)
    keys = form.get_by_test_id("panel-media-key")
    expect(keys.locator("option")).to_have_text(["Pick a chart", "val/confusion", "val/roc"])
    keys.select_option("val/roc")
    form.get_by_test_id("panel-submit").click()
    roc = page.get_by_test_id("panel-view").nth(1)
    expect(roc.get_by_test_id("panel-plot")).to_have_attribute("data-type", "roc_curve")
    expect(roc.get_by_test_id("plot-chart")).to_have_attribute("data-rendered", "true")
    expect(roc.get_by_test_id("panel-plot-note")).to_contain_text("series: cat, dog")

    # freeze the confusion matrix, then delete the run: the frozen panel still draws
    page.get_by_test_id("block-edit-panel").first.click()
    page.get_by_test_id("panel-frozen").check()
    page.get_by_test_id("panel-submit").click()
    expect(page.get_by_test_id("save-status")).to_have_text("Saved", timeout=15_000)
    page.get_by_test_id("done-editing").click()
    store = Store.local(store_dir)
    store.delete_run(run_id)
    store.close()
    page.reload()
    kept, live = page.get_by_test_id("panel-view").nth(0), page.get_by_test_id("panel-view").nth(1)
    expect(kept.get_by_test_id("panel-runset")).to_contain_text("frozen")
    expect(kept.get_by_test_id("plot-chart")).to_have_attribute("data-rendered", "true")
    expect(kept.get_by_test_id("panel-plot-note")).to_contain_text(f"classes: cat, dog, {EVIL}")
    expect(live.get_by_test_id("panel-no-plot")).to_have_text(
        f"run {run_id} is not in project {PROJECT}"
    )
    guard.check("the report after the run was deleted")


def test_an_image_goes_into_a_report_at_the_step_shown(
    page: Any, logged: tuple[str, list[str], Path]
) -> None:
    url, (_, run_id), _ = logged
    page.goto(f"{url}/p/{PROJECT}/r/{run_id}")
    page.get_by_test_id("tab-media").click()
    image = page.locator('[data-testid="image-panel"][data-key="sample"]')
    expect(image.get_by_test_id("image-step")).to_have_text("3")
    image.locator('input[type="range"]').fill("0")  # the first step
    expect(image.get_by_test_id("image-step")).to_have_text("0")
    image.get_by_test_id("media-add-to-report").click()
    view = add_to_new_report(page, "Samples")
    expect(view.get_by_test_id("panel-image")).to_have_attribute("data-step", "0")
