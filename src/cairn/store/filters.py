r"""A small, safe (no eval) filter and order language for runs, compiled to SQLAlchemy Core.

Grammar (EBNF)::

    filter     = or_expr ;
    or_expr    = and_expr , { "or" , and_expr } ;
    and_expr   = not_expr , { "and" , not_expr } ;
    not_expr   = "not" , not_expr | "(" , or_expr , ")" | comparison ;
    comparison = operand , ( cmp_op , operand
                           | [ "not" ] , "in" , operand
                           | "is" , [ "not" ] , null ) ;
    cmp_op     = "==" | "!=" | "<" | "<=" | ">" | ">=" | "~" ;
    operand    = field | literal | list ;
    field      = name , { "." , name | "[" , ( string | digits ) , "]" } ;
    literal    = [ "-" ] , number | string | "true" | "True" | "false" | "False" | null ;
    null       = "null" | "None" ;
    list       = "[" , [ literal , { "," , literal } , [ "," ] ] , "]" ;
    name       = ( letter | "_" ) , { letter | digit | "_" } ;
    number     = ( digits , [ "." , [ digits ] ] | "." , digits ) , [ exponent ] ;
    exponent   = ( "e" | "E" ) , [ "+" | "-" ] , digits ;
    string     = '"' , { char | escape } , '"' | "'" , { char | escape } , "'" ;
    escape     = "\" , ( "\" | '"' | "'" | "n" | "r" | "t" | "u" , 4 * hexdigit ) ;
    order      = order_key , { "," , order_key } ;
    order_key  = [ "-" | "+" ] , field ;

Fields: ``id``, ``name``, ``state``, ``notes``, ``group``, ``job_type``, ``host`` (text);
``created_at`` (unix seconds) and ``runtime`` (seconds); ``tags`` (only as ``"t" in tags``);
``config.<key>`` and ``summary.<key>`` (paths into JSON; ``config["val/acc"]`` for any key).

Semantics. A comparison puts a field on one side and a literal on the other. A JSON value is
compared as the literal's type (number, string or bool): a missing key or a value of another type
makes ``==``, ``<``, ``~``... false, and ``!=`` is always ``not ==``, so it matches those runs.
``x is null`` (or ``x == None``) matches a missing key or a JSON null. ``not`` is the exact
complement. ``~`` is a regex search, so a plain word matches as a substring. There is no ``inf``
or ``nan``: JSON stores neither. Unknown backslash escapes are kept, so ``"\d+"`` stays a regex.
Ordering puts runs without the value last in both directions; a JSON key sorts numbers, then
strings, then booleans, then the rest, each by value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NoReturn, Union


class FilterError(ValueError):
    """A filter or order expression that cannot be parsed; .position is the 0-based char offset."""

    position: int

    def __init__(self, reason: str, text: str, position: int) -> None:
        self.reason, self.text, self.position = reason, text, position
        shown = text.replace("\n", " ").replace("\t", " ")
        super().__init__(f"{reason} at position {position}:\n  {shown}\n  {' ' * position}^")


class _Problem(Exception):
    """Raised inside the parser and compiler; the public functions turn it into FilterError."""

    def __init__(self, reason: str, position: int) -> None:
        super().__init__(reason)
        self.reason, self.position = reason, position


def _fail(reason: str, position: int) -> NoReturn:
    raise _Problem(reason, position)


# --- tokens -------------------------------------------------------------------------------------

_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPS = ("==", "!=", "<=", ">=", "<", ">", "~", "(", ")", "[", "]", ",", ".", "-", "+")
_BAD_OPS = re.compile(r"[=!&|<>]+")
_HINTS = {"=": "'=='", "!": "'!=' or 'not'", "&": "'and'", "&&": "'and'", "|": "'or'"}
_HINTS.update({"||": "'or'", "<>": "'!='", "=<": "'<='", "=>": "'>='", "===": "'=='"})
_ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "r": "\r", "t": "\t"}
_CONSTANTS: dict[str, object] = {"true": True, "True": True, "false": False, "False": False}
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

    def shown(self) -> str:
        return "the end of the input" if self.kind == "end" else repr(self.text)


def _tokens(text: str) -> Iterator[_Tok]:
    i, prev = 0, ""
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i == len(text):
            yield _Tok("end", "", None, i)
            return
        ch, start = text[i], i
        num = _NUMBER.match(text, i)
        if num and not (ch == "." and prev in ("name", "]")):
            i = num.end()
            tok = _Tok("num", num.group(), _number(num.group(), start), start)
        elif name := _NAME.match(text, i):
            i = name.end()
            tok = _Tok("name", name.group(), name.group(), start)
        elif ch in "\"'":
            value, i = _string(text, i)
            tok = _Tok("str", text[start:i], value, start)
        elif (bad := _BAD_OPS.match(text, i)) and bad.group() not in _OPS:
            hint = _HINTS.get(bad.group())
            _fail(f"unknown operator {bad.group()!r}" + (f" (use {hint})" if hint else ""), i)
        elif op := next((op for op in _OPS if text.startswith(op, i)), None):
            i += len(op)
            tok = _Tok("op", op, op, start)
        else:
            _fail(f"unexpected character {ch!r}", i)
        prev = tok.text if tok.kind == "op" else tok.kind
        yield tok


def _number(text: str, pos: int) -> int | float:
    if not any(c in text for c in ".eE"):
        value = int(text)
        return value if value < 2**63 else float(value)  # SQLite integers are 64-bit
    number = float(text)
    if math.isinf(number):
        _fail(f"number {text} is out of range (JSON stores no infinities)", pos)
    return number


def _string(text: str, i: int) -> tuple[str, int]:
    quote, start, out = text[i], i, []
    i += 1
    while i < len(text) and text[i] != quote:
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            hex4 = text[i + 2 : i + 6]
            if nxt == "u" and len(hex4) == 4 and all(c in "0123456789abcdefABCDEF" for c in hex4):
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

_PLAIN = ("id", "name", "state", "notes", "group", "job_type", "host", "created_at", "runtime")
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
    pos: int


@dataclass(frozen=True)
class _Logic:
    op: str  # and | or | not
    items: tuple[_Node, ...]


_Node = Union[_Compare, _Logic]


class _Parser:
    """Recursive descent over a lazy token stream, one token of lookahead."""

    def __init__(self, text: str) -> None:
        self.text, self._tokens = text, _tokens(text)
        self.tok = next(self._tokens)

    def take(self) -> _Tok:
        tok, self.tok = self.tok, (self.tok if self.tok.kind == "end" else next(self._tokens))
        return tok

    def accept(self, kind: str, text: str) -> bool:
        if self.tok.is_(kind, text):
            self.take()
            return True
        return False

    def done(self, what: str) -> None:
        if self.tok.kind != "end":
            _fail(f"unexpected {self.tok.shown()} after a complete {what}", self.tok.pos)

    def logic(self, op: str) -> _Node:
        sub = self.logic("and") if op == "or" else self.negation()
        items = [sub]
        while self.accept("name", op):
            items.append(self.logic("and") if op == "or" else self.negation())
        return items[0] if len(items) == 1 else _Logic(op, tuple(items))

    def negation(self) -> _Node:
        if self.accept("name", "not"):
            return _Logic("not", (self.negation(),))
        if self.tok.is_("op", "("):
            opened = self.take().pos
            node = self.logic("or")
            if not self.accept("op", ")"):
                _fail(f"expected ')' to close the '(' at position {opened}", self.tok.pos)
            return node
        return self.comparison()

    def comparison(self) -> _Compare:
        left = self.operand("expected a field, a value, 'not' or '('")
        tok = self.take()
        if tok.kind == "op" and tok.text in ("==", "!=", "<", "<=", ">", ">=", "~"):
            return _Compare(
                tok.text, left, self.operand(f"expected a value after {tok.text!r}"), tok.pos
            )
        if tok.is_("name", "not") and not self.accept("name", "in"):
            _fail("expected 'in' after 'not'", self.tok.pos)
        if tok.is_("name", "not") or tok.is_("name", "in"):
            op = "not in" if tok.text == "not" else "in"
            return _Compare(
                op, left, self.operand(f"expected a list or tags after {op!r}"), tok.pos
            )
        if tok.is_("name", "is"):
            negated = self.accept("name", "not")
            if self.tok.kind != "name" or self.tok.text not in ("null", "None"):
                _fail("expected null after 'is'" + (" not" if negated else ""), self.tok.pos)
            return _Compare("!=" if negated else "==", left, _Lit(None, self.take().pos), tok.pos)
        after = self.text[left.pos : tok.pos].strip()
        _fail(f"expected an operator (==, !=, <, <=, >, >=, ~, in, is) after {after!r}", tok.pos)

    def operand(self, expected: str) -> _Field | _Lit:
        if self.tok.kind == "name" and self.tok.text not in _KEYWORDS:
            return self.field()
        if self.tok.is_("op", "["):
            opened, items = self.take().pos, []
            while not self.accept("op", "]"):
                items.append(self.literal("expected a value or ']' in the list").value)
                if not self.accept("op", ",") and not self.tok.is_("op", "]"):
                    _fail(
                        f"expected ',' or ']' to close the list at position {opened}", self.tok.pos
                    )
            return _Lit(items, opened)
        return self.literal(expected)

    def literal(self, expected: str) -> _Lit:
        tok = self.tok
        if tok.kind in ("num", "str") or (tok.kind == "name" and tok.text in _CONSTANTS):
            self.take()
            return _Lit(tok.value if tok.kind != "name" else _CONSTANTS[tok.text], tok.pos)
        if tok.is_("op", "-"):
            self.take()
            if self.tok.kind != "num":
                _fail("expected a number after '-'", self.tok.pos)
            return _Lit(-self.take().value, tok.pos)
        _fail(expected, tok.pos)

    def field(self) -> _Field:
        tok = self.take()
        keys: list[str | int] = []
        if tok.text not in (*_PLAIN, *_JSON_ROOTS, "tags"):
            if tok.text in ("inf", "nan", "Infinity", "NaN"):
                _fail(f"{tok.text} is not supported: JSON stores no infinities or NaN", tok.pos)
            _fail(f"unknown field {tok.text!r}; the fields are {_ALL_FIELDS}", tok.pos)
        while self.tok.is_("op", ".") or self.tok.is_("op", "["):
            if tok.text not in _JSON_ROOTS:
                _fail(f"{tok.text} has no keys; only config and summary do", self.tok.pos)
            if self.take().text == ".":
                if self.tok.kind != "name":
                    _fail(
                        "expected a key name after '.' (use [\"...\"] for other keys)", self.tok.pos
                    )
                keys.append(self.take().text)
                continue
            key = self.take()
            if key.kind != "str" and not (key.kind == "num" and isinstance(key.value, int)):
                _fail("expected a quoted key or an index after '['", key.pos)
            keys.append(key.value)
            if not self.accept("op", "]"):
                _fail("expected ']' after the key", self.tok.pos)
        if tok.text in _JSON_ROOTS and not keys:
            _fail(f'{tok.text} needs a key, e.g. {tok.text}.lr or {tok.text}["val/acc"]', tok.pos)
        return _Field(tok.text, tuple(keys), tok.pos)
