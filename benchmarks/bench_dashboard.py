"""Dashboard benchmark: time to the first drawn chart of a 1,000-run workspace with 20 panels,
in headless Chromium against a real `cairn ui` server. Prints a table; asserts nothing.

Target (issue #3): ≤ 2 s from navigation to the first chart drawn.
"""

from __future__ import annotations

import math
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from cairn.journal.records import History, RunFinish, RunStart
from cairn.store.store import Store

RUNS = 1_000
KEYS = [f"{section}/metric_{i}" for section in ("train", "val") for i in range(10)]
STEPS = 200
REPEATS = 3
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DRAWN = "[data-testid=chart-panel][data-state=ready]"


def build_store(store_dir: Path) -> None:
    store = Store.local(store_dir)
    t0 = 1_750_000_000.0
    for r in range(RUNS):
        run_id = f"run{r:05d}"
        records: list = [
            RunStart(
                seq=1,
                run_id=run_id,
                project="bench",
                name=f"run-{r}",
                created_at=t0 + r,
                config={"lr": 10 ** -(1 + r % 4), "width": 32 * (1 + r % 8), "seed": r},
            )
        ]
        for step in range(STEPS):
            values = {
                key: math.exp(-step / (50 + r % 40)) + 0.01 * ((step * (k + 1) + r) % 7)
                for k, key in enumerate(KEYS)
            }
            records.append(History(seq=step + 2, step=step, ts=t0 + r + step, values=values))
        records.append(RunFinish(seq=STEPS + 2, ts=t0 + r + STEPS))
        store.apply(run_id, records)
    store.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        store_dir = Path(tmp) / ".cairn"
        t = time.perf_counter()
        build_store(store_dir)
        print(
            f"built {RUNS} runs x {len(KEYS)} keys x {STEPS} steps in {time.perf_counter() - t:.1f} s",
            file=sys.stderr,
        )
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "cairn", "ui", "--dir", str(store_dir), "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"{url}/api/v1/projects", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            timings = []
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                for _ in range(REPEATS):
                    page = browser.new_page(viewport={"width": 1600, "height": 1000})
                    t = time.perf_counter()
                    page.goto(f"{url}/p/bench")
                    page.wait_for_selector(DRAWN, timeout=60_000)
                    timings.append(time.perf_counter() - t)
                    panels = page.locator("[data-testid=chart-panel]").count()
                    page.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(10)
    first = statistics.median(timings)
    print()
    print(f"{'metric':52} {'value':>10}  {'target':10} met")
    print("-" * 80)
    print(
        f"{f'first chart drawn, {RUNS} runs x {len(KEYS)} panels, s':52} {first:10.2f}  {'≤ 2':10} {'yes' if first <= 2 else 'NO'}"
    )
    print(f"{'panels in the workspace':52} {panels:10d}")


if __name__ == "__main__":
    main()
