"""Runs and their full history out of the store: ``cairn export`` and ``Api().runs().to_arrow()``.

An export is a folder: ``runs.parquet`` (or ``.csv``), a row per run with its fields and a column
per config path and summary key, and ``history.parquet`` (or ``.csv``), every logged row of every
run with ``run_id``, ``_step``, ``_timestamp`` and a column per metric key of the project (null
where a row did not log it; NaN and infinities kept). The runs are read a page at a time and their
history written a row group of many runs at a time (``export_writer``), so memory holds a page of
runs and a row group's rows, not the project; each file appears whole or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from cairn.store.columns import flatten_config, metric_keys
from cairn.store.export_runs import RunsWriter
from cairn.store.export_writer import INDEX, HistoryWriter, history_schema, replaced_on_success
from cairn.store.models import RunInfo
from cairn.store.store import Store

FORMATS = ("parquet", "csv")
PAGE_RUNS = 500
"""Runs read from the store at a time."""


@dataclass(frozen=True)
class Exported:
    runs: int
    points: int
    """history rows written"""
    bytes: int
    """size of the files written (while exporting: of the history written so far)"""
    total: int = 0
    """runs matching when the export began"""
    left_out: tuple[str, ...] = ()
    """metric keys some run has that the export could not hold (see export_project)"""


def _column(rows: int, entries: list[tuple[int, Any]]) -> pa.Array:
    """A column of ``rows`` rows holding ``entries`` (row, value), null elsewhere: numbers when
    every present value is one, else JSON text; None stays null. In time that grows with the
    entries, not the rows: a page of runs has thousands of summary keys, each in a few runs."""
    present = [(i, v) for i, v in entries if v is not None]
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for _, v in present):
        data = np.zeros(rows, np.float64)
        valid = np.zeros(rows, bool)
        at = np.fromiter((i for i, _ in present), np.int64, len(present))
        data[at] = np.fromiter((v for _, v in present), np.float64, len(present))
        valid[at] = True
        buffers = [pa.py_buffer(np.packbits(valid, bitorder="little")), pa.py_buffer(data)]
        return pa.Array.from_buffers(pa.float64(), rows, buffers, null_count=rows - len(present))
    text: list[str | None] = [None] * rows
    for i, v in present:
        text[i] = json.dumps(v)
    return pa.array(text, pa.string())


def _entries(dicts: Sequence[dict[str, Any]]) -> dict[str, list[tuple[int, Any]]]:
    """Each key of ``dicts`` with its (row, value) pairs, sorted by key."""
    found: dict[str, list[tuple[int, Any]]] = {}
    for row, values in enumerate(dicts):
        for key, value in values.items():
            found.setdefault(key, []).append((row, value))
    return dict(sorted(found.items()))


def runs_table(infos: Sequence[RunInfo]) -> pa.Table:
    """Runs as a table: their fields, then a column per config path and per summary key (the
    ``runs`` view of ``cairn sql``, ``cairn export`` and ``Api().runs().to_arrow()``)."""
    configs = _entries([flatten_config(r.config) for r in infos])
    summaries = _entries([r.summary for r in infos])

    def times(values: Sequence[float | None]) -> pa.Array:
        seconds = [None if v is None else int(v * 1e6) for v in values]
        return pa.array(seconds, pa.int64()).cast(pa.timestamp("us", tz="UTC"))

    columns: dict[str, pa.Array] = {
        "id": pa.array([r.id for r in infos], pa.string()),
        "project": pa.array([r.project for r in infos], pa.string()),
        "name": pa.array([r.name for r in infos], pa.string()),
        "state": pa.array([r.state for r in infos], pa.string()),
        "created_at": times([r.created_at for r in infos]),
        "finished_at": times([r.finished_at for r in infos]),
        "runtime": pa.array(
            [((r.finished_at or r.heartbeat_at) - r.created_at) for r in infos], pa.float64()
        ),
        "tags": pa.array([r.tags for r in infos], pa.list_(pa.string())),
        "group": pa.array([r.group for r in infos], pa.string()),
        "job_type": pa.array([r.job_type for r in infos], pa.string()),
        "notes": pa.array([r.notes for r in infos], pa.string()),
    }
    for key, entries in configs.items():
        columns[f"config.{key}"] = _column(len(infos), entries)
    for key, entries in summaries.items():
        columns[f"summary.{key}"] = _column(len(infos), entries)
    return pa.table(columns)


def export_project(
    store: Store,
    project: str,
    out: Path,
    format: str = "parquet",
    filter: str | None = None,
    on_progress: Callable[[Exported], None] | None = None,
) -> Exported:
    """Write ``project``'s runs (those matching ``filter``) and their full history into ``out``;
    ``on_progress(done)`` is called after each run. Raises ProjectNotFoundError.

    The history's columns are the project's metric keys from its key catalogue, read before the
    runs: a key first logged while the export runs, or longer than the catalogue keeps, is left
    out of the file and named in ``Exported.left_out``.
    """
    if format not in FORMATS:
        raise ValueError(f"format={format!r}: use parquet or csv")
    store.project(project)  # a clear error for a project that does not exist
    keys = metric_keys(store, project)
    total = store.count_runs(project, filter=filter)
    out.mkdir(parents=True, exist_ok=True)
    runs_path, history_path = out / f"runs.{format}", out / f"history.{format}"
    schema = history_schema(keys, format)
    known = set(keys)
    left_out: set[str] = set()
    runs = points = 0
    runs_writer = RunsWriter(out, format)
    try:
        with replaced_on_success(history_path) as history_partial:
            writer = HistoryWriter(history_partial, schema, format)
            try:
                for page in _pages(store, project, filter):
                    runs_writer.add(runs_table(page))
                    for info in page:
                        wanted = [k for k in info.history_keys if k in known]
                        left_out.update(k for k in info.history_keys if k not in known)
                        table = store.history(info.id, keys=wanted, index=INDEX)
                        writer.add(info.id, table)
                        runs += 1
                        points += table.num_rows
                        if on_progress is not None:
                            size = history_partial.stat().st_size
                            on_progress(Exported(runs, points, size, total))
            finally:
                writer.close()
        with replaced_on_success(runs_path) as runs_partial:
            runs_writer.write(runs_partial, runs_table([]))
    finally:
        runs_writer.close()
    size = runs_path.stat().st_size + history_path.stat().st_size
    return Exported(runs, points, size, total, tuple(sorted(left_out)))


def _pages(store: Store, project: str, filter: str | None) -> Iterator[list[RunInfo]]:
    """The matching runs, oldest first, PAGE_RUNS at a time: each page starts after the last
    run of the one before (a keyset cursor), so a filter is not re-scanned up to each page."""
    after: str | None = None
    while True:
        page = store.runs_page(
            project, filter=filter, order="created_at", limit=PAGE_RUNS, after=after, count=False
        )
        if page.runs:
            yield page.runs
        if page.next is None:
            return
        after = page.next
