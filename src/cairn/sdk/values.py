"""Turning what ``run.log`` is given into a flat ``{key: float}`` row, cheaply, in the caller's thread.

Accepted values: Python ``float``, ``int`` and ``bool``, numpy scalars and 0-d arrays, and anything
else with ``.item()`` that yields a number (torch scalars and one-element tensors). NaN and ±Inf are
kept. Ints and bools are stored as float64 (ints exactly up to 2**53). Nested dicts flatten with
``/``. Anything else raises ``TypeError`` naming the key and the type.

Media objects (``cairn.Image``, ``cairn.Histogram``...) and lists of them (a gallery) are set
aside into the ``media`` dict the caller passes; the check costs nothing for plain numbers.

Keys: non-empty strings of at most 256 characters with no control characters, not starting with
``_`` (``_step``, ``_timestamp`` and ``_runtime`` are Cairn's own columns).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cairn.sdk.media.base import Media

MAX_KEY_LENGTH = 256
_CONTROL = frozenset(chr(c) for c in range(32)) | {"\x7f"}


def check_key(key: object) -> str:
    """Validate a metric key; returns it, or raises with what to change."""
    if not isinstance(key, str):
        raise ValueError(
            f"metric key {key!r} is a {type(key).__name__}; metric keys must be strings"
        )
    if not key or key.isspace():
        raise ValueError(f"metric key {key!r} is empty: give it a name")
    if len(key) > MAX_KEY_LENGTH:
        raise ValueError(
            f"metric key {key[:40]!r}… is {len(key)} characters; the limit is {MAX_KEY_LENGTH}"
        )
    if key.startswith("_"):
        raise ValueError(
            f"metric key {key!r} starts with '_', which is reserved for _step, _timestamp "
            "and _runtime: rename it"
        )
    if not _CONTROL.isdisjoint(key):
        raise ValueError(f"metric key {key!r} contains a control character: remove it")
    return key


def to_float(key: str, value: Any) -> float:
    """Convert one non-builtin value, or raise ``TypeError`` naming the key and the type."""
    item = getattr(value, "item", None)
    shape = getattr(value, "shape", ())
    if item is not None and (shape == () or _size(value) == 1):
        try:
            inner = item()
        except (ValueError, RuntimeError, TypeError):
            inner = None
        if type(inner) in (float, int, bool):
            return _number(key, inner)
    kind = type(value)
    what = (
        f"{kind.__module__}.{kind.__qualname__}" if kind.__module__ != "builtins" else kind.__name__
    )
    if shape:
        detail = f"an array of shape {tuple(shape)}; log a scalar, or a cairn.Histogram of it"
    else:
        detail = f"a value of type {what}; log a number, a bool, or a numpy/torch scalar"
    raise TypeError(f"cannot log key {key!r}: {detail}")


def media_value(key: str, value: Any) -> Media | list[Media]:
    """A media object, or a gallery: a non-empty list of media of one kind."""
    if isinstance(value, Media):
        return value
    items = list(value)
    if not items or not all(isinstance(v, Media) for v in items):
        raise TypeError(
            f"cannot log key {key!r}: a {type(value).__name__} of values; log a number, a media "
            "object (cairn.Image, cairn.Histogram...), or a non-empty list of media (a gallery)"
        )
    kinds = {v.kind for v in items}
    if len(kinds) > 1:
        raise TypeError(
            f"cannot log key {key!r}: a gallery mixes {', '.join(sorted(kinds))}; "
            "log each kind under its own key"
        )
    return items


def _size(value: Any) -> int:
    size = getattr(value, "size", None)
    if callable(size):  # torch: .size() is the shape; .numel() is the count
        numel = getattr(value, "numel", None)
        return int(numel()) if callable(numel) else -1
    return int(size) if size is not None else -1


def _number(key: str, value: float | int | bool) -> float:
    try:
        return float(value)
    except OverflowError:
        raise ValueError(
            f"cannot log key {key!r}: an integer of {int(value).bit_length()} bits is too large "
            "for a float64 "
            "(log it as a float, or in the summary)"
        ) from None


def flatten(
    data: Mapping[str, Any],
    known: set[str],
    prefix: str = "",
    media: dict[str, Any] | None = None,
) -> dict[str, float]:
    """Validate and flatten one ``log()`` call; ``known`` caches keys already validated; media
    values go to ``media`` (or raise ``TypeError`` when it is None)."""
    out: dict[str, float] = {}
    for key, value in data.items():
        if prefix:
            key = f"{prefix}/{key}" if type(key) is str else key
        if key not in known:
            check_key(key)
            known.add(key)
        kind = type(value)
        if kind is float:
            out[key] = value
        elif kind is int or kind is bool:
            out[key] = _number(key, value)
        elif isinstance(value, Mapping):
            out.update(flatten(value, known, key, media))
        elif isinstance(value, Media) or kind is list or kind is tuple:
            found = media_value(key, value)
            if media is None:
                raise TypeError(f"cannot log key {key!r}: media values are logged with run.log")
            media[key] = found
        else:
            out[key] = to_float(key, value)
    return out
