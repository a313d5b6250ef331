"""Stored results of ``cairn reproduce``: for an original run, which runs reproduced it, the
comparison of every summary metric, the verdict, and the Markdown report."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from cairn.store.schema import reproductions

if TYPE_CHECKING:
    from cairn.store.store import Store


@dataclass(frozen=True)
class Comparison:
    id: int
    run_id: str
    """The original run."""
    created_at: float
    verdict: str
    """``reproduced``, ``not reproduced`` or ``failed``."""
    runs: list[str]
    """Ids of the reproduction runs."""
    metrics: list[dict[str, Any]]
    """One entry per summary metric: original, reproduced values, differences, status."""
    details: dict[str, Any]
    report: str
    """The Markdown report."""


def save_reproduction(
    store: Store,
    run_id: str,
    *,
    verdict: str,
    runs: list[str],
    metrics: list[dict[str, Any]],
    details: dict[str, Any],
    report: str,
) -> int:
    """Store a comparison of reproductions of ``run_id``; returns its id."""
    with store._write() as conn:
        store._require(conn, run_id)
        result = conn.execute(
            insert(reproductions).values(
                run_id=run_id,
                created_at=time.time(),
                verdict=verdict,
                runs=runs,
                metrics=metrics,
                details=details,
                report=report,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])


def list_reproductions(store: Store, run_id: str) -> list[Comparison]:
    """The stored comparisons of ``run_id``, newest first."""
    query = (
        select(reproductions)
        .where(reproductions.c.run_id == run_id)
        .order_by(reproductions.c.created_at.desc(), reproductions.c.id.desc())
    )
    with store._read() as conn:
        return [
            Comparison(
                id=r.id,
                run_id=r.run_id,
                created_at=r.created_at,
                verdict=r.verdict,
                runs=list(r.runs),
                metrics=list(r.metrics),
                details=dict(r.details),
                report=r.report,
            )
            for r in conn.execute(query)
        ]
