"""Keyset cursors for listing runs: where a page stopped, so the next starts right after it.

A page after a cursor is read as ``WHERE (sort keys, id) come after the cursor's`` instead of
``OFFSET n``, so the database does not count past the rows before it, and rows added or removed
before it do not shift the next page. On an order an index serves, a late page then costs what
the first does; under a filter and a sort on JSON values each page still scans the matches
(docs/performance.md). The cursor is an opaque string for callers
(URL-safe base64 of JSON): the order it was made for, the last row's sort-key values and its id.
``decode`` checks every value against the key's SQL type, so a forged or stale cursor is a
``CursorError`` (a 400 on the server), never a database error.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from cairn.errors import CursorError

MAX_CURSOR = 8192
"""Characters a cursor may have (a sort key holding a large JSON value makes a long one)."""
_INT_RANGE = 2**63  # SQLite integers are 64-bit


def encode(order: str | None, values: Sequence[Any], run_id: str) -> str:
    """The cursor after the row with sort-key ``values`` and ``run_id`` under ``order``."""
    body = json.dumps([order or "", list(values), run_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")


def decode(
    text: str, order: str | None, types: Sequence[sa.types.TypeEngine[Any]], json_values: bool
) -> tuple[list[Any], str]:
    """The sort-key values and run id in ``text``, checked against the keys' ``types``
    (``json_values``: a JSON-valued key may hold objects and lists, as on PostgreSQL)."""
    try:
        if len(text) > MAX_CURSOR:
            raise ValueError(f"longer than {MAX_CURSOR} characters")
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        made_for, values, run_id = json.loads(raw, parse_constant=_no_constant)
    except (ValueError, TypeError, RecursionError, binascii.Error) as exc:
        raise CursorError(
            f"not a cursor of this listing ({exc}): pass the `next` value of the previous "
            "page as it came, or leave it out to start from the first page"
        ) from None
    if made_for != (order or ""):
        raise CursorError(
            f"this cursor continues a listing ordered by {made_for or 'the default order'!r}, "
            f"not {order or 'the default order'!r}: pass the same order, or no cursor"
        )
    if not isinstance(run_id, str) or not isinstance(values, list) or len(values) != len(types):
        raise CursorError("a cursor holds a value per sort key and a run id: this one does not")
    for value, type_ in zip(values, types, strict=True):
        if not _fits(value, type_, json_values):
            raise CursorError(f"a cursor value {value!r:.60} does not fit its sort key")
    return values, run_id


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a value a sort key holds")


def _fits(value: Any, type_: sa.types.TypeEngine[Any], json_values: bool) -> bool:
    if value is None:
        return True
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _INT_RANGE:
        return False
    if isinstance(type_, sa.types.NullType):  # a JSON value (filters._Json "native")
        return json_values or isinstance(value, (str, int, float))
    if isinstance(type_, (sa.Float, sa.Integer, sa.Numeric)):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(type_, sa.String):
        return isinstance(value, str)
    return False


def after(
    keys: Sequence[tuple[ColumnElement[Any], bool]],
    values: Sequence[Any],
    id_column: ColumnElement[str],
    run_id: str,
    json_cast: bool,
) -> ColumnElement[bool]:
    """Rows that sort after (``values``, ``run_id``) when ordered by ``keys`` (value,
    descending), NULLs last in both directions, then by id. ``json_cast``: compare JSON-valued
    keys as ``jsonb`` (PostgreSQL); SQLite's ``json_extract`` gives plain SQL values."""
    later: list[ColumnElement[bool]] = []
    ties: list[ColumnElement[bool]] = []
    for (column, descending), value in zip(keys, values, strict=True):
        if value is None:  # only NULLs tie with NULL, and nothing sorts after them
            ties.append(column.is_(None))
            continue
        bound = _bound(value, column.type, json_cast)
        beyond = column < bound if descending else column > bound
        later.append(sa.and_(*ties, sa.or_(beyond, column.is_(None))))
        ties.append(column == bound)
    later.append(sa.and_(*ties, id_column > run_id))
    return sa.or_(*later)


def _bound(value: Any, type_: sa.types.TypeEngine[Any], json_cast: bool) -> ColumnElement[Any]:
    if isinstance(type_, sa.types.NullType) and json_cast:
        from sqlalchemy.dialects.postgresql import JSONB  # loaded for a PostgreSQL store only

        return sa.cast(sa.bindparam(None, json.dumps(value), type_=sa.String()), JSONB)
    return sa.bindparam(None, value, type_=type_)
