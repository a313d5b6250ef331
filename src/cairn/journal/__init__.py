"""The crash-safe, append-only journal of a run: record types, the framed file format."""

from __future__ import annotations

from cairn.journal.file import (
    Damage,
    JournalDamageWarning,
    JournalReader,
    JournalWriter,
    ReadResult,
    keep_damaged_copy,
    read_journal,
)
from cairn.journal.lock import JournalLock
from cairn.journal.records import (
    ArtifactLog,
    ArtifactUse,
    Capture,
    ConfigUpdate,
    Console,
    DefineMetric,
    History,
    Record,
    RunFinish,
    RunStart,
    SummaryUpdate,
)

__all__ = [
    "ArtifactLog",
    "ArtifactUse",
    "Capture",
    "ConfigUpdate",
    "Console",
    "Damage",
    "DefineMetric",
    "History",
    "JournalDamageWarning",
    "JournalLock",
    "JournalReader",
    "JournalWriter",
    "ReadResult",
    "Record",
    "RunFinish",
    "RunStart",
    "SummaryUpdate",
    "keep_damaged_copy",
    "read_journal",
]
