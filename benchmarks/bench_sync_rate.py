"""How fast the syncer applies a journal to the local store: rows a second, against only reading
the journal (decoding its frames) in the same run.

Fixed workloads: 1,000,000 steps of one float key (issue 17's 10-million-step run, a tenth of it)
and 200,000 steps of 10 keys, each written with the journal writer in batches of 1,000, then
applied by ``sync_journal`` into a fresh local store in a fresh process (modules already loaded
by a small warm-up). Target (issue 17): at least 300,000 rows a second for one key, so ``finish()``
of a long run completes inside its bound.

Then the same inside a training script: LIVE_STEPS steps of one key logged by ``run.log`` in a
fresh process (capture off), its syncer thread applying while the loop runs; printed: ``log()``
per call, the loop, ``finish()`` (its bound is 30 s), rows a second from start to finish, and the
points read back with ``history(format="numpy")`` and how long that took.

Prints tables; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap

TARGET = 300_000
WORKLOADS = [(1_000_000, 1), (200_000, 10)]

CHILD = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from cairn.journal.file import JournalWriter, read_journal
    from cairn.journal.records import History, RunStart
    from cairn.store import Store
    from cairn.sync.syncer import sync_journal

    def build(path, steps, width):
        path.parent.mkdir(parents=True)
        writer = JournalWriter(path)
        writer.append([RunStart(seq=1, run_id=path.parent.name, project="p", name="n",
                                created_at=1.7e9)])
        keys = [f"k{j}" for j in range(width)]
        for first in range(0, steps, 1000):
            writer.append([History(seq=2 + i, step=i, ts=1.7e9 + i,
                                   values={k: 1.0 / (i + j + 1) for j, k in enumerate(keys)})
                           for i in range(first, min(first + 1000, steps))])
        writer.close()

    root, steps, width = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    build(root / "warm" / "journal", 20_000, width)
    sync_journal(root / "warm" / "journal", Store.local(root / "warm-store"))
    journal = root / "run" / "journal"
    build(journal, steps, width)
    began = time.perf_counter()
    read_journal(journal)
    read = time.perf_counter() - began
    store = Store.local(root / "store")
    began = time.perf_counter()
    sync_journal(journal, store)
    synced = time.perf_counter() - began
    print(json.dumps({"read": steps / read, "sync": steps / synced}))
    """
)


LIVE_STEPS = 10_000_000
LIVE = textwrap.dedent(
    """
    import json, sys, time
    import cairn
    steps = int(sys.argv[2])
    off = cairn.Settings(capture_git=False, save_code=False, capture_env=False,
                         capture_console=False, system_metrics=False)
    run = cairn.init(project="live", dir=sys.argv[1], settings=off)
    began = time.perf_counter()
    for i in range(steps):
        run.log({"loss": 1.0 / (i + 1)})
    looped = time.perf_counter()
    run.finish(quiet=True)
    finished = time.perf_counter()
    history = cairn.Api(sys.argv[1]).run(run.path).history(keys=["loss"], format="numpy")
    read = time.perf_counter() - finished
    print(json.dumps({"log_us": (looped - began) / steps * 1e6, "loop": looped - began,
                      "finish": finished - looped, "rate": steps / (finished - began),
                      "points": len(history["loss"]), "read": read}))
    """
)


def live(steps: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        child = subprocess.run(
            [sys.executable, "-c", LIVE, tmp, str(steps)],
            capture_output=True,
            text=True,
            check=True,
        )
    result: dict[str, float] = json.loads(child.stdout)
    return result


def measure(steps: int, width: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        child = subprocess.run(
            [sys.executable, "-c", CHILD, tmp, str(steps), str(width)],
            capture_output=True,
            text=True,
            check=True,
        )
    result: dict[str, float] = json.loads(child.stdout)
    return result


def main() -> None:
    print()
    header = f"{'workload':28} {'sync, rows/s':>14} {'read only, rows/s':>18} {'ratio':>6}  target"
    print(header)
    print("-" * len(header))
    for steps, width in WORKLOADS:
        rates = measure(steps, width)
        name = f"{steps:,} steps x {width} key{'s' if width > 1 else ''}"
        target = f">= {TARGET:,} {'yes' if rates['sync'] >= TARGET else 'NO'}" if width == 1 else ""
        print(
            f"{name:28} {rates['sync']:14,.0f} {rates['read']:18,.0f} "
            f"{rates['sync'] / rates['read']:6.2f}  {target}"
        )
    print()
    r = live(LIVE_STEPS)
    print(
        f"a training script, {LIVE_STEPS:,} steps x 1 key: log() {r['log_us']:.2f} us/call, "
        f"loop {r['loop']:.1f} s, finish() {r['finish']:.1f} s (bound 30 s), "
        f"{r['rate']:,.0f} rows/s start to finish; read back {int(r['points']):,} points "
        f"in {r['read']:.1f} s"
    )


if __name__ == "__main__":
    main()
