"""Report page benchmark: a report of 10 live line panels (each over 20 runs of 5,000 steps) and 10
Markdown blocks, against a real `cairn ui` server. Times the API calls the page makes (read the
report, one panel's data, a Markdown preview, a save of all 20 blocks) beside the workspace's own
`/series` request for the same lines (the baseline: a panel's data is that read plus the runs
lookup), and, in headless Chromium, the time from navigation until every panel is drawn. Prints a
table; asserts nothing.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from bench_api import serve
from bench_workspace import CHROMIUM_ARGS

from cairn.journal.records import History, RunFinish, RunStart
from cairn.store.store import Store

RUNS = 20
STEPS = 5_000
PANELS = 10
REPEATS = 5
PAGE_REPEATS = 3
KEYS = [f"m{i}" for i in range(PANELS)]
DRAWN = f"""() => {{
    const charts = document.querySelectorAll('[data-testid=panel-chart]');
    return charts.length === {PANELS} &&
        [...charts].every((c) => Number(c.dataset.lines) === {RUNS} && c.querySelector('canvas'));
}}"""


def build_store(store_dir: Path) -> None:
    store = Store.local(store_dir)
    t0 = 1_750_000_000.0
    for r in range(RUNS):
        run_id = f"run{r:03d}"
        records: list[Any] = [
            RunStart(seq=1, run_id=run_id, project="bench", name=f"run-{r}", created_at=t0 + r)
        ]
        for step in range(STEPS):
            values = {key: (k + 1) / (1 + step * (r + 1) / 1000) for k, key in enumerate(KEYS)}
            records.append(History(seq=step + 2, step=step, ts=t0 + step, values=values))
        records.append(RunFinish(seq=STEPS + 2, ts=t0 + STEPS))
        store.apply(run_id, records)
    store.close()


def timed(call: Any) -> float:
    times = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        call().raise_for_status()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    from playwright.sync_api import sync_playwright

    blocks: list[dict[str, Any]] = []
    for key in KEYS:
        blocks.append({"kind": "markdown", "text": f"## {key}\n\nThe **{key}** curves, " * 3})
        blocks.append({"kind": "line", "keys": [key]})
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = Path(tmp) / ".cairn"
        build_store(store_dir)
        with serve(store_dir) as (url, _pid), httpx.Client(base_url=f"{url}/api/v1") as api:
            base = "/projects/bench/reports"
            made = api.post(base, json={"title": "Bench", "blocks": blocks}, timeout=60).json()
            report = f"{base}/{made['id']}"
            run_ids = [f"run{r:03d}" for r in range(RUNS)]
            rows = {
                "GET the report (20 blocks, Markdown rendered)": timed(lambda: api.get(report)),
                "POST render/panel: one line panel, 20 runs": timed(
                    lambda: api.post(f"{base}/render/panel", json={"panel": blocks[1]}, timeout=60)
                ),
                "  baseline: POST /series, the same 20 lines": timed(
                    lambda: api.post(
                        "/projects/bench/series",
                        json={"run_ids": run_ids, "keys": [KEYS[0]], "max_points": 1500},
                        timeout=60,
                    )
                ),
                "POST render/markdown (one block)": timed(
                    lambda: api.post(f"{base}/render/markdown", json={"text": blocks[0]["text"]})
                ),
            }
            saves = []
            for _ in range(REPEATS):
                version = api.get(report).json()["version"]
                t = time.perf_counter()
                api.put(report, json={"base_version": version, "blocks": blocks}).raise_for_status()
                saves.append(time.perf_counter() - t)
            rows["PUT a save of the 20 blocks"] = statistics.median(saves)
            drawn = []
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                for _ in range(PAGE_REPEATS):
                    page = browser.new_page(viewport={"width": 1600, "height": 1000})
                    t = time.perf_counter()
                    page.goto(f"{url}/p/bench/reports/{made['id']}")
                    page.wait_for_function(DRAWN, timeout=120_000)
                    drawn.append(time.perf_counter() - t)
                    page.close()
                browser.close()
    print()
    print(f"{'metric (median)':60} {'seconds':>10}")
    print("-" * 72)
    for name, seconds in rows.items():
        print(f"{name:60} {seconds:10.3f}")
    label = f"report page, {PANELS} line panels x {RUNS} runs drawn ({PAGE_REPEATS} loads)"
    print(f"{label:60} {statistics.median(drawn):10.2f}")
    ratio = (
        rows["POST render/panel: one line panel, 20 runs"]
        / rows["  baseline: POST /series, the same 20 lines"]
    )
    print(f"{'panel data / baseline series (ratio)':60} {ratio:10.2f}")


if __name__ == "__main__":
    main()
