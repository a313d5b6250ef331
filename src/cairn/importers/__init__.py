"""Bringing history from other trackers into a Cairn store (``cairn import ...``)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cairn.journal.records import ArtifactLog, Record
    from cairn.store.store import Store

ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
BATCH = 5_000
"""Records an importer applies to the store at a time."""
DBL_MAX = 1.7976931348623157e308
"""The largest float64: where some writers clip ±Inf (MLflow's SQL stores, TensorBoard's last
histogram bucket)."""


@dataclass
class Imported:
    """What one ``cairn import`` did."""

    runs: list[str] = field(default_factory=list)
    """names of the runs imported now"""
    skipped: list[str] = field(default_factory=list)
    """names of the runs imported before (left as they are)"""
    points: int = 0
    media: int = 0
    files: int = 0
    warnings: list[str] = field(default_factory=list)
    """what could not be imported whole, in words (a torn file, a missing media file...)"""

    def imported_before(
        self,
        store: Store,
        run_id: str,
        label: str,
        on_run: Callable[[str, str], None] | None,
    ) -> bool:
        """True when run ``run_id`` came in whole at an earlier import: it is counted as
        skipped (and reported to ``on_run``). A run an earlier import left unended (it stopped
        part-way, or the source run was still live) is removed, to come in again."""
        from cairn.errors import RunNotFoundError

        try:
            existing = store.run(run_id)
        except RunNotFoundError:
            return False
        if existing.finished_at is None:
            store.delete_run(run_id)
            return False
        self.skipped.append(label)
        if on_run:
            on_run(label, "skipped")
        return True


def apply_in_batches(store: Store, run_id: str, records: Iterable[Record]) -> None:
    """Apply ``records`` of run ``run_id`` to ``store``, ``BATCH`` at a time."""
    batch: list[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) >= BATCH:
            store.apply(run_id, batch)
            batch = []
    if batch:
        store.apply(run_id, batch)


def stable_run_id(source: str, project: str, key: str) -> str:
    """A stable 8-character run id for what ``key`` names in ``source`` (a folder, another
    tracker's run id), imported into ``project``: importing again finds the same run."""
    digest = hashlib.sha256(f"{source}\0{project}\0{key}".encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(8):
        number, rest = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[rest])
    return "".join(chars)


def files_artifact(
    store: Store,
    root: Path,
    paths: list[Path],
    *,
    name: str,
    description: str,
    metadata: dict[str, Any],
    seq: int,
    ts: float,
) -> ArtifactLog | None:
    """``paths`` (files under ``root``), staged into the store's local blob folder, as the
    record of a ``files`` artifact ``name``; None when there are none."""
    from cairn.artifacts.artifact import Artifact
    from cairn.artifacts.manifest import stage_file
    from cairn.journal.records import ArtifactLog

    if not paths:
        return None
    blob_root = Path(store.blobs.root)
    manifest: dict[str, dict[str, Any]] = {}
    for path in paths:
        digest, size = stage_file(path, blob_root, nested=True)
        manifest[path.relative_to(root).as_posix()] = {"sha256": digest, "size": size}
    return ArtifactLog(
        seq=seq,
        name=name,
        artifact_type="files",
        digest=Artifact.digest_of(manifest),
        manifest=manifest,
        description=description,
        metadata=metadata,
        blobs=sorted({str(e["sha256"]) for e in manifest.values()}),
        ts=ts,
    )
