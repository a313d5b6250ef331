"""Reading a logged ``cairn.Table`` for the dashboard: rows as JSON columns, filtered with the runs
filter language's syntax (``score > 0.5 and label ~ "cat"``), sorted, grouped, a page at a time, and
two runs' versions joined side by side on a key column. Runs on pyarrow over the table's Parquet.

Filter grammar: the tokens and literals of ``cairn.store.filters``; a field is a column name
(``val/acc``, or ``col["any name"]``); comparisons ``== != < <= > >= ~ in [..] not in [..] is null``
joined by ``and``, ``or``, ``not`` and parentheses. A row whose cell is null or of another type than
the literal fails the comparison (``!=`` is ``not ==``).
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cairn.store.filters import _CONSTANTS, FilterError, _fail, _Problem, _tokens
from cairn.store.reader import BlobReader

MAX_PAGE = 5_000
_COMPARE = {"==": pc.equal, "!=": pc.not_equal, "<": pc.less, "<=": pc.less_equal}
_COMPARE.update({">": pc.greater, ">=": pc.greater_equal})


def read_table(blobs: BlobReader, digest: str) -> pa.Table:
    """The Parquet table stored under ``digest``."""
    return pq.read_table(io.BytesIO(blobs.get(digest)))


class _Eval:
    """Recursive descent over the tokens, evaluating straight to a boolean mask of ``table``."""

    def __init__(self, text: str, table: pa.Table) -> None:
        self.text, self.table, self._tokens = text, table, _tokens(text)
        self.tok = next(self._tokens)

    def take(self) -> Any:
        tok, self.tok = self.tok, (self.tok if self.tok.kind == "end" else next(self._tokens))
        return tok

    def accept(self, kind: str, text: str) -> bool:
        if self.tok.kind == kind and self.tok.text == text:
            self.take()
            return True
        return False

    def logic(self, op: str) -> pa.ChunkedArray:
        combine = pc.or_ if op == "or" else pc.and_
        mask = self.logic("and") if op == "or" else self.negation()
        while self.accept("name", op):
            mask = combine(mask, self.logic("and") if op == "or" else self.negation())
        return mask

    def negation(self) -> pa.ChunkedArray:
        if self.accept("name", "not"):
            return pc.invert(self.negation())
        if not (self.tok.kind == "op" and self.tok.text == "("):
            return self.comparison()
        opened = self.take().pos
        mask = self.logic("or")
        if not self.accept("op", ")"):
            _fail(f"expected ')' to close the '(' opened at offset {opened}", self.tok.pos)
        return mask

    def column(self) -> pa.ChunkedArray:
        tok = self.take()
        if tok.kind != "name" or tok.text in ("and", "or", "not", "in", "is", *_CONSTANTS):
            _fail(f"expected a column name, got {tok.text or 'the end'!r}", tok.pos)
        name = tok.text
        if name == "col" and self.accept("op", "["):
            key = self.take()
            if key.kind != "str" or not self.accept("op", "]"):
                _fail('expected col["column name"]', key.pos)
            name = key.value
        if name not in self.table.column_names:
            _fail(
                f"unknown column {name!r}; the columns are {', '.join(self.table.column_names)}",
                tok.pos,
            )
        return self.table.column(name)

    def literal(self) -> Any:
        tok = self.take()
        if tok.kind in ("num", "str"):
            return tok.value
        if tok.kind == "name" and tok.text in _CONSTANTS:
            return _CONSTANTS[tok.text]
        if tok.kind == "op" and tok.text == "-" and self.tok.kind == "num":
            return -self.take().value
        if tok.kind == "op" and tok.text == "[":
            items = []
            while not self.accept("op", "]"):
                items.append(self.literal())
                if not self.accept("op", ",") and not (
                    self.tok.kind == "op" and self.tok.text == "]"
                ):
                    _fail("expected ',' or ']' in the list", self.tok.pos)
            return items
        _fail(f"expected a value, got {tok.text or 'the end'!r}", tok.pos)

    def comparison(self) -> pa.ChunkedArray:
        column = self.column()
        tok = self.take()
        if tok.kind == "name" and tok.text == "is":
            negated = self.accept("name", "not")
            if not (self.tok.kind == "name" and self.tok.text in ("null", "None")):
                _fail("expected null after 'is'", self.tok.pos)
            self.take()
            nulls = pc.is_null(column)
            return pc.invert(nulls) if negated else nulls
        if tok.kind == "name" and tok.text in ("in", "not"):
            if tok.text == "not" and not self.accept("name", "in"):
                _fail("expected 'in' after 'not'", self.tok.pos)
            values = self.literal()
            if not isinstance(values, list):
                _fail("expected a list like [1, 2] after 'in'", tok.pos)
            found = _fill(pc.is_in(column, value_set=_same_type(column, values)))
            return pc.invert(found) if tok.text == "not" else found
        if tok.kind != "op" or (tok.text not in _COMPARE and tok.text != "~"):
            _fail("expected an operator (==, !=, <, <=, >, >=, ~, in, is)", tok.pos)
        value = self.literal()
        if tok.text == "~":
            if not isinstance(value, str):
                _fail("'~' takes a quoted regular expression", tok.pos)
            text = column if pa.types.is_string(column.type) else pc.cast(column, pa.string())
            try:
                return _fill(pc.match_substring_regex(text, value))
            except pa.ArrowInvalid as exc:
                _fail(f"bad regular expression: {exc}", tok.pos)
        if value is None:
            nulls = pc.is_null(column)
            return pc.invert(nulls) if tok.text == "!=" else nulls
        typed = _same_type(column, [value])
        if len(typed) == 0:  # another type than the column's: no row matches
            matched = pa.chunked_array([pa.array([False] * len(column), pa.bool_())])
        else:
            matched = _fill(_COMPARE["==" if tok.text == "!=" else tok.text](column, typed[0]))
        return pc.invert(matched) if tok.text == "!=" else matched


def _fill(mask: Any) -> Any:
    return pc.fill_null(mask, False)


def _same_type(column: pa.ChunkedArray, values: list[Any]) -> pa.Array:
    """The literals that fit the column's type, as an array of that type."""
    kind = column.type
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        keep = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
        return pa.array([float(v) for v in keep], pa.float64()).cast(
            kind if pa.types.is_floating(kind) else pa.float64()
        )
    if pa.types.is_boolean(kind):
        return pa.array([v for v in values if isinstance(v, bool)], pa.bool_())
    return pa.array([v for v in values if isinstance(v, str)], pa.string())


def filter_mask(table: pa.Table, text: str) -> pa.ChunkedArray:
    """The rows of ``table`` that ``text`` matches, as a boolean mask (FilterError if it is bad)."""
    try:
        if not text.strip():
            _fail("empty filter", 0)
        parser = _Eval(text, table)
        mask = parser.logic("or")
        if parser.tok.kind != "end":
            _fail(f"unexpected {parser.tok.text!r} after a complete filter", parser.tok.pos)
        return mask
    except _Problem as problem:
        raise FilterError(problem.reason, text, problem.position) from None
    except RecursionError:
        raise FilterError("the filter is nested too deeply", text, 0) from None


def query_table(
    table: pa.Table,
    *,
    types: dict[str, str],
    filter: str | None = None,
    sort: str | None = None,
    descending: bool = False,
    group: str | None = None,
    offset: int = 0,
    limit: int = 1000,
) -> dict[str, Any]:
    """A page of rows after filter, group and sort: ``{total, matched, offset, columns, data,
    groups}``; ``data`` is columnar, media cells parsed, NaN and ±Inf as null."""
    total = table.num_rows
    for name in (sort, group):
        if name is not None and name not in table.column_names:
            raise ValueError(
                f"no column {name!r} in the table; the columns are {', '.join(table.column_names)}"
            )
    table = table.append_column("_row", pa.array(range(total), pa.int64()))
    if filter:
        table = table.filter(filter_mask(table, filter))
    keys: list[tuple[str, str, str]] = []
    if group:
        keys.append((group, "ascending", "at_end"))
    if sort:
        keys.append((sort, "descending" if descending else "ascending", "at_end"))
    if keys:
        table = table.take(pc.sort_indices(table, sort_keys=keys))
    groups: list[dict[str, Any]] | None = None
    if group:
        counts = pc.value_counts(table.column(group)).to_pylist()
        order = {v: i for i, v in enumerate(dict.fromkeys(table.column(group).to_pylist()))}
        groups = sorted(
            ({"value": _json(c["values"]), "count": c["counts"]} for c in counts),
            key=lambda g: order.get(g["value"], len(order)),
        )
    page = table.slice(offset, min(limit, MAX_PAGE))
    return {
        "total": total,
        "matched": table.num_rows,
        "offset": offset,
        "columns": [c for c in page.column_names],
        "data": {name: _cells(page.column(name), types.get(name)) for name in page.column_names},
        "groups": groups,
    }


def join_tables(left: pa.Table, right: pa.Table, on: str, names: tuple[str, str]) -> pa.Table:
    """The rows of two versions of a table side by side, matched on column ``on`` (an outer join);
    other columns get the run's name as a suffix (``loss · run-a``)."""
    if names[0] == names[1]:
        raise ValueError(f"both tables are of {names[0]}: join the tables of two different runs")
    for side, table in zip(names, (left, right), strict=True):
        if on not in table.column_names:
            raise ValueError(f"the table of {side} has no column {on!r} to join on")
    a = left.rename_columns([c if c == on else f"{c} · {names[0]}" for c in left.column_names])
    b = right.rename_columns([c if c == on else f"{c} · {names[1]}" for c in right.column_names])
    joined = a.join(b, keys=on, join_type="full outer")
    columns = [on] + [c for c in a.column_names if c != on] + [c for c in b.column_names if c != on]
    return joined.select(columns)


def _json(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _cells(column: pa.ChunkedArray, kind: str | None) -> list[Any]:
    values = column.to_pylist()
    if kind in (None, "number", "bool", "string"):
        return [_json(v) for v in values]
    return [None if v is None else json.loads(v) for v in values]


def column_types(meta: dict[str, Any], suffixes: Sequence[str] = ()) -> dict[str, str]:
    """The column types a table's metadata names, also under each joined suffix."""
    types: dict[str, str] = dict(meta.get("types") or {})
    for suffix in suffixes:
        types.update(
            {f"{name} · {suffix}": kind for name, kind in (meta.get("types") or {}).items()}
        )
    return types
