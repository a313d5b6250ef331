"""A bar panel as inline SVG: a bar per run and key, as long as its value, names escaped."""

from __future__ import annotations

import re

from cairn.reports.bar_svg import LABEL_WIDTH, RIGHT, WIDTH, bar_svg
from cairn.reports.bars import key_bars
from cairn.reports.blocks import Panel, PanelData, RunData
from cairn.reports.groups import group_runs
from cairn.reports.style import run_colour

HOSTILE = '<img src=x onerror="alert(1)">'


def _bars(svg: str) -> list[tuple[float, float, str, str]]:
    """Each bar: x, width, colour and tooltip."""
    return [
        (float(x), float(w), colour, tip)
        for x, w, colour, tip in re.findall(
            r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="\d+" fill="([^"]+)">'
            r"<title>([^<]*)</title></rect>",
            svg,
        )
    ]


def test_a_bar_per_run_and_key_as_long_as_its_value() -> None:
    runs = [
        RunData(id="a", name="a", number=1, values={"summary.acc": 0.5, "summary.loss": -1.0}),
        RunData(id="b", name=HOSTILE, number=2, values={"summary.acc": 1.0, "summary.loss": 3}),
        RunData(id="c", name="c", number=3, values={"summary.acc": "n/a", "summary.loss": None}),
    ]
    panel = Panel(kind="bar", keys=["summary.acc", "summary.loss", "summary.none"])
    svg = bar_svg(panel, PanelData(taken_at=0.0, runs=runs))
    assert svg is not None
    span = WIDTH - LABEL_WIDTH - RIGHT
    acc, loss = _bars(svg)[:2], _bars(svg)[2:]
    assert acc == [  # largest first, as the dashboard sorts them
        (
            LABEL_WIDTH,
            span,
            run_colour("b", 2),
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;: summary.acc = 1",
        ),
        (LABEL_WIDTH, round(span / 2, 1), run_colour("a", 1), "a: summary.acc = 0.5"),
    ]
    zero = LABEL_WIDTH + span / 4  # the loss axis runs from -1 to 3
    assert loss == [
        (round(zero, 1), round(3 * span / 4, 1), run_colour("b", 2), loss[0][3]),
        (LABEL_WIDTH, round(span / 4, 1), run_colour("a", 1), "a: summary.loss = -1"),
    ]
    assert ">summary.acc</text>" in svg and ">summary.none</text>" not in svg  # no number: no block
    assert HOSTILE not in svg and svg.count("&lt;img src=x onerror=") == 4  # 2 names, 2 tips


def test_log_x_leaves_out_values_that_are_not_positive_and_nothing_to_draw() -> None:
    runs = [
        RunData(id="a", name="a", values={"summary.lr": 0.001}),
        RunData(id="b", name="b", values={"summary.lr": 0.1}),
        RunData(id="c", name="c", values={"summary.lr": 0.0}),
    ]
    svg = bar_svg(
        Panel(kind="bar", keys=["summary.lr"], log_x=True), PanelData(taken_at=0.0, runs=runs)
    )
    assert svg is not None
    bars = _bars(svg)
    assert [w for _, w, _, _ in bars] == [WIDTH - LABEL_WIDTH - RIGHT, 0.5]  # 1e-3: the axis' end
    assert ">0.001</text>" in svg and ">0.1</text>" in svg
    empty = PanelData(taken_at=0.0, runs=[RunData(id="a", name="a", values={"summary.lr": None})])
    assert bar_svg(Panel(kind="bar", keys=["summary.lr"]), empty) is None


def test_a_grouped_bar_panel_draws_a_bar_per_group_at_its_mean_with_its_range() -> None:
    runs = [
        RunData(id="a", name="a", number=1, group="adam", values={"summary.acc": 0.2}),
        RunData(id="b", name="b", number=2, group=HOSTILE, values={"summary.acc": 0.9}),
        RunData(id="c", name="c", number=3, group="adam", values={"summary.acc": 0.6}),
        RunData(id="d", name="d", number=4, group=None, values={"summary.acc": True}),
    ]
    panel = Panel(kind="bar", keys=["summary.acc"], group_by="config.opt")
    data = PanelData(taken_at=0.0, runs=runs)
    svg = bar_svg(panel, data)
    assert svg is not None
    colours = {group.name: group.colour for group in group_runs(runs)}
    span = WIDTH - LABEL_WIDTH - RIGHT
    assert [(w, colour) for _, w, colour, _ in _bars(svg)] == [
        (span, colours["(none)"]),  # True counts as 1, as the dashboard counts it
        (round(0.9 * span, 1), colours[HOSTILE]),
        (round(0.4 * span, 1), colours["adam"]),  # the mean of 0.2 and 0.6
    ]
    assert _bars(svg)[2][3] == "adam (2 runs): mean summary.acc = 0.4, min 0.2, max 0.6"
    ranges = re.findall(r'<line class="range" x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)"', svg)
    assert [(float(a), float(b)) for a, b in ranges] == [
        (1.0 * LABEL_WIDTH + 1.0 * span, 1.0 * LABEL_WIDTH + 1.0 * span),
        (round(LABEL_WIDTH + 0.9 * span, 1), round(LABEL_WIDTH + 0.9 * span, 1)),
        (round(LABEL_WIDTH + 0.2 * span, 1), round(LABEL_WIDTH + 0.6 * span, 1)),
    ]
    assert HOSTILE not in svg
    assert key_bars(panel, data, "summary.none") == []  # no run has the key: no bar
