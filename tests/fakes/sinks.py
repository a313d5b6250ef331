"""Sinks for tests: one that keeps records in memory, one that fails before it works, one that
records every call. They satisfy ``cairn.sync.Sink``, and are safe to use from a syncer thread."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from cairn.journal.records import Record
from cairn.sync.sink import Sink


class MemorySink:
    """Keeps each run's applied records in memory, idempotently by seq, like ``Store.apply``."""

    def __init__(self) -> None:
        self.records: dict[str, list[Record]] = {}
        self.heartbeats: list[tuple[str, float | None]] = []
        self.blobs: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def apply(self, run_id: str, records: Sequence[Record]) -> int:
        with self._lock:
            kept = self.records.setdefault(run_id, [])
            last = kept[-1].seq if kept else 0
            kept.extend(r for r in records if r.seq > last)
            return kept[-1].seq if kept else 0

    def last_seq(self, run_id: str) -> int:
        with self._lock:
            kept = self.records.get(run_id)
            return kept[-1].seq if kept else 0

    def heartbeat(self, run_id: str, at: float | None = None) -> None:
        with self._lock:
            self.heartbeats.append((run_id, at))

    def put_blob(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        with self._lock:
            self.blobs[digest] = data
        return digest

    def has_blob(self, digest: str) -> bool:
        with self._lock:
            return digest in self.blobs

    def seqs(self, run_id: str) -> list[int]:
        with self._lock:
            return [r.seq for r in self.records.get(run_id, [])]


class SinkDown(ConnectionError):
    """What a failing fake sink raises: a sink that cannot be reached."""


class FlakySink:
    """Wraps a sink; ``apply`` raises ``SinkDown`` for the first ``failures`` calls (forever when
    ``failures`` is None), then passes through. ``attempts`` counts every ``apply`` call."""

    def __init__(self, inner: Sink, failures: int | None) -> None:
        self.inner = inner
        self.failures = failures
        self.attempts = 0
        self._lock = threading.Lock()

    def apply(self, run_id: str, records: Sequence[Record]) -> int:
        with self._lock:
            self.attempts += 1
            failing = self.failures is None or self.attempts <= self.failures
        if failing:
            raise SinkDown(f"sink unreachable (attempt {self.attempts})")
        return self.inner.apply(run_id, records)

    def last_seq(self, run_id: str) -> int:
        return self.inner.last_seq(run_id)

    def heartbeat(self, run_id: str, at: float | None = None) -> None:
        self.inner.heartbeat(run_id, at)

    def put_blob(self, data: bytes) -> str:
        return self.inner.put_blob(data)

    def has_blob(self, digest: str) -> bool:
        return self.inner.has_blob(digest)


@dataclass
class Call:
    method: str
    run_id: str
    seqs: list[int] = field(default_factory=list)


class RecordingSink:
    """Wraps a sink and records every call made to it, in order."""

    def __init__(self, inner: Sink) -> None:
        self.inner = inner
        self.calls: list[Call] = []
        self._lock = threading.Lock()

    def apply(self, run_id: str, records: Sequence[Record]) -> int:
        with self._lock:
            self.calls.append(Call("apply", run_id, [r.seq for r in records]))
        return self.inner.apply(run_id, records)

    def last_seq(self, run_id: str) -> int:
        with self._lock:
            self.calls.append(Call("last_seq", run_id))
        return self.inner.last_seq(run_id)

    def heartbeat(self, run_id: str, at: float | None = None) -> None:
        with self._lock:
            self.calls.append(Call("heartbeat", run_id))
        self.inner.heartbeat(run_id, at)

    def put_blob(self, data: bytes) -> str:
        with self._lock:
            self.calls.append(Call("put_blob", ""))
        return self.inner.put_blob(data)

    def has_blob(self, digest: str) -> bool:
        with self._lock:
            self.calls.append(Call("has_blob", ""))
        return self.inner.has_blob(digest)

    def applied_seqs(self) -> list[int]:
        with self._lock:
            return [s for c in self.calls if c.method == "apply" for s in c.seqs]
