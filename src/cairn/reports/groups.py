"""A panel's runs grouped by their ``group_by`` value, by the dashboard's rule
(web/src/features/runs/state/grouping.ts, by exact values), so an export draws the groups the
dashboard draws: the same names, members and colours.

A group is named by its value as text: a string as it is, anything else as JavaScript's
``JSON.stringify`` writes it (``1e-05`` is ``0.00001``, ``True`` is ``true``), no value (or one that
is not a finite number) as ``(none)``, which is a group too. Groups follow the order of their
first run; their colours go by position in the dashboard's order: numeric values first, in
numeric order (when every run that has a value has a number), then the others by first run.
With ``group_bins``, a numeric key's values are put in ranges as the workspace's bins do
(``cairn.reports.bins``), each range a group named by its values (``0.01–0.03``).
web/src/features/reports/lib/panelGroups.json holds the cases both sides are tested with.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from cairn.reports.bins import bins_of, decode_bins
from cairn.reports.blocks import RunData
from cairn.reports.jsformat import is_number, js_json, js_number
from cairn.reports.style import PALETTE

NO_VALUE = "(none)"
"""The name of the group of runs without a value."""


@dataclass(frozen=True)
class Group:
    """Runs sharing a ``group_by`` value: its name, colour and runs (in the panel's order)."""

    name: str
    colour: str
    runs: list[RunData]


def group_runs(runs: list[RunData], bins: str | None = None) -> list[Group]:
    """``runs`` grouped by their ``group`` value, groups in the order of their first run;
    ``bins`` (``"quantile-4"``, ``"log-5"``, ``"auto-4"``; None or ``"values"``: exact values)
    puts a numeric key's values in ranges, as the workspace's bins do."""
    names, numeric = _names(runs, bins)
    members: dict[str, list[RunData]] = {}
    for name, run in zip(names, runs, strict=True):
        members.setdefault(name, []).append(run)
    order = numeric + [name for name in dict.fromkeys(names) if name not in numeric]
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(order)}
    return [Group(name, colours[name], group) for name, group in members.items()]


def group_name(value: Any) -> str:
    """A value as the name of its group (the dashboard's ``valueText``)."""
    if value is None or (is_number(value) and not math.isfinite(value)):
        return NO_VALUE
    return value if isinstance(value, str) else js_json(value)


def _names(runs: list[RunData], bins: str | None) -> tuple[list[str], list[str]]:
    """Each run's group name, and the numeric names in numeric order (none unless every run
    with a value has a number): the dashboard's ``groupNames``."""
    names = [group_name(run.group) for run in runs]
    numbers = [
        float(run.group) if is_number(run.group) and math.isfinite(run.group) else None
        for run in runs
    ]
    numeric = any(n is not None for n in numbers) and all(
        n is not None or name == NO_VALUE for n, name in zip(numbers, names, strict=True)
    )
    if not numeric:
        return names, []
    present = [n for n in numbers if n is not None]
    binned = bins_of(present, *decode_bins(bins)) if bins else None
    if binned is None:
        return names, [js_number(n) for n in sorted(set(present))]
    return [NO_VALUE if n is None else binned.name_of(n) for n in numbers], binned.labels
