"""Cairn beside its peers on one workload, in fresh processes: W&B, MLflow, Aim, TensorBoardX.

The workload and measurements are bench_startup's (20,000 steps x 10 random float scalars; the
import, init, log() per call, finish, whole-script wall time, peak RSS of the script and what it
started, bytes on disk per point, a cold read of one key in a new process, then the same read again
in that process, warm), run for each tracker in turn within each repeat (interleaved), median of 3. The peers live in a virtualenv of their
own (`make bench-peers` builds `.venv-peers`), never in Cairn's; Cairn and the JSON-lines
baseline run in Cairn's.

Settings, so that each does the same job (log scalars locally):
- W&B: offline, system stats, git, code and console capture off. Its offline run cannot be read
  back without a server (`wandb sync`), so its cold read is "-".
- MLflow: its file store and its SQLite store, `log_metrics(row, step=i)` per step; read with
  `MlflowClient().get_metric_history`.
- Aim: system tracking off, `run.track(value, name=key, step=i)` per key. Its cold read is "-":
  neither `Repo.query_metrics` nor `Run(hash, read_only=True).get_metric` returned the logged
  values here (Aim 3.29.1), and a read that cannot be checked is not measured.
- TensorBoardX: `add_scalar` per key, flushed at close. Its cold read is "-": reading event
  files needs TensorBoard itself, which is not in the peers' virtualenv.

Prints one table and asserts nothing. Usage: python benchmarks/bench_peers.py PEERS_PYTHON
"""

from __future__ import annotations

import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_logging import KEYS, STEPS, du
from bench_startup import LABELS, READ, ROWS, TRAIN

REPEATS = 3

_TIMED_LOOP = """
t3 = time.perf_counter()
{loop}
t4 = time.perf_counter()
{finish}
t5 = time.perf_counter()
peak = max(resource.getrusage(r).ru_maxrss for r in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
own = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({{"import": t1 - t0, "init": t2 - t1, "log_us": (t4 - t3) / STEPS * 1e6,
                  "finish": t5 - t4, "cpu": own.ru_utime + own.ru_stime, "peak_mb": peak / 1024,
                  "path": {path}}}))
"""

_HEAD = """
import json, os, random, resource, sys, time
KEYS, STEPS = json.loads(sys.argv[2]), int(sys.argv[3])
rng = random.Random(0)
rows = [{k: rng.random() for k in KEYS} for _ in range(STEPS)]
"""


def _train(imports: str, init: str, loop: str, finish: str, path: str) -> str:
    return (
        _HEAD
        + "t0 = time.perf_counter()\n"
        + imports
        + "\nt1 = time.perf_counter()\n"
        + init
        + "\nt2 = time.perf_counter()\n"
        + _TIMED_LOOP.format(loop=loop, finish=finish, path=path)
    )


PEER_TRAIN = {
    "W&B": _train(
        'os.environ.update(WANDB_MODE="offline", WANDB_SILENT="true")\nimport wandb',
        "run = wandb.init(project='bench', dir=sys.argv[1], settings=wandb.Settings("
        "x_disable_stats=True, disable_git=True, save_code=False, console='off'))",
        "for row in rows:\n    run.log(row)",
        "run.finish()",
        "''",
    ),
    "MLflow (file)": _train(
        "os.environ['MLFLOW_ALLOW_FILE_STORE'] = 'true'  # MLflow 3 asks for an opt-in\nimport mlflow",
        "mlflow.set_tracking_uri('file:' + sys.argv[1])\nmlflow.set_experiment('bench')\n"
        "run = mlflow.start_run()",
        "for i, row in enumerate(rows):\n    mlflow.log_metrics(row, step=i)",
        "mlflow.end_run()",
        "'file:' + sys.argv[1] + ' ' + run.info.run_id",
    ),
    "MLflow (SQLite)": _train(
        "import mlflow",
        "mlflow.set_tracking_uri('sqlite:///' + sys.argv[1] + '/mlflow.db')\n"
        "mlflow.set_experiment('bench')\nrun = mlflow.start_run()",
        "for i, row in enumerate(rows):\n    mlflow.log_metrics(row, step=i)",
        "mlflow.end_run()",
        "'sqlite:///' + sys.argv[1] + '/mlflow.db ' + run.info.run_id",
    ),
    "Aim": _train(
        "from aim import Run",
        "run = Run(repo=sys.argv[1], system_tracking_interval=None, capture_terminal_logs=False,"
        " log_system_params=False)",
        "for i, row in enumerate(rows):\n    for k, v in row.items():\n"
        "        run.track(v, name=k, step=i)",
        "run.close()",
        "''",
    ),
    "TensorBoardX": _train(
        "from tensorboardX import SummaryWriter",
        "writer = SummaryWriter(sys.argv[1])",
        "for i, row in enumerate(rows):\n    for k, v in row.items():\n"
        "        writer.add_scalar(k, v, i)",
        "writer.close()",
        "''",
    ),
}

PEER_READ = {
    "MLflow (file)": """
import os, sys, time
os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
t0 = time.perf_counter()
from mlflow.tracking import MlflowClient
uri, run_id = sys.argv[2].split(" ")
values = MlflowClient(uri).get_metric_history(run_id, sys.argv[3])
assert values
t1 = time.perf_counter()
values = MlflowClient(uri).get_metric_history(run_id, sys.argv[3])
assert values
print((t1 - t0) * 1e3, (time.perf_counter() - t1) * 1e3)
""",
}
PEER_READ["MLflow (SQLite)"] = PEER_READ["MLflow (file)"]


def _child(python: str, script: str, *args: str) -> tuple[str, float]:
    t0 = time.perf_counter()
    done = subprocess.run(
        [python, "-c", script, *args], capture_output=True, text=True, timeout=900
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    return done.stdout.strip().splitlines()[-1], time.perf_counter() - t0


def one_repeat(python: str, train: str, read: str | None, folder: Path) -> dict[str, float]:
    folder.mkdir(parents=True)
    line, wall = _child(python, train, str(folder), json.dumps(KEYS), str(STEPS))
    result = json.loads(line)
    path = result.pop("path")
    read_ms = warm_ms = float("nan")
    if read is not None:
        out, _ = _child(python, read, str(folder), path, KEYS[0])
        read_ms, warm_ms = (float(ms) for ms in out.split())
    return {
        **result,
        "start": result["import"] + result["init"],
        "wall": wall,
        "bytes": du(folder) / (STEPS * len(KEYS)),
        "read_ms": read_ms,
        "read_warm_ms": warm_ms,
    }


def main() -> None:
    peers_python = sys.argv[1] if len(sys.argv) > 1 else ".venv-peers/bin/python"
    trackers = {
        "Cairn": (sys.executable, TRAIN["cairn"], READ["cairn"]),
        "JSON lines": (sys.executable, TRAIN["jsonl"], READ["jsonl"]),
        **{
            name: (peers_python, script, PEER_READ.get(name)) for name, script in PEER_TRAIN.items()
        },
    }
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trackers}
    failed: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(REPEATS):
            for name, (python, train, read) in trackers.items():
                if name in failed:
                    continue
                folder = Path(tmp) / f"{len(runs[name])}-{i}-{name.replace(' ', '_')}"
                try:
                    runs[name].append(one_repeat(python, train, read, folder))
                except (RuntimeError, subprocess.TimeoutExpired) as exc:
                    failed[name] = str(exc)[:100]
    median = {
        name: {k: statistics.median(r[k] for r in rs) for k in rs[0]}
        for name, rs in runs.items()
        if rs
    }
    print(
        f"peers benchmark: {STEPS:,} steps x {len(KEYS)} floats, fresh processes, median of "
        f"{REPEATS}, interleaved; ratio: Cairn / JSON lines, Cairn / best peer"
    )
    names = list(median)
    print(f"{'':<30}" + "".join(f"{n:>16}" for n in names) + f"{'vs JSONL':>10}{'vs best':>9}")
    for key, unit, fmt in ROWS:
        if all(key not in median[n] for n in names):
            continue  # a row of bench_startup's that no script here measures
        values = {n: median[n].get(key, math.nan) for n in names}
        cells = [f"{'-' if v != v else fmt.format(v):>16}" for v in values.values()]
        peers = [values[n] for n in names[2:] if values[n] == values[n]]
        cairn, jsonl = values["Cairn"], values["JSON lines"]
        vs_jsonl = f"{cairn / jsonl:.2f}x" if jsonl > 0 else ""
        vs_best = f"{cairn / min(peers):.2f}x" if peers and min(peers) > 0 else ""
        print(
            f"{LABELS[key] + ' (' + unit + ')':<30}"
            + "".join(cells)
            + f"{vs_jsonl:>10}{vs_best:>9}"
        )
    for name, why in failed.items():
        print(f"{name}: not measured ({why})")


if __name__ == "__main__":
    main()
