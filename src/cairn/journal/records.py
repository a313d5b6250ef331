"""The record types a run's journal holds, and their msgpack encoding.

Every record carries ``seq``, a per-run sequence number starting at 1, so a sink can apply a journal
idempotently: it remembers the last ``seq`` it applied and skips anything at or below it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

JsonValue = Any
"""A value that encodes to JSON: None, bool, int, float, str, lists and str-keyed dicts of them."""


class RunStart(msgspec.Struct, tag="start", kw_only=True):
    """A run begins, or is resumed (``resumed=True``) in a new process."""

    seq: int
    run_id: str
    project: str
    name: str
    created_at: float
    config: dict[str, JsonValue] = {}
    tags: list[str] = []
    notes: str | None = None
    group: str | None = None
    job_type: str | None = None
    host: str | None = None
    program: str | None = None
    resumed: bool = False
    reproduction_of: str | None = None
    """``project/id`` of the run this one reproduces (``cairn reproduce``), else None."""
    sweep_id: str | None = None
    """The sweep whose trial this run is (set by ``cairn agent``), else None."""


class History(msgspec.Struct, tag="history", kw_only=True, gc=False):
    """One row of metrics at ``step``, logged at wall time ``ts`` (seconds since the epoch).

    ``gc=False``: it holds only numbers, so the cyclic garbage collector need not track it.
    """

    seq: int
    step: int
    ts: float
    values: dict[str, float]


class ConfigUpdate(msgspec.Struct, tag="config", kw_only=True):
    """The run's whole config after a change (configs are small; a snapshot keeps replay simple)."""

    seq: int
    config: dict[str, JsonValue]


class SummaryUpdate(msgspec.Struct, tag="summary", kw_only=True):
    """Explicit summary values set by the user (``run.summary[k] = v``); ``remove`` deletes keys."""

    seq: int
    set: dict[str, JsonValue] = {}
    remove: list[str] = []


class DefineMetric(msgspec.Struct, tag="metric", kw_only=True):
    """How the summary of keys matching ``name`` (a glob) is computed, and their x-axis."""

    seq: int
    name: str
    summary: str = "last"
    step_metric: str | None = None


class RunFinish(msgspec.Struct, tag="finish", kw_only=True):
    """The run ended: ``state`` is ``finished`` or ``failed`` (with the traceback in ``error``)."""

    seq: int
    ts: float
    exit_code: int = 0
    state: str = "finished"
    error: str | None = None


class Capture(msgspec.Struct, tag="capture", kw_only=True):
    """One section of what the run needs to be re-run (``git``, ``code``, ``environment``,
    ``command``, ``seeds``, ``config_sources``), journaled as it is gathered; a later record of
    the same section replaces it. ``blobs`` are digests of staged files the section refers to,
    which a syncer uploads before the record."""

    seq: int
    section: str
    data: dict[str, JsonValue]
    blobs: list[str] = []


class Console(msgspec.Struct, tag="console", kw_only=True):
    """Lines the process wrote to stdout or stderr, in order: ``(ts, stream, text)`` each, with
    ``stream`` ``"stdout"`` or ``"stderr"`` and ``text`` without its line end."""

    seq: int
    lines: list[tuple[float, str, str]]


class ArtifactLog(msgspec.Struct, tag="artifact", kw_only=True):
    """The run logged an artifact version: its ``manifest`` (``{path: entry}``, see
    ``cairn.artifacts.manifest``) and ``digest`` (sha256 of the canonical manifest). The store
    assigns the version number when it applies the record; ``blobs`` are the staged contents."""

    seq: int
    name: str
    artifact_type: str
    digest: str
    manifest: dict[str, dict[str, JsonValue]]
    description: str | None = None
    metadata: dict[str, JsonValue] = {}
    aliases: list[str] = []
    blobs: list[str] = []
    ts: float = 0.0


class ArtifactUse(msgspec.Struct, tag="artifact_use", kw_only=True):
    """The run used version ``version`` of ``project/name`` (resolved when it was asked for)."""

    seq: int
    project: str
    name: str
    version: int
    digest: str
    ts: float = 0.0


class MediaLog(msgspec.Struct, tag="media", kw_only=True):
    """A media value (``kind``: image, histogram, table, plot, text, html, audio, video, object3d)
    logged under ``key`` at ``step``. ``data`` is its metadata (histogram bins inline); ``blob`` is
    the digest of its main bytes, and ``blobs`` every staged digest it names (masks, table cells),
    which a syncer uploads before the record. A gallery (a list under one key) has ``items``."""

    seq: int
    step: int
    ts: float
    key: str
    kind: str
    data: dict[str, JsonValue]
    blob: str | None = None
    blobs: list[str] = []


Record = (
    RunStart
    | History
    | ConfigUpdate
    | SummaryUpdate
    | DefineMetric
    | RunFinish
    | Capture
    | Console
    | ArtifactLog
    | ArtifactUse
    | MediaLog
)

_encoder = msgspec.msgpack.Encoder()
_decoder: msgspec.msgpack.Decoder[Record] = msgspec.msgpack.Decoder(Record)


def encode(record: Record) -> bytes:
    """Encode one record as a msgpack payload."""
    return _encoder.encode(record)


decode: Callable[[bytes | memoryview], Record] = _decoder.decode
"""Decode one msgpack payload; raises ``msgspec.DecodeError`` or ``ValidationError`` on bad data.
(The decoder's own method, not a wrapper: a sync calls it once per record.)"""
