"""What a run captured to be re-run: one JSON document per section (``git``, ``code``,
``environment``, ``command``, ``seeds``, ``config_sources``), from the journal's ``Capture``
records; a later record of a section replaces the earlier one.

Kept in their own table rather than a column of ``runs``: a section can be large (a diff, a
package list), and the runs row is read on every applied batch and every run listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, insert, select

from cairn.journal.records import Capture
from cairn.store.blob_refs import replace_capture_refs
from cairn.store.schema import run_capture, runs

if TYPE_CHECKING:
    from cairn.store.store import Store

SECTIONS = ("git", "code", "environment", "command", "seeds", "config_sources")
"""The sections Cairn captures, in the order a reader shows them."""


def apply_capture(conn: Connection, run_id: str, records: Sequence[Capture]) -> None:
    """Store the sections of a batch's capture records (inside the batch's transaction)."""
    latest: dict[str, Capture] = {}
    for record in records:
        latest[record.section] = record
    if not latest:
        return
    # two statements for all the sections (a run with capture off still has three), not two each
    conn.execute(
        delete(run_capture).where(
            (run_capture.c.run_id == run_id) & run_capture.c.section.in_(list(latest))
        )
    )
    conn.execute(
        insert(run_capture),
        [
            {"run_id": run_id, "section": section, "data": record.data, "seq": record.seq}
            for section, record in latest.items()
        ],
    )
    replace_capture_refs(conn, run_id, {s: r.data for s, r in latest.items()})


def get_capture(store: Store, run_id: str) -> dict[str, Any]:
    """Every captured section of a run, ``{section: data}``; ``{}`` when it captured nothing."""
    with store._read() as conn:
        rows = conn.execute(
            select(run_capture.c.section, run_capture.c.data).where(run_capture.c.run_id == run_id)
        ).all()
    found = {section: data for section, data in rows}
    order = {name: i for i, name in enumerate(SECTIONS)}
    return {k: found[k] for k in sorted(found, key=lambda k: (order.get(k, len(order)), k))}


def reproductions_of(store: Store, project: str, run_id: str) -> list[str]:
    """Ids of the runs made to reproduce ``project/run_id``, oldest first."""
    with store._read() as conn:
        rows = conn.execute(
            select(runs.c.id)
            .where(runs.c.reproduction_of == f"{project}/{run_id}")
            .order_by(runs.c.created_at, runs.c.id)
        ).all()
    return [r.id for r in rows]


def capture_sections(
    store: Store, run_ids: Sequence[str], sections: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Some sections of many runs in one query: ``{run_id: {section: data}}`` (runs that
    captured none of them are absent)."""
    if not run_ids:
        return {}
    found: dict[str, dict[str, Any]] = {}
    with store._read() as conn:
        rows = conn.execute(
            select(run_capture.c.run_id, run_capture.c.section, run_capture.c.data).where(
                run_capture.c.run_id.in_(list(run_ids)) & run_capture.c.section.in_(list(sections))
            )
        ).all()
    for run_id, section, data in rows:
        found.setdefault(run_id, {})[section] = data
    return found
