"""A panel's data read from the runs: live at render time, or once, to freeze it into a version."""

from __future__ import annotations

import math
import time
from typing import Any

from cairn.reports import compare_panel, image_panel, plot_panel, verdict
from cairn.reports.blocks import PLAIN_FIELDS, Panel, PanelData, RunData
from cairn.store.models import RunInfo
from cairn.store.reader import Reader

MAX_POINTS = 1500
"""Points per line, as the dashboard asks for: M4-downsampled, so the line looks the same."""


class SeriesReads:
    """The series one export reads, each read once however many panels draw it (a report's
    panels often show the same keys of the same runs)."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self._read: dict[tuple[str, int, str], tuple[list[float], list[float]]] = {}

    def series(self, info: RunInfo, key: str) -> tuple[list[float], list[float]]:
        """The run's ``key`` over steps, downsampled as the dashboard draws it."""
        at = (info.id, info.last_seq, key)
        if at not in self._read:
            xs, ys = self.reader.series(
                info, key, x="_step", max_points=MAX_POINTS, x_min=None, x_max=None
            )
            self._read[at] = ([float(x) for x in xs], [float(y) for y in ys])
        return self._read[at]


def collect(
    reader: Reader,
    project: str,
    kind: str,
    keys: list[str],
    runs: str | None,
    group_by: str | None = None,
    reads: SeriesReads | None = None,
) -> PanelData:
    """What a panel of ``kind`` over ``keys`` shows now, for the runs of ``project`` that the
    filter ``runs`` matches (None: every run), in the runs table's order (newest first).
    ``reads``: series already read by this export's other panels."""
    found = reader.runs(project, filter=runs, order=None, limit=None)
    reads = reads if reads is not None else SeriesReads(reader)
    return PanelData(
        taken_at=time.time(),
        runs=[_run_data(reads, info, kind, keys, group_by) for info in found],
    )


def read_panel(
    reader: Reader, project: str, panel: Panel, reads: SeriesReads | None = None
) -> PanelData:
    """What ``panel`` shows now: its runs' data, or for a verdict panel its run's verdict
    (``reads``: series an export has read already)."""
    if panel.kind == "verdict":
        return verdict.collect(reader, project, panel)
    if panel.kind == "image":
        return image_panel.collect(reader, project, panel)
    if panel.kind == "compare":
        return compare_panel.collect(reader, project, panel)
    if panel.kind == "plot":
        return plot_panel.collect(reader, project, panel)
    return collect(reader, project, panel.kind, panel.keys, panel.runs, panel.group_by, reads)


def value_of(info: RunInfo, key: str) -> Any:
    """The run's value of a field: ``config.a.b``, ``summary.val/acc``, or a plain field such as
    ``name`` or ``group``; None when it has none."""
    if key in PLAIN_FIELDS:
        return getattr(info, key)
    root, _, path = key.partition(".")
    if root == "config":
        return _lookup(info.config, path)
    if root == "summary":
        return _lookup(info.summary, path)
    return None


def last_value(steps: list[float], values: list[float]) -> float | None:
    """The value at the highest step that is a number, or None."""
    for _, value in sorted(zip(steps, values, strict=True), key=lambda p: p[0], reverse=True):
        if isinstance(value, (int, float)) and not math.isnan(value):
            return float(value)
    return None


def _run_data(
    reads: SeriesReads, info: RunInfo, kind: str, keys: list[str], group_by: str | None
) -> RunData:
    group = value_of(info, group_by) if group_by else None
    if kind != "line":
        return RunData(
            id=info.id,
            name=info.name,
            number=info.number,
            group=group,
            values={k: value_of(info, k) for k in keys},
        )
    series: dict[str, tuple[list[float], list[float]]] = {}
    for key in keys:
        if key not in info.history_keys:
            continue
        xs, ys = reads.series(info, key)
        series[key] = (list(xs), list(ys))
    return RunData(id=info.id, name=info.name, number=info.number, group=group, series=series)


def _lookup(values: dict[str, Any], path: str) -> Any:
    """``path`` in nested ``values``: a key holding dots or slashes whole first, then by parts."""
    if path in values:
        return values[path]
    head, dot, rest = path.partition(".")
    while dot:
        inner = values.get(head)
        if isinstance(inner, dict):
            found = _lookup(inner, rest)
            if found is not None:
                return found
        more, dot, rest = rest.partition(".")
        head = f"{head}.{more}"
    return None
