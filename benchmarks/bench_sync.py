"""Memory of ``cairn sync`` on a big journal: streamed into a real store, against reading it whole.

Fixed workload: a 2 GiB journal of 1 MiB config values, each with a history row (the store keeps
only the last config, so the store's own work stays small and the journal's reading shows). Each
arm runs in a fresh process, after a 4 MiB warm-up sync has loaded the modules; peak RSS growth
is ``ru_maxrss`` after minus before. The baseline holds every record in memory at once, as
``sync_journal`` did before it streamed. Budget: growth under 200 MB. Prints a table; it asserts
nothing. Run with `make bench`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

JOURNAL_MB = 2048
BUDGET_MB = 200

CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    from pathlib import Path
    from cairn.journal.file import JournalWriter, read_journal
    from cairn.journal.records import ConfigUpdate, History, RunStart
    from cairn.store.store import Store
    from cairn.sync.syncer import sync_journal

    def build(path, megabytes):
        writer = JournalWriter(path)
        writer.append([RunStart(seq=1, run_id=path.parent.name, project="p", name="n",
                                created_at=1.7e9)])
        big = "x" * (1024 * 1024)
        for i in range(megabytes):
            writer.append([
                ConfigUpdate(seq=2 + 2 * i, config={"blob": big, "i": i}),
                History(seq=3 + 2 * i, step=i, ts=1.7e9 + i, values={"loss": 1.0 / (i + 1)}),
            ])
        writer.close()

    arm, root, megabytes = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    big = root / "runs" / "big" / "journal"
    if not big.exists():
        build(big, megabytes)
    warm = root / "runs" / "warm" / "journal"
    build(warm, 4)
    store = Store.local(root / arm)
    sync_journal(warm, store)
    read_journal(warm)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    if arm == "stream":
        records = sync_journal(big, store).records
    else:
        records = len(read_journal(big).records)
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"growth_mb": (peak - before) / 1024, "seconds": seconds,
                      "records": records, "mb": big.stat().st_size / 2**20}))
    """
)


def run_arm(arm: str, root: Path) -> dict[str, float]:
    script = root / "child.py"
    script.write_text(CHILD)
    child = subprocess.run(
        [sys.executable, str(script), arm, str(root), str(JOURNAL_MB)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(child.stdout)
    return result


def main() -> None:
    print(f"workload: a {JOURNAL_MB} MiB journal of 1 MiB config values", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        stream = run_arm("stream", root)
        whole = run_arm("whole", root)
    print()
    print(f"{'metric':40} {'streamed':>10} {'whole':>10}  {'target':20} met")
    print("-" * 90)
    growth_ok = "yes" if stream["growth_mb"] < BUDGET_MB else "NO"
    print(
        f"{'peak RSS growth, MB':40} {stream['growth_mb']:10.1f} {whole['growth_mb']:10.1f}  "
        f"{'< ' + str(BUDGET_MB):20} {growth_ok}"
    )
    print(
        f"{'seconds (streamed: read + apply)':40} {stream['seconds']:10.2f} "
        f"{whole['seconds']:10.2f}  {'reported':20}"
    )
    print(f"{'journal, MB':40} {stream['mb']:10.0f} {whole['mb']:10.0f}")


if __name__ == "__main__":
    main()
