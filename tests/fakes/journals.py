"""Journal records and files for tests: one record of every type, and a helper to write them."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import msgspec

from cairn.journal.file import JournalWriter
from cairn.journal.records import (
    Capture,
    ConfigUpdate,
    Console,
    DefineMetric,
    History,
    Record,
    RunFinish,
    RunStart,
    SummaryUpdate,
)


def every_record(run_id: str = "run1", project: str = "p") -> list[Record]:
    """One record of each type, seq 1..n, with non-finite floats where the types allow them."""
    return [
        RunStart(
            seq=1,
            run_id=run_id,
            project=project,
            name="brisk-heron-1",
            created_at=1_700_000_000.25,
            config={"lr": 1e-3, "layers": [64, 32], "opt": {"name": "adam", "beta": 0.9}},
            tags=["baseline", "ünïcode"],
            notes="first try",
            group="g",
            job_type="train",
            host="box",
            program="train.py",
        ),
        DefineMetric(seq=2, name="val/*", summary="max", step_metric="epoch"),
        History(
            seq=3,
            step=0,
            ts=1_700_000_001.5,
            values={"loss": math.nan, "up": math.inf, "down": -math.inf, "acc": 0.5},
        ),
        ConfigUpdate(seq=4, config={"lr": 5e-4, "nothing": None, "flag": True}),
        SummaryUpdate(seq=5, set={"best": 0.9, "note": "ok"}, remove=["old"]),
        History(seq=6, step=1, ts=1_700_000_002.0, values={"loss": 0.25, "val/acc": 0.75}),
        Capture(seq=7, section="command", data={"argv": ["train.py", "--lr", "0.1"]}),
        Console(
            seq=8, lines=[(1_700_000_002.5, "stdout", "époque 1"), (1_700_000_002.6, "stderr", "")]
        ),
        RunFinish(seq=9, ts=1_700_000_003.0, exit_code=1, state="failed", error="Traceback…"),
    ]


def history_rows(n: int, *, first_seq: int = 2) -> list[Record]:
    """``n`` history rows with consecutive seqs starting at ``first_seq``."""
    return [
        History(seq=first_seq + i, step=i, ts=1_700_000_000.0 + i, values={"loss": 1.0 / (i + 1)})
        for i in range(n)
    ]


def write_journal(path: Path, records: list[Record]) -> list[int]:
    """Write a journal holding ``records``, one append each; returns each frame's end offset."""
    writer = JournalWriter(path)
    ends = []
    for record in records:
        writer.append([record])
        ends.append(writer.bytes_written)
    writer.close()
    return ends


def same(a: Any, b: Any) -> bool:
    """Equal, with NaN equal to NaN and types compared exactly (1.0 is not 1)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, msgspec.Struct):
        return same(msgspec.structs.asdict(a), msgspec.structs.asdict(b))
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)
