"""The crash-safe, append-only journal of a run: record types, the framed file format."""

from __future__ import annotations

from cairn.journal.file import JournalReader, JournalWriter, ReadResult, read_journal
from cairn.journal.records import (
    ConfigUpdate,
    DefineMetric,
    History,
    Record,
    RunFinish,
    RunStart,
    SummaryUpdate,
)

__all__ = [
    "ConfigUpdate",
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
