"""Reading a run's history while its writer seals and compacts segments: a reader never fails
and never sees a point twice or a gap, whether it shares the writer's process or not."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest
from tests.store.conftest import MakeStore

from cairn.journal.records import History, Record, RunStart
from cairn.store import Store, history

T0 = 1_700_000_000.0
BATCHES = 240
BATCH = 5

READER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from cairn.store import Store
    from cairn.store.blobs import BlobStore
    store = Store(sys.argv[1], BlobStore(sys.argv[2]), migrate=False)
    stop = Path(sys.argv[3])
    reads = errors = 0
    while not stop.exists():
        try:
            seqs = store.history("r1", ["a"]).column("_seq").to_pylist()
            if seqs != list(range(2, 2 + len(seqs))):
                errors += 1
            reads += 1
        except Exception as exc:  # counted, not raised: the parent asserts on the count
            print(type(exc).__name__, exc, file=sys.stderr)
            errors += 1
    print(reads, errors)
    """
)


def records(batches: int) -> list[Record]:
    out: list[Record] = [RunStart(seq=1, run_id="r1", project="p", name="n", created_at=T0)]
    for i in range(batches * BATCH):
        out.append(History(seq=2 + i, step=i, ts=T0 + i, values={"a": float(i)}))
    return out


def check(store: Store) -> int:
    """The run's rows as read now: every seq once, in order, from the first; their count."""
    seqs = np.asarray(store.history("r1", ["a"]).column("_seq"))
    assert np.array_equal(seqs, np.arange(2, 2 + len(seqs))), "a point twice or a gap"
    return len(seqs)


def test_readers_never_fail_while_segments_are_compacted(
    make_store: MakeStore, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite with a blob folder and on PostgreSQL with S3 blobs (fewer batches there: each
    read fetches every segment from S3)."""
    batches = BATCHES if backend == "sqlite" else BATCHES // 4
    monkeypatch.setenv("CAIRN_HEARTBEAT_TIMEOUT", "inf")
    monkeypatch.setattr(history, "SEAL_ROWS", BATCH)  # a segment per batch
    monkeypatch.setattr(history, "COMPACT_OVER", 3)  # and a compaction every few batches
    store = make_store()
    stop_file = tmp_path / "stop"
    other = subprocess.Popen(
        [sys.executable, "-c", READER, store.url, store.blobs.url, str(stop_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    log = records(batches)
    store.apply("r1", log[:1])
    done = threading.Event()
    errors: list[BaseException] = []
    counts: list[list[int]] = [[], []]

    def read(into: list[int]) -> None:
        while not done.is_set():
            try:
                into.append(check(store))
            except BaseException as exc:  # reported below
                errors.append(exc)
                return

    readers = [threading.Thread(target=read, args=(c,)) for c in counts]
    for thread in readers:
        thread.start()
    try:
        for i in range(1, len(log), BATCH):
            store.apply("r1", log[i : i + BATCH])
    finally:
        done.set()
        for thread in readers:
            thread.join()
        stop_file.touch()
        out, err = other.communicate(timeout=60)
    assert not errors, errors[0]
    for seen in counts:
        assert seen and seen == sorted(seen), "a later read returned fewer points"
    reads, failed = (int(v) for v in out.split())
    assert reads > 0 and failed == 0, err
    assert check(store) == batches * BATCH
    store.close()
