"""Applying a batch of journal records to the SQL store, idempotently by ``seq``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
from sqlalchemy import Connection, bindparam, delete, insert, select, update

from cairn.errors import StoreGapError
from cairn.journal.records import (
    ArtifactLog,
    ArtifactUse,
    Capture,
    ConfigUpdate,
    Console,
    DefineMetric,
    History,
    MediaLog,
    Record,
    RunFinish,
    RunStart,
    SummaryUpdate,
)
from cairn.store import catalogue, history, run_values
from cairn.store.arrow import as_numpy
from cairn.store.artifacts import apply_artifact_records
from cairn.store.blobs import BlobStore
from cairn.store.capture import apply_capture
from cairn.store.console import append_console
from cairn.store.media import apply_media
from cairn.store.models import INDEX_COLUMNS
from cairn.store.projects import ensure_project
from cairn.store.schema import run_tags, runs
from cairn.store.summary import SummaryState


def apply_records(
    conn: Connection, blobs: BlobStore, run_id: str, records: Sequence[Record]
) -> tuple[int, list[str]]:
    """Apply the records of one run not yet applied, inside the caller's write transaction.

    Returns the run's last applied seq, and digests of blobs that sealing made unreferenced.
    """
    row: Mapping[Any, Any] | None = (
        conn.execute(select(runs).where(runs.c.id == run_id)).mappings().first()
    )
    last_seq: int = row["last_seq"] if row else 0
    new = [r for r in records if r.seq > last_seq]
    if not new:
        return last_seq, []
    if row is not None and new[0].seq != last_seq + 1:
        raise StoreGapError(
            f"run {run_id}: the store has records up to seq {last_seq} but was offered seq "
            f"{new[0].seq} next; sync the run's journal (`cairn sync`) to fill the gap"
        )
    if row is None:
        first = new[0]
        if not isinstance(first, RunStart):
            raise StoreGapError(
                f"run {run_id}: the store has no such run and the records start at seq "
                f"{first.seq}, not with the run's start; sync its journal from the beginning "
                "(`cairn sync PATH`)"
            )
        row = _create_run(conn, first)
    run = _RunUpdate(row)
    rows: list[History] = []
    captures: list[Capture] = []
    lines: list[Console] = []
    uses: list[ArtifactLog | ArtifactUse] = []
    logged: list[MediaLog] = []
    for record in new:
        if type(record) is History:
            rows.append(record)
        elif type(record) is Console:
            lines.append(record)
        elif type(record) is Capture:
            captures.append(record)
        elif type(record) is ArtifactLog or type(record) is ArtifactUse:
            uses.append(record)
        elif type(record) is MediaLog:
            logged.append(record)
        else:
            run.apply(conn, record)
    if captures:
        apply_capture(conn, run_id, captures)
    if lines:
        append_console(conn, run_id, lines)
    if uses:
        apply_artifact_records(conn, run_id, int(row["project_id"]), uses)
    if logged:
        apply_media(conn, run_id, logged)
    if rows:
        table = history.rows_table(rows)
        run.add_rows(table)
        history.append_tail(conn, run_id, table)
    run.values["last_seq"] = new[-1].seq
    values = run.finish()
    conn.execute(_UPDATE_RUN, {**values, "b_run_id": run_id})
    catalogue.change(
        conn,
        int(row["project_id"]),
        catalogue.run_keys(row["config"], row["summary"], row["history_keys"]),
        catalogue.run_keys(
            values.get("config", row["config"]), values["summary"], values["history_keys"]
        ),
    )
    run_values.change(conn, run_id, row["summary"], values["summary"])
    dropped: list[str] = []
    if history.seals_now(
        conn, run_id, run.values.get("state", row["state"]), bool(rows), values["history_rows"]
    ):
        dropped = history.seal(conn, blobs, run_id)
    return new[-1].seq, dropped


def clip(column: Any, text: str | None) -> str | None:
    """``text`` cut to the length of its column: PostgreSQL refuses a longer value (SQLite
    keeps it), and a journal record the store cannot apply would stop the run's sync for good."""
    length = column.type.length
    return text[:length] if text is not None and length and len(text) > length else text


def _create_run(conn: Connection, start: RunStart) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": start.run_id,
        "project_id": ensure_project(conn, start.project, start.created_at),
        "name": clip(runs.c.name, start.name),
        "state": "running",
        "created_at": start.created_at,
        "updated_at": start.created_at,
        "heartbeat_at": start.created_at,
        "config": {},
        "summary": {},
        "summary_explicit": {},
        "summary_state": {},
        "metric_defs": [],
        "history_keys": [],
        "history_rows": 0,
        "last_step": None,
        "last_seq": 0,
        "reproduction_of": start.reproduction_of,
        "sweep_id": start.sweep_id,
    }
    conn.execute(_INSERT_RUN, values)
    return values


# Built once, their values given at execute: building a statement with its values each time,
# every value coerced into SQL, was about a tenth of applying a short run (profiled).
_INSERT_RUN = insert(runs)
_UPDATE_RUN = update(runs).where(runs.c.id == bindparam("b_run_id"))


class _RunUpdate:
    """Accumulates one batch's changes to a run row, written back in one UPDATE."""

    def __init__(self, row: Any) -> None:
        self.row = row
        self.values: dict[str, Any] = {}
        self.summary = SummaryState(row["summary_state"], row["metric_defs"])
        self.explicit: dict[str, Any] = dict(row["summary_explicit"])
        self.keys = set(row["history_keys"])
        self.rows = row["history_rows"]
        self.last_step: int | None = row["last_step"]
        self.latest = row["heartbeat_at"]

    def add_rows(self, table: pa.Table) -> None:
        keys = table.column_names[len(INDEX_COLUMNS) :]
        self.summary.add_columns({k: table.column(k) for k in keys})
        self.keys.update(keys)
        self.rows += table.num_rows
        # numpy, not pyarrow.compute: the write path never loads compute (about 35 ms)
        top = int(as_numpy(table.column("_step"), np.int64).max())
        if self.last_step is None or top > self.last_step:
            self.last_step = top
        self.latest = max(
            self.latest, float(as_numpy(table.column("_timestamp"), np.float64).max())
        )

    def apply(self, conn: Connection, record: Record) -> None:
        if isinstance(record, RunStart):
            self.values.update(
                name=clip(runs.c.name, record.name),
                state="running",
                config=record.config,
                notes=record.notes,
                group_name=clip(runs.c.group_name, record.group),
                job_type=clip(runs.c.job_type, record.job_type),
                host=clip(runs.c.host, record.host),
                program=record.program,
                finished_at=None,
                exit_code=None,
                error=None,
            )
            run_id = record.run_id
            conn.execute(delete(run_tags).where(run_tags.c.run_id == run_id))
            if record.tags:
                tags = dict.fromkeys(clip(run_tags.c.tag, t) for t in record.tags)
                conn.execute(insert(run_tags), [{"run_id": run_id, "tag": t} for t in tags])
            if record.reproduction_of is not None:
                self.values["reproduction_of"] = record.reproduction_of
            if record.sweep_id is not None:
                self.values["sweep_id"] = record.sweep_id
            self.latest = max(self.latest, record.created_at)
        elif isinstance(record, ConfigUpdate):
            self.values["config"] = record.config
        elif isinstance(record, SummaryUpdate):
            self.explicit.update(record.set)
            for key in record.remove:
                self.explicit.pop(key, None)
        elif isinstance(record, DefineMetric):
            self.summary.define(record.name, record.summary, record.step_metric)
        elif isinstance(record, RunFinish):
            self.values.update(
                state=record.state,
                exit_code=record.exit_code,
                error=record.error,
                finished_at=record.ts,
            )
            self.latest = max(self.latest, record.ts)

    def finish(self) -> dict[str, Any]:
        summary = self.summary.computed()
        summary.update(self.explicit)
        self.values.update(
            summary=summary,
            summary_explicit=self.explicit,
            summary_state=self.summary.state,
            metric_defs=self.summary.rules,
            history_keys=sorted(self.keys),
            history_rows=self.rows,
            last_step=self.last_step,
            heartbeat_at=self.latest,
            updated_at=self.latest,
        )
        return self.values
