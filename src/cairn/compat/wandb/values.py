"""What ``wandb.log`` accepts, turned into what ``cairn.Run.log`` takes.

W&B keeps values Cairn's metric rows do not hold; they are translated, never refused:

- ``None`` is left out of the row (a gap, as W&B's charts show it);
- a string becomes a ``cairn.Text`` at that step, and the summary's value of its key;
- a numpy array, a tensor, or a list of numbers with more than one element becomes a
  ``cairn.Histogram`` of its values (0-d and one-element ones are numbers, as before);
- a list of media stays a gallery; any other list becomes a ``cairn.Text`` of its JSON.

Numbers, media and nested dicts go through unchanged: ``cairn.Run.log`` checks them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

_PLAIN = (float, int, bool)


def translate(data: Mapping[str, Any], strings: dict[str, str]) -> dict[str, Any]:
    """``data`` with W&B-only values translated; each string value is also put in ``strings``
    under its flattened key (``a/b`` for ``{"a": {"b": ...}}``) for the summary."""
    return _walk(data, strings, "")


def _walk(data: Mapping[str, Any], strings: dict[str, str], prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        kind = type(value)
        if kind in _PLAIN:
            out[key] = value
            continue
        if value is None:
            continue
        flat = f"{prefix}{key}"
        if isinstance(value, str):
            from cairn.sdk.media import Text

            out[key] = Text(value)
            strings[flat] = value
        elif isinstance(value, Mapping):
            out[key] = _walk(value, strings, f"{flat}/")
        elif isinstance(value, (list, tuple)):
            converted = _sequence(value)
            if converted is not None:
                out[key] = converted
        elif _is_array(value):
            out[key] = _array(value)
        else:
            out[key] = value
    return out


def _is_array(value: Any) -> bool:
    shape = getattr(value, "shape", None)
    return shape is not None and callable(getattr(value, "tolist", None))


def _array(value: Any) -> Any:
    """A scalar-like array as itself (Cairn reads its ``.item()``); a numeric one as a histogram;
    anything else as text."""
    size = _size(value)
    if size == 1:
        return value
    if size == 0:
        return None
    dtype = str(getattr(value, "dtype", ""))
    if any(k in dtype for k in ("int", "float", "bool", "uint")):
        from cairn.sdk.media import Histogram

        return Histogram(_host(value))
    from cairn.sdk.media import Text

    return Text(json.dumps(value.tolist(), default=str))


def _sequence(items: list[Any] | tuple[Any, ...]) -> Any:
    from cairn.sdk.media.base import Media

    if not items:
        return None
    if all(isinstance(v, Media) for v in items):
        return items
    if all(type(v) in _PLAIN or _is_number(v) for v in items):
        from cairn.sdk.media import Histogram

        return Histogram([float(v) for v in items])
    from cairn.sdk.media import Text

    return Text(json.dumps(list(items), default=str))


def _is_number(value: Any) -> bool:
    item = getattr(value, "item", None)
    return callable(item) and _size(value) == 1


def _size(value: Any) -> int:
    numel = getattr(value, "numel", None)
    if callable(numel):  # torch
        return int(numel())
    return int(getattr(value, "size", 1))


def _host(value: Any) -> Any:
    """A torch tensor on any device as a host numpy array; other arrays as they are."""
    detach = getattr(value, "detach", None)
    if callable(detach):
        return detach().cpu().float().numpy()
    return value
