"""The team server under load: CLIENTS training processes each log STEPS steps x 10 random float
scalars to one ``cairn server`` over HTTP at once (the real SDK, its HTTP sink), on SQLite and
on PostgreSQL (a throw-away cluster, as the tests start it), the clients and the server sharing
this machine's cores.

Measured: ingest in points/s end to end (from the clients' start until the server has applied
everything: the last finish() returns once the server acknowledged all, then the server's
applier drains its ingest queue); each batch request's latency as the clients saw it (p50,
p99; a batch is up to 5,000 steps), counting the requests the server took; the requests it
refused as busy (429, ``server.ingest_gate``) and how long a batch waited from its first
request until it was taken (the flow control's wait, in the client's syncer thread); a
dashboard read during the load (``GET /projects/load/runs`` every 0.25 s, p50/p99); the queue
lag (from the last acknowledgement until all is applied), the longest any batch waited in the
queue (sampled every 0.25 s), log() per call in the clients while they shipped, the server's
CPU (cores used, over all its processes: the workers and the applier) and peak RSS. Checked:
every run's last seq in the store.

The rows (a comma-separated list as the third argument; by default ``sqlite``,
``sqlite-ungated``, ``postgresql`` and ``postgresql-appliers2``): ``sqlite`` (``--workers 2``,
the default gate), ``sqlite-ungated`` (``--ingest-concurrency 0``: every batch taken as it
comes, the server before the gate), ``sqlite-nice`` (the server's processes at nice -10, which
needs root: a server given the CPU before the training processes beside it), ``sqlite-gate2``
(two batches at once a worker instead of the default four), ``postgresql``,
``postgresql-ungated``, ``postgresql-gate2``, ``postgresql-appliers2``. Alternating rows in one sitting
(``sqlite,sqlite-ungated,sqlite,sqlite-ungated``) compares them under the same load from other
work on the machine. Given rows, only those run (not the rows without a server).

Prints a table and asserts nothing.
Usage: python benchmarks/bench_server.py [CLIENTS STEPS [ROW,...]]
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


from team_server import QUIET, team_server  # noqa: E402

from cairn.store.blobs import BlobStore  # noqa: E402
from cairn.store.store import Store  # noqa: E402

CLIENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 32
STEPS = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
ROWS = {
    "sqlite": ("sqlite", "SQLite + folder", None, (), 0),
    "sqlite-ungated": ("sqlite", "SQLite, no gate", None, ("--ingest-concurrency", "0"), 0),
    "sqlite-nice": ("sqlite", "SQLite, server nice -10", None, (), -10),
    "postgresql": ("postgresql", "PostgreSQL + S3 (moto)", None, (), 0),
    "postgresql-ungated": (
        "postgresql",
        "PostgreSQL, no gate",
        None,
        ("--ingest-concurrency", "0"),
        0,
    ),
    "postgresql-gate2": (
        "postgresql",
        "PostgreSQL, gate of 2",
        None,
        ("--ingest-concurrency", "2"),
        0,
    ),
    "sqlite-gate2": ("sqlite", "SQLite, gate of 2", None, ("--ingest-concurrency", "2"), 0),
    "postgresql-appliers2": ("postgresql", "PostgreSQL, --appliers 2", 2, (), 0),
}
"""Row name → (store, label, --appliers, more flags of the server, the server's nice value:
below 0 needs root, as in CI)."""
CHOSEN = sys.argv[3].split(",") if len(sys.argv) > 3 else None
KEYS = 10

CLIENT = """
import json, random, sys, time
import cairn
steps, keys = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(0)
rows = [{f"k{j}": rng.random() for j in range(keys)} for _ in range(1000)]
run = cairn.init(project="load")
started = time.perf_counter()
for i in range(steps):
    run.log(rows[i % 1000])
logged = time.perf_counter() - started
sink = run._syncer.sink if run._syncer is not None else None
run.finish(quiet=True)
print(json.dumps({"id": run.id, "log_us": logged / steps * 1e6, "done": time.time(),
                  "batches": list(sink.timings) if sink is not None else [],
                  "refused": list(sink.refusals) if sink is not None else [],
                  "taken_after": list(sink.taken_after) if sink is not None else [],
                  "phases": list(sink.phases) if sink is not None else []}))
"""


def server_processes(pid: int) -> list[psutil.Process]:
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def cpu_seconds(pid: int) -> float:
    """CPU seconds the server and its worker processes have used so far."""
    total = 0.0
    for proc in server_processes(pid):
        try:
            times = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def watch_server(pid: int, url: str, key: str, stop: threading.Event, out: dict[str, Any]) -> None:
    """The peak RSS of the server and its workers and applier, the longest a batch had waited
    in its ingest queue (the health route's oldest_seconds), and how long the dashboard's runs
    list took to answer, sampled every 0.25 s until ``stop``."""
    peak, waited, reads = 0, 0.0, []
    runs = f"{url}/api/v1/projects/load/runs"
    with httpx.Client(headers={"Authorization": f"Bearer {key}"}, timeout=60) as client:
        while not stop.wait(0.25):
            rss = 0
            for proc in server_processes(pid):
                try:
                    rss += proc.memory_info().rss
                except psutil.NoSuchProcess:
                    continue
            peak = max(peak, rss)
            waited = max(waited, queue_status(url)["oldest_seconds"])
            started = time.perf_counter()
            client.get(runs, params={"limit": 50})  # 404 until the first run made the project
            reads.append(time.perf_counter() - started)
    out["rss"], out["waited"], out["reads"] = peak, waited, reads


def queue_status(url: str) -> dict[str, float]:
    """The server's ingest queue: batches queued, failing, the oldest one's age."""
    ingest: dict[str, float] = httpx.get(f"{url}/api/v1/health", timeout=30).json()["ingest"]
    return ingest


def wait_applied(url: str) -> float:
    """Wait until the server applied every batch it acknowledged; returns when (time.time())."""
    while queue_status(url)["queued"]:
        time.sleep(0.01)
    return time.time()


def run_clients(tmp: Path, env: dict[str, str]) -> tuple[float, list[dict[str, Any]]]:
    """Start CLIENTS training processes at once, each in a folder of its own; their reports."""
    script = tmp / "client.py"
    script.write_text(CLIENT)
    started = time.time()
    clients = []
    for i in range(CLIENTS):
        folder = tmp / f"client{i}"
        folder.mkdir()
        clients.append(
            subprocess.Popen(
                [sys.executable, str(script), str(STEPS), str(KEYS)],
                cwd=folder,
                env={**env, "CAIRN_DIR": str(folder / ".cairn")},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    results = []
    for proc in clients:
        out, err = proc.communicate(timeout=3600)
        if proc.returncode != 0:
            raise SystemExit(f"a client failed:\n{err}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return started, results


class _Answers500(BaseHTTPRequestHandler):
    def _fail(self) -> None:
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = do_HEAD = _fail

    def log_message(self, *args: object) -> None:
        pass


def without_server(kind: str, tmp: Path) -> dict[str, float]:
    """The same clients with no server to reach: offline (the journal only, the baseline of
    log()), logging to a server that accepts connections and never answers, or to one that
    answers every request with 500."""
    env = {**os.environ, **QUIET}
    if kind == "offline":
        env["CAIRN_MODE"] = "offline"
        started, results = run_clients(tmp, env)
    elif kind == "hanging":
        hanging = socket.socket()
        hanging.bind(("127.0.0.1", 0))
        hanging.listen(1024)  # connections queue; no request is ever read
        env.update(
            CAIRN_URL=f"http://127.0.0.1:{hanging.getsockname()[1]}",
            CAIRN_API_KEY="cairn_" + "x" * 43,
            CAIRN_FINISH_TIMEOUT="2",
        )
        try:
            started, results = run_clients(tmp, env)
        finally:
            hanging.close()
    else:  # a server that answers every request with 500
        failing = ThreadingHTTPServer(("127.0.0.1", 0), _Answers500)
        failing.daemon_threads = True
        threading.Thread(target=failing.serve_forever, daemon=True).start()
        env.update(
            CAIRN_URL=f"http://127.0.0.1:{failing.server_address[1]}",
            CAIRN_API_KEY="cairn_" + "x" * 43,
            CAIRN_FINISH_TIMEOUT="2",
        )
        try:
            started, results = run_clients(tmp, env)
        finally:
            failing.shutdown()
            failing.server_close()
    wall = max(r["done"] for r in results) - started
    return {
        "points_s": CLIENTS * STEPS * KEYS / wall,
        "steps_s": CLIENTS * STEPS / wall,
        "wall": wall,
        "log_us": statistics.median(r["log_us"] for r in results),
    }


PHASES = (
    "to app",
    "to auth",
    "auth",
    "to route",
    "gate",
    "body",
    "hop",
    "decode",
    "held",
    "lock",
    "insert",
    "back",
    "after",
)
"""Where a batch request's time goes, in order: from sent until the server's app sees it
(waiting to be accepted and read, the client's own sending), then the server's phases
(``Server-Timing``, see ``cairn.server.timing``), then until the client has the answer."""


def phases_of(batch: dict[str, float]) -> dict[str, float]:
    """One batch's time by phase (seconds), from what its client recorded."""
    inside = {name: batch.get(name, 0.0) for name in PHASES[1:-1]}
    to_app = batch["arrived"] - batch["sent"]
    return {"to app": to_app, **inside, "after": batch["took"] - to_app - sum(inside.values())}


def where_time_went(results: list[dict[str, Any]]) -> dict[str, tuple[float, float]]:
    """Per phase: its mean over all batches and over the slowest 1% (ms)."""
    batches = sorted(
        (phases_of(b) for r in results for b in r["phases"]), key=lambda p: sum(p.values())
    )
    slowest = batches[int(len(batches) * 0.99) :]
    return {
        name: (
            statistics.fmean(b[name] for b in batches) * 1000,
            statistics.fmean(b[name] for b in slowest) * 1000,
        )
        for name in PHASES
    }


def one(
    backend: str,
    tmp: Path,
    appliers: int | None = None,
    more: tuple[str, ...] = (),
    nice: int = 0,
) -> dict[str, Any]:
    """One load test; ``nice``: the server's processes' nice value (the clients keep 0)."""
    with team_server(backend, tmp, appliers, more) as (server, key, db, blobs, env):
        stop: threading.Event = threading.Event()
        usage: dict[str, Any] = {}
        pid = server.process.pid
        for proc in server_processes(pid) if nice else []:
            os.setpriority(os.PRIO_PROCESS, proc.pid, nice)
        watcher = threading.Thread(target=watch_server, args=(pid, server.url, key, stop, usage))
        watcher.start()
        cpu_before = cpu_seconds(pid)
        client_env = {**env, **QUIET, "CAIRN_URL": server.url, "CAIRN_API_KEY": key}
        started, results = run_clients(tmp, client_env)
        applied = wait_applied(server.url)
        usage["cpu"] = cpu_seconds(pid) - cpu_before
        stop.set()
        watcher.join()
        store = Store(db, BlobStore(blobs), migrate=False)
        complete = sum(store.last_seq(r["id"]) > STEPS for r in results)
        store.close()
    acknowledged = max(r["done"] for r in results)
    wall = applied - started
    batches = sorted(b for r in results for b in r["batches"])
    refused = sorted(b for r in results for b in r["refused"]) or [0.0]
    taken_after = sorted(b for r in results for b in r["taken_after"])
    inside = sorted(
        sum(phases_of(b)[name] for name in PHASES[1:-1]) for r in results for b in r["phases"]
    )
    reads = sorted(usage["reads"]) or [0.0]
    return {
        "points_s": CLIENTS * STEPS * KEYS / wall,
        "steps_s": CLIENTS * STEPS / wall,
        "wall": wall,
        "p50": statistics.median(batches) * 1000,
        "p99": batches[int(len(batches) * 0.99)] * 1000,
        "server_p50": statistics.median(inside) * 1000,
        "server_p99": inside[int(len(inside) * 0.99)] * 1000,
        "refused": sum(len(r["refused"]) for r in results),
        "refused_p99": refused[int(len(refused) * 0.99)] * 1000,
        "taken_p50": statistics.median(taken_after) * 1000,
        "taken_p99": taken_after[int(len(taken_after) * 0.99)] * 1000,
        "read_p50": statistics.median(reads) * 1000,
        "read_p99": reads[int(len(reads) * 0.99)] * 1000,
        "log_us": statistics.median(r["log_us"] for r in results),
        "cores": usage["cpu"] / wall,
        "rss": usage["rss"] / 2**20,
        "lag": applied - acknowledged,
        "waited": usage["waited"],
        "complete": complete,
        "batches": len(batches),
        "phases": where_time_went(results),
    }


def main() -> None:
    print(
        f"cairn server under load: {CLIENTS} client processes x {STEPS:,} steps x {KEYS} scalars, "
        f"{os.cpu_count()} cores shared by clients and server, --workers 2; load average "
        f"before: {os.getloadavg()[0]:.1f}. Batch: the requests the server took; refused: "
        "told to come back (429); taken after: a batch's first request until taken; read: the "
        "runs list during the load"
    )
    header = (
        f"{'store':<24}{'points/s':>10}{'wall s':>8}{'batch p50/p99 ms':>18}"
        f"{'in server p50/p99':>19}{'refused':>9}"
        f"{'p99 ms':>8}{'taken after p50/p99 ms':>24}{'read p50/p99 ms':>17}{'lag s':>7}"
        f"{'log() us':>10}{'server cores':>14}{'RSS MB':>8}{'runs whole':>12}{'load avg':>10}"
    )
    print(header)
    for name in CHOSEN or ["sqlite", "sqlite-ungated", "postgresql", "postgresql-appliers2"]:
        backend, label, appliers, more, nice = ROWS[name]
        with tempfile.TemporaryDirectory() as tmp:
            r = one(backend, Path(tmp), appliers, more, nice)
        print(
            f"{label:<24}{r['points_s']:>10,.0f}{r['wall']:>8.1f}"
            f"{r['p50']:>10.0f} / {r['p99']:<5.0f}{r['server_p50']:>11.0f} / {r['server_p99']:<5.0f}"
            f"{r['refused']:>9,}{r['refused_p99']:>8.0f}"
            f"{r['taken_p50']:>15.0f} / {r['taken_p99']:<6.0f}"
            f"{r['read_p50']:>9.0f} / {r['read_p99']:<5.0f}{r['lag']:>7.2f}"
            f"{r['log_us']:>10.2f}{r['cores']:>14.2f}"
            f"{r['rss']:>8.0f}{int(r['complete']):>9}/{CLIENTS}{os.getloadavg()[0]:>10.1f}",
            flush=True,
        )
        spent = ", ".join(f"{p} {a:.0f}/{b:.0f}" for p, (a, b) in r["phases"].items())
        print(f"  where a taken batch's time went, ms (mean / slowest 1%): {spent}", flush=True)
    if CHOSEN:
        return
    for kind, label in (
        ("offline", "no server (offline)"),
        ("hanging", "a server that hangs"),
        ("failing", "a server answering 500"),
    ):
        with tempfile.TemporaryDirectory() as tmp:
            r = without_server(kind, Path(tmp))
        print(
            f"{label:<24}{r['points_s']:>10,.0f}{r['wall']:>8.1f}{'-':>18}{'-':>9}{'-':>8}"
            f"{'-':>24}{'-':>17}{'-':>7}{r['log_us']:>10.2f}{'-':>14}{'-':>8}"
            f"{'journal':>12}{os.getloadavg()[0]:>10.1f}"
        )


if __name__ == "__main__":
    main()
