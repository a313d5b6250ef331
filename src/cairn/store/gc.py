"""``cairn gc``: remove blobs nothing references any more, and say how much that freed.

A blob is referenced from (one query each, below):

- ``history_segments.blob``: sealed Parquet segments of run history;
- ``run_capture``: every value under a key ending in ``sha256`` in any section: captured source
  files (``code``: ``snapshot.files.*.sha256``, ``notebook.sha256``) and the uncommitted diff
  (``git``: ``diff_sha256``). Walking every section keeps gc safe when a section gains a file;
  a digest that names no blob keeps nothing;
- ``artifact_versions.manifest``: each file entry's ``sha256`` (references are not stored);
- ``media``: the ``blob`` column and each row's ``meta["blobs"]`` (``store.media.referenced_blobs``);
- ``report_images``: images uploaded into reports (``store.report_images``).

Only blobs older than a grace period (default one hour) are considered: a live run stages blobs
before the record that refers to them reaches the store, and those must survive. Segment blobs
that compaction or a deleted run dropped less than ``Store.drop_grace`` seconds ago are kept too,
whatever their age (a reader may still be fetching them: ``store.drops``); older drops are
deleted whatever their age, the same way a write does (``Store.purge_dropped``).

On an object store, uploads a client sent to a pre-signed URL and never finished (the team
server's ``POST /blobs/{digest}/uploads``) are removed once older than the grace period too.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from cairn.store import drops
from cairn.store.media import referenced_blobs as media_blobs
from cairn.store.report_images import image_blobs
from cairn.store.schema import artifact_versions, history_segments, run_capture

if TYPE_CHECKING:
    from cairn.store.store import Store

GRACE = 3600.0
"""Seconds a blob must have existed before gc may remove it."""

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class GcResult:
    removed: int
    """Blobs removed (or that would be, on a dry run)."""
    freed: int
    """Bytes they took."""
    kept: int
    """Blobs still referenced, or too recent to judge."""
    dry_run: bool


def segment_blobs(conn: Connection) -> set[str]:
    """Sealed history segments."""
    return set(conn.execute(select(history_segments.c.blob)).scalars())


def capture_blobs(conn: Connection) -> set[str]:
    """Files a capture section names: code snapshot, notebook, git diff."""
    found: set[str] = set()
    for (data,) in conn.execute(select(run_capture.c.data)):
        found.update(_sha256_values(data))
    return found


def _sha256_values(value: Any, key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _sha256_values(v, str(k))
    elif isinstance(value, list):
        for item in value:
            yield from _sha256_values(item, key)
    elif isinstance(value, str) and key.endswith("sha256") and _DIGEST.match(value):
        yield value


def artifact_blobs(conn: Connection) -> set[str]:
    """Files of every artifact version (references point elsewhere and hold no blob)."""
    found: set[str] = set()
    for (manifest,) in conn.execute(select(artifact_versions.c.manifest)):
        for entry in manifest.values():
            if "ref" not in entry and isinstance(entry.get("sha256"), str):
                found.add(entry["sha256"])
    return found


def referenced(store: Store) -> set[str]:
    """Every blob digest something in the store refers to."""
    with store._read() as conn:
        return (
            segment_blobs(conn)
            | capture_blobs(conn)
            | artifact_blobs(conn)
            | media_blobs(conn)
            | image_blobs(conn)
        )


def collect(store: Store, *, grace: float = GRACE, dry_run: bool = False) -> GcResult:
    """Remove unreferenced blobs older than ``grace`` seconds (only count them if ``dry_run``)."""
    now = time.time()
    cutoff = now - grace
    removed = freed = kept = 0
    if not dry_run:
        purged = store.purge_dropped(now)
        removed, freed = purged.deleted, purged.freed
    keep = referenced(store)
    with store._read() as conn:
        keep |= drops.pending(conn, now - store.drop_grace)
        expired = drops.expired(conn, now - store.drop_grace)  # a dry run counts them here
    for digest, size, mtime in store.blobs.entries():
        if digest in keep or (mtime > cutoff and digest not in expired):
            kept += 1
            continue
        if not dry_run:
            store.blobs.delete(digest)
        removed += 1
        freed += size
    for name, size, mtime in store.blobs.uploads():
        if mtime > cutoff:
            kept += 1
            continue
        if not dry_run:
            store.blobs.delete_upload(name)
        removed += 1
        freed += size
    return GcResult(removed, freed, kept, dry_run)
