"""Creating many short runs from many processes at once (issue 17): a sweep or a grid of short jobs.

Fixed workload: WORKERS processes start together; each creates its share of RUNS runs in a loop,
as a sweep agent or a notebook does: ``cairn.init(project="grid", config={50 keys})``, 3
``log()`` calls, 2 summary values, ``finish()``, capture off. Into (a) one local SQLite store
(every worker's ``CAIRN_DIR`` the same folder), (b) a real ``cairn server --workers 2`` on
PostgreSQL (a throw-away cluster and moto S3, as ``bench_server.py`` starts them; online mode,
the HTTP sink). Baseline in the same run: the same processes writing one JSON-lines file per run
(config, rows and summary, closed; no fsync). A last row starts one process per run (interpreter
start and ``import cairn`` included) for PER_PROCESS runs into the local store.

Measured: runs/s sustained (runs over the wall time from the workers' start to the last
finish()), p50/p95 of init() and finish(), the share of each run's time in init(), log+summary
and finish(). Checked: the store holds every run, finished, each with its own number (through
the server: once its applier, which applies batches after acknowledging them, has applied them;
"whole +N s" says how long after the last finish() that took).

Prints a table and asserts nothing. The clients and the server share this machine's cores.
Usage: python benchmarks/bench_run_creation.py [RUNS [WORKERS,WORKERS... [PER_PROCESS]]]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from sqlalchemy import create_engine, text  # noqa: E402
from team_server import QUIET, team_server  # noqa: E402

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 4_000
WORKERS = [int(w) for w in sys.argv[2].split(",")] if len(sys.argv) > 2 else [8, 16]
PER_PROCESS = int(sys.argv[3]) if len(sys.argv) > 3 else 200

WORKER = """
import json, sys, time
kind, runs, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3]
began = time.perf_counter()
import cairn
imported = time.perf_counter() - began
config = {f"hp{j}": j * 0.5 if j % 2 else f"choice{j}" for j in range(50)}
timings = {"init": [], "body": [], "finish": []}
start = time.time()
for i in range(runs):
    t0 = time.perf_counter()
    if kind == "jsonl":
        out = open(f"{folder}/run{i}.jsonl", "w")
        out.write(json.dumps({"config": config}) + "\\n")
    else:
        run = cairn.init(project="grid", config=config)
    t1 = time.perf_counter()
    for step in range(3):
        row = {"loss": 1.0 / (step + 1), "acc": step / 3}
        if kind == "jsonl":
            out.write(json.dumps({"step": step, **row}) + "\\n")
        else:
            run.log(row)
    if kind == "jsonl":
        out.write(json.dumps({"summary": {"best": 0.5, "epochs": 3}}) + "\\n")
    else:
        run.summary["best"] = 0.5
        run.summary["epochs"] = 3
    t2 = time.perf_counter()
    if kind == "jsonl":
        out.close()
    else:
        run.finish(quiet=True)
    t3 = time.perf_counter()
    timings["init"].append(t1 - t0)
    timings["body"].append(t2 - t1)
    timings["finish"].append(t3 - t2)
print(json.dumps({"start": start, "done": time.time(), "import": imported, **timings}))
"""


def run_workers(
    tmp: Path, kind: str, workers: int, env: dict[str, str], shared_dir: bool
) -> tuple[float, list[dict[str, Any]]]:
    """WORKERS processes started at once, each creating RUNS // workers runs; their reports."""
    script = tmp / "worker.py"
    script.write_text(WORKER)
    procs = []
    started = time.time()
    for i in range(workers):
        folder = tmp / f"worker{i}"
        folder.mkdir()
        store = tmp / "store" if shared_dir else folder / ".cairn"
        procs.append(
            subprocess.Popen(
                [sys.executable, str(script), kind, str(RUNS // workers), str(folder)],
                cwd=folder,
                env={**env, "CAIRN_DIR": str(store)},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=3600)
        if proc.returncode != 0:
            raise SystemExit(f"a worker failed:\n{err}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return started, results


def one_process_per_run(tmp: Path, workers: int, env: dict[str, str]) -> tuple[float, list[Any]]:
    """PER_PROCESS runs into the local store, each in a new process, ``workers`` at a time."""
    script = tmp / "worker.py"
    script.write_text(WORKER)
    (tmp / "one").mkdir()
    run_env = {**env, "CAIRN_DIR": str(tmp / "store")}

    def one(_: int) -> dict[str, Any]:
        out = subprocess.run(
            [sys.executable, str(script), "cairn", "1", str(tmp / "one")],
            cwd=tmp / "one",
            env=run_env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return json.loads(out.strip().splitlines()[-1])

    started = time.time()
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(one, range(PER_PROCESS)))
    return started, results


def stored(db: str, expected: int, wait: float = 0.0) -> str:
    """'whole' when the store holds ``expected`` finished runs with distinct names, else what it
    has (finished/names/expected). ``wait``: seconds to wait for a team server's applier, which
    applies batches after acknowledging them; 'whole +N s' says how long that took."""
    engine = create_engine(db)
    began = time.monotonic()
    while True:
        with engine.connect() as conn:
            finished, names = conn.execute(
                text("SELECT count(*), count(DISTINCT name) FROM runs WHERE state = 'finished'")
            ).one()
        late = time.monotonic() - began
        if finished == names == expected or late >= wait:
            break
        time.sleep(0.5)
    engine.dispose()
    if finished == names == expected:
        return f"whole +{late:.0f}s" if late >= 0.5 else "whole"
    return f"{finished}/{names}/{expected}"


def row(label: str, started: float, results: list[dict[str, Any]], check: str) -> dict[str, Any]:
    wall = max(r["done"] for r in results) - started
    runs = sum(len(r["init"]) for r in results)
    parts = {k: [x for r in results for x in r[k]] for k in ("init", "body", "finish")}
    total = sum(sum(v) for v in parts.values())

    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000

    return {
        "label": label,
        "runs": runs,
        "runs_s": runs / wall,
        "wall": wall,
        "init50": pct(parts["init"], 0.5),
        "init95": pct(parts["init"], 0.95),
        "fin50": pct(parts["finish"], 0.5),
        "fin95": pct(parts["finish"], 0.95),
        "shares": "/".join(
            f"{sum(parts[k]) / total * 100:.0f}" for k in ("init", "body", "finish")
        ),
        "import": statistics.median(r["import"] for r in results) * 1000,
        "check": check,
    }


def print_row(r: dict[str, Any], baseline: float) -> None:
    print(
        f"{r['label']:<34}{r['runs']:>7,}{r['runs_s']:>9,.0f}{r['runs_s'] / baseline:>8.3f}"
        f"{r['wall']:>8.1f}{r['init50']:>8.1f}{r['init95']:>8.1f}{r['fin50']:>8.1f}"
        f"{r['fin95']:>8.1f}{r['shares']:>12}{r['import']:>9.0f}{r['check']:>12}"
    )


def main() -> None:
    load = os.getloadavg()
    print(
        f"creating runs: {RUNS:,} runs per row (50 config keys, 3 log() calls, 2 summary values, "
        f"capture off), {os.cpu_count()} cores shared by workers, server and the rest of the "
        f"machine; load average at start {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    print(
        f"{'workers, sink':<34}{'runs':>7}{'runs/s':>9}{'x jsonl':>8}{'wall s':>8}"
        f"{'init50':>8}{'init95':>8}{'fin50':>8}{'fin95':>8}{'% i/b/f':>12}{'import':>9}"
        f"{'stored':>12}   (times in ms)"
    )
    env = {**os.environ, **QUIET}
    baselines: dict[int, float] = {}
    for workers in WORKERS:
        with tempfile.TemporaryDirectory() as tmp:
            started, results = run_workers(Path(tmp), "jsonl", workers, env, shared_dir=False)
            base = row(f"{workers} x JSON-lines file (baseline)", started, results, "-")
        print_row(base, base["runs_s"])
        baselines[workers] = base["runs_s"]
        with tempfile.TemporaryDirectory() as tmp:
            started, results = run_workers(Path(tmp), "cairn", workers, env, shared_dir=True)
            check = stored(
                f"sqlite:///{Path(tmp) / 'store' / 'cairn.db'}", len(results) * (RUNS // workers)
            )
            print_row(
                row(f"{workers} x local SQLite store", started, results, check), base["runs_s"]
            )
        with tempfile.TemporaryDirectory() as tmp:
            with team_server("postgresql", Path(tmp)) as (server, key, db, _blobs, server_env):
                client_env = {**server_env, **QUIET, "CAIRN_URL": server.url, "CAIRN_API_KEY": key}
                started, results = run_workers(Path(tmp), "cairn", workers, client_env, False)
                check = stored(db, len(results) * (RUNS // workers), wait=300)
            label = f"{workers} x server, PostgreSQL"
            print_row(row(label, started, results, check), base["runs_s"])
    workers = WORKERS[0]
    with tempfile.TemporaryDirectory() as tmp:
        started, results = one_process_per_run(Path(tmp), workers, env)
        check = stored(f"sqlite:///{Path(tmp) / 'store' / 'cairn.db'}", PER_PROCESS)
        r = row(f"{workers} at a time, 1 process per run", started, results, check)
        print_row(r, baselines[workers])
    print("% i/b/f: share of the runs' time in init() / log()+summary / finish()")


if __name__ == "__main__":
    main()
