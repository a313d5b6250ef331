r"""A small, safe (no eval) filter and order language for runs, compiled to SQLAlchemy Core.

Grammar (EBNF)::

    filter     = or_expr ;
    or_expr    = and_expr , { "or" , and_expr } ;
    and_expr   = not_expr , { "and" , not_expr } ;
    not_expr   = "not" , not_expr | "(" , or_expr , ")" | comparison ;
    comparison = operand , cmp_op , operand
               | field , [ "not" ] , "in" , list
               | string , [ "not" ] , "in" , "tags"
               | field , "is" , [ "not" ] , null ;
    cmp_op     = "==" | "!=" | "<" | "<=" | ">" | ">=" | "~" ;
    operand    = field | literal ;
    field      = name , { "." , name | "[" , ( string | digits ) , "]" } ;
    literal    = [ "-" ] , number | string | "true" | "True" | "false" | "False" | null ;
    null       = "null" | "None" ;
    list       = "[" , [ literal , { "," , literal } , [ "," ] ] , "]" ;
    name       = ( letter | "_" ) , { letter | digit | "_" | "/" } ;
    number     = ( digits , [ "." , [ digits ] ] | "." , digits ) , [ exponent ] ;
    exponent   = ( "e" | "E" ) , [ "+" | "-" ] , digits ;
    string     = '"' , { char | escape } , '"' | "'" , { char | escape } , "'" ;
    escape     = "\" , ( "\" | '"' | "'" | "n" | "r" | "t" | "u" , 4 * hexdigit ) ;
    order      = order_key , { "," , order_key } ;
    order_key  = [ "-" | "+" ] , field ;

Fields: ``id``, ``name``, ``state``, ``notes``, ``group``, ``job_type``, ``host``, ``sweep_id``,
``reproduction_of`` (text: ``project/id`` of the run a reproduction re-ran; null otherwise);
``created_at`` (unix seconds) and ``runtime`` (seconds); ``tags`` (only as ``"t" in tags``);
``config.<key>`` and ``summary.<key>`` (paths into JSON; a name may hold ``/``, as metric keys
do: ``summary.val/acc``; brackets for any key: ``config["weird key"]``).

Semantics. A comparison puts a field on one side and a literal on the other. A JSON value is
compared as the literal's type (number, string or bool): a missing key or a value of another type
makes ``==``, ``<``, ``~``... false, and ``!=`` is always ``not ==``, so it matches those runs.
``x is null`` (or ``x == None``) matches a missing key or a JSON null. ``not`` is the exact
complement. ``~`` is a regex search, so a plain word matches as a substring. There is no ``inf``
or ``nan``: JSON stores neither. Unknown backslash escapes are kept, so ``"\d+"`` stays a regex.
Ordering puts runs without the value last in both directions; a JSON key sorts numbers, then
strings, then booleans, then the rest, each group by value.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from cairn.store import run_values as stored
from cairn.store.regex import check_regex
from cairn.store.schema import run_tags, run_values, runs


class FilterError(ValueError):
    """A filter or order expression that cannot be parsed; .position is the 0-based char offset."""

    position: int

    def __init__(self, reason: str, text: str, position: int) -> None:
        self.reason, self.text, self.position = reason, text, position
        shown = text.replace("\n", " ").replace("\t", " ")
        super().__init__(f"{reason} at position {position}:\n  {shown}\n  {' ' * position}^")


class _Problem(Exception):
    """Raised by the parser and compiler; the public functions turn it into a FilterError."""

    def __init__(self, reason: str, position: int) -> None:
        super().__init__(reason)
        self.reason, self.position = reason, position


def _fail(reason: str, position: int) -> NoReturn:
    raise _Problem(reason, position)


# --- tokens -------------------------------------------------------------------------------------

_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_/]*")
_OPS = ("==", "!=", "<=", ">=", "<", ">", "~", "(", ")", "[", "]", ",", ".", "-", "+")
_BAD_OPS = re.compile(r"[=!&|<>]+")
_HINTS = {"=": "==", "===": "==", "!": "!=' or 'not", "&": "and", "&&": "and", "|": "or"}
_HINTS.update({"||": "or", "<>": "!=", "=<": "<=", "=>": ">="})
_ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "r": "\r", "t": "\t"}
_CONSTANTS: dict[str, Any] = {"true": True, "True": True, "false": False, "False": False}
_CONSTANTS.update({"null": None, "None": None})
_KEYWORDS = {"and", "or", "not", "in", "is", *_CONSTANTS}


@dataclass(frozen=True)
class _Tok:
    kind: str  # name | num | str | op | end
    text: str
    value: Any
    pos: int

    def is_(self, kind: str, text: str) -> bool:
        return self.kind == kind and self.text == text


def _tokens(text: str) -> Iterator[_Tok]:
    i, prev = 0, ""
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i == len(text):
            yield _Tok("end", "", None, i)
            return
        start = i
        if (num := _NUMBER.match(text, i)) and not (text[i] == "." and prev in ("name", "]")):
            i = num.end()
            tok = _Tok("num", num.group(), _number(num.group(), start), start)
        elif name := _NAME.match(text, i):
            i = name.end()
            tok = _Tok("name", name.group(), name.group(), start)
        elif text[i] in "\"'":
            value, i = _string(text, i)
            tok = _Tok("str", text[start:i], value, start)
        elif (bad := _BAD_OPS.match(text, i)) and bad.group() not in _OPS:
            hint = f" (use '{_HINTS[bad.group()]}')" if bad.group() in _HINTS else ""
            _fail(f"unknown operator {bad.group()!r}{hint}", i)
        elif op := next((op for op in _OPS if text.startswith(op, i)), None):
            i += len(op)
            tok = _Tok("op", op, op, start)
        else:
            _fail(f"unexpected character {text[i]!r}", i)
        prev = tok.text if tok.kind == "op" else tok.kind
        yield tok


def _number(text: str, pos: int) -> int | float:
    if not any(c in text for c in ".eE"):
        return int(text) if int(text) < 2**63 else float(text)  # SQLite integers are 64-bit
    if math.isinf(number := float(text)):
        _fail(f"number {text} is out of range (JSON stores no infinities)", pos)
    return number


def _string(text: str, i: int) -> tuple[str, int]:
    """The string opening at ``text[i]`` and the offset just after it."""
    quote, start, out = text[i], i, []
    i += 1
    while i < len(text) and text[i] != quote:
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt, hex4 = text[i + 1], text[i + 2 : i + 6]
            if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", hex4):
                ch, i = chr(int(hex4, 16)), i + 4
            else:
                ch = _ESCAPES.get(nxt, ch + nxt)
            i += 1
        out.append(ch)
        i += 1
    if i >= len(text):
        _fail(f"unterminated string: add the closing {quote} for the string opened here", start)
    return "".join(out), i + 1


# --- parser -------------------------------------------------------------------------------------

_PLAIN = (
    "id",
    "name",
    "state",
    "notes",
    "group",
    "job_type",
    "host",
    "sweep_id",
    "reproduction_of",
    "created_at",
    "runtime",
)
_JSON_ROOTS = ("config", "summary")
_ALL_FIELDS = ", ".join((*_PLAIN, "tags", "config.<key>", "summary.<key>"))


@dataclass(frozen=True)
class _Field:
    root: str
    keys: tuple[str | int, ...]
    pos: int


@dataclass(frozen=True)
class _Lit:
    value: Any  # None, bool, int, float, str or a list of those
    pos: int


@dataclass(frozen=True)
class _Compare:
    op: str
    left: _Field | _Lit
    right: _Field | _Lit


@dataclass(frozen=True)
class _Logic:
    op: str  # and | or | not
    items: tuple[_Compare | _Logic, ...]


class _Parser:
    """Recursive descent over a lazy token stream, with one token of lookahead."""

    def __init__(self, text: str) -> None:
        self.text, self._tokens = text, _tokens(text)
        self.tok = next(self._tokens)

    def take(self) -> _Tok:
        tok, self.tok = self.tok, (self.tok if self.tok.kind == "end" else next(self._tokens))
        return tok

    def accept(self, kind: str, text: str) -> bool:
        found = self.tok.is_(kind, text)
        if found:
            self.take()
        return found

    def done(self, what: str) -> None:
        if self.tok.kind != "end":
            _fail(f"unexpected {self.tok.text!r} after a complete {what}", self.tok.pos)

    def logic(self, op: str) -> _Compare | _Logic:
        items = [self.logic("and") if op == "or" else self.negation()]
        while self.accept("name", op):
            items.append(self.logic("and") if op == "or" else self.negation())
        return items[0] if len(items) == 1 else _Logic(op, tuple(items))

    def negation(self) -> _Compare | _Logic:
        if self.accept("name", "not"):
            return _Logic("not", (self.negation(),))
        if not self.tok.is_("op", "("):
            return self.comparison()
        opened = self.take().pos
        node = self.logic("or")
        if not self.accept("op", ")"):
            _fail(f"expected ')' to close the '(' opened at offset {opened}", self.tok.pos)
        return node

    def comparison(self) -> _Compare:
        left = self.operand("expected a field, a value, 'not' or '('")
        tok = self.take()
        if tok.kind == "op" and tok.text in ("==", "!=", "<", "<=", ">", ">=", "~"):
            return _Compare(tok.text, left, self.operand(f"expected a value after {tok.text!r}"))
        if tok.is_("name", "not") and not self.accept("name", "in"):
            _fail("expected 'in' after 'not'", self.tok.pos)
        if tok.is_("name", "not") or tok.is_("name", "in"):
            op = "not in" if tok.text == "not" else "in"
            return _Compare(op, left, self.operand(f"expected a list or tags after {op!r}"))
        if tok.is_("name", "is"):
            negated = self.accept("name", "not")
            if self.tok.kind != "name" or self.tok.text not in ("null", "None"):
                _fail(f"expected null after {'is not' if negated else 'is'!r}", self.tok.pos)
            return _Compare("!=" if negated else "==", left, _Lit(None, self.take().pos))
        after = self.text[left.pos : tok.pos].strip()
        _fail(f"expected an operator (==, !=, <, <=, >, >=, ~, in, is) after {after!r}", tok.pos)

    def operand(self, expected: str) -> _Field | _Lit:
        if self.tok.kind == "name" and self.tok.text not in _KEYWORDS:
            return self.field()
        if not self.tok.is_("op", "["):
            return self.literal(expected)
        opened, items = self.take().pos, []
        while not self.accept("op", "]"):
            items.append(self.literal("expected a value or ']' in the list").value)
            if not self.accept("op", ",") and not self.tok.is_("op", "]"):
                _fail(f"expected ',' or ']' in the list opened at offset {opened}", self.tok.pos)
        return _Lit(items, opened)

    def literal(self, expected: str) -> _Lit:
        tok = self.tok
        if tok.kind in ("num", "str") or (tok.kind == "name" and tok.text in _CONSTANTS):
            self.take()
            return _Lit(_CONSTANTS[tok.text] if tok.kind == "name" else tok.value, tok.pos)
        if not self.accept("op", "-"):
            _fail(expected, tok.pos)
        if self.tok.kind != "num":
            _fail("expected a number after '-'", self.tok.pos)
        return _Lit(-self.take().value, tok.pos)

    def field(self) -> _Field:
        tok = self.take()
        keys: list[str | int] = []
        if tok.text in ("inf", "nan", "Infinity", "NaN"):
            _fail(f"{tok.text} is not supported: JSON stores no infinities or NaN", tok.pos)
        if tok.text not in (*_PLAIN, *_JSON_ROOTS, "tags"):
            _fail(f"unknown field {tok.text!r}; the fields are {_ALL_FIELDS}", tok.pos)
        while self.tok.is_("op", ".") or self.tok.is_("op", "["):
            if tok.text not in _JSON_ROOTS:
                _fail(f"{tok.text} has no keys; only config and summary do", self.tok.pos)
            dot, key = self.take().text == ".", self.take()
            if dot and key.kind != "name":
                _fail("expected a key name after '.' (use [\"...\"] for any key)", key.pos)
            if not dot and key.kind != "str" and not isinstance(key.value, int):
                _fail("expected a quoted key or an index after '['", key.pos)
            keys.append(key.value)
            if not dot and not self.accept("op", "]"):
                _fail("expected ']' after the key", self.tok.pos)
        if tok.text in _JSON_ROOTS and not keys:
            _fail(f'{tok.text} needs a key, e.g. {tok.text}.lr or {tok.text}["val/acc"]', tok.pos)
        return _Field(tok.text, tuple(keys), tok.pos)

    def order(self) -> list[tuple[_Field, bool]]:
        keys: list[tuple[_Field, bool]] = []
        while True:
            descending = self.accept("op", "-")
            if not descending:
                self.accept("op", "+")
            if self.tok.kind != "name" or self.tok.text in _KEYWORDS:
                _fail("expected a field to sort by", self.tok.pos)
            keys.append((self.field(), descending))
            if not self.accept("op", ","):
                return keys


# --- JSON values, rendered per dialect ----------------------------------------------------------

_SQLITE_TYPES = {"number": ("integer", "real"), "string": ("text",), "null": ("null",)}
_PG_TYPES = {"number": ("number",), "string": ("string",), "null": ("null",)}
_RANKS = (("number", 0), ("string", 1), ("true", 2), ("false", 2))
_VALUE_TYPES: dict[str, sa.types.TypeEngine[Any]] = {"number": sa.Float(), "string": sa.String()}
_VALUE_TYPES["native"] = sa.types.NullType()


class _Json(ColumnElement[Any]):
    """A value in a JSON document: kind is number, string, native, rank or is_<json type>.

    A value of another JSON type reads as NULL; the ``is_*`` tests are never NULL.
    """

    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy's cache key reads these three)
        ("doc", InternalTraversal.dp_clauseelement),
        ("keys", InternalTraversal.dp_plain_obj),
        ("kind", InternalTraversal.dp_string),
    ]

    def __init__(self, doc: ColumnElement[Any], keys: tuple[str | int, ...], kind: str) -> None:
        self.doc, self.keys, self.kind = doc, keys, kind
        rank = sa.Integer() if kind == "rank" else sa.Boolean()
        self.type = _VALUE_TYPES.get(kind, rank)


def _typed(type_sql: str, kind: str, names: Mapping[str, tuple[str, ...]]) -> str:
    """Turn a JSON type name (NULL when missing) into a sort rank or an ``is_<type>`` test."""
    type_sql = f"coalesce({type_sql}, 'null')"
    names = {"true": ("true",), "false": ("false",), **names}
    if kind == "rank":
        whens = "".join(f" WHEN '{name}' THEN {rank}" for t, rank in _RANKS for name in names[t])
        return f"CASE {type_sql} WHEN 'null' THEN NULL{whens} ELSE 3 END"
    listed = ", ".join(f"'{name}'" for name in names[kind.removeprefix("is_")])
    return f"{type_sql} IN ({listed})"


def _path_safe(key: str | int) -> bool:
    """Whether a SQLite path reaches the key: SQLite compares labels as stored, escapes and all."""
    return isinstance(key, int) or (
        key != "" and key.isascii() and key.isprintable() and '"' not in key and "\\" not in key
    )


def _sqlite_lookup(
    doc: str, keys: tuple[str | int, ...], column: str, bind: Callable[[str], str], depth: int = 0
) -> str:
    """``json_extract``/``json_type`` through a path, or ``json_each`` for keys a path cannot spell."""
    cut = next((i for i, key in enumerate(keys) if not _path_safe(key)), len(keys))
    path = bind("$" + "".join(f"[{k}]" if isinstance(k, int) else f'."{k}"' for k in keys[:cut]))
    if cut == len(keys):
        return f"{'json_type' if column == 'type' else 'json_extract'}({doc}, {path})"
    last, each = cut == len(keys) - 1, f"je{depth}"
    more = "" if last else f" AND {each}.type IN ('object', 'array')"
    sub = (
        f"(SELECT {each}.{column if last else 'value'} FROM json_each({doc}, {path}) AS {each} "
        f"WHERE {each}.key = {bind(str(keys[cut]))}{more})"
    )
    return sub if last else _sqlite_lookup(sub, keys[cut + 1 :], column, bind, depth + 1)


@compiles(_Json)
@compiles(_Json, "sqlite")
def _json_sqlite(element: _Json, compiler: SQLCompiler, **kw: Any) -> str:
    def bind(value: str) -> str:
        return compiler.process(sa.bindparam(None, value, type_=sa.String()), **kw)

    doc, kind = compiler.process(element.doc, **kw), element.kind
    if kind in _VALUE_TYPES:
        return _sqlite_lookup(doc, element.keys, "value", bind)
    return _typed(_sqlite_lookup(doc, element.keys, "type", bind), kind, _SQLITE_TYPES)


@compiles(_Json, "postgresql")
def _json_postgresql(element: _Json, compiler: SQLCompiler, **kw: Any) -> str:
    from sqlalchemy.dialects.postgresql import ARRAY  # loaded for a PostgreSQL store only

    keys = [str(key) for key in element.keys]
    path = compiler.process(sa.bindparam(None, keys, type_=ARRAY(sa.Text())), **kw)
    doc, kind = compiler.process(element.doc, **kw), element.kind
    node, text = (f"({doc} {arrow} CAST({path} AS TEXT[]))" for arrow in ("#>", "#>>"))
    if kind == "native":
        return f"NULLIF({node}, 'null'::jsonb)"
    if kind in _VALUE_TYPES:
        return text if kind == "string" else f"CAST({text} AS DOUBLE PRECISION)"
    type_sql = f"CASE jsonb_typeof({node}) WHEN 'boolean' THEN {text} ELSE jsonb_typeof({node}) END"
    return _typed(type_sql, kind, _PG_TYPES)


# --- compiler -----------------------------------------------------------------------------------

_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {"==": operator.eq, "<": operator.lt}
_OPERATORS.update({"<=": operator.le, ">": operator.gt, ">=": operator.ge})
_OPERATORS["~"] = lambda column, pattern: column.regexp_match(pattern)
_NULLABLE = ("notes", "group", "job_type", "host", "sweep_id", "reproduction_of")
_FLIPPED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _plain(root: str, state: ColumnElement[str]) -> ColumnElement[Any]:
    if root in ("state", "group", "runtime"):
        runtime = sa.func.coalesce(runs.c.finished_at, runs.c.heartbeat_at) - runs.c.created_at
        return {"state": state, "group": runs.c.group_name, "runtime": runtime}[root]
    return runs.c[root]


def _compile(node: _Compare | _Logic, state: ColumnElement[str]) -> ColumnElement[bool]:
    if isinstance(node, _Logic):
        parts = [_compile(item, state) for item in node.items]
        if node.op == "not":
            return sa.not_(parts[0])
        return (sa.and_ if node.op == "and" else sa.or_)(*parts)
    left, op, right = node.left, node.op, node.right
    if op in ("in", "not in"):
        found = _membership(left, right, state)
        return sa.not_(found) if op == "not in" else found
    if isinstance(left, _Lit) and isinstance(right, _Field) and op != "~":
        left, op, right = right, _FLIPPED[op], left
    if not isinstance(left, _Field):
        where = "on the left" if op == "~" else "on one side"
        _fail(f"expected a field {where} of {op!r}", left.pos)
    if not isinstance(right, _Lit):
        _fail("compare a field with a value, not with another field", right.pos)
    return _test(left, op, right, state)


def _membership(
    left: _Field | _Lit, right: _Field | _Lit, state: ColumnElement[str]
) -> ColumnElement[bool]:
    if isinstance(right, _Field) and right.root == "tags":
        if not (isinstance(left, _Lit) and isinstance(left.value, str)):
            _fail("expected a quoted tag before 'in tags', e.g. \"baseline\" in tags", left.pos)
        tagged = (run_tags.c.run_id == runs.c.id) & (run_tags.c.tag == left.value)
        return sa.select(run_tags.c.run_id).where(tagged).exists()
    if not (isinstance(right, _Lit) and isinstance(right.value, list)):
        _fail("'in' needs a list such as [1, 2] or tags on its right", right.pos)
    if not isinstance(left, _Field):
        _fail("expected a field before 'in'", left.pos)
    return sa.or_(sa.false(), *(_test(left, "==", _Lit(v, right.pos), state) for v in right.value))


def _test(field: _Field, op: str, lit: _Lit, state: ColumnElement[str]) -> ColumnElement[bool]:
    """``field op literal``, never NULL, so that ``not`` is the exact complement."""
    value = lit.value
    if field.root == "tags":
        _fail("tags only works with 'in', e.g. \"baseline\" in tags", field.pos)
    if isinstance(value, list):
        _fail(f"a list only goes after 'in'; {op!r} needs a single value", lit.pos)
    if (value is None or isinstance(value, bool)) and op not in ("==", "!="):
        shown = {None: "null", True: "true", False: "false"}[value]
        _fail(f"{shown} can only be compared with == or !=", lit.pos)
    if op == "~":
        if not isinstance(value, str):
            _fail("'~' needs a quoted regular expression", lit.pos)
        problem = check_regex(value)
        if problem is not None:
            _fail(problem, lit.pos)
    if op == "!=":
        return sa.not_(_test(field, "==", lit, state))
    if field.root in _JSON_ROOTS:
        return _json_test(runs.c[field.root], field.keys, op, value)
    column = _plain(field.root, state)
    if value is None:
        return column.is_(None)
    is_text = field.root not in ("created_at", "runtime")
    if is_text != isinstance(value, str) or isinstance(value, bool):
        expected = "text; compare it with a quoted string" if is_text else "seconds; use a number"
        _fail(f"{field.root} holds {expected}", lit.pos)
    found: ColumnElement[bool] = _OPERATORS[op](column, value)
    return sa.and_(column.is_not(None), found) if field.root in _NULLABLE else found


def _json_test(
    doc: ColumnElement[Any], keys: tuple[str | int, ...], op: str, value: Any
) -> ColumnElement[bool]:
    if doc is runs.c.summary and len(keys) == 1 and stored.indexed(keys[0]):
        return _stored_test(str(keys[0]), op, value)
    if value is None or isinstance(value, bool):
        return _Json(doc, keys, {None: "is_null", True: "is_true", False: "is_false"}[value])
    kind = "string" if isinstance(value, str) else "number"
    found = _OPERATORS[op](_Json(doc, keys, kind), value)
    return sa.case((_Json(doc, keys, f"is_{kind}"), found), else_=sa.false())


def _stored_test(key: str, op: str, value: Any) -> ColumnElement[bool]:
    """``summary.<key> op value`` from ``run_values``: the same answers as the JSON, by index."""
    has = run_values.c.key == key
    if value is None:
        return runs.c.id.not_in(sa.select(run_values.c.run_id).where(has))
    if isinstance(value, bool):
        found = (run_values.c.rank == stored.BOOL) & (run_values.c.num == float(value))
    elif isinstance(value, str):
        found = (run_values.c.rank == stored.STRING) & _OPERATORS[op](run_values.c.text, value)
    else:
        found = (run_values.c.rank == stored.NUMBER) & _OPERATORS[op](run_values.c.num, value)
    return runs.c.id.in_(sa.select(run_values.c.run_id).where(has, found))


def _stored_order(key: str, descending: bool) -> Order:
    """Sort terms for ``summary.<key>`` from ``run_values``: rank, then the number or the text,
    read from one outer join of the run's row for that key. Three correlated subqueries read
    that row three times a match, one index probe each (3 x 49,950 in a 100,000-run filter +
    sort on PostgreSQL, EXPLAIN ANALYZE), where a join reads the key's rows once."""
    value = run_values.alias()
    on = (value.c.run_id == runs.c.id) & (value.c.key == key)
    keys: list[tuple[ColumnElement[Any], bool]] = [
        (value.c.rank, False),
        (value.c.num, descending),
        (value.c.text, descending),
    ]
    return Order(keys, [(value, on)])


@dataclass(frozen=True)
class Order:
    """Runs' sort keys: ``keys`` (value, descending) read from the runs table and from the
    tables ``joined`` adds to it (at most one row a run each); missing values sort last."""

    keys: list[tuple[ColumnElement[Any], bool]]
    joins: list[tuple[sa.FromClause, ColumnElement[bool]]]

    def by(self) -> list[ColumnElement[Any]]:
        """The ORDER BY terms."""
        return [(v.desc() if d else v.asc()).nulls_last() for v, d in self.keys]

    def joined(self, source: sa.FromClause) -> sa.FromClause:
        """``source`` (holding the runs table) with the tables the keys read, outer-joined."""
        for table, on in self.joins:
            source = source.outerjoin(table, on)
        return source


# --- public API ---------------------------------------------------------------------------------


def compile_filter(text: str, state: ColumnElement[str]) -> ColumnElement[bool]:
    """Compile a filter like ``config.lr < 1e-3 and "baseline" in tags`` to a WHERE clause.

    ``state`` is the caller's derived run state. Without a filter, skip the call: "" is an error.
    """
    try:
        if not text.strip():
            _fail("empty filter (pass None for no filter)", 0)
        parser = _Parser(text)
        node = parser.logic("or")
        parser.done("filter (join conditions with 'and' or 'or')")
        return _compile(node, state)
    except _Problem as problem:
        raise FilterError(problem.reason, text, problem.position) from None
    except RecursionError:
        raise FilterError("the filter is nested too deeply", text, 0) from None


def compile_order(text: str, state: ColumnElement[str]) -> Order:
    """Compile ``-summary["val/acc"], config.lr`` to sort keys: select from
    ``order.joined(runs)`` and order by ``order.by()``."""
    try:
        if not text.strip():
            _fail("empty order (pass None for the default order)", 0)
        parser = _Parser(text)
        keys = parser.order()
        parser.done("order (separate fields with ',')")
        order = Order([], [])
        for field, descending in keys:
            if field.root == "tags":
                _fail("runs cannot be sorted by tags", field.pos)
            if field.root == "summary" and len(field.keys) == 1 and stored.indexed(field.keys[0]):
                stored_order = _stored_order(str(field.keys[0]), descending)
                order.keys.extend(stored_order.keys)
                order.joins.extend(stored_order.joins)
                continue
            if field.root in _JSON_ROOTS:  # type groups first, ascending in both directions
                order.keys.append((_Json(runs.c[field.root], field.keys, "rank"), False))
                value: ColumnElement[Any] = _Json(runs.c[field.root], field.keys, "native")
            else:
                value = _plain(field.root, state)
            order.keys.append((value, descending))
        return order
    except _Problem as problem:
        raise FilterError(problem.reason, text, problem.position) from None
