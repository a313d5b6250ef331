"""Values handed by frameworks, turned into what a Cairn run takes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def plain(value: Any) -> Any:
    """A value as config holds it: JSON values as they are, anything else as its text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return str(value)


def number_or_none(value: Any) -> float | None:
    """A metric as a float (a Python number, or a numpy/torch scalar's ``.item()``); None for
    anything else (strings, arrays)."""
    item = getattr(value, "item", None)
    if callable(item):
        try:
            value = item()
        except (ValueError, RuntimeError):  # an array of more than one element
            return None
    if isinstance(value, (bool, int, float)):
        return float(value)
    return None


def numbers(logs: Mapping[str, Any] | None) -> dict[str, float]:
    """The numeric values of a dict of logs, the others left out."""
    found: dict[str, float] = {}
    for key, value in (logs or {}).items():
        number = number_or_none(value)
        if number is not None:
            found[key] = number
    return found
