"""A panel's groups in the exports are the dashboard's: the cases of
web/src/features/reports/lib/panelGroups.json, which the dashboard's vitest reads too, give the
same names, colours and members here (exact values and the workspace's bins), and the LaTeX
figure draws a line per group by them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cairn.reports import figures
from cairn.reports.blocks import Panel, PanelData, RunData
from cairn.reports.chart_text import mpl_literal
from cairn.reports.edit import check_panel_block
from cairn.reports.groups import group_runs
from cairn.reports.jsformat import format_bound, js_number
from cairn.reports.style import PALETTE

CASES = json.loads(
    (
        Path(__file__).resolve().parents[2] / "web/src/features/reports/lib/panelGroups.json"
    ).read_text()
)["cases"]


def runs_of(case: dict[str, Any]) -> list[RunData]:
    return [
        RunData(id=run_id, name=f"run {run_id}", group=value, series={"loss": ([0, 1], [1, 2])})
        for run_id, value in case["runs"]
    ]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_groups_are_the_dashboards(case: dict[str, Any]) -> None:
    found = [
        {"name": g.name, "colour": g.colour, "runs": [r.id for r in g.runs]}
        for g in group_runs(runs_of(case), case.get("bins"))
    ]
    assert found == [
        {"name": g["name"], "colour": PALETTE[g["color"]], "runs": g["runs"]}
        for g in case["groups"]
    ]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_the_latex_figure_draws_a_line_per_group(case: dict[str, Any]) -> None:
    figure = figures.draw(
        Panel(kind="line", keys=["loss"], group_by="config.x", group_bins=case.get("bins")),
        PanelData(taken_at=0, runs=runs_of(case)),
    )
    assert figure is not None
    lines = [line for line in figure.axes[0].lines if line.get_gid() == "line"]
    assert [(line.get_label(), line.get_color()) for line in lines] == [
        (
            mpl_literal(g["name"] + (f" ({n} runs)" if (n := len(g["runs"])) > 1 else "")),
            PALETTE[g["color"]],
        )
        for g in case["groups"]
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.1, "0.1"),
        (-2.0, "-2"),
        (1e-06, "0.000001"),
        (1.5e-07, "1.5e-7"),
        (123456.789, "123456.789"),
        (1e21, "1e+21"),
        (123e20, "1.23e+22"),
        (10**20, "100000000000000000000"),
        (5e-324, "5e-324"),
    ],
)
def test_numbers_are_written_as_javascript_writes_them(value: float, text: str) -> None:
    assert js_number(value) == text


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (0.0902814096, 2, "0.09"),
        (0.00012, 2, "0.00012"),
        (1e-05, 2, "1e-5"),
        (2.5e-05, 2, "2.5e-5"),
        (1234567.0, 2, "1.2e+6"),
        (0.125, 2, "0.13"),  # a tie rounds up, as toPrecision does (not to even)
        (-0.0031, 3, "-0.0031"),
        (123456.0, 2, "120000"),
    ],
)
def test_bin_bounds_are_written_as_the_workspace_writes_them(
    value: float, digits: int, text: str
) -> None:
    assert format_bound(value, digits) == text


@pytest.mark.parametrize("bins", ["quantile-7", "linear-4", "auto", "4", ""])
def test_unknown_bins_are_refused_with_the_choices(bins: str) -> None:
    with pytest.raises(ValueError, match=r"group_bins=.*quantile-4"):
        check_panel_block(Panel(kind="line", keys=["loss"], group_by="config.lr", group_bins=bins))
