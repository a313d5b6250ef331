"""Reports in the dashboard, clicked as a user: the list, a new report written with a live Markdown
preview and a panel drawn from its runs, autosave, reload, reordering and undo, restoring an older
version, two tabs saving at once (a conflict, nothing lost), and XSS payloads left inert."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from tests.e2e.conftest import IMPORTANCE_MS, add_to_new_report, markdown_texts, write_markdown
from tests.fakes.server import serve

import cairn
from cairn.store.reproductions import save_reproduction

expect = pytest.importorskip("playwright.sync_api").expect

IMG = '<img src=x onerror="window.__xss=(window.__xss||0)+1">'
SCRIPT = "</script><script>window.__xss=1</script>"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("e2e_reports") / ".cairn"
    for lr, name in ((0.1, "fast"), (0.01, "slow"), (0.05, f"evil {IMG}")):
        run = cairn.init(project="rep", dir=path, name=name, config={"lr": lr})
        for step in range(40):
            run.log({"loss": 1 / (1 + lr * step), "acc": lr * step})
        run.summary["best"] = lr * 10
        run.finish(quiet=True)
    hostile = cairn.Report("rep", title=f"Hostile {IMG}", dir=path)
    hostile.add_markdown(f"# Inert\n\n{IMG}\n\n{SCRIPT}\n\n[link](javascript:window.__xss=1)")
    hostile.add_panel("line", keys=["loss"], runs="config.lr == 0.05", smoothing=0.5, log_y=True)
    hostile.add_panel("bar", keys=["config.lr", "summary.best"])
    hostile.add_markdown("As shown before [@evil].")
    hostile.add_bibtex(f"@misc{{evil, title={{Evil {IMG}}}, year=2024}}")
    hostile.save()
    hostile.close()
    for i in range(6):  # a sweep: parallel coordinates and importance panels
        opt = IMG if i == 5 else ["adam", "sgd"][i % 2]
        trial = cairn.init(
            project="swp", dir=path, name=f"trial {i} {IMG}" if i == 5 else f"trial {i}",
            config={"lr": 0.01 * (i + 1), "opt": opt},
        )  # fmt: skip
        trial.summary["val/loss"] = 1 + 0.1 * (i + 1)
        if i == 5:
            box = {"position": {"minX": 1, "maxX": 5, "minY": 1, "maxY": 5}, "domain": "pixel",
                   "class_id": 1}  # fmt: skip
            sample = cairn.Image(
                np.full((8, 8), 200, dtype=np.uint8), caption=f"cap {IMG}",
                boxes={"gt": {"box_data": [box], "class_labels": {1: f"digit {IMG}"}}},
            )  # fmt: skip
            trial.log({"samples": sample}, step=3)
        trial.finish(quiet=True)
    sweep = cairn.Report("swp", title="Sweep analysis", dir=path)
    sweep.add_panel("parallel", keys=["config.lr", "config.opt", "summary.val/loss"])
    sweep.add_panel("importance", keys=["config.lr", "config.opt", "summary.val/loss"])
    sweep.add_panel("table", keys=["config.opt", "summary.val/loss"], runs="config.lr > 0.05")
    metric = {"key": f"val/loss {IMG}", "original": 1.6, "values": [1.7], "mean": 1.7,
              "std": None, "abs_diff": 0.1, "rel_diff": 0.0625, "status": "differs"}  # fmt: skip
    save_reproduction(
        sweep._store, trial.id, verdict="not reproduced", runs=[trial.id], metrics=[metric],
        details={}, report="",
    )  # fmt: skip
    sweep.add_panel("verdict", run=trial.id, title=f"Verdict of {IMG}")
    sweep.add_panel("image", run=trial.id, keys=["samples"], frozen=True)
    sweep.save()
    sweep.close()
    return path


@pytest.fixture(scope="module")
def url(store_dir: Path) -> Iterator[str]:
    with serve(store_dir) as server:
        yield server.url


def saved(page: Any) -> None:
    expect(page.get_by_test_id("save-status")).to_have_text("Saved", timeout=15_000)


def new_report(page: Any, url: str, title: str) -> str:
    page.goto(f"{url}/p/rep")
    page.get_by_test_id("nav-reports").click()
    expect(page.get_by_test_id("reports-table")).to_be_visible()
    page.get_by_test_id("new-report").click()
    expect(page.get_by_test_id("report-editor")).to_be_visible()
    page.get_by_test_id("report-title-input").fill(title)
    saved(page)
    return str(page.url)


def test_write_a_report_with_markdown_and_a_live_panel(page: Any, url: str) -> None:
    editor_url = new_report(page, url, "Learning rate study")
    page.get_by_test_id("add-markdown").click()
    write_markdown(page, "# Results\n\nThe loss **fell**.\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    preview = page.get_by_test_id("markdown-preview")
    expect(preview.locator("h1")).to_have_text("Results")
    expect(preview.locator("strong")).to_have_text("fell")
    expect(preview.locator("table td").first).to_have_text("1")

    page.get_by_test_id("add-panel").click()
    form = page.get_by_test_id("panel-form")
    form.get_by_test_id("panel-keys").fill("loss")
    form.get_by_test_id("panel-filter").fill("config.lr >= 0.05")
    form.get_by_test_id("panel-submit").click()
    panel = page.get_by_test_id("panel-view")
    expect(panel.get_by_test_id("panel-chart")).to_have_attribute("data-lines", "2")
    expect(panel.locator("canvas").first).to_be_visible()
    expect(panel.get_by_test_id("panel-runset")).to_contain_text("2 runs")
    expect(panel.get_by_test_id("panel-runset")).to_contain_text("live")
    saved(page)

    page.reload()  # what was saved is there after a reload
    expect(page.get_by_test_id("report-title-input")).to_have_value("Learning rate study")
    expect(page.get_by_test_id("markdown-input")).to_have_text(re.compile(r"^# Results"))
    page.get_by_test_id("done-editing").click()
    view = page.get_by_test_id("report-view")
    expect(view.get_by_test_id("report-title")).to_have_text("Learning rate study")
    expect(view.get_by_test_id("markdown-view").locator("h1")).to_have_text("Results")
    expect(view.get_by_test_id("panel-chart")).to_have_attribute("data-lines", "2")
    assert "edit=1" in editor_url

    page.get_by_test_id("nav-reports").click()
    row = page.get_by_test_id("report-row").filter(has_text="Learning rate study")
    expect(row).to_be_visible()
    expect(row.locator("td.num")).not_to_have_text("0")


def test_write_references_and_cite_them(page: Any, url: str) -> None:
    """A BibTeX block is written in the editor; the Markdown preview numbers its citations as the
    saved page does, the references list follows, and a hostile title stays text."""
    new_report(page, url, "Cited study")
    page.get_by_test_id("add-markdown").click()
    write_markdown(page, "As [@adam] shows, then [@sgd], not [@missing].")
    preview = page.get_by_test_id("markdown-preview")
    expect(preview).to_have_text("As [?] shows, then [?], not [?].")  # nothing to cite yet
    page.get_by_test_id("add-bibtex").click()
    page.get_by_role("textbox", name="BibTeX block 2").fill(
        f"@article{{sgd, title={{Stochastic {IMG}}}, author={{Robbins, H.}}, year=1951}}\n"
        "@article{adam, title={Adam}, author={Kingma, D.}, year=2015}"
    )
    expect(preview).to_have_text("As [1] shows, then [2], not [?].")
    references = page.get_by_test_id("bibtex-preview").locator("li")
    expect(references).to_have_count(2)
    expect(references.first).to_contain_text("Kingma")  # numbered as cited, not as written
    expect(references.nth(1)).to_contain_text(f"Stochastic {IMG}")  # as text
    page.get_by_role("textbox", name="BibTeX block 2").press("Control+End")
    page.keyboard.type("\n@article{broken, title={")
    expect(page.get_by_test_id("bibtex-preview")).to_contain_text("cannot read")
    for _ in range(len("\n@article{broken, title={")):
        page.keyboard.press("Backspace")
    expect(references).to_have_count(2)
    page.get_by_test_id("add-markdown").click()  # numbered after the blocks above it
    write_markdown(page, "Again [@sgd].")
    expect(page.get_by_test_id("markdown-preview").nth(1)).to_have_text("Again [2].")
    saved(page)

    page.reload()
    expect(page.get_by_role("textbox", name="BibTeX block 2")).to_have_value(
        re.compile("^@article{sgd")
    )
    page.get_by_test_id("done-editing").click()
    view = page.get_by_test_id("report-view")
    expect(view.get_by_test_id("markdown-view").first).to_have_text(
        "As [1] shows, then [2], not [?]."
    )
    expect(view.locator("li").filter(has_text="Stochastic")).to_contain_text(IMG)
    assert page.evaluate("window.__xss") is None


def test_reorder_undo_and_restore_an_older_version(page: Any, url: str) -> None:
    new_report(page, url, "Ordering")
    for text in ("first", "second"):
        page.get_by_test_id("add-markdown").click()
        write_markdown(page, text)
    saved(page)
    page.get_by_test_id("block-down").first.click()
    assert markdown_texts(page) == ["second", "first"]
    saved(page)
    page.locator("body").click(position={"x": 5, "y": 5})  # outside a text box
    page.keyboard.press("Control+z")
    assert markdown_texts(page) == ["first", "second"]
    expect(page.get_by_test_id("save-status")).not_to_have_text("Saved")
    page.keyboard.press("Control+s")
    saved(page)

    page.get_by_test_id("block-remove").first.click()
    assert markdown_texts(page) == ["second"]
    saved(page)
    page.get_by_test_id("done-editing").click()
    view = page.get_by_test_id("report-view")
    expect(view.get_by_test_id("markdown-view")).to_have_count(1)
    versions = page.get_by_test_id("version-row")
    count = versions.count()
    assert count >= 4
    # the version before the removal held both blocks, in order
    older = versions.nth(1)
    older.get_by_test_id("version-show").click()
    expect(page.get_by_test_id("old-version")).to_be_visible()
    expect(view.get_by_test_id("markdown-view")).to_have_count(2)
    older.get_by_test_id("version-restore").click()
    expect(page.get_by_test_id("old-version")).to_have_count(0)
    expect(view.get_by_test_id("markdown-view")).to_have_count(2)
    expect(view.get_by_test_id("markdown-view").first).to_have_text("first")
    expect(page.get_by_test_id("version-row")).to_have_count(count + 1)


def test_two_tabs_saving_at_once_lose_nothing(page: Any, url: str) -> None:
    editor_url = new_report(page, url, "Two tabs")
    other = page.context.new_page()
    other.goto(editor_url)
    expect(other.get_by_test_id("report-editor")).to_be_visible()

    page.get_by_test_id("add-markdown").click()
    write_markdown(page, "from tab A")
    saved(page)
    other.get_by_test_id("add-markdown").click()
    write_markdown(other, "from tab B")
    conflict = other.get_by_test_id("conflict")
    expect(conflict).to_be_visible(timeout=15_000)
    expect(other.get_by_test_id("save-status")).to_contain_text("someone else saved")
    assert markdown_texts(other) == ["from tab B"]  # the edit is still on the page
    conflict.get_by_test_id("save-on-top").click()
    saved(other)
    page.reload()
    expect(page.get_by_test_id("markdown-input")).to_have_text("from tab B")
    other.close()


def test_xss_in_titles_markdown_and_run_names_is_inert(page: Any, url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{url}/p/rep/reports")
    row = page.get_by_test_id("report-row").filter(has_text="Hostile")
    expect(row).to_contain_text(f"Hostile {IMG}")  # shown as text
    row.locator("a").click()
    view = page.get_by_test_id("report-view")
    expect(view.get_by_test_id("report-title")).to_have_text(f"Hostile {IMG}")
    markdown = view.get_by_test_id("markdown-view")
    expect(markdown.locator("h1")).to_have_text("Inert")
    expect(markdown.get_by_text("As shown before [1].")).to_be_visible()  # numbered as cited
    references = markdown.locator("ol li[value='1']")  # the BibTeX block: its references
    expect(references).to_contain_text(f"Evil {IMG}")  # as text
    assert markdown.locator("img, script, iframe").count() == 0
    assert all(
        not re.match(r"\s*javascript:", a.get_attribute("href") or "")
        for a in markdown.locator("a").all()
    )
    values = view.get_by_test_id("panel-values")
    expect(values).to_contain_text(f"evil {IMG}")
    bars = view.get_by_test_id("panel-value-chart")
    expect(bars).to_have_attribute("data-items", "3")
    expect(bars.get_by_test_id("value-chart")).to_have_attribute("data-rendered", "true")
    anchors = json.loads(bars.get_by_test_id("value-chart").get_attribute("data-anchors"))
    evil = next(a for a in anchors if a[1].startswith("evil"))
    chart = bars.get_by_test_id("value-chart")
    box = chart.bounding_box()
    page.mouse.move(box["x"] + evil[2] - 4, box["y"] + evil[3])  # its tooltip names it, as text
    expect(chart.get_by_text(f"evil {IMG}", exact=True)).to_be_visible()
    expect(view.get_by_test_id("panel-runset").first).to_contain_text(f"evil {IMG}")
    chart = view.get_by_test_id("panel-chart")
    expect(chart).to_have_attribute("data-lines", "1")
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the tooltip
    expect(page.get_by_test_id("chart-tooltip")).to_contain_text("evil")
    page.get_by_test_id("edit-report").click()
    expect(page.get_by_test_id("markdown-preview").locator("h1")).to_have_text("Inert")
    assert page.locator("main img[src='x']").count() == 0
    assert page.evaluate("window.__xss") is None
    assert dialogs == []

    # the panel form keeps what it does not show (smoothing, log y) when its settings are applied
    page.get_by_test_id("block-edit-panel").first.click()
    page.get_by_test_id("panel-title").fill("Loss, smoothed")
    page.get_by_test_id("panel-submit").click()
    expect(page.get_by_test_id("report-view")).to_have_count(0)
    page.get_by_test_id("done-editing").click()  # enabled once the change is saved
    expect(page.get_by_test_id("report-view").locator(".rp-panel-title").first).to_have_text(
        "Loss, smoothed"
    )
    report_id = page.url.split("/reports/")[1].split("?")[0]
    stored = httpx.get(f"{url}/api/v1/projects/rep/reports/{report_id}").json()["blocks"][1]
    assert (stored["title"], stored["smoothing"], stored["log_y"]) == ("Loss, smoothed", 0.5, True)


def test_add_a_workspace_panel_to_a_report(page: Any, url: str) -> None:
    page.goto(f"{url}/p/rep?filter=config.lr%20%3E%3D%200.05")
    line = page.locator('[data-testid=chart-panel][data-keys="loss"]')
    expect(line).to_have_attribute("data-line-count", "2")
    line.get_by_test_id("panel-menu").click()
    page.get_by_role("menuitem", name="Add to report…").click()
    expect(page.get_by_test_id("add-to-report")).to_contain_text("config.lr >= 0.05")
    view = add_to_new_report(page, "From the workspace")
    expect(view.get_by_test_id("panel-runset")).to_contain_text("config.lr >= 0.05")
    expect(view.get_by_test_id("panel-chart")).to_have_attribute("data-lines", "2")

    # a second panel goes to the end of the same report, as a new version
    page.go_back()
    page.locator('[data-testid=chart-panel][data-keys="acc"]').get_by_test_id("panel-menu").click()
    page.get_by_role("menuitem", name="Add to report…").click()
    dialog = page.get_by_test_id("add-to-report")
    dialog.get_by_test_id("add-to-report-target").select_option(label="From the workspace")
    dialog.get_by_test_id("add-to-report-submit").click()
    expect(dialog).to_contain_text("Saved as version 2")
    dialog.get_by_test_id("open-report").click()
    expect(page.get_by_test_id("panel-view")).to_have_count(2)
    expect(page.locator(".rp-panel-title").last).to_have_text("line: acc")


def test_a_live_panel_follows_new_runs_and_a_frozen_one_keeps_its_data(
    page: Any, url: str, store_dir: Path
) -> None:
    new_report(page, url, "Live and frozen")
    for frozen in (False, True):
        page.get_by_test_id("add-panel").click()
        form = page.get_by_test_id("panel-form")
        form.get_by_test_id("panel-keys").fill("loss")
        form.get_by_test_id("panel-filter").fill("config.lr < 0.05")
        if frozen:
            form.get_by_test_id("panel-frozen").check()
        form.get_by_test_id("panel-submit").click()
    saved(page)
    live, kept = page.get_by_test_id("panel-view").nth(0), page.get_by_test_id("panel-view").nth(1)
    expect(kept.get_by_test_id("panel-runset")).to_contain_text("frozen")
    for panel in (live, kept):
        expect(panel.get_by_test_id("panel-chart")).to_have_attribute("data-lines", "1")

    late = cairn.init(project="rep", dir=store_dir, name="late", config={"lr": 0.001})
    late.log({"loss": 0.5})
    late.finish(quiet=True)
    expect(live.get_by_test_id("panel-chart")).to_have_attribute("data-lines", "2", timeout=25_000)
    expect(live.get_by_test_id("panel-runset")).to_contain_text("late")
    expect(kept.get_by_test_id("panel-chart")).to_have_attribute("data-lines", "1")

    page.get_by_test_id("add-markdown").click()  # another save does not take the data again
    write_markdown(page, "later")
    saved(page)
    page.reload()
    kept = page.get_by_test_id("panel-view").nth(1)
    expect(kept.get_by_test_id("panel-runset")).to_contain_text("frozen")
    expect(kept.get_by_test_id("panel-chart")).to_have_attribute("data-lines", "1")
    expect(
        page.get_by_test_id("panel-view").nth(0).get_by_test_id("panel-chart")
    ).to_have_attribute("data-lines", "2")


def test_a_live_panel_draws_the_steps_a_running_run_logs_after_it_was_added(
    page: Any, url: str, store_dir: Path
) -> None:
    growing = cairn.init(project="rep", dir=store_dir, name="growing", config={"lr": 0.002})
    try:
        for step in range(5):
            growing.log({"grows": step / 10})
        growing.flush()
        new_report(page, url, "A run still logging")
        page.get_by_test_id("add-panel").click()
        form = page.get_by_test_id("panel-form")
        form.get_by_test_id("panel-keys").fill("grows")
        form.get_by_test_id("panel-submit").click()
        saved(page)
        chart = page.get_by_test_id("panel-view").get_by_test_id("panel-chart")
        expect(chart).to_have_attribute("data-lines", "1")
        expect(chart).to_have_attribute("data-last-step", "4")
        for step in range(5, 20):
            growing.log({"grows": step / 10})
        growing.flush()
        expect(chart).to_have_attribute("data-last-step", "19", timeout=25_000)
    finally:
        growing.finish(quiet=True)


def test_parallel_coordinates_and_importance_panels_draw_inert(page: Any, url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{url}/p/swp/reports")
    page.get_by_test_id("report-row").filter(has_text="Sweep analysis").locator("a").click()
    view = page.get_by_test_id("report-view")
    chart = view.get_by_test_id("parallel-coordinates")
    expect(chart).to_have_attribute("data-line-count", "6")
    expect(chart).to_have_attribute("data-axes", "lr,opt,val/loss")
    expect(chart).to_have_attribute("data-axis-kinds", "value,category,value")
    expect(chart.locator("canvas")).to_have_count(1)
    rows = view.get_by_test_id("importance-row")
    expect(rows).to_have_count(2, timeout=IMPORTANCE_MS)
    expect(rows.first).to_have_attribute("data-param", "lr")  # the loss follows lr alone
    expect(view.get_by_test_id("panel-runset").first).to_contain_text(f"trial 5 {IMG}")
    # hover along the opt axis until the tooltip names the run whose opt is the payload
    box = chart.bounding_box()
    left, right, top, bottom = (
        float(v) for v in chart.get_attribute("data-margin").split(",")
    )  # fmt: skip
    x = box["x"] + left + (box["width"] - left - right) / 2
    tip = chart.locator("div").filter(has_text="trial 5")
    for step in range(40):
        page.mouse.move(x, box["y"] + top + (box["height"] - top - bottom) * step / 39)
        if tip.count() and tip.last.is_visible():
            break
    expect(tip.last).to_contain_text(f"trial 5 {IMG}")  # the name and the opt value as text
    expect(tip.last).to_contain_text(f"opt: {IMG}")
    table = view.get_by_test_id("panel-view").nth(2)  # the runs with lr > 0.05: trial 5 only
    expect(table.get_by_test_id("panel-values").locator("tbody tr")).to_have_count(1)
    expect(table.get_by_test_id("panel-values")).to_contain_text(IMG)
    verdict = view.get_by_test_id("verdict-table")
    expect(verdict).to_have_attribute("data-verdict", "not reproduced")
    expect(verdict.get_by_test_id("verdict-row")).to_contain_text(f"val/loss {IMG}")
    expect(view.locator(".rp-panel-title").nth(3)).to_have_text(f"Verdict of {IMG}")
    image = view.get_by_test_id("panel-image")
    expect(image).to_have_attribute("data-step", "3")
    canvas = image.get_by_test_id("image-canvas")
    expect(canvas).to_have_attribute("data-boxes", "1")  # drawn, with its box
    expect(image).to_contain_text(f"cap {IMG}")
    image_runset = view.get_by_test_id("panel-view").nth(4).get_by_test_id("panel-runset")
    expect(image_runset).to_contain_text(f"run:trial 5 {IMG}")  # its one run (spans: no space)
    expect(image_runset).not_to_contain_text("every run")
    assert page.locator("main img[src='x']").count() == 0
    assert page.evaluate("window.__xss") is None
    assert dialogs == []


def test_add_a_workspace_bar_panel_to_a_report(page: Any, url: str) -> None:
    from tests.e2e.test_panels import add_value_panel

    page.goto(f"{url}/p/swp?filter=config.lr%20%3E%200.03")
    bar = add_value_panel(page, "bar", Value="summary.val/loss")
    bar.get_by_test_id("panel-menu").click()
    page.get_by_role("menuitem", name="Add to report…").click()
    expect(page.get_by_test_id("add-to-report")).to_contain_text("config.lr > 0.03")
    view = add_to_new_report(page, "Bars from the workspace")
    expect(view.get_by_test_id("panel-view")).to_have_attribute("data-kind", "bar")
    expect(view.get_by_test_id("panel-runset")).to_contain_text("3 runs")
    expect(view.get_by_test_id("panel-values")).to_contain_text(f"trial 5 {IMG}")


def test_compare_two_versions_block_by_block(page: Any, url: str, tmp_path: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    base = f"{url}/api/v1/projects/rep/reports"
    text = f"# Findings\n\nthe old line\n\n{IMG}"
    panel = {"kind": "line", "keys": ["loss"], "runs": "config.lr > 0.05"}
    top, moving, end = ({"kind": "markdown", "text": t} for t in ("top", "moving", "the end"))
    first = [top, moving, {"kind": "markdown", "text": text}, panel, end]
    created = httpx.post(base, json={"title": "Compared", "blocks": first})
    assert created.status_code == 201, created.text
    report_id = created.json()["id"]
    second = [
        top,
        {"kind": "markdown", "text": text.replace("the old line", f"the new line {SCRIPT}")},
        {**panel, "keys": ["loss", "acc"], "frozen": True},
        end,
        moving,
    ]
    saved_again = httpx.put(f"{base}/{report_id}", json={"base_version": 1, "blocks": second})
    assert saved_again.status_code == 200, saved_again.text

    page.goto(f"{url}/p/rep/reports/{report_id}")
    page.get_by_test_id("version-row").filter(has_text="v1").get_by_test_id(
        "version-compare"
    ).click()
    diff = page.get_by_test_id("version-diff")
    expect(diff).to_contain_text("Changes from v1 to v2")
    assert "compare=1" in page.url  # a link shows the same comparison
    changes = diff.get_by_test_id("diff-change")
    expect(changes).to_have_count(3)
    kinds = [c.get_attribute("data-change") for c in changes.all()]
    assert sorted(kinds) == ["changed", "changed", "moved"]
    expect(diff.get_by_test_id("diff-line-removed")).to_have_text(["−the old line"])
    expect(diff.get_by_test_id("diff-line-added")).to_have_text([f"+the new line {SCRIPT}"])
    expect(diff.get_by_text(IMG, exact=True)).to_be_visible()  # the payload, as text
    removed = diff.locator(".rp-diff-removed").first
    assert removed.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    fields = diff.get_by_test_id("diff-field")
    expect(fields).to_have_count(3)  # keys, frozen, and the data frozen with it
    keys = fields.filter(has=page.locator("th", has_text="keys"))
    expect(keys).to_contain_text('["loss"]')
    expect(keys).to_contain_text('["loss","acc"]')
    expect(fields.filter(has=page.locator("th", has_text="frozen"))).to_contain_text("true")
    data = fields.filter(has=page.locator("th", has_text="data"))
    expect(data).to_contain_text(re.compile(r"none\s*1 run, taken 20\d\d-"))
    # "the end" and "moving" swapped places: the diff calls one of them moved
    moved = diff.locator("[data-change='moved']")
    expect(moved).to_contain_text(re.compile(r"Markdown moved from block [25] to block [45]"))
    assert diff.locator("img, script").count() == 0
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    diff.screenshot(path=str(tmp_path / "version-diff.png"))

    page.reload()  # the comparison is in the URL
    expect(page.get_by_test_id("version-diff")).to_be_visible()
    page.get_by_test_id("diff-close").click()
    expect(page.get_by_test_id("version-diff")).to_have_count(0)
    expect(page.get_by_test_id("report-blocks").get_by_test_id("block")).to_have_count(5)


def test_rename_compare_and_restore_the_old_title(page: Any, url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    new_report(page, url, "Before the rename")
    page.get_by_test_id("add-markdown").click()
    write_markdown(page, "kept")
    saved(page)
    renamed = f"After {IMG}"
    page.get_by_test_id("report-title-input").fill(renamed)
    saved(page)
    page.get_by_test_id("done-editing").click()
    view = page.get_by_test_id("report-view")
    expect(page.get_by_test_id("report-title")).to_have_text(renamed)

    rows = page.get_by_test_id("version-row")
    newest, before = rows.nth(0), rows.nth(1)
    expect(newest.get_by_test_id("version-title")).to_have_count(0)  # the page's own title
    expect(before.get_by_test_id("version-title")).to_have_text("“Before the rename”")
    assert newest.get_attribute("title") == f"Title: {renamed}"  # the tooltip, as text
    before.get_by_test_id("version-compare").click()
    diff = page.get_by_test_id("version-diff")
    heading = diff.get_by_test_id("diff-heading")
    expect(heading).to_contain_text("Title changed")
    title_row = heading.get_by_test_id("diff-field")
    expect(title_row).to_have_count(1)
    expect(title_row.locator(".rp-diff-removed")).to_have_text("Before the rename")
    expect(title_row.locator(".rp-diff-added")).to_have_text(renamed)  # the payload, as text
    expect(diff.get_by_text("The two versions have the same blocks.")).to_be_visible()
    diff.get_by_test_id("diff-close").click()

    before.get_by_test_id("version-show").click()
    expect(page.get_by_test_id("old-version")).to_be_visible()
    expect(page.get_by_test_id("report-title")).to_have_text("Before the rename")  # its own
    before.get_by_test_id("version-restore").click()
    expect(page.get_by_test_id("old-version")).to_have_count(0)
    expect(page.get_by_test_id("report-title")).to_have_text("Before the rename")
    expect(view.get_by_test_id("markdown-view")).to_have_text(["kept"])
    page.reload()
    expect(page.get_by_test_id("report-title")).to_have_text("Before the rename")
    # the renamed version now differs from the restored one after it: its title shows, as text
    expect(rows.nth(1).get_by_test_id("version-title")).to_have_text(f"“{renamed}”")
    page.get_by_test_id("edit-report").click()
    expect(page.get_by_test_id("report-title-input")).to_have_value("Before the rename")
    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("window.__xss") is None
    assert dialogs == []


def test_a_version_saved_before_titles_were_versioned_says_so(
    page: Any, url: str, store_dir: Path
) -> None:
    base = f"{url}/api/v1/projects/rep/reports"
    created = httpx.post(
        base, json={"title": "Then", "blocks": [{"kind": "markdown", "text": "a"}]}
    )
    report_id = created.json()["id"]
    with sqlite3.connect(store_dir / "cairn.db") as db:  # as migration 0018 leaves version 1
        db.execute(
            "UPDATE report_versions SET title = NULL, description = NULL WHERE report_id = ?",
            (report_id,),
        )
    httpx.put(f"{base}/{report_id}", json={"base_version": 1, "blocks": [], "title": "Now"})
    page.goto(f"{url}/p/rep/reports/{report_id}?version=1")
    expect(page.get_by_test_id("old-version")).to_contain_text(
        "saved before Cairn versioned titles"
    )
    expect(page.get_by_test_id("report-title")).to_have_text("Now")  # the current one, said so
    old = page.get_by_test_id("version-row").nth(1)
    assert "not recorded" in (old.get_attribute("title") or "")
    expect(old.get_by_test_id("version-title")).to_have_count(0)
