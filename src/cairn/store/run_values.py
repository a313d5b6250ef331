"""A run's summary values out of its JSON, one row per top-level key (migration 0015), so that
filtering and sorting runs on ``summary.<key>`` read an index instead of every run's JSON.

Each value keeps the rank the filter language sorts by (``store.filters``): 0 a number, 1 a
string (``"NaN"`` and ``"Infinity"`` too: the store keeps non-finite floats as those strings),
2 a bool (``num`` 0 or 1), 3 a list or an object (``text`` its JSON). A JSON null has no row, as
a missing key has none. Keys longer than ``catalogue.MAX_KEY`` characters have no rows: the
filters read those from the JSON. Applying a batch rewrites only the keys whose value changed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, delete, insert

from cairn.store import jsonsafe
from cairn.store.catalogue import MAX_KEY
from cairn.store.schema import run_values

NUMBER, STRING, BOOL, OTHER = range(4)

Value = tuple[int, float | None, str | None]
"""A stored value: (rank, num, text)."""


def indexed(key: str | int) -> bool:
    """Whether ``summary.<key>`` has its values in ``run_values``."""
    return isinstance(key, str) and len(key) <= MAX_KEY


def stored(value: Any) -> Value | None:
    """How one summary value is stored (None: a JSON null, no row)."""
    value = jsonsafe.encode_nonfinite(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return BOOL, float(value), None
    if isinstance(value, (int, float)):
        try:
            return NUMBER, float(value), None
        except OverflowError:  # an integer past a double's range, as SQLite reads it from JSON
            return NUMBER, math.inf if value > 0 else -math.inf, None
    if isinstance(value, str):
        return STRING, None, value
    return OTHER, None, jsonsafe.dumps(value)


def values(summary: Mapping[str, Any]) -> dict[str, Value]:
    """The stored values of a summary, by key."""
    out = {}
    for key, value in summary.items():
        if indexed(key) and (row := stored(value)) is not None:
            out[key] = row
    return out


def change(
    conn: Connection, run_id: str, before: Mapping[str, Any], after: Mapping[str, Any]
) -> None:
    """Rewrite the run's rows whose value differs between two summaries (a new run: empty
    ``before``), inside the caller's write transaction."""
    old, new = values(before), values(after)
    gone = sorted(key for key, value in old.items() if new.get(key) != value)
    _delete(conn, run_id, gone)
    rows = [
        {"run_id": run_id, "key": key, "rank": rank, "num": num, "text": text}
        for key, (rank, num, text) in sorted(new.items())
        if old.get(key) != (rank, num, text)
    ]
    if rows:
        conn.execute(insert(run_values), rows)


def _delete(conn: Connection, run_id: str, keys: Iterable[str]) -> None:
    keys = list(keys)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        conn.execute(
            delete(run_values).where(run_values.c.run_id == run_id, run_values.c.key.in_(chunk))
        )
