"""A media value waiting in the run's queue, and its encoding into a journal record (writer thread)."""

from __future__ import annotations

import sys
from typing import Any

from cairn.journal.records import MediaLog
from cairn.sdk.media.base import Media, Stage

OVERHEAD = 64
"""Bytes counted for each object besides its data (a rough Python object header)."""


def nbytes(value: Any, depth: int = 0) -> int:
    """About how many bytes ``value`` holds: arrays, bytes and strings by their length, containers
    and objects (a media value's attributes) by what they hold. Cheap next to the copy a media
    value made of its data when it was built."""
    size = getattr(value, "nbytes", None)  # numpy arrays, memoryviews
    if type(size) is int:
        return size + OVERHEAD
    if isinstance(value, (bytes, bytearray, str)):
        return len(value) + OVERHEAD
    if depth > 8:
        return OVERHEAD
    if isinstance(value, dict):
        return OVERHEAD + sum(nbytes(k, depth + 1) + nbytes(v, depth + 1) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return OVERHEAD + sum(nbytes(item, depth + 1) for item in value)
    attrs = getattr(value, "__dict__", None)
    if attrs is not None:
        return OVERHEAD + sum(nbytes(v, depth + 1) for v in attrs.values())
    return OVERHEAD


class PendingMedia:
    """What ``run.log`` enqueues for a media key: the object(s), the step, the time and about
    how many bytes it holds (the writer bounds the media waiting for it by bytes)."""

    __slots__ = ("key", "nbytes", "step", "ts", "value")

    def __init__(self, key: str, step: int, ts: float, value: Media | list[Media]) -> None:
        self.key = key
        self.step = step
        self.ts = ts
        self.value = value
        self.nbytes = nbytes(value)

    def record(self, seq: int, stage: Stage) -> MediaLog:
        """Encode and stage the bytes; a value that fails to encode is journaled with its error,
        so the step still shows why the media is missing."""
        staged: list[str] = []

        def tracked(data: bytes) -> str:
            digest = stage(data)
            if digest not in staged:
                staged.append(digest)
            return digest

        value = self.value
        kind = value[0].kind if isinstance(value, list) else value.kind
        try:
            data: dict[str, Any]
            if isinstance(value, list):
                data = {"items": [item.encode(tracked) for item in value]}
                blob = data["items"][0].get("blob")
            else:
                data = value.encode(tracked)
                blob = data.get("blob")
        except Exception as exc:  # a bug or bad bytes must not stop the writer thread
            print(
                f"cairn: could not encode the {kind} logged as {self.key!r} at step {self.step}: "
                f"{type(exc).__name__}: {exc}",
                file=sys.stderr,
            )
            data, blob, staged = {"error": f"{type(exc).__name__}: {exc}"}, None, []
        return MediaLog(
            seq=seq,
            step=self.step,
            ts=self.ts,
            key=self.key,
            kind=kind,
            data=data,
            blob=blob,
            blobs=staged,
        )
