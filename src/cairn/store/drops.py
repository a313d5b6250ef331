"""Deleting history segment blobs only once no reader can still be using them.

Compaction merges a run's segments into one, and deleting a run drops its segments; a reader that
listed the segments a moment before (in another thread, or another process such as ``cairn ui``)
then fetches their blobs. So a writer never deletes a segment blob itself: it records the digest
in ``dropped_blobs`` with the time, in the transaction that drops the rows, and the blob is
deleted ``models.DROP_GRACE`` seconds later, by ``purge`` (the store runs it after a write once a
drop has expired) or by ``cairn gc``.

A purge deletes each blob inside the write transaction that removes its ``dropped_blobs`` row,
and only if no segment refers to the digest by then (segments are content-addressed: another run
may hold the same bytes). A writer about to store a segment first removes the digest's row
(``reclaim``): on PostgreSQL, where writers do not queue for one lock, that row lock orders the
two, so a purge never deletes a blob a writer has just found already stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, delete, exists, func, insert, select

from cairn.store.blobs import BlobStore
from cairn.store.schema import dropped_blobs, history_segments

PURGE_BATCH = 500


def defer(conn: Connection, digests: Iterable[str], now: float) -> None:
    """Record blobs the caller's transaction stops referring to, to delete after the grace."""
    found = sorted(set(digests))
    if not found:
        return
    # Dropped again (the same bytes sealed by another run, then dropped): the later time counts.
    conn.execute(delete(dropped_blobs).where(dropped_blobs.c.digest.in_(found)))
    conn.execute(insert(dropped_blobs), [{"digest": d, "dropped_at": now} for d in found])


def reclaim(conn: Connection, digest: str) -> None:
    """A writer is about to refer to ``digest`` again: it must not be purged."""
    conn.execute(delete(dropped_blobs).where(dropped_blobs.c.digest == digest))


@dataclass(frozen=True)
class Purged:
    deleted: int
    """Blobs deleted."""
    freed: int
    """Bytes they took."""
    oldest: float | None
    """When the oldest drop still recorded was made; None when none is left."""


def purge(conn: Connection, blobs: BlobStore, before: float) -> Purged:
    """Delete the blobs dropped at or before ``before`` that no segment refers to, inside the
    caller's write transaction."""
    expired = (
        conn.execute(
            select(dropped_blobs.c.digest)
            .where(dropped_blobs.c.dropped_at <= before)
            .order_by(dropped_blobs.c.dropped_at)
            .limit(PURGE_BATCH)
        )
        .scalars()
        .all()
    )
    deleted = freed = 0
    for digest in expired:
        gone = conn.execute(
            delete(dropped_blobs).where(
                dropped_blobs.c.digest == digest, dropped_blobs.c.dropped_at <= before
            )
        ).rowcount
        if not gone:  # reclaimed, dropped again, or purged by another process meanwhile
            continue
        used = conn.execute(select(exists().where(history_segments.c.blob == digest))).scalar()
        if not used and blobs.exists(digest):
            freed += blobs.size(digest)
            blobs.delete(digest)
            deleted += 1
    oldest = conn.execute(select(func.min(dropped_blobs.c.dropped_at))).scalar()
    return Purged(deleted, freed, None if oldest is None else float(oldest))


def expired(conn: Connection, before: float) -> set[str]:
    """Blobs dropped at or before ``before``: ``purge`` deletes those nothing refers to."""
    query = select(dropped_blobs.c.digest).where(dropped_blobs.c.dropped_at <= before)
    return set(conn.execute(query).scalars())


def pending(conn: Connection, after: float) -> set[str]:
    """Blobs dropped after ``after``: still readable, so ``cairn gc`` keeps them."""
    query = select(dropped_blobs.c.digest).where(dropped_blobs.c.dropped_at > after)
    return set(conn.execute(query).scalars())
