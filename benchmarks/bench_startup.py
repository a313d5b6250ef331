"""Start-to-finish benchmark: what a whole training script pays for Cairn, in fresh processes.

Fixed workload (as in issue 16): 20,000 steps x 10 random float scalars, capture off (no git,
code, environment, console or system metrics). Each repeat runs a new interpreter that imports
the tracker, starts a run, logs, finishes and exits; a second new interpreter reads one key back
(cold), as a DataFrame, and a third as numpy arrays. A JSON-lines writer runs the same script in
the same benchmark, interleaved; median of 3.
A third script is Cairn's with 1 s of other work between init() and the loop, as a training
script loading its data has: the run's threads load the store meanwhile, so finish() has less
left to do. Prints a table; it asserts nothing. Run with `make bench`.

``--before SRC`` also runs the Cairn script on another checkout's ``src`` folder (for example
``git worktree add /tmp/before main``, then ``--before /tmp/before/src``), taking turns with
this one, and prints both side by side with each one's range; ``--repeats N`` takes the median
of N (both trees' bytecode is compiled first, as an installed package has it).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_logging import KEYS, STEPS, du

REPEATS = 3

# Each child prints one JSON line of its timings; ru_maxrss is the peak RSS in KiB of the
# process (and of any it waited for); its CPU time (user and system, every thread) counts the
# work finish() waits for the background threads to do, and varies less with load than wall time.
TRAIN = {
    "cairn": """
import json, random, resource, sys, time
t0 = time.perf_counter()
import cairn
t1 = time.perf_counter()
off = cairn.Settings(capture_git=False, save_code=False, capture_env=False,
                     capture_console=False, system_metrics=False)
run = cairn.init(project="bench", dir=sys.argv[1], settings=off)
t2 = time.perf_counter()
KEYS, STEPS = json.loads(sys.argv[2]), int(sys.argv[3])
rng = random.Random(0)
rows = [{k: rng.random() for k in KEYS} for _ in range(STEPS)]
t3 = time.perf_counter()
for row in rows:
    run.log(row)
t4 = time.perf_counter()
run.finish(quiet=True)
t5 = time.perf_counter()
peak = max(resource.getrusage(r).ru_maxrss for r in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
own = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"import": t1 - t0, "init": t2 - t1, "log_us": (t4 - t3) / STEPS * 1e6,
                  "finish": t5 - t4, "cpu": own.ru_utime + own.ru_stime, "peak_mb": peak / 1024,
                  "path": run.path}))
""",
    "jsonl": """
import json, os, random, resource, sys, time
t0 = time.perf_counter()
import orjson
t1 = time.perf_counter()
f = open(os.path.join(sys.argv[1], "run.jsonl"), "wb")
t2 = time.perf_counter()
KEYS, STEPS = json.loads(sys.argv[2]), int(sys.argv[3])
rng = random.Random(0)
rows = [{k: rng.random() for k in KEYS} for _ in range(STEPS)]
t3 = time.perf_counter()
for step, row in enumerate(rows):
    f.write(orjson.dumps({"_step": step, "_timestamp": time.time(), **row}) + b"\\n")
t4 = time.perf_counter()
f.flush(); os.fsync(f.fileno()); f.close()
t5 = time.perf_counter()
own = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"import": t1 - t0, "init": t2 - t1, "log_us": (t4 - t3) / STEPS * 1e6,
                  "finish": t5 - t4, "cpu": own.ru_utime + own.ru_stime,
                  "peak_mb": own.ru_maxrss / 1024, "path": "run.jsonl"}))
""",
}

READ = {
    "cairn": """
import sys, time
t0 = time.perf_counter()
import cairn
frame = cairn.Api(sys.argv[1]).run(sys.argv[2]).history(keys=[sys.argv[3]])
assert len(frame)
t1 = time.perf_counter()
frame = cairn.Api(sys.argv[1]).run(sys.argv[2]).history(keys=[sys.argv[3]])
assert len(frame)
print((t1 - t0) * 1e3, (time.perf_counter() - t1) * 1e3)
""",
    "jsonl": """
import os, sys, time
t0 = time.perf_counter()
import orjson
def read():
    with open(os.path.join(sys.argv[1], sys.argv[2]), "rb") as f:
        values = [orjson.loads(line).get(sys.argv[3]) for line in f]
    assert values
read()
t1 = time.perf_counter()
read()
print((t1 - t0) * 1e3, (time.perf_counter() - t1) * 1e3)
""",
}


PREP = 1.0
"""Seconds a second Cairn script spends between init() and its loop (loading its data, building
its model), as most training scripts do: time in which the run's threads load the store."""
TRAIN["cairn_prep"] = TRAIN["cairn"].replace(
    "t2 = time.perf_counter()\n", f"t2 = time.perf_counter()\ntime.sleep({PREP})\n"
)
assert TRAIN["cairn_prep"] != TRAIN["cairn"]
READ["cairn_prep"] = READ["cairn"]
READ_NUMPY = READ["cairn"].replace("keys=[sys.argv[3]])", 'keys=[sys.argv[3]], format="numpy")')
"""The same reads asking for numpy arrays: no pandas to import."""
assert READ["cairn"] != READ_NUMPY


BEFORE = "cairn_before"
"""The Cairn script run on the checkout given by ``--before``."""
TRAIN[BEFORE], READ[BEFORE] = TRAIN["cairn"], READ["cairn"]


def _child(script: str, *args: str, src: str | None = None) -> tuple[str, float]:
    """Run ``script`` in a fresh interpreter (importing Cairn from ``src`` when given): its last
    output line and the wall time, in s."""
    env = dict(os.environ, PYTHONPATH=src) if src is not None else None
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True, env=env
    ).stdout
    return out.splitlines()[-1], time.perf_counter() - t0


def one_repeat(tracker: str, folder: Path, src: str | None = None) -> dict[str, float]:
    folder.mkdir(parents=True)
    line, wall = _child(TRAIN[tracker], str(folder), json.dumps(KEYS), str(STEPS), src=src)
    result = json.loads(line)
    path = result.pop("path")
    read, _ = _child(READ[tracker], str(folder), path, KEYS[0], src=src)
    # JSON lines reads its values one way: its numpy row is its only read, for the ratio.
    numpy = (
        _child(READ_NUMPY, str(folder), path, KEYS[0], src=src)[0]
        if tracker in ("cairn", BEFORE)
        else read
    )
    cold, warm = (float(ms) for ms in read.split())
    return {
        **result,
        "start": result["import"] + result["init"],
        "wall": wall,
        "bytes": du(folder) / (STEPS * len(KEYS)),
        "read_ms": cold,
        "read_warm_ms": warm,
        "read_numpy_ms": float(numpy.split()[0]),
    }


ROWS = [
    ("import", "s", "{:.3f}"),
    ("init", "s", "{:.3f}"),
    ("start", "s", "{:.3f}"),
    ("log_us", "µs/call", "{:.2f}"),
    ("finish", "s", "{:.3f}"),
    ("wall", "s", "{:.2f}"),
    ("cpu", "s", "{:.2f}"),
    ("peak_mb", "MB", "{:.0f}"),
    ("bytes", "B/point", "{:.1f}"),
    ("read_ms", "ms", "{:.0f}"),
    ("read_warm_ms", "ms", "{:.1f}"),
    ("read_numpy_ms", "ms", "{:.0f}"),
]
LABELS = {
    "import": "import",
    "init": "init() (capture off)",
    "start": "import + init()",
    "log_us": "log()",
    "finish": "finish()",
    "wall": "whole script wall time",
    "cpu": "CPU time, script's process",
    "peak_mb": "peak RSS",
    "bytes": "store on disk / point",
    "read_ms": "cold read of one key",
    "read_warm_ms": "warm read, same process",
    "read_numpy_ms": "the same, format=numpy",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="another checkout's src folder, run in turn with this")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="median of how many runs")
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {"cairn": [], "jsonl": [], "cairn_prep": []}
    this = str(Path(__file__).resolve().parent.parent / "src")
    srcs = {"cairn": this, "cairn_prep": this, **({BEFORE: args.before} if args.before else {})}
    runs.update({tracker: [] for tracker in srcs})
    for folder in set(srcs.values()):
        compileall.compile_dir(folder, quiet=1)
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeats):  # interleaved, so load on the machine hits all alike
            for tracker in runs:
                folder = Path(tmp) / f"{tracker}{i}"
                runs[tracker].append(one_repeat(tracker, folder, srcs.get(tracker)))
            loads.append(os.getloadavg()[0])
    median = {t: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for t, rs in runs.items()}
    prep = median.pop("cairn_prep")
    print(
        f"startup benchmark: {STEPS:,} steps x {len(KEYS)} floats, capture off, fresh processes, "
        f"median of {args.repeats}, load average {min(loads):.1f} to {max(loads):.1f}"
    )
    print(f"{'':<32}{'Cairn':>12}{'JSON lines':>12}{'ratio':>8}")
    for key, unit, fmt in ROWS:
        c, j = median["cairn"][key], median["jsonl"][key]
        ratio = f"{c / j:.1f}x" if j > 0 else ""
        print(
            f"{LABELS[key] + ' (' + unit + ')':<32}{fmt.format(c):>12}{fmt.format(j):>12}{ratio:>8}"
        )
    print(
        f"the same Cairn script with {PREP:.0f} s of other work between init() and its loop: "
        f"init() {prep['init']:.3f} s, log() {prep['log_us']:.2f} µs/call, "
        f"finish() {prep['finish']:.3f} s"
    )
    if args.before:
        _print_before(runs["cairn"], runs[BEFORE], args.before)


def _print_before(after: list[dict[str, float]], before: list[dict[str, float]], src: str) -> None:
    """This checkout against ``--before``'s: medians, each one's range, and their ratio."""
    print(f"\nthe Cairn script, this checkout against {src} (median [min-max]):")
    print(f"{'':<32}{'before':>22}{'this':>22}{'this/before':>13}")
    for key, unit, fmt in ROWS:
        cells = []
        for rs in (before, after):
            found = sorted(r[key] for r in rs)
            cells.append(
                f"{fmt.format(statistics.median(found))} "
                f"[{fmt.format(found[0])}-{fmt.format(found[-1])}]"
            )
        b, a = (statistics.median(r[key] for r in rs) for rs in (before, after))
        ratio = f"{a / b:.2f}" if b > 0 else ""
        print(f"{LABELS[key] + ' (' + unit + ')':<32}{cells[0]:>22}{cells[1]:>22}{ratio:>13}")


if __name__ == "__main__":
    main()
