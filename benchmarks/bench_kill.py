"""What ``kill -9`` loses: a process logging as fast as it can, killed with SIGKILL at random moments.

Fixed workload: a child process logs rows of 3 float scalars in a tight loop (no flush). After each
``log()`` returns it publishes how many calls have returned, and when logging began, in a small
shared file mapped into memory (the page cache keeps the last value when the process dies). The
parent kills it with SIGKILL at a seeded random moment 0.5-2.5 s into logging, then counts the
History rows in the run's journal: rows lost = calls that returned - rows in the journal. Each
mode is killed ``KILLS`` times; the baseline is the same loop writing buffered JSON lines from the
logging thread (it loses what sits in its 8 KiB buffer). The equivalent milliseconds of logging
are rows lost divided by that kill's logging rate. Budget: p99 at most 100 ms of logging. Prints a
table; it asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import mmap
import random
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

KILLS = 20
SEED = 0
BUDGET_MS = 100.0
SHARED = struct.Struct("<qd")
"""What the child publishes: calls returned, wall time logging began."""

CHILD = textwrap.dedent(
    """
    import mmap, os, struct, sys, time
    kind, shared_path, out = sys.argv[1], sys.argv[2], sys.argv[3]
    shared = struct.Struct("<qd")
    fd = os.open(shared_path, os.O_RDWR)
    mem = mmap.mmap(fd, shared.size)
    pack = shared.pack_into
    if kind == "jsonl":
        import orjson
        f = open(out, "wb")
        def log(row, step):
            f.write(orjson.dumps({"_step": step, "_timestamp": time.time(), **row}) + b"\\n")
    else:
        import cairn
        settings = cairn.Settings(
            capture_git=False, save_code=False, capture_env=False, capture_console=False,
            system_metrics=False,
        )
        run = cairn.init(project="kill", id="victim", dir=out, mode=kind, settings=settings)
        def log(row, step):
            run.log(row)
    began = time.time()
    step = 0
    while True:
        log({"loss": 1.0 / (step + 1), "acc": step * 1e-6, "lr": 0.1}, step)
        step += 1
        pack(mem, 0, step, began)
    """
)


@dataclass
class Kill:
    returned: int
    kept: int
    rate: float
    """Rows per second the child logged, up to its death."""

    @property
    def lost(self) -> int:
        return self.returned - self.kept

    @property
    def lost_ms(self) -> float:
        return self.lost / self.rate * 1e3


def journal_rows(store_dir: Path) -> int:
    from cairn.journal.file import JournalReader
    from cairn.journal.records import History

    reader = JournalReader(store_dir / "runs" / "victim" / "journal")
    rows = 0
    while batch := reader.read():
        rows += sum(1 for r in batch if type(r) is History)
    return rows


def jsonl_rows(path: Path) -> int:
    data = path.read_bytes()
    return data.count(b"\n")


def kill_once(kind: str, root: Path, rng: random.Random) -> Kill:
    script = root / "child.py"
    script.write_text(CHILD)
    shared = root / "shared"
    shared.write_bytes(bytes(SHARED.size))
    out = root / ("run.jsonl" if kind == "jsonl" else ".cairn")
    child = subprocess.Popen(
        [sys.executable, str(script), kind, str(shared), str(out)],
        stderr=subprocess.PIPE,
    )
    with open(shared, "r+b") as f:
        mem = mmap.mmap(f.fileno(), SHARED.size)
    deadline = time.monotonic() + 60
    while SHARED.unpack_from(mem, 0)[0] == 0:  # wait until logging is under way
        if child.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the child never started logging: {child.stderr.read()!r}")  # type: ignore[union-attr]
        time.sleep(0.01)
    time.sleep(rng.uniform(0.5, 2.5))
    child.send_signal(signal.SIGKILL)
    killed_at = time.time()
    child.wait(30)
    returned, began = SHARED.unpack_from(mem, 0)
    mem.close()
    kept = jsonl_rows(out) if kind == "jsonl" else journal_rows(out)
    return Kill(returned, kept, returned / max(killed_at - began, 1e-9))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    kinds = sys.argv[1:] or ["jsonl", "offline", "online"]
    rng = random.Random(SEED)
    results: dict[str, list[Kill]] = {kind: [] for kind in kinds}
    print(
        f"workload: a child logging 3-float rows flat out, SIGKILLed {KILLS} times per mode "
        f"at a random moment (seed {SEED})",
        file=sys.stderr,
    )
    for i in range(KILLS):  # interleaved, so drift of a shared machine hits every mode alike
        for kind in kinds:
            with tempfile.TemporaryDirectory() as tmp:
                results[kind].append(kill_once(kind, Path(tmp), rng))
        print(f"  kill {i + 1}/{KILLS}", file=sys.stderr)

    print()
    header = f"{'mode':8} {'rows/s':>9} {'lost p50':>9} {'lost p99':>9} {'max':>8}"
    print(
        f"{header} {'ms p50':>8} {'ms p99':>8} {'max ms':>8}  target p99 ≤ {BUDGET_MS:.0f} ms  met"
    )
    print("-" * 100)
    for kind, kills in results.items():
        lost = [float(k.lost) for k in kills]
        ms = [k.lost_ms for k in kills]
        p99 = percentile(ms, 0.99)
        met = "" if kind == "jsonl" else ("yes" if p99 <= BUDGET_MS else "NO")
        print(
            f"{kind:8} {statistics.median(k.rate for k in kills):9.0f} "
            f"{percentile(lost, 0.5):9.0f} {percentile(lost, 0.99):9.0f} {max(lost):8.0f} "
            f"{percentile(ms, 0.5):8.1f} {p99:8.1f} {max(ms):8.1f}  "
            f"{'(baseline)' if kind == 'jsonl' else '':26}{met}"
        )


if __name__ == "__main__":
    main()
