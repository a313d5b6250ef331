"""``cairn gc``: remove blobs nothing references any more, and say how much that freed.

What refers to a blob is listed once, in ``store.blob_refs.REFERENCES`` (logged media, history
segments, report images, and the digests inside media metadata, capture sections and artifact
manifests); a digest that names no blob keeps nothing.

Only blobs older than a grace period (default one hour) are considered: a live run stages blobs
before the record that refers to them reaches the store, and those must survive. Segment blobs
that compaction or a deleted run dropped less than ``Store.drop_grace`` seconds ago are kept too,
whatever their age (a reader may still be fetching them: ``store.drops``); older drops are
deleted whatever their age, the same way a write does (``Store.purge_dropped``).

On an object store, uploads a client sent to a pre-signed URL and never finished (the team
server's ``POST /blobs/{digest}/uploads``), and multipart uploads never completed (with the
parts S3 holds of them, ``store.multipart``), are removed once older than the grace period too;
on a folder, so are the chunked uploads never completed (``store.chunked``)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cairn.store import blob_refs, drops, multipart

if TYPE_CHECKING:
    from cairn.store.store import Store

GRACE = 3600.0
"""Seconds a blob must have existed before gc may remove it."""


@dataclass(frozen=True)
class GcResult:
    removed: int
    """Blobs removed (or that would be, on a dry run)."""
    freed: int
    """Bytes they took."""
    kept: int
    """Blobs still referenced, or too recent to judge."""
    dry_run: bool


def referenced(store: Store) -> set[str]:
    """Every blob digest something in the store refers to."""
    with store._read() as conn:
        return blob_refs.referenced(conn)


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
    for name, upload_id, started in multipart.unfinished(store.blobs):
        if started > cutoff:
            kept += 1
            continue
        freed += sum(part.size for part in multipart.parts(store.blobs, name, upload_id))
        if not dry_run:
            multipart.abort(store.blobs, name, upload_id)
        removed += 1
    return GcResult(removed, freed, kept, dry_run)
