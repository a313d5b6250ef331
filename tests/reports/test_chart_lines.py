"""The lines of a line panel, shared by the LaTeX figures and the HTML export's SVG."""

from __future__ import annotations

from cairn.reports.blocks import Panel, PanelData, RunData
from cairn.reports.chart_lines import colours, panel_lines
from cairn.reports.style import PALETTE, run_colour

RUNS = [
    RunData(id="a", name="a", number=1, group="x", series={"loss": ([0, 1], [0, 2])}),
    RunData(id="b", name="b", number=2, group=None, series={"loss": ([0, 1], [1, 1])}),
    RunData(id="c", name="c", number=3, group="x", series={"loss": ([1, 2], [4, 6])}),
]


def test_a_group_is_one_line_in_the_dashboards_group_colour() -> None:
    panel = Panel(kind="line", keys=["loss"], group_by="config.kind")
    lines = panel_lines(panel, PanelData(taken_at=0.0, runs=RUNS))
    assert [(line.label, line.colour) for line in lines] == [
        ("x (2 runs)", PALETTE[0]),
        ("(none)", PALETTE[1]),  # a run without a value is in the (none) group, as in the dashboard
    ]
    group = lines[0]
    assert group.xs == [0, 1, 2] and group.ys == [0, 3, 6]  # a alone, both, c alone
    assert group.band == ([0, 2, 6], [0, 4, 6])
    assert colours(panel, PanelData(taken_at=0.0, runs=RUNS)) == {
        "a": PALETTE[0],
        "b": PALETTE[1],
        "c": PALETTE[0],
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
