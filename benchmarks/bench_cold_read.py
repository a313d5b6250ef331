"""Cold read of one key: ``cairn.Api(dir).run(ref).history(keys=[k])`` in a fresh process, against
what no Parquet reader can go below and against a JSON-lines file.

Fixed workload (as in issue 16): one run of 20,000 steps x 10 random floats, written once by
Cairn (capture off) and, for the baseline, as a JSON-lines file. Each read is a new interpreter
timed from before ``import cairn`` to the values in hand, as a DataFrame (the default) and as
numpy arrays. The floor is ``import numpy, pyarrow`` and one column decoded from the run's
Parquet segment by pyarrow alone: what any reader of this history pays. The reads take turns
(so load on the machine hits them alike); median of 5.

``--before SRC`` also times another checkout's ``src`` folder on the same store (for example
``git worktree add /tmp/before main``, then ``--before /tmp/before/src``), taking turns with
this one. Prints a table; it asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_logging import KEYS, STEPS

REPEATS = 5
SRC = str(Path(__file__).resolve().parent.parent / "src")

WRITE = """
import json, random, sys
import cairn
off = cairn.Settings(capture_git=False, save_code=False, capture_env=False,
                     capture_console=False, system_metrics=False)
run = cairn.init(project="bench", dir=sys.argv[1], settings=off)
KEYS, STEPS = json.loads(sys.argv[2]), int(sys.argv[3])
rng = random.Random(0)
for _ in range(STEPS):
    run.log({k: rng.random() for k in KEYS})
run.finish(quiet=True)
print(run.path)
"""

# bench_startup's READ["cairn"], and the same asking for numpy arrays.
READ = """
import sys, time
t0 = time.perf_counter()
import cairn
frame = cairn.Api(sys.argv[1]).run(sys.argv[2]).history(keys=[sys.argv[3]]{format})
assert len(frame)
print((time.perf_counter() - t0) * 1e3)
"""

FLOOR = """
import os, sys, time
t0 = time.perf_counter()
import numpy, pyarrow as pa
from pyarrow._parquet import ParquetReader
reader = ParquetReader()
with open(sys.argv[1], "rb") as f:
    reader.open(pa.BufferReader(f.read()))
table = reader.read_all(column_indices=[0, 3])  # _step and one key; to_numpy would load pandas
assert table.num_rows
print((time.perf_counter() - t0) * 1e3)
"""

FLOOR_NAME = "floor: numpy + pyarrow, one key's column"

JSONL = """
import sys, time
t0 = time.perf_counter()
import orjson
with open(sys.argv[1], "rb") as f:
    values = [orjson.loads(line).get(sys.argv[2]) for line in f]
assert values
print((time.perf_counter() - t0) * 1e3)
"""


def _child(script: str, args: list[str], src: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if src is not None:
        env["PYTHONPATH"] = src
    out = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=tempfile.gettempdir(),
    ).stdout
    return out.splitlines()[-1]


def _largest_blob(store: Path) -> Path:
    return max((store / "blobs").rglob("*"), key=lambda p: p.stat().st_size if p.is_file() else 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="another checkout's src folder, timed in turn with this")
    before = parser.parse_args().before
    trees = {"this": SRC, **({"before": before} if before else {})}
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / ".cairn"
        path = _child(WRITE, [str(store), json.dumps(KEYS), str(STEPS)], SRC)
        lines = Path(tmp) / "run.jsonl"
        rng = random.Random(0)
        with open(lines, "w") as f:
            for step in range(STEPS):
                f.write(json.dumps({"_step": step, **{k: rng.random() for k in KEYS}}) + "\n")
        cases: dict[str, tuple[str, list[str], str | None]] = {}
        for name, src in trees.items():
            for label, fmt in (("DataFrame", ""), ('format="numpy"', ', format="numpy"')):
                cases[f"Cairn ({name}), {label}"] = (
                    READ.format(format=fmt),
                    [str(store), path, KEYS[0]],
                    src,
                )
        cases[FLOOR_NAME] = (FLOOR, [str(_largest_blob(store))], None)
        cases["JSON lines (orjson)"] = (JSONL, [str(lines), KEYS[0]], None)
        for script, args, src in cases.values():  # compiles each tree's bytecode first
            _child(script, args, src)
        times: dict[str, list[float]] = {name: [] for name in cases}
        loads = [os.getloadavg()[0]]
        for _ in range(REPEATS):
            for name, (script, args, src) in cases.items():
                times[name].append(float(_child(script, args, src)))
            loads.append(os.getloadavg()[0])
    print(
        f"cold read of one key: {STEPS:,} steps x {len(KEYS)} floats, fresh processes, median of "
        f"{REPEATS}, taking turns; load average {min(loads):.1f} to {max(loads):.1f}"
    )
    floor = statistics.median(times[FLOOR_NAME])
    print(f"{'':<44}{'ms':>8}{'vs floor':>10}")
    for name, found in times.items():
        median = statistics.median(found)
        print(f"{name:<44}{median:>8.0f}{median / floor:>9.2f}x")


if __name__ == "__main__":
    main()
