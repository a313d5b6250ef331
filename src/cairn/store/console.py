"""A run's console: the lines its process wrote to stdout and stderr, numbered from 0 in the order
they were written, from the journal's ``Console`` records. Readers tail from a line number and
search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, func, insert, select

from cairn.journal.records import Console
from cairn.store.schema import console

if TYPE_CHECKING:
    from cairn.store.store import Store


@dataclass(frozen=True)
class ConsoleLine:
    line: int
    """Its number in the run's console, from 0."""
    stream: str
    """``stdout`` or ``stderr``."""
    ts: float
    """When it was written (unix seconds)."""
    text: str


def append_console(conn: Connection, run_id: str, records: Sequence[Console]) -> None:
    """Number and store the lines of a batch's console records (inside its transaction)."""
    rows = [
        {"seq": record.seq, "stream": stream, "ts": ts, "text": text}
        for record in records
        for ts, stream, text in record.lines
    ]
    if not rows:
        return
    last = conn.execute(select(func.max(console.c.line)).where(console.c.run_id == run_id)).scalar()
    first = 0 if last is None else int(last) + 1
    for i, row in enumerate(rows):
        row["run_id"] = run_id
        row["line"] = first + i
    conn.execute(insert(console), rows)


def console_lines(
    store: Store,
    run_id: str,
    *,
    after: int | None = None,
    limit: int | None = None,
    search: str | None = None,
    stream: str | None = None,
) -> list[ConsoleLine]:
    """A run's console lines in order: those numbered above ``after`` (a live tail asks again with
    the last number it has), at most ``limit``, only those holding ``search`` (ignoring case), only
    of ``stream``."""
    query = select(console.c.line, console.c.stream, console.c.ts, console.c.text).where(
        console.c.run_id == run_id
    )
    if after is not None:
        query = query.where(console.c.line > after)
    if stream is not None:
        query = query.where(console.c.stream == stream)
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(console.c.text.ilike(pattern, escape="\\"))
    query = query.order_by(console.c.line)
    if limit is not None:
        query = query.limit(limit)
    with store._read() as conn:
        return [ConsoleLine(r.line, r.stream, r.ts, r.text) for r in conn.execute(query)]


def console_count(store: Store, run_id: str) -> int:
    """How many console lines a run has."""
    with store._read() as conn:
        found = conn.execute(
            select(func.count()).select_from(console).where(console.c.run_id == run_id)
        ).scalar_one()
    return int(found)
