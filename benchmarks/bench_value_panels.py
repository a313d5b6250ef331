"""Value panels benchmark: time from navigation until a scatter (coloured by a third key), a bar
and a scalar panel of a 1,000-run project are drawn (over the table's visible runs: the first 50
by default, as the line charts), in headless Chromium against a
real `cairn ui` server; and the time to redraw them after the theme changes. Prints a table;
asserts nothing.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

from bench_api import serve
from bench_workspace import CHROMIUM_ARGS

from cairn.journal.records import History, RunFinish, RunStart
from cairn.store.store import Store

RUNS = 1_000
STEPS = 5
REPEATS = 3
PANELS = [
    {
        "id": "s",
        "kind": "scatter",
        "keys": ["config.lr", "summary.val/acc"],
        "colorBy": "config.width",
    },
    {"id": "b", "kind": "bar", "keys": ["summary.val/acc"]},
    {"id": "n", "kind": "scalar", "keys": ["summary.val/acc"], "agg": "max"},
]
DRAWN = """() => {
    const charts = document.querySelectorAll('[data-testid=chart-panel][data-kind] [data-testid=value-chart][data-rendered=true]');
    return charts.length === 2 && document.querySelector('[data-testid=scalar]') !== null;
}"""


def build_store(store_dir: Path) -> None:
    store = Store.local(store_dir)
    t0 = 1_750_000_000.0
    for r in range(RUNS):
        run_id = f"run{r:05d}"
        config = {"lr": 10 ** -(1 + (r % 40) / 10), "width": 32 * (1 + r % 8), "seed": r}
        records: list = [
            RunStart(
                seq=1,
                run_id=run_id,
                project="bench",
                name=f"run-{r}",
                created_at=t0 + r,
                config=config,
            )
        ]
        for step in range(STEPS):
            acc = 1 - 0.5 / (1 + step) - 0.1 * ((r * 7) % 11) / 11
            records.append(
                History(seq=step + 2, step=step, ts=t0 + r + step, values={"val/acc": acc})
            )
        records.append(RunFinish(seq=STEPS + 2, ts=t0 + r + STEPS))
        store.apply(run_id, records)
    store.close()


def save_layout(url: str) -> None:
    panels = [{**p, "w": 1, "h": "m", "auto": False} for p in PANELS]
    layout = {
        "default": {
            "version": 1,
            "settings": {},
            "sections": [
                {"name": "val", "collapsed": False, "deleted": ["val/acc"], "panels": panels}
            ],
        }
    }
    request = urllib.request.Request(
        f"{url}/api/v1/projects/bench/workspace",
        data=json.dumps(layout).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).read()


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        store_dir = Path(tmp) / ".cairn"
        build_store(store_dir)
        with serve(store_dir) as (url, _pid):
            save_layout(url)
            first, retheme = [], []
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                for _ in range(REPEATS):
                    page = browser.new_page(viewport={"width": 1600, "height": 1000})
                    t = time.perf_counter()
                    page.goto(f"{url}/p/bench")
                    page.wait_for_function(DRAWN, timeout=60_000)
                    first.append(time.perf_counter() - t)
                    points = len(
                        json.loads(
                            page.locator(
                                "[data-kind=scatter] [data-testid=value-chart]"
                            ).get_attribute("data-anchors")
                        )
                    )
                    t = time.perf_counter()
                    page.evaluate("() => { document.documentElement.dataset.theme = 'dark'; }")
                    page.wait_for_function(
                        "() => document.querySelectorAll('[data-testid=value-chart][data-theme=dark]').length === 2",
                        timeout=30_000,
                    )
                    retheme.append(time.perf_counter() - t)
                    page.close()
                browser.close()
    print()
    print(f"{'metric':60} {'value':>10}")
    print("-" * 72)
    print(
        f"{f'scatter + bar + scalar drawn over {RUNS} runs, s (median of {REPEATS})':60} {statistics.median(first):10.2f}"
    )
    print(f"{'redrawn in the dark theme, s':60} {statistics.median(retheme):10.2f}")
    print(f"{'points in the scatter (the visible runs)':60} {points:10d}")


if __name__ == "__main__":
    main()
