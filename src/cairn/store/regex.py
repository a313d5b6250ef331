"""Regular expressions of run filters (``name ~ "resnet"``), run by RE2: linear time in the
text, so no pattern can stall a query (Python's ``re`` backtracks: ``(a+)+$`` against a long
run of a's never ends). RE2 has no lookaround or backreferences; those are refused up front.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import re2

MAX_PATTERN = 1000
"""Characters; longer patterns are refused (RE2 also caps the memory a pattern compiles to)."""

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # errors are raised as exceptions, not also printed to stderr
_UNSUPPORTED = ("invalid perl operator", "invalid escape sequence")


def check_regex(pattern: str) -> str | None:
    """Why ``pattern`` cannot be used (too long, invalid, unsupported), or None when it can."""
    if len(pattern) > MAX_PATTERN:
        return (
            f"the regular expression is {len(pattern)} characters long; the limit is {MAX_PATTERN}"
        )
    try:
        _compiled(pattern)
    except re2.error as exc:
        message = exc.args[0].decode() if isinstance(exc.args[0], bytes) else str(exc.args[0])
        if message.startswith(_UNSUPPORTED):
            return (
                "unsupported regular expression (RE2 syntax: no lookahead, lookbehind or "
                f"backreferences): {message}"
            )
        return f"invalid regular expression: {message}"
    return None


def regex_search(pattern: str, value: Any) -> bool | None:
    """SQLite's ``REGEXP`` (``value REGEXP pattern``): does ``pattern`` occur in ``value``."""
    if value is None:
        return None
    return _compiled(pattern).search(value if isinstance(value, str) else str(value)) is not None


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> Any:
    if len(pattern) > MAX_PATTERN:
        raise re2.error(f"pattern longer than {MAX_PATTERN} characters".encode())
    return re2.compile(pattern, _OPTIONS)
