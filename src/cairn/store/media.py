"""Media logged with ``run.log`` (images, histograms, tables, plots...): one row per key and step
in the ``media`` table, from the journal's ``MediaLog`` records; bytes live in the BlobStore.

Metadata stays small: histogram bins inline, everything heavy (PNG, Parquet, WAV, GIF) a blob named
by its sha256. ``meta["blobs"]`` lists every digest a row refers to (masks, table-cell images),
copied into ``blob_refs`` so that garbage collection and the server's access check find them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, insert, select

from cairn.journal.records import MediaLog
from cairn.store.blob_refs import MEDIA, add_run_refs
from cairn.store.schema import media

if TYPE_CHECKING:
    from cairn.store.store import Store


@dataclass(frozen=True)
class MediaEntry:
    """One logged media value: ``run_id``, ``key``, ``step``, ``kind``, main ``blob``, ``meta``."""

    run_id: str
    seq: int
    key: str
    step: int
    ts: float
    kind: str
    blob: str | None
    meta: dict[str, Any]


def apply_media(conn: Connection, run_id: str, records: Sequence[MediaLog]) -> None:
    """Insert a batch's media records (inside the batch's transaction)."""
    rows = []
    for record in records:
        meta = dict(record.data)
        if record.blobs:
            meta["blobs"] = list(record.blobs)
        rows.append(
            {
                "run_id": run_id,
                "seq": record.seq,
                "key": record.key,
                "step": record.step,
                "ts": record.ts,
                "kind": record.kind,
                "blob": record.blob,
                "meta": meta,
            }
        )
    conn.execute(insert(media), rows)
    add_run_refs(conn, run_id, MEDIA, (d for r in records for d in r.blobs or ()))


def media_keys(store: Store, run_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The media keys of some runs: ``[{key, kind, count, runs}]`` sorted by key."""
    if not run_ids:
        return []
    with store._read() as conn:
        rows = conn.execute(
            select(media.c.key, media.c.kind, media.c.run_id, func.count())
            .where(media.c.run_id.in_(list(run_ids)))
            .group_by(media.c.key, media.c.kind, media.c.run_id)
        ).all()
    keys: dict[str, dict[str, Any]] = {}
    for key, kind, run_id, count in rows:
        entry = keys.setdefault(key, {"key": key, "kind": kind, "count": 0, "runs": []})
        entry["count"] += int(count)
        entry["runs"].append(run_id)
    return [keys[k] for k in sorted(keys)]


def media_entries(
    store: Store, run_id: str, key: str, *, kind: str | None = None
) -> list[MediaEntry]:
    """Every value logged under ``key`` by a run, by step (then logging order)."""
    query = select(media).where((media.c.run_id == run_id) & (media.c.key == key))
    if kind is not None:
        query = query.where(media.c.kind == kind)
    with store._read() as conn:
        rows = conn.execute(query.order_by(media.c.step, media.c.seq)).mappings().all()
    return [
        MediaEntry(
            run_id=r["run_id"],
            seq=r["seq"],
            key=r["key"],
            step=r["step"],
            ts=r["ts"],
            kind=r["kind"],
            blob=r["blob"],
            meta=r["meta"],
        )
        for r in rows
    ]


def media_entry(store: Store, run_id: str, key: str, step: int | None) -> MediaEntry | None:
    """The value of ``key`` at ``step`` (the last one logged there), or the latest when None."""
    entries = media_entries(store, run_id, key)
    if step is not None:
        entries = [e for e in entries if e.step == step]
    return entries[-1] if entries else None


def histogram_series(store: Store, run_id: str, key: str, bins: int = 64) -> dict[str, Any]:
    """A run's histograms of ``key`` over steps, rebinned onto one shared range so a heatmap can
    draw them: ``{steps, edges, counts (steps × bins), nan}``. Each bin's count goes to the shared
    bin holding its centre."""
    both = histogram_series_of_runs(store, [run_id], key, bins)
    (run,) = both["runs"]
    return {"edges": both["edges"], **{k: run[k] for k in ("steps", "counts", "nan")}}


def histogram_series_of_runs(
    store: Store, run_ids: Sequence[str], key: str, bins: int = 64
) -> dict[str, Any]:
    """Several runs' histograms of ``key``, all rebinned onto the one range that holds every run's
    values, so their heatmaps can be compared side by side: ``{edges, runs: [{run_id, steps,
    counts (steps × bins), nan}]}``, runs in the order given (a run that logged none has no steps).
    Each bin's count goes to the shared bin holding its centre."""
    import numpy as np

    found = {
        run_id: [
            e for e in media_entries(store, run_id, key, kind="histogram") if "edges" in e.meta
        ]
        for run_id in run_ids
    }
    every = [e for entries in found.values() for e in entries]
    if not every:
        empty: dict[str, list[Any]] = {"steps": [], "counts": [], "nan": []}
        return {"edges": [], "runs": [{"run_id": r, **empty} for r in found]}
    lo = min(e.meta["edges"][0] for e in every)
    hi = max(e.meta["edges"][-1] for e in every)
    if hi <= lo:
        hi = lo + 1.0
    edges = np.linspace(lo, hi, bins + 1)
    runs = []
    for run_id, entries in found.items():
        matrix = np.zeros((len(entries), bins))
        for i, entry in enumerate(entries):
            own = np.asarray(entry.meta["edges"], dtype=np.float64)
            counts = np.asarray(entry.meta["counts"], dtype=np.float64)
            centres = (own[:-1] + own[1:]) / 2
            index = np.clip(np.searchsorted(edges, centres, side="right") - 1, 0, bins - 1)
            np.add.at(matrix[i], index, counts)
        runs.append(
            {
                "run_id": run_id,
                "steps": [e.step for e in entries],
                "counts": matrix.tolist(),
                "nan": [
                    int(e.meta.get("nan", 0))
                    + int(e.meta.get("inf", 0))
                    + int(e.meta.get("ninf", 0))
                    for e in entries
                ],
            }
        )
    return {"edges": edges.tolist(), "runs": runs}
