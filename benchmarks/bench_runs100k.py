"""The runs table of a 100,000-run project (issue 17), as the dashboard asks for it, against a real
`cairn ui` process on the cached store of ``stores100k.py`` (SQLite).

Rows: the runs table's first page (500 runs, the dashboard's page, default order) on a server
that just started (COLD_STARTS starts), then again warm; a filter + sort on a summary key; the last
page; the column list; the project list; the metric-key list (2,000 names); the server's RSS at rest after those,
and its peak while the requests ran. Each warm row is REPEATS requests after one warm-up, p50 and
p95 of the wall time at the client.

Prints a table and asserts nothing. Usage: python benchmarks/bench_runs100k.py [RUNS]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psutil
from bench_api import serve
from stores100k import PROJECT, RUNS, cached_store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.fakes.memory import PeakRss

REPEATS = 20
COLD_STARTS = 5
PAGE = 500  # the dashboard's page of runs (web/src/features/runs/state/queries.ts)


def percentiles(times: list[float]) -> tuple[float, float]:
    """p50 and p95 in ms of times in seconds (nearest rank)."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered) + 0.5) - 1)]
    return statistics.median(ordered) * 1e3, p95 * 1e3


def timed(call: Callable[[], httpx.Response], check: Callable[[Any], bool]) -> list[float]:
    """REPEATS wall times of ``call`` after a warm-up, each response checked."""
    response = call()
    response.raise_for_status()
    assert check(response.json()), response.text[:300]
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        call().raise_for_status()
        times.append(time.perf_counter() - started)
    return times


def measure(store_dir: Path, runs: int) -> list[tuple[str, str, float, float | None, str]]:
    """(row, unit, p50, p95, target) for each row of the table."""
    page = {"limit": PAGE}
    filtered = {"filter": "summary.val/acc > 0.5", "order": "-summary.val/acc", "limit": PAGE}
    runs_url = f"/projects/{PROJECT}/runs"
    cold = []
    for _ in range(COLD_STARTS):
        with (
            serve(store_dir) as (url, _pid),
            httpx.Client(base_url=f"{url}/api/v1", timeout=300) as client,
        ):
            started = time.perf_counter()
            body = client.get(runs_url, params=page).raise_for_status().json()
            cold.append(time.perf_counter() - started)
            assert body["total"] == runs and len(body["runs"]) == min(PAGE, runs), body["total"]
    rows: list[tuple[str, str, float, float | None, str]] = [
        (f"runs page 1 ({PAGE}), default order, cold", "ms", *percentiles(cold), "≤ 1000")
    ]
    with (
        serve(store_dir) as (url, pid),
        httpx.Client(base_url=f"{url}/api/v1", timeout=300) as client,
        PeakRss(pid, interval=0.05) as peak,
    ):
        cases: list[tuple[str, Callable[[], httpx.Response], Callable[[Any], bool], str]] = [
            (
                f"runs page 1 ({PAGE}), default order, warm",
                lambda: client.get(runs_url, params=page),
                lambda b: b["total"] == runs,
                "≤ 1000",
            ),
            (
                "filter + sort on a summary key, page 1",
                lambda: client.get(runs_url, params=filtered),
                lambda b: 0.4 * runs < b["total"] < 0.6 * runs and len(b["runs"]) == PAGE,
                "≤ 500",
            ),
            (
                "runs last page, default order",
                lambda: client.get(runs_url, params={**page, "offset": runs - PAGE}),
                lambda b: len(b["runs"]) == PAGE,
                "-",
            ),
            (
                "column list",
                lambda: client.get(f"/projects/{PROJECT}/columns"),
                lambda b: len(b["config"]) == 50,
                "≤ 200",
            ),
            (
                "project list (run counts)",
                lambda: client.get("/projects"),
                lambda b: any(p["run_count"] == runs for p in b),
                "-",
            ),
            (
                "metric keys of every run",
                lambda: client.post(f"/projects/{PROJECT}/metric-keys", json={"run_ids": None}),
                lambda b: len(b["keys"]) == min(2000, runs * 4),
                "-",
            ),
        ]
        for name, call, check, target in cases:
            rows.append((name, "ms", *percentiles(timed(call, check)), target))
        time.sleep(1)
        at_rest = psutil.Process(pid).memory_info().rss / 2**20
    rows.append(("server RSS at rest after the requests", "MB", at_rest, None, "≤ 300"))
    rows.append(("server peak RSS during the requests", "MB", peak.peak / 2**20, None, "-"))
    return rows


def met(value: float, target: str) -> str:
    if not target.startswith("≤ "):
        return ""
    return "yes" if value <= float(target[2:]) else "NO"


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else RUNS
    store_dir, seconds = cached_store(runs)
    built = "found in benchmarks/.cache" if seconds is None else f"built in {seconds:.0f} s"
    print(f"\nstore: {runs:,} runs x (50 config + 30 summary keys), 2,000 metric names; {built}")
    title = f"SQLite, `cairn ui` (p50/p95 of {REPEATS}; cold: {COLD_STARTS} starts)"
    print(f"{title:52} {'p50':>8} {'p95':>8}  unit  target  met")
    print("-" * 92)
    for name, unit, p50, p95, target in measure(store_dir, runs):
        p95_text = "-" if p95 is None else f"{p95:.0f}"
        worst = p50 if p95 is None else p95
        print(f"{name:52} {p50:8.0f} {p95_text:>8}  {unit:4}  {target:6}  {met(worst, target)}")
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    print(f"\n({os.cpu_count()} CPUs{load}; wall time at the client, one server process)")


if __name__ == "__main__":
    main()
