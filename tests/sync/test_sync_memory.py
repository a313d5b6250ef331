"""``cairn sync`` streams a journal: syncing 2 GB into a real store takes about one batch of memory."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

JOURNAL_MB = 2048
MAX_GROWTH_MB = 200

CHILD = textwrap.dedent(
    """
    import json, resource, sys
    from pathlib import Path
    from cairn.journal.file import JournalWriter
    from cairn.journal.records import ConfigUpdate, History, RunStart
    from cairn.store.store import Store
    from cairn.sync.syncer import sync_journal

    def build(path, megabytes):
        # Each MiB of journal: a 1 MiB config value (the store keeps only the last) and a row.
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

    root, megabytes = Path(sys.argv[1]), int(sys.argv[2])
    build(root / "runs" / "warm" / "journal", 4)
    build(root / "runs" / "big" / "journal", megabytes)
    store = Store.local(root)
    sync_journal(root / "runs" / "warm" / "journal", store)  # modules and caches loaded
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = sync_journal(root / "runs" / "big" / "journal", store)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    run = store.run("big")
    print(json.dumps({
        "growth_mb": (peak - before) / 1024,
        "journal_mb": (root / "runs" / "big" / "journal").stat().st_size / 2**20,
        "records": result.records, "applied": result.applied, "last_seq": result.last_seq,
        "store_seq": run.last_seq, "rows": run.history_rows, "i": run.config["i"],
    }))
    """
)


def test_syncing_a_2_gb_journal_into_a_store_grows_memory_by_less_than_200_mb(
    tmp_path: Path,
) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    root = tmp_path / ".cairn"
    try:
        child = subprocess.run(
            [sys.executable, str(script), str(root), str(JOURNAL_MB)],
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        for journal in root.glob("runs/*/journal"):
            journal.unlink()  # 2 GB: not left behind in pytest's kept temp folders
    assert child.returncode == 0, child.stderr
    out = json.loads(child.stdout)
    records = 1 + 2 * JOURNAL_MB
    assert out["journal_mb"] >= JOURNAL_MB
    assert (out["records"], out["applied"], out["last_seq"]) == (records, records, records)
    assert (out["store_seq"], out["rows"], out["i"]) == (records, JOURNAL_MB, JOURNAL_MB - 1)
    assert out["growth_mb"] < MAX_GROWTH_MB, (
        f"syncing {out['journal_mb']:.0f} MB grew memory by {out['growth_mb']:.0f} MB"
    )
