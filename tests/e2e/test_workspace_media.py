"""Media in the workspace and on the compare page, in Chromium: one panel per key comparing the
runs the table shows (named in the panel, "N of M runs" when more than fit, a picker), hidden runs
leave the panels, a table panel that names and switches its run, sections that start collapsed and
fetch nothing until opened, panels that load as they scroll into view, runs selected in the table
drawn first, "gradients" once."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from tests.fakes.server import serve

import cairn

expect = pytest.importorskip("playwright.sync_api").expect
np = pytest.importorskip("numpy")
Image = pytest.importorskip("PIL.Image")

RUNS = 7  # more than a histogram panel (6) or a chart panel (4) draws at once
ZOO = 8  # histogram keys of one section, more than fit on a screen


class Store(NamedTuple):
    url: str
    ids: list[str]  # in logging order: wm-0 ... wm-6


def log_runs(store_dir: Path) -> list[str]:
    ids = []
    for index in range(RUNS):
        run = cairn.init(project="wsmedia", dir=store_dir, name=f"wm-{index}")
        rng = np.random.default_rng(index)
        for step in range(3):
            values = {
                "loss": 1.0 / (step + 1 + index),
                "gradients/fc1": cairn.Histogram(rng.normal(index, 1 + step, 200)),
                "gradients/fc1/norm": float((index + 1) * (step + 1)),
            }
            if index < 2:
                values.update(
                    {f"zoo/h{k}": cairn.Histogram(rng.normal(k, 1, 50)) for k in range(ZOO)}
                )
            run.log(values)
        truth = np.array([0, 1, 2, 2, 1, 0])
        table = cairn.Table(columns=["id", "score"])
        for i in range(3):
            table.add_data(i, float(index * 10 + i))
        run.log(
            {
                "eval/confusion": cairn.plot.confusion_matrix(
                    truth, (truth + index) % 3, ["a", "b", "c"]
                ),
                "eval/roc": cairn.plot.roc_curve(truth, np.eye(3)[truth] * 0.7 + 0.1),
                "eval/table": table,
            }
        )
        run.finish(quiet=True)
        ids.append(run.id)
    return ids


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    directory = tmp_path_factory.mktemp("e2e_wsmedia") / ".cairn"
    ids = log_runs(directory)
    with serve(directory) as running:
        yield Store(running.url, ids)


MEDIA_CONTENT = re.compile(
    r"/api/v1/(projects/[^/]+/media(\?|$|/)|projects/[^/]+/runs/[^/]+/media/|blobs/)"
)


def record_media_requests(page: Any) -> list[tuple[str, str]]:
    """(url, body) of every request for media content (values, histograms, tables, blobs); the key
    list (`media-keys`) is not content."""
    seen: list[tuple[str, str]] = []
    page.on(
        "request",
        lambda r: seen.append((r.url, r.post_data or "")) if MEDIA_CONTENT.search(r.url) else None,
    )
    return seen


def open_workspace(page: Any, store: Store) -> Any:
    page.goto(f"{store.url}/p/wsmedia")
    expect(page.get_by_test_id("panel-grid")).to_have_attribute("data-run-count", str(RUNS))
    block = page.get_by_test_id("workspace-media")
    block.scroll_into_view_if_needed()
    return block


def open_section(block: Any, name: str) -> Any:
    section = block.locator(f'[data-testid="media-section"][data-section="{name}"]')
    section.get_by_role("button", name=re.compile(f"^{name} media")).click()
    expect(section).to_have_attribute("data-collapsed", "false")
    return section


def test_sections_start_collapsed_and_fetch_nothing_until_opened(page: Any, store: Store) -> None:
    requests = record_media_requests(page)
    block = open_workspace(page, store)
    sections = block.get_by_test_id("media-section")
    expect(sections).to_have_count(3)  # eval, gradients, zoo
    for section in sections.all():
        expect(section).to_have_attribute("data-collapsed", "true")
    expect(block.locator('[data-section="gradients"]')).to_contain_text(
        re.compile(r"1 histogram\s*$")
    )
    page.wait_for_load_state("networkidle")
    assert requests == [], f"media fetched before any section was opened: {requests}"
    # The collapsed media take less than a screen.
    assert block.bounding_box()["height"] < 200
    gradients = open_section(block, "gradients")
    expect(gradients.get_by_test_id("histogram-heatmap").first).to_have_attribute(
        "data-rendered", "true"
    )
    assert any("/media/histograms" in url for url, _ in requests)
    assert not any("eval" in url + body or "zoo" in body for url, body in requests)
    # The browser remembers which sections were opened.
    page.reload()
    block = page.get_by_test_id("workspace-media")
    expect(block.locator('[data-section="gradients"]')).to_have_attribute("data-collapsed", "false")
    expect(block.locator('[data-section="eval"]')).to_have_attribute("data-collapsed", "true")


def test_panels_of_an_open_section_load_as_they_scroll_into_view(page: Any, store: Store) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    requests = record_media_requests(page)
    zoo = open_section(open_workspace(page, store), "zoo")
    first = zoo.locator('[data-testid="histogram-panel"][data-key="zoo/h0"]')
    expect(first.get_by_test_id("histogram-heatmap").first).to_have_attribute(
        "data-rendered", "true"
    )
    expect(zoo.get_by_test_id("media-pending").last).to_be_attached()  # the last ones wait
    page.wait_for_load_state("networkidle")
    last_key = f"zoo/h{ZOO - 1}"
    assert not any(last_key in body for _, body in requests), "a panel far below loaded early"
    zoo.get_by_test_id("media-pending").last.scroll_into_view_if_needed()
    last = zoo.locator(f'[data-testid="histogram-panel"][data-key="{last_key}"]')
    expect(last.get_by_test_id("histogram-heatmap").first).to_have_attribute(
        "data-rendered", "true"
    )
    assert any(last_key in body for _, body in requests)


def _run_names(panel: Any, testid: str) -> list[str]:
    return [
        el.inner_text().strip()
        for el in panel.get_by_test_id(testid).locator('[data-testid="media-run"]').all()
    ]


def test_one_histogram_panel_per_key_compares_the_runs_and_says_which(
    page: Any, store: Store
) -> None:
    gradients = open_section(open_workspace(page, store), "gradients")
    panels = gradients.get_by_test_id("histogram-panel")
    expect(panels).to_have_count(1)
    panel = panels.first
    expect(panel.get_by_test_id("histogram-run")).to_have_count(6)
    chooser = panel.get_by_test_id("run-chooser")
    expect(chooser).to_have_text("6 of 7 runs ▾")  # never a silent cut
    shown = _run_names(panel, "histogram-run")
    assert len(set(shown)) == 6 and all(n.startswith("wm-") for n in shown)
    missing = ({f"wm-{i}" for i in range(RUNS)} - set(shown)).pop()
    # Pick the left-out run instead of the last shown one.
    chooser.click()
    picker = page.get_by_role("dialog", name="Pick the runs of gradients/fc1")
    expect(picker.get_by_label(f"Show {missing}")).to_be_disabled()  # six are shown: the limit
    picker.get_by_label(f"Show {shown[-1]}").uncheck()
    picker.get_by_label(f"Show {missing}").check()
    page.keyboard.press("Escape")
    expect(picker).to_have_count(0)
    expect(panel.locator(f'[data-testid="histogram-run"] >> text="{missing}"')).to_have_count(1)
    assert shown[-1] not in _run_names(panel, "histogram-run")
    expect(chooser).to_have_text("6 of 7 runs ▾")


def test_gradient_norm_lines_have_the_runs_colours(page: Any, store: Store) -> None:
    panel = open_section(open_workspace(page, store), "gradients").get_by_test_id("histogram-panel")
    norm = panel.get_by_test_id("gradient-norm")
    expect(norm).to_have_attribute("data-rendered", "true")
    swatches = panel.get_by_test_id("histogram-run").locator(".md-run-swatch")
    colours = [
        tuple(
            int(v)
            for v in re.findall(r"\d+", s.evaluate("el => getComputedStyle(el).backgroundColor"))[
                :3
            ]
        )
        for s in swatches.all()
    ]
    assert len(set(colours)) == 6
    pixels = np.asarray(
        Image.open(io.BytesIO(norm.screenshot())).convert("RGB"), dtype=int
    ).reshape(-1, 3)
    drawn = [c for c in colours if int((np.abs(pixels - c).sum(axis=1) <= 40).sum()) >= 10]
    assert len(drawn) == 6, f"lines of {len(drawn)} run colours drawn, want 6: {colours}"


def test_hiding_a_run_in_the_table_takes_it_out_of_the_media(page: Any, store: Store) -> None:
    gradients = open_section(open_workspace(page, store), "gradients")
    panel = gradients.get_by_test_id("histogram-panel")
    expect(panel.get_by_test_id("histogram-run")).to_have_count(6)
    first = _run_names(panel, "histogram-run")[0]
    row = page.get_by_test_id("run-row").filter(has_text=first).first
    row.get_by_test_id("eye-toggle").click()
    expect(panel.get_by_test_id("run-chooser")).to_have_text("6 runs ▾")
    assert first not in _run_names(panel, "histogram-run")
    expect(panel.get_by_test_id("histogram-run")).to_have_count(6)


def test_runs_selected_in_the_table_come_first_in_the_media(page: Any, store: Store) -> None:
    gradients = open_section(open_workspace(page, store), "gradients")
    panel = gradients.get_by_test_id("histogram-panel")
    expect(panel.get_by_test_id("histogram-run")).to_have_count(6)
    shown = _run_names(panel, "histogram-run")
    missing = ({f"wm-{i}" for i in range(RUNS)} - set(shown)).pop()
    box = page.get_by_label(f"Select {missing}")
    box.click()
    expect(box).to_be_checked()
    expect(panel.get_by_test_id("histogram-run").first.get_by_test_id("media-run")).to_have_text(
        missing
    )
    expect(panel.get_by_test_id("histogram-run")).to_have_count(6)
    assert shown[-1] not in _run_names(panel, "histogram-run")  # the last one made room


def test_charts_and_tables_one_panel_per_key(page: Any, store: Store) -> None:
    evaluation = open_section(open_workspace(page, store), "eval")
    for key, kind in (("eval/confusion", "confusion_matrix"), ("eval/roc", "roc_curve")):
        panel = evaluation.locator(f'[data-testid="plot-panel"][data-key="{key}"]')
        expect(panel).to_have_count(1)
        expect(panel).to_have_attribute("data-type", kind)
        expect(panel.get_by_test_id("plot-run")).to_have_count(4)
        expect(panel.get_by_test_id("run-chooser")).to_have_text("4 of 7 runs ▾")
        for chart in panel.get_by_test_id("plot-chart").all():
            expect(chart).to_have_attribute("data-rendered", "true")
    table = evaluation.locator('[data-testid="table-panel"][data-key="eval/table"]')
    expect(table).to_have_count(1)
    tag = table.locator('.cc-panel-head [data-testid="media-run"]')
    first = tag.inner_text().strip()
    score = table.get_by_test_id("table-row").first.locator(".md-cell").nth(2)
    expect(score).to_have_text(f"{int(first[3:]) * 10}")
    other = "wm-0" if first != "wm-0" else "wm-1"
    table.get_by_label("Run of eval/table").select_option(label=other)
    expect(tag).to_have_text(other)
    expect(score).to_have_text(f"{int(other[3:]) * 10}")
    table.get_by_label("Join with run").select_option(label=first)
    table.get_by_label("Join on column").select_option("id")
    expect(table.get_by_role("button", name=f"score · {first}")).to_be_visible()
    expect(table.get_by_role("button", name=f"score · {other}")).to_be_visible()


def test_gradients_is_one_section(page: Any, store: Store) -> None:
    block = open_workspace(page, store)
    expect(page.get_by_test_id("chart-section").first).to_be_visible()
    expect(block.get_by_test_id("media-section")).to_have_count(3)  # eval, gradients, zoo
    charts = [s.get_attribute("data-section") for s in page.get_by_test_id("chart-section").all()]
    media = [s.get_attribute("data-section") for s in block.get_by_test_id("media-section").all()]
    assert (charts + media).count("gradients") == 1, (charts, media)
    assert "loss" not in media and "Charts" in charts


def test_compare_page_media_is_one_panel_per_key(page: Any, store: Store) -> None:
    picked = store.ids[:3]
    page.goto(f"{store.url}/p/wsmedia/compare?runs={','.join(picked)}")
    block = page.get_by_test_id("workspace-media")
    block.scroll_into_view_if_needed()
    gradients = open_section(block, "gradients")
    panel = gradients.get_by_test_id("histogram-panel")
    expect(panel).to_have_count(1)
    expect(panel.get_by_test_id("histogram-run")).to_have_count(3)
    expect(panel.get_by_test_id("run-chooser")).to_have_text("3 runs ▾")
    expect(panel.get_by_test_id("gradient-norm")).to_have_attribute("data-rendered", "true")
    assert sorted(_run_names(panel, "histogram-run")) == ["wm-0", "wm-1", "wm-2"]


def test_the_panel_search_narrows_the_media_sections_too(page: Any, store: Store) -> None:
    block = open_workspace(page, store)
    sections = block.get_by_test_id("media-section")
    expect(sections).to_have_count(3)
    search = page.get_by_test_id("panel-search")
    search.fill("eval/")
    expect(sections).to_have_count(1)
    expect(block.locator('[data-testid="media-section"][data-section="eval"]')).to_be_visible()
    expect(page.get_by_test_id("chart-panel")).to_have_count(0)  # "loss" does not match
    expect(page.get_by_test_id("panel-search-count")).to_have_text(
        re.compile(r"^3 of \d+ panels match$")
    )
    expect(page.get_by_test_id("panel-search-empty")).to_have_count(0)
    search.fill("loss")
    expect(page.get_by_test_id("workspace-media")).to_have_count(0)
    expect(page.locator('[data-testid=chart-panel][data-keys="loss"]')).to_be_visible()
    search.fill("")
    expect(sections).to_have_count(3)
