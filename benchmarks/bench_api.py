"""API benchmark: the dashboard's JSON API, served by a real `cairn ui` process, timed with httpx.

Fixed workloads:
1. 10,000 runs with 30 config and 20 summary keys; the runs API filtered and sorted by a summary
   key, first page of 100 (target ≤ 150 ms).
2. 100 runs x 100,000 steps of one key; the series API for all of them (target ≤ 300 ms).

Stores are built fast: journal records applied straight to the store, many runs per transaction.
Prints a table; it asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from cairn.journal.records import History, Record, RunFinish, RunStart, SummaryUpdate
from cairn.store import Store
from cairn.store.apply import apply_records

RUNS = 10_000
CONFIG_KEYS = 30
SUMMARY_KEYS = 20
SERIES_RUNS = 100
SERIES_STEPS = 100_000
REPEATS = 15
T0 = 1_700_000_000.0


# ---- building stores -----------------------------------------------------------------------


def apply_many(store: Store, batches: Iterator[tuple[str, list[Record]]], per_txn: int) -> None:
    """Apply the records of many runs, ``per_txn`` runs per write transaction."""
    pending: list[tuple[str, list[Record]]] = []

    def flush() -> None:
        with store._write() as conn:
            for run_id, records in pending:
                apply_records(conn, store.blobs, run_id, records)
        pending.clear()

    for item in batches:
        pending.append(item)
        if len(pending) >= per_txn:
            flush()
    if pending:
        flush()


def wide_runs(rng: np.random.Generator) -> Iterator[tuple[str, list[Record]]]:
    """RUNS finished runs, each with CONFIG_KEYS config values and SUMMARY_KEYS summary values."""
    optimizers = ["adam", "sgd", "adamw", "lion"]
    for i in range(RUNS):
        config: dict[str, Any] = {f"hp_{k}": float(rng.random()) for k in range(CONFIG_KEYS - 4)}
        config.update(
            optimizer=optimizers[i % 4],
            seed=i,
            model={"width": int(2 ** (5 + i % 4)), "depth": int(1 + i % 6)},
        )
        summary = {f"metric_{k}": float(rng.random()) for k in range(SUMMARY_KEYS - 1)}
        summary["val/acc"] = float(rng.random())
        run_id = f"w{i:07d}"
        yield (
            run_id,
            [
                RunStart(
                    seq=1,
                    run_id=run_id,
                    project="wide",
                    name=f"run-{i}",
                    created_at=T0 + i,
                    config=config,
                    tags=["bench", f"group{i % 10}"],
                ),
                SummaryUpdate(seq=2, set=summary),
                RunFinish(seq=3, ts=T0 + i + 60),
            ],
        )


def long_run(run_id: str, rng: np.random.Generator) -> Iterator[tuple[str, list[Record]]]:
    """One run of SERIES_STEPS steps of ``loss`` (a noisy random walk), in sealing-size batches."""
    loss = (np.cumsum(rng.normal(0, 0.01, SERIES_STEPS)) + 2.0).tolist()
    yield run_id, [RunStart(seq=1, run_id=run_id, project="long", name=run_id, created_at=T0)]
    batch = 10_000
    for start in range(0, SERIES_STEPS, batch):
        records: list[Record] = [
            History(seq=2 + s, step=s, ts=T0 + s * 0.01, values={"loss": loss[s]})
            for s in range(start, min(start + batch, SERIES_STEPS))
        ]
        yield run_id, records
    yield run_id, [RunFinish(seq=2 + SERIES_STEPS, ts=T0 + SERIES_STEPS * 0.01)]


def build(root: Path) -> Path:
    store_dir = root / ".cairn"
    store = Store.local(store_dir)
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    apply_many(store, wide_runs(rng), per_txn=1000)
    t1 = time.perf_counter()
    print(f"built {RUNS:,} wide runs in {t1 - t0:.1f} s", file=sys.stderr)
    for r in range(SERIES_RUNS):
        apply_many(store, long_run(f"l{r:04d}", rng), per_txn=1)
    print(
        f"built {SERIES_RUNS} runs x {SERIES_STEPS:,} steps in {time.perf_counter() - t1:.1f} s",
        file=sys.stderr,
    )
    store.close()
    return store_dir


# ---- serving and timing ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), or None where there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def serve(store_dir: Path, env: Mapping[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """`cairn ui` on the store, in its own process (``env`` added to its environment); yields its
    base URL and pid once it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cairn", "ui", "--dir", str(store_dir), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        env={**os.environ, **env} if env else None,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                httpx.get(f"{url}/api/v1/projects", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("cairn ui did not start") from None
                time.sleep(0.1)
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(10)


def timed(
    call: Callable[[], httpx.Response], check: Callable[[Any], bool], pid: int
) -> tuple[float, float | None, int]:
    """Median wall time in ms of REPEATS calls (after two warm-ups), the server's mean CPU ms per
    call (steadier than wall time on a busy machine), and the body size."""
    for _ in range(2):
        response = call()
        response.raise_for_status()
        assert check(response.json()), response.text[:300]
    times = []
    cpu0 = cpu_seconds(pid)
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - t0) * 1e3)
        response.raise_for_status()
    cpu1 = cpu_seconds(pid)
    cpu = None if cpu0 is None or cpu1 is None else (cpu1 - cpu0) / REPEATS * 1e3
    return statistics.median(times), cpu, len(response.content)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = build(Path(tmp))
        with (
            serve(store_dir) as (url, pid),
            httpx.Client(base_url=f"{url}/api/v1", timeout=60) as client,
        ):
            runs_url = "/projects/wide/runs"
            filtered = {"filter": "summary.val/acc > 0.5", "order": "-summary.val/acc"}
            long_ids = [f"l{r:04d}" for r in range(SERIES_RUNS)]
            cases = [
                (
                    f"runs: {RUNS:,} runs, filter+sort by summary, page 1",
                    lambda: client.get(runs_url, params=filtered),
                    lambda b: b["total"] > 4000 and len(b["runs"]) == 100,
                    150.0,
                ),
                (
                    "runs: same, 5 columns picked",
                    lambda: client.get(
                        runs_url,
                        params={
                            **filtered,
                            "columns": "config.hp_0,config.model.width,summary.val/acc,"
                            "summary.metric_0,summary.metric_1",
                        },
                    ),
                    lambda b: len(b["runs"]) == 100,
                    None,
                ),
                (
                    "runs: no filter, default order, page 1",
                    lambda: client.get(runs_url),
                    lambda b: b["total"] == RUNS,
                    None,
                ),
                (
                    "runs: quick search, page 1",
                    lambda: client.get(runs_url, params={"search": "group3"}),
                    lambda b: b["total"] == RUNS // 10,
                    None,
                ),
                (
                    f"columns of {RUNS:,} runs",
                    lambda: client.get("/projects/wide/columns"),
                    lambda b: len(b["config"]) == CONFIG_KEYS,
                    None,
                ),
                (
                    f"series: {SERIES_RUNS} runs x {SERIES_STEPS:,} steps, 1 key",
                    lambda: client.post(
                        "/projects/long/series", json={"run_ids": long_ids, "keys": ["loss"]}
                    ),
                    lambda b: (
                        len(b["series"]) == SERIES_RUNS
                        and all(len(s["x"]) <= 1500 for s in b["series"])
                    ),
                    300.0,
                ),
                (
                    "series: same, zoomed to steps 40,000-60,000",
                    lambda: client.post(
                        "/projects/long/series",
                        json={
                            "run_ids": long_ids,
                            "keys": ["loss"],
                            "x_min": 40_000,
                            "x_max": 60_000,
                        },
                    ),
                    lambda b: len(b["series"]) == SERIES_RUNS,
                    None,
                ),
                (
                    "series: 1 run x 100,000 steps",
                    lambda: client.post(
                        "/projects/long/series", json={"run_ids": long_ids[:1], "keys": ["loss"]}
                    ),
                    lambda b: len(b["series"]) == 1,
                    None,
                ),
            ]
            title = f"request (median of {REPEATS})"
            print(f"\n{title:52} {'ms':>8} {'CPU ms':>8} {'KB':>8}  target  met")
            print("-" * 95)
            for name, call, check, target in cases:
                ms, cpu, size = timed(call, check, pid)
                met = "" if target is None else ("yes" if ms <= target else "NO")
                shown = "-" if target is None else f"≤ {target:.0f}"
                cpu_text = "-" if cpu is None else f"{cpu:.0f}"
                print(f"{name:52} {ms:8.1f} {cpu_text:>8} {size / 1024:8.1f}  {shown:6}  {met}")
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    print(
        f"\n({os.cpu_count()} CPUs{load}; ms: wall time at the client; CPU ms: the server "
        "process's CPU time per request, all threads; one `cairn ui` process, SQLite store)"
    )


if __name__ == "__main__":
    main()
