"""The crash-safe, append-only journal of a run: record types, the framed file format."""

from __future__ import annotations

from cairn.journal.file import JournalReader, JournalWriter, ReadResult, read_journal
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
    "DefineMetric",
    "History",
    "JournalReader",
    "JournalWriter",
    "ReadResult",
    "Record",
    "RunFinish",
    "RunStart",
    "SummaryUpdate",
    "read_journal",
]
