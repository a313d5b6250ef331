"""The lines of a line panel, shared by the LaTeX figures and the HTML export's SVG."""

from __future__ import annotations

from cairn.reports.blocks import Panel, PanelData, RunData
from cairn.reports.chart_lines import colours, panel_lines
from cairn.reports.style import run_colour

RUNS = [
    RunData(id="a", name="a", number=1, group="x", series={"loss": ([0, 1], [0, 2])}),
    RunData(id="b", name="b", number=2, group=None, series={"loss": ([0, 1], [1, 1])}),
    RunData(id="c", name="c", number=3, group="x", series={"loss": ([1, 2], [4, 6])}),
]


def test_a_group_is_one_line_in_its_first_runs_colour() -> None:
    panel = Panel(kind="line", keys=["loss"], group_by="config.kind")
    lines = panel_lines(panel, PanelData(taken_at=0.0, runs=RUNS))
    assert [(line.label, line.colour) for line in lines] == [
        ("b", run_colour("b", 2)),
        ("x (2 runs)", run_colour("a", 1)),
    ]
    group = lines[1]
    assert group.xs == [0, 1, 2] and group.ys == [0, 3, 6]  # a alone, both, c alone
    assert group.band == ([0, 2, 6], [0, 4, 6])
    assert colours(panel, PanelData(taken_at=0.0, runs=RUNS)) == {
        "a": run_colour("a", 1),
        "b": run_colour("b", 2),
        "c": run_colour("a", 1),
    }


def test_without_group_by_a_line_per_run_and_key() -> None:
    panel = Panel(kind="line", keys=["loss", "acc"])
    lines = panel_lines(panel, PanelData(taken_at=0.0, runs=RUNS))
    assert [(line.label, line.key_index, line.band) for line in lines] == [
        ("a", 0, None),
        ("b", 0, None),
        ("c", 0, None),
    ]
    assert colours(panel, PanelData(taken_at=0.0, runs=RUNS))["c"] == run_colour("c", 3)
