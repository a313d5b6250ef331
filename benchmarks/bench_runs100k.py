"""The runs table of a 100,000-run project (issue 17), as the dashboard asks for it, against a real
`cairn ui` process on the cached store of ``stores100k.py`` (SQLite), then against a real
`cairn server` (one worker, an API key) on the same project built into PostgreSQL (a throw-away
cluster kept in benchmarks/.cache, local blob folder). The cluster is built with durability off and
measured after a CHECKPOINT and a restart with PostgreSQL's default settings (``stores100k``).

Rows: the runs table's first page (500 runs, the dashboard's page, default order) on a server
that just started (COLD_STARTS starts), then again warm; a filter + sort on a summary key; the last
page; the column list; the project list; the metric-key list (2,000 names); the server's RSS at rest after those,
and its peak while the requests ran. Each warm row is REPEATS requests after one warm-up, p50 and
p95 of the wall time at the client.

Prints a table and asserts nothing. Usage:
python benchmarks/bench_runs100k.py [RUNS] [--pg-runs N] (RUNS: SQLite's size; N: PostgreSQL's,
RUNS unless given; 0 leaves that store out)
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import psutil
from bench_api import serve
from stores100k import PROJECT, RUNS, cached_pg_store, cached_store
from team_server import api_key
from timing import percentiles

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.fakes.memory import PeakRss
from tests.fakes.server import serve_command

Started = tuple[str, int, dict[str, str]]
"""A server that answers: its base URL, its pid and the headers a request needs."""

REPEATS = 20
COLD_STARTS = 5
PAGE = 500  # the dashboard's page of runs (web/src/features/runs/state/queries.ts)


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


@contextmanager
def local_ui(store_dir: Path) -> Iterator[Started]:
    """`cairn ui` on the SQLite store (no sign-in)."""
    with serve(store_dir) as (url, pid):
        yield url, pid, {}


@contextmanager
def team(db: str, blobs: Path, key: str) -> Iterator[Started]:
    """`cairn server` (one worker) on database ``db``, asked with API key ``key``."""
    env = {"CAIRN_DB": db, "CAIRN_BLOBS": str(blobs)}
    with serve_command(["server"], env=env, timeout=60) as server:
        yield server.url, server.process.pid, {"Authorization": f"Bearer {key}"}


def measure(
    start: Callable[[], AbstractContextManager[Started]], runs: int
) -> list[tuple[str, str, float, float | None, str]]:
    """(row, unit, p50, p95, target) for each row of the table, each server made by ``start``."""
    page = {"limit": PAGE}
    filtered = {"filter": "summary.val/acc > 0.5", "order": "-summary.val/acc", "limit": PAGE}
    runs_url = f"/projects/{PROJECT}/runs"
    cold = []
    for _ in range(COLD_STARTS):
        with (
            start() as (url, _pid, headers),
            httpx.Client(base_url=f"{url}/api/v1", headers=headers, timeout=300) as client,
        ):
            started = time.perf_counter()
            body = client.get(runs_url, params=page).raise_for_status().json()
            cold.append(time.perf_counter() - started)
            assert body["total"] == runs and len(body["runs"]) == min(PAGE, runs), body["total"]
    rows: list[tuple[str, str, float, float | None, str]] = [
        (f"runs page 1 ({PAGE}), default order, cold", "ms", *percentiles(cold), "≤ 1000")
    ]
    with (
        start() as (url, pid, headers),
        httpx.Client(base_url=f"{url}/api/v1", headers=headers, timeout=300) as client,
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
                lambda b: (
                    0.4 * runs < b["total"] < 0.6 * runs and len(b["runs"]) == min(PAGE, b["total"])
                ),
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


def print_rows(store: str, rows: list[tuple[str, str, float, float | None, str]]) -> None:
    for name, unit, p50, p95, target in rows:
        p95_text = "-" if p95 is None else f"{p95:.0f}"
        worst = p50 if p95 is None else p95
        print(
            f"{store:18} {name:46} {p50:8.0f} {p95_text:>8}  {unit:4}  {target:6}  "
            f"{met(worst, target)}"
        )


def main() -> None:
    args = sys.argv[1:]
    pg_runs = None
    if "--pg-runs" in args:
        at = args.index("--pg-runs")
        pg_runs = int(args[at + 1])
        del args[at : at + 2]
    runs = int(args[0]) if args else RUNS
    pg_runs = runs if pg_runs is None else pg_runs
    print(
        "\nstores: runs x (50 config + 30 summary keys), 2,000 metric names (fewer below 500 runs)"
    )
    print(
        f"{'store (server)':18} {'p50/p95 of ' + str(REPEATS) + '; cold: ' + str(COLD_STARTS) + ' starts':46} {'p50':>8} {'p95':>8}  unit  target  met"
    )
    print("-" * 104)
    if runs:
        store_dir, seconds = cached_store(runs)
        built = "found in benchmarks/.cache" if seconds is None else f"built in {seconds:.0f} s"
        print(f"SQLite, {runs:,} runs: {built}")
        print_rows(f"SQLite {runs:,}", measure(lambda: local_ui(store_dir), runs))
    if pg_runs:
        with cached_pg_store(pg_runs) as (db, blobs, seconds):
            built = "found in benchmarks/.cache" if seconds is None else f"built in {seconds:.0f} s"
            print(f"PostgreSQL, {pg_runs:,} runs: {built} (`cairn server`, API key)")
            key = api_key(db, dict(os.environ), viewer_of=PROJECT)
            print_rows(f"PostgreSQL {pg_runs:,}", measure(lambda: team(db, blobs, key), pg_runs))
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    print(f"\n({os.cpu_count()} CPUs{load}; wall time at the client, one server process)")


if __name__ == "__main__":
    main()
