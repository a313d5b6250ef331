"""JSON for SQL columns: non-finite floats become the strings ``"NaN"``, ``"Infinity"``,
``"-Infinity"`` on the way in (SQLite's JSON functions and PostgreSQL's JSONB reject bare NaN) and
floats again on the way out. A user string equal to one of those reads back as a float: documented.
NUL characters in strings and keys become U+FFFD (PostgreSQL's JSONB refuses ``\u0000``).
"""

from __future__ import annotations

import json
import math
from typing import Any

_TO_TEXT = {math.inf: "Infinity", -math.inf: "-Infinity"}
_FROM_TEXT = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
NUL_REPLACEMENT = "\ufffd"


def encode_nonfinite(value: Any) -> Any:
    """Replace non-finite floats, at any depth, by their string names (and NUL characters in
    strings and keys by U+FFFD)."""
    if isinstance(value, float):
        if value != value:
            return "NaN"
        return _TO_TEXT.get(value, value)
    if isinstance(value, str):
        return without_nul(value)
    if isinstance(value, dict):
        return {without_nul(k): encode_nonfinite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode_nonfinite(v) for v in value]
    return value


def without_nul(value: Any) -> Any:
    """A string with its NUL characters as U+FFFD (anything else as it is)."""
    return (
        value.replace("\x00", NUL_REPLACEMENT)
        if isinstance(value, str) and "\x00" in value
        else value
    )


def decode_nonfinite(value: Any) -> Any:
    """Turn the string names of non-finite floats back into floats, at any depth."""
    if isinstance(value, str):
        return _FROM_TEXT.get(value, value)
    if isinstance(value, dict):
        return {k: decode_nonfinite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_nonfinite(v) for v in value]
    return value


def dumps(value: Any) -> str:
    """Serialize for a JSON column; never emits the invalid JSON tokens NaN/Infinity."""
    return json.dumps(encode_nonfinite(value), allow_nan=False, separators=(",", ":"))


_MARKS = ("NaN", "Infinity", "\\u")
_BYTE_MARKS = tuple(mark.encode() for mark in _MARKS)


def loads(text: str | bytes) -> Any:
    """Deserialize a JSON column, restoring non-finite floats. Only a text holding one of their
    names (or a ``\\u`` escape, which could spell one) is walked for them: most hold none, and the
    walk took a third of the time of listing runs."""
    value = json.loads(text)
    marks = _BYTE_MARKS if isinstance(text, bytes) else _MARKS
    if any(mark in text for mark in marks):  # type: ignore[operator]
        return decode_nonfinite(value)
    return value
