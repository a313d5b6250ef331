"""Plain records the store hands out to readers, and the constants readers rely on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

INDEX_COLUMNS = ("_step", "_seq", "_timestamp")
"""The index columns of a history table, before one column per logged key."""

DROP_GRACE = 60.0
"""Seconds a dropped segment blob stays readable (``store.drops`` deletes it after): longer than
any read of one run's history takes (a read slower than that starts over from the new segments,
``history_read.read``)."""


@dataclass(frozen=True)
class ProjectInfo:
    name: str
    run_count: int
    created_at: float
    last_activity: float | None


@dataclass(frozen=True)
class RunInfo:
    """A run's metadata as stored: everything but its history."""

    id: str
    project: str
    name: str
    state: str
    """running | finished | failed | crashed (running, but no heartbeat for the timeout)."""
    created_at: float
    updated_at: float
    heartbeat_at: float
    finished_at: float | None
    exit_code: int | None
    error: str | None
    notes: str | None
    group: str | None
    job_type: str | None
    host: str | None
    program: str | None
    config: dict[str, Any]
    summary: dict[str, Any]
    tags: list[str] = field(default_factory=list)
    history_keys: list[str] = field(default_factory=list)
    metric_defs: list[dict[str, Any]] = field(default_factory=list)
    """``define_metric`` rules in the order recorded: ``{name, summary, step_metric}``."""
    history_rows: int = 0
    last_step: int | None = None
    last_seq: int = 0
    number: int = 0
    """The run's rank by creation within its project (1, 2, …): the dashboard colours by it."""
    reproduction_of: str | None = None
    """``project/id`` of the run this one reproduces (made by ``cairn reproduce``), else None."""
    sweep_id: str | None = None
    """The sweep whose trial this run is, else None."""

    @property
    def path(self) -> str:
        """The run's reference, ``project/id``."""
        return f"{self.project}/{self.id}"

    @property
    def runtime(self) -> float:
        """Seconds from creation to finish, or to the last sign of life."""
        end = self.finished_at if self.finished_at is not None else self.heartbeat_at
        return max(0.0, end - self.created_at)


@dataclass(frozen=True)
class RunPage:
    """A page of runs and how many runs match in all (``Store.runs_page``)."""

    runs: list[RunInfo]
    total: int
    next: str | None = None
    """The cursor of the page after this one (``runs_page(after=...)``), or None after the last."""
