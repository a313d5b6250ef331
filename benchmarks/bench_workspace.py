"""Dashboard benchmark: the project workspace in headless Chromium against a real `cairn ui`, the
web app as it was at the last pass (built from git) against the current build, in the same run.

Workloads (benchmarks/workspaces.py): a demo-like workspace (15 runs, 10 metric keys, images with
masks, histograms of 3 layers, a table, a confusion matrix), a 1,000-run one (20 metric keys,
6 media keys on 20 of the runs) and a 2,000-metric one (20 runs, 2,000 metric names in 40
sections). Each measure is the median of REPEATS page loads, each in a fresh
browser context, the two builds taking turns. Targets (issue 13):

- demo-like: first chart ≤ 800 ms, no long task over 200 ms, ≤ 30 requests before the first chart;
- 1,000 runs: first chart ≤ 1.5 s, 50+ fps scrolling the charts to the bottom, tab memory ≤ 500 MB;
  and (issue 17) every one of the 1,000 runs on one chart drawn ≤ 2 s after they are shown: the
  table's pages are all loaded, its header eye hides every run and shows them again, and the time
  is from that click to the first line panel drawn with 1,000 lines (its series fetched too);
- 2,000 metric names (issue 17): first screen ≤ 2 s, every panel in the window drawn.

First chart: navigation start to the first drawn chart, seen by a MutationObserver installed
before the app loads (as is the long-task observer). Scrolling: the box that scrolls the charts
moves SCROLL_STEP px every animation frame down to the bottom; fps is frames over the seconds that
took (stalls count), beside the median frame and the 95th-percentile frame time. Memory, after
scrolling: the JS heap (CDP Performance.getMetrics) and the tab's renderer process (RSS, which the
target is about, and USS). One unmeasured warm-up load per build first.

First screen: navigation start to the moment every panel in the window (``data-panel-id``,
placeholders included) is a drawn chart (ready, or empty of data), polled every frame.

The harness relies on these hooks of the web app only: ``[data-testid=chart-panel]`` with
``data-state=ready`` once a chart is drawn (``data-line-count``, its lines), ``data-panel-id`` on
every panel and placeholder, ``[data-testid=charts-pane]`` inside the element that scrolls, and
the runs table's ``[data-testid=runs-table]`` (``aria-rowcount``) and ``eye-toggle-all``. Prints a table; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
from bench_api import serve
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from workspaces import (
    DEMO,
    LARGE,
    WIDE,
    Workspace,
    build_demo_like,
    build_large,
    build_wide,
    check_served,
)

LAST_PASS = "283e13b"
"""The commit whose web/ was measured at the last pass of issue 13."""
REPEATS = 5
ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT: ViewportSize = {"width": 1600, "height": 1000}
DRAWN = "[data-testid=chart-panel][data-state=ready]"

# Installed before the app's own scripts: long tasks, and the moment the first chart is drawn
# (performance.now() counts from navigation start).
PROBE = """
window.__bench = { longTasks: [], firstChart: null };
performance.setResourceTimingBufferSize(100000);
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__bench.longTasks.push(entry.duration);
}).observe({ type: "longtask", buffered: true });
const seen = new MutationObserver(() => {
  if (document.querySelector(DRAWN)) {
    window.__bench.firstChart = performance.now();
    seen.disconnect();
  }
});
seen.observe(document, { subtree: true, childList: true, attributes: true,
                         attributeFilter: ["data-state"] });
""".replace("DRAWN", json.dumps(DRAWN))

# Requests that started before the first chart was drawn (the page itself counts as one). Resource
# Timing, not page.on("request"): its start times are on the same clock as the first chart.
REQUESTS_BEFORE_FIRST_CHART = """
() => 1 + performance.getEntriesByType("resource")
  .filter((e) => e.startTime <= window.__bench.firstChart).length
"""

# Scrolls the element that scrolls the charts to the bottom, SCROLL_STEP px a frame (charts come
# into view and draw meanwhile); returns every frame's duration in ms, and how many of the first
# frames scrolled over the line-chart panels (what comes below them, e.g. media, differs by build).
SCROLL = """
async (step) => {
  const pane = document.querySelector("[data-testid=charts-pane]");
  let box = pane;
  while (box && !(box.scrollHeight > box.clientHeight + 1 &&
                  /auto|scroll/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
  box = box || document.scrollingElement;
  box.scrollTop = 0;
  const panels = pane.querySelectorAll("[data-panel-id]");  // placeholders too
  const lastPanel = panels[panels.length - 1];
  const chartsEnd = lastPanel
    ? lastPanel.getBoundingClientRect().bottom - box.getBoundingClientRect().top - box.clientHeight
    : 0;
  const frames = [];
  let overCharts = 0;
  let last = await new Promise(requestAnimationFrame);
  while (box.scrollTop + box.clientHeight < box.scrollHeight - 1) {
    if (box.scrollTop < chartsEnd) overCharts += 1;
    box.scrollTop += step;
    const now = await new Promise(requestAnimationFrame);
    frames.push(now - last);
    last = now;
  }
  return { frames, overCharts };
}
"""
SCROLL_STEP = 60

# True (and the moment noted) once every panel in the window is a drawn chart.
FIRST_SCREEN_DRAWN = """
() => {
  const panels = [...document.querySelectorAll("[data-testid=charts-pane] [data-panel-id]")];
  const inView = panels.filter((p) => {
    const r = p.getBoundingClientRect();
    return r.width > 0 && r.bottom > 0 && r.top < innerHeight;
  });
  const drawn = inView.length > 0 && inView.every((p) =>
    p.dataset.testid === "chart-panel" && (p.dataset.state === "ready" || p.dataset.state === "empty"));
  if (drawn && window.__bench.firstScreen === undefined) window.__bench.firstScreen = performance.now();
  return drawn;
}
"""

# Loads every page of the runs table, hides every run from the charts with the header's eye and
# shows them all again; returns the ms from that click to the first line panel drawn with all
# ``count`` lines, to the end of the first series answer, and the longest task meanwhile.
ALL_RUNS_ON_ONE_CHART = """
async (count) => {
  const until = async (test, what) => {
    const end = performance.now() + 120000;
    while (!test()) {
      if (performance.now() > end) throw new Error("timed out waiting for " + what);
      await new Promise((resolve) => setTimeout(resolve, 16));
    }
  };
  const table = document.querySelector("[data-testid=runs-table]");
  await until(() => {
    table.scrollTop = table.scrollHeight;
    return Number(table.getAttribute("aria-rowcount")) >= count;
  }, "the table's pages");
  const grid = () => document.querySelector("[data-testid=panel-grid]");
  const eye = document.querySelector("[data-testid=eye-toggle-all]");
  eye.click();
  await until(() => grid().dataset.runCount === "0", "every run hidden");
  const before = window.__bench.longTasks.length;
  const drawn = `[data-testid=chart-panel][data-line-count="${count}"][data-state=ready]`;
  // The moment the chart is drawn (uPlot draws in the commit that sets data-state), noted by an
  // observer rather than by polling, whose timers wait behind the page's work.
  const seen = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (document.querySelector(drawn)) {
        observer.disconnect();
        resolve(performance.now());
      }
    });
    observer.observe(document, { subtree: true, childList: true, attributes: true,
                                 attributeFilter: ["data-state", "data-line-count"] });
  });
  const start = performance.now();
  eye.click();
  const took = (await seen) - start;
  await new Promise((resolve) => setTimeout(resolve, 100));  // the observer reports late
  const fetched = performance.getEntriesByType("resource")
    .filter((e) => e.name.endsWith("/series") && e.startTime >= start)
    .map((e) => e.responseEnd - start);
  return { took, fetched: Math.min(...fetched), longest: Math.max(0, ...window.__bench.longTasks.slice(before)) };
}
"""


@dataclass(frozen=True)
class Target:
    text: str
    met: Callable[[float], bool]


@dataclass(frozen=True)
class Measure:
    name: str
    unit: str
    target: Target | None = None


FIRST_CHART = "first chart drawn"
LONGEST_TASK = "longest task until load settles"
LONG_TASKS = "tasks over 200 ms until load settles"
REQUESTS = "requests before the first chart"
FPS = "scrolling to the bottom: frames a second"
CHARTS_FPS = "scrolling the line charts: frames a second"
MEDIAN_FPS = "scrolling: median frame"
SLOW_FRAME = "scrolling: frame time, 95th percentile"
HEAP = "JS heap used after scrolling"
FIRST_SCREEN = "first screen drawn (every panel in the window)"
PANELS = "panels mounted once the load settles"
CANVASES = "chart canvases once the load settles"
ALL_RUNS = "every run shown: one chart of 1,000 lines drawn"
ALL_RUNS_FETCH = "every run shown: first series answer in"
ALL_RUNS_TASK = "every run shown: longest task"
RSS = "renderer RSS after scrolling"
USS = "renderer private memory (USS) after scrolling"


def _at_most(limit: float) -> Target:
    return Target(f"≤ {limit:g}", lambda v: v <= limit)


MEASURES: dict[str, list[Measure]] = {
    "demo-like": [
        Measure(FIRST_CHART, "ms", _at_most(800)),
        Measure(LONGEST_TASK, "ms", _at_most(200)),
        Measure(LONG_TASKS, "", _at_most(0)),
        Measure(REQUESTS, "", _at_most(30)),
    ],
    "1,000 runs": [
        Measure(FIRST_CHART, "ms", _at_most(1500)),
        Measure(FIRST_SCREEN, "ms"),
        Measure(LONGEST_TASK, "ms"),
        Measure(REQUESTS, ""),
        Measure(FPS, "fps", Target("≥ 50", lambda v: v >= 50)),
        Measure(CHARTS_FPS, "fps", Target("≥ 50", lambda v: v >= 50)),
        Measure(MEDIAN_FPS, "fps"),
        Measure(SLOW_FRAME, "ms"),
        Measure(HEAP, "MB"),
        Measure(RSS, "MB", _at_most(500)),
        Measure(USS, "MB"),
        Measure(ALL_RUNS, "ms", _at_most(2000)),
        Measure(ALL_RUNS_FETCH, "ms"),
        Measure(ALL_RUNS_TASK, "ms"),
    ],
    "2,000 metrics": [
        Measure(FIRST_CHART, "ms"),
        Measure(FIRST_SCREEN, "ms", _at_most(2000)),
        Measure(LONGEST_TASK, "ms"),
        Measure(REQUESTS, ""),
        Measure(PANELS, ""),
        Measure(CANVASES, ""),
    ],
}


# ---- the two builds ----------------------------------------------------------------------------


def build_last_pass(out: Path) -> Path | None:
    """The web app of LAST_PASS, built into ``out`` with this checkout's node_modules; None (and
    why, on stderr) when it cannot be built."""
    src = out.parent / "last-pass-src"
    src.mkdir()
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", LAST_PASS, "web"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
        (src / "web" / "node_modules").symlink_to(ROOT / "web" / "node_modules")
        subprocess.run(
            ["npx", "vite", "build", "--outDir", str(out), "--emptyOutDir", "--logLevel", "error"],
            cwd=src / "web",
            check=True,
            capture_output=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        print(
            f"cannot build the web app of {LAST_PASS}: {exc} {detail.decode()[-500:]}",
            file=sys.stderr,
        )
        return None
    finally:
        shutil.rmtree(src, ignore_errors=True)
    return out


# ---- one page load -----------------------------------------------------------------------------


def renderer_memory_mb() -> tuple[float, float] | None:
    """(RSS, USS) of the largest Chromium renderer started by this process (the tab's: the
    others are spare or closed), in MB; None where there is none to read."""
    sizes = []
    for child in psutil.Process().children(recursive=True):
        if _is_renderer(child):
            with contextlib.suppress(psutil.Error):
                info = child.memory_full_info()
                sizes.append((info.rss / 1e6, info.uss / 1e6))
    return max(sizes) if sizes else None


def _is_renderer(process: psutil.Process) -> bool:
    try:
        return "--type=renderer" in process.cmdline()
    except psutil.Error:
        return False


def load(browser: Browser, url: str, scroll: bool, all_runs: int = 0) -> dict[str, float]:
    """Open ``url`` in a fresh context; the first-screen measures, with ``scroll`` the
    scrolling and memory ones, and with ``all_runs`` the chart of that many runs."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.add_init_script(PROBE)
        page = context.new_page()
        page.goto(url)
        page.wait_for_function("() => window.__bench.firstChart !== null", timeout=120_000)
        page.wait_for_function(FIRST_SCREEN_DRAWN, polling="raf", timeout=120_000)
        values = {
            FIRST_CHART: page.evaluate("window.__bench.firstChart"),
            FIRST_SCREEN: page.evaluate("window.__bench.firstScreen"),
            REQUESTS: page.evaluate(REQUESTS_BEFORE_FIRST_CHART),
        }
        with contextlib.suppress(Exception):  # a page that keeps polling never idles
            page.wait_for_load_state("networkidle", timeout=15_000)
        tasks: list[float] = page.evaluate("window.__bench.longTasks")
        values[LONGEST_TASK] = max(tasks, default=0.0)
        values[LONG_TASKS] = sum(1 for t in tasks if t > 200)
        values[PANELS] = page.locator("[data-testid=chart-panel]").count()
        values[CANVASES] = page.locator("[data-testid=chart-panel] canvas").count()
        if scroll:
            values.update(_scroll_and_memory(page))
        if all_runs:
            try:
                shown = page.evaluate(ALL_RUNS_ON_ONE_CHART, all_runs)
                values[ALL_RUNS], values[ALL_RUNS_TASK] = shown["took"], shown["longest"]
                values[ALL_RUNS_FETCH] = shown["fetched"]
            except PlaywrightError as exc:  # a build without the table's hooks
                print(f"no chart of every run: {exc.message[:300]}", file=sys.stderr)
        return values
    finally:
        context.close()


def _scroll_and_memory(page: Page) -> dict[str, float]:
    scrolled = page.evaluate(SCROLL, SCROLL_STEP)
    over_charts: list[float] = scrolled["frames"][: max(1, scrolled["overCharts"])]
    frames: list[float] = sorted(scrolled["frames"])
    values = {
        FPS: 1000 * len(frames) / sum(frames),
        CHARTS_FPS: 1000 * len(over_charts) / sum(over_charts),
        MEDIAN_FPS: 1000 / statistics.median(frames),
        SLOW_FRAME: frames[int(0.95 * (len(frames) - 1))],
    }
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    values[HEAP] = metrics["JSHeapUsedSize"] / 1e6
    memory = renderer_memory_mb()
    if memory is not None:
        values[RSS], values[USS] = memory
    return values


# ---- the run ------------------------------------------------------------------------------------


@contextmanager
def served(store_dir: Path, web_dir: Path | None) -> Iterator[str]:
    """`cairn ui` on the store with the build in ``web_dir`` (None: the packaged build)."""
    env = {"CAIRN_WEB_DIR": str(web_dir)} if web_dir is not None else None
    with serve(store_dir, env) as (url, _pid):
        yield url


def measure(
    browser: Browser,
    store_dir: Path,
    workspace: Workspace,
    builds: dict[str, Path | None],
    scroll: bool,
) -> dict[str, dict[str, list[float]]]:
    """Each measure of REPEATS loads of the workspace per build, the builds taking turns (first one,
    then the other first). A build whose page never draws a chart is dropped, with a note."""
    samples: dict[str, dict[str, list[float]]] = {name: {} for name in builds}
    with contextlib.ExitStack() as stack:
        urls = {name: stack.enter_context(served(store_dir, web)) for name, web in builds.items()}
        check_served(urls["now"], workspace)
        for name, url in list(urls.items()):  # warm up each server (and the OS file cache)
            try:
                load(browser, f"{url}/p/{workspace.project}", scroll=False)
            except PlaywrightError as exc:
                print(f"the {name} build draws no chart: {exc.message[:300]}", file=sys.stderr)
                del urls[name], samples[name]
        for repeat in range(REPEATS):
            turn = list(urls.items())
            for name, url in turn if repeat % 2 == 0 else reversed(turn):
                all_runs = workspace.runs if scroll else 0
                page_url = f"{url}/p/{workspace.project}"
                for key, value in load(browser, page_url, scroll, all_runs).items():
                    samples[name].setdefault(key, []).append(value)
    return samples


RECORDED: dict[str, dict[str, list[float]]] = {
    "demo-like": {FIRST_CHART: [1026], LONGEST_TASK: [221], LONG_TASKS: [1], REQUESTS: [172]},
    "1,000 runs": {
        FIRST_CHART: [1875],
        LONGEST_TASK: [151],
        REQUESTS: [231],
        FPS: [22],
        MEDIAN_FPS: [60],
        SLOW_FRAME: [200],
        HEAP: [38],
        RSS: [525],
        USS: [250],
    },
}
"""The medians of the web app of LAST_PASS, measured by this benchmark on the 2-core development
machine (2026-12-05); the table falls back to them, labelled "recorded", only when that web app
cannot be built or draws no chart any more."""


def print_table(results: dict[str, dict[str, dict[str, list[float]]]]) -> None:
    """One row per measure: the medians of the last pass and of now, their ratio, the spread of
    now's samples (max/min), the target and whether now's median meets it."""
    recorded = any("last pass" not in by_build for by_build in results.values())
    baseline = "recorded" if recorded else LAST_PASS
    header = (
        f"{'workload':13} {'measure':48} {baseline:>9} {'now':>9} {'ratio':>6} {'spread':>6}"
        f"  {'target':8} met"
    )
    print(header)
    print("-" * len(header))
    for workload, measures in MEASURES.items():
        now_samples = results[workload]["now"]
        last_samples = results[workload].get("last pass", RECORDED.get(workload, {}))
        for m in measures:
            if m.name not in now_samples:
                continue
            now = statistics.median(now_samples[m.name])
            old = statistics.median(last_samples[m.name]) if m.name in last_samples else None
            low, high = min(now_samples[m.name]), max(now_samples[m.name])
            cells = [
                f"{workload:13}",
                f"{m.name + (f', {m.unit}' if m.unit else ''):48}",
                f"{old:9.0f}" if old is not None else f"{'–':>9}",
                f"{now:9.0f}",
                f"{now / old:6.2f}" if old else f"{'–':>6}",
                f"{high / low:6.2f}" if low else f"{'–':>6}",
                f" {m.target.text if m.target else '':8}",
                ("yes" if m.target.met(now) else "NO") if m.target else "",
            ]
            print(" ".join(cells))
    if recorded:
        print(f"(recorded: the web app of {LAST_PASS} did not run; see RECORDED in {__file__})")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="cairn-bench-workspace-") as tmp_name:
        tmp = Path(tmp_name)
        t = time.perf_counter()
        builds: dict[str, Path | None] = {"now": None}
        last_pass = build_last_pass(tmp / "last-pass-web")
        if last_pass is not None:
            builds = {"last pass": last_pass, **builds}
        stores = {
            "demo-like": (tmp / "demo", DEMO),
            "1,000 runs": (tmp / "large", LARGE),
            "2,000 metrics": (tmp / "wide", WIDE),
        }
        with contextlib.redirect_stderr(io.StringIO()):  # the SDK's "run finished" lines
            build_demo_like(stores["demo-like"][0])
            build_large(stores["1,000 runs"][0])
            build_wide(stores["2,000 metrics"][0])
        print(
            f"built the web app and the stores in {time.perf_counter() - t:.0f} s", file=sys.stderr
        )
        results: dict[str, dict[str, dict[str, list[float]]]] = {}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for workload, (store_dir, workspace) in stores.items():
                scroll = workspace is LARGE
                results[workload] = measure(browser, store_dir, workspace, builds, scroll)
            browser.close()
    print()
    print(
        f"demo-like: {DEMO.runs} runs x {len(DEMO.metric_keys)} metric keys, "
        f"{len(DEMO.media_keys)} media keys | 1,000 runs: {len(LARGE.metric_keys)} metric keys, "
        f"{len(LARGE.media_keys)} media keys on {LARGE.media_runs} runs | 2,000 metrics: "
        f"{WIDE.runs} runs x {len(WIDE.metric_keys):,} metric names"
    )
    print(
        f"median of {REPEATS} loads per build, fresh context each, Chromium "
        f"{VIEWPORT['width']}x{VIEWPORT['height']}; {LAST_PASS} = the web app at that commit, "
        "served by the current server"
    )
    print_table(results)


if __name__ == "__main__":
    main()
