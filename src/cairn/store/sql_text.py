"""SQL text that SQLAlchemy and the stdlib's ``sqlite3`` both run, for the reads a cold
``Api(dir).run(ref).history(keys)`` makes (``run_lookup``, ``history_read``): the same statements
serve the ``Store`` and a local read that never loads SQLAlchemy (``local_reader``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from cairn.store.jsonsafe import loads


class Query(Protocol):
    """Runs one SQL statement with named parameters (``:name``) and returns its rows, each
    readable by column name: ``Store``'s over SQLAlchemy, ``local_reader``'s over ``sqlite3``."""

    def __call__(self, sql: str, params: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]: ...


def json_value(value: Any) -> Any:
    """A JSON column as read by SQL text: its text from SQLite (decoded here), already decoded
    by psycopg on PostgreSQL (with ``jsonsafe.loads``, as SQLAlchemy sets it up)."""
    return loads(value) if isinstance(value, str) else value
