"""The lines a line panel draws, for every export to draw the same ones: a line per run and key,
in the run's dashboard colour; with ``group_by``, a group's runs (``cairn.reports.groups``: named,
coloured and binned as the dashboard groups them, runs without a value in the ``(none)`` group)
as one line, their mean, with a band from their min to their max
(web/src/features/charts/lib/groups.ts). matplotlib draws them in ``cairn.reports.figures``, the
HTML export's SVG in ``cairn.reports.svg``.
"""

from __future__ import annotations

from dataclasses import dataclass

from cairn.reports.blocks import Panel, PanelData
from cairn.reports.groups import group_runs
from cairn.reports.style import run_colour

MAX_GROUP_POINTS = 1500
"""A group's grid of steps, at most (the points the dashboard asks for a line)."""


@dataclass(frozen=True)
class Line:
    """One drawn line: its points, colour, key (its dash), legend label (None: not in the
    legend, as a run's second key is not) and, for a group, its (min, max) band."""

    xs: list[float]
    ys: list[float]
    colour: str
    key_index: int
    label: str | None
    band: tuple[list[float], list[float]] | None = None


def panel_lines(panel: Panel, data: PanelData) -> list[Line]:
    """Every line of a line panel, key by key (see the module's doc)."""
    return [line for j, key in enumerate(panel.keys) for line in _key_lines(panel, data, j, key)]


def colours(panel: Panel, data: PanelData) -> dict[str, str]:
    """The colour each run is drawn in: its own, or in a grouped line panel its group's."""
    drawn = {run.id: run_colour(run.id, run.number) for run in data.runs}
    if panel.kind == "line" and panel.group_by is not None:
        for group in group_runs(data.runs, panel.group_bins):
            drawn.update((run.id, group.colour) for run in group.runs)
    return drawn


def _key_lines(panel: Panel, data: PanelData, key_index: int, key: str) -> list[Line]:
    if panel.group_by is None:
        return [
            Line(
                *run.series[key],
                colour=run_colour(run.id, run.number),
                key_index=key_index,
                label=run.name if key_index == 0 else None,
            )
            for run in data.runs
            if key in run.series
        ]
    lines = []
    for group in group_runs(data.runs, panel.group_bins):
        members = [run for run in group.runs if key in run.series]
        if not members:
            continue
        xs, mean, low, high = aggregate([m.series[key] for m in members])
        count = f" ({len(members)} runs)" if len(members) > 1 else ""  # as the dashboard says
        suffix = f" ({key})" if len(panel.keys) > 1 else ""
        lines.append(
            Line(
                xs,
                mean,
                colour=group.colour,
                key_index=key_index,
                label=f"{group.name}{count}{suffix}",
                band=(low, high),
            )
        )
    return lines


def aggregate(
    members: list[tuple[list[float], list[float]]], max_points: int = MAX_GROUP_POINTS
) -> tuple[list[float], list[float], list[float], list[float]]:
    """Runs logged at different steps on one grid, as the dashboard aggregates a group
    (web/src/features/charts/lib/groups.ts): the union of their steps (evenly spaced when there
    are more than ``max_points``), each run interpolated inside its own range only; at each
    step the mean, min and max of the runs alive there (NaN where none is)."""
    import numpy as np

    grid = np.unique(np.concatenate([np.asarray(xs, dtype=float) for xs, _ in members]))
    grid = grid[np.isfinite(grid)]
    if len(grid) > max_points >= 2:
        grid = np.linspace(grid[0], grid[-1], max_points)
    rows = np.full((len(members), len(grid)), np.nan)
    for i, (xs, ys) in enumerate(members):
        x, y = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
        if len(x) == 0:
            continue
        inside = (grid >= x[0]) & (grid <= x[-1])
        rows[i, inside] = np.interp(grid[inside], x, y)  # a NaN neighbour gives NaN: no share
    alive = np.isfinite(rows).any(axis=0)
    mean, low, high = (np.full(len(grid), np.nan) for _ in range(3))
    mean[alive] = np.nanmean(rows[:, alive], axis=0)
    low[alive] = np.nanmin(rows[:, alive], axis=0)
    high[alive] = np.nanmax(rows[:, alive], axis=0)
    return grid.tolist(), mean.tolist(), low.tolist(), high.tolist()
