"""A bar panel as inline SVG: a bar per run and key, as long as its value, names escaped."""

from __future__ import annotations

import re

from cairn.reports.bar_svg import LABEL_WIDTH, RIGHT, WIDTH, bar_svg
from cairn.reports.blocks import Panel, PanelData, RunData
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
    assert acc == [
        (LABEL_WIDTH, round(span / 2, 1), run_colour("a", 1), "a: summary.acc = 0.5"),
        (
            LABEL_WIDTH,
            span,
            run_colour("b", 2),
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;: summary.acc = 1",
        ),
    ]
    zero = LABEL_WIDTH + span / 4  # the loss axis runs from -1 to 3
    assert loss == [
        (LABEL_WIDTH, round(span / 4, 1), run_colour("a", 1), "a: summary.loss = -1"),
        (round(zero, 1), round(3 * span / 4, 1), run_colour("b", 2), loss[1][3]),
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
    assert [w for _, w, _, _ in bars] == [0.5, WIDTH - LABEL_WIDTH - RIGHT]  # 1e-3 is the axis' end
    assert ">0.001</text>" in svg and ">0.1</text>" in svg
    empty = PanelData(taken_at=0.0, runs=[RunData(id="a", name="a", values={"summary.lr": None})])
    assert bar_svg(Panel(kind="bar", keys=["summary.lr"]), empty) is None
