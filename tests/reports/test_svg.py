"""Panels drawn as inline SVG: the points are the data's, scaled; nothing but shapes and text."""

from __future__ import annotations

import math
import re

from cairn.reports.blocks import Panel, PanelData, RunData
from cairn.reports.style import run_colour
from cairn.reports.svg import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, panel_svg


def _points(svg: str) -> list[list[tuple[float, float]]]:
    return [
        [tuple(float(v) for v in pair.split(",")) for pair in found.split()]  # type: ignore[misc]
        for found in re.findall(r'points="([^"]*)"', svg)
    ]


def test_a_line_is_its_series_scaled_with_gaps_where_values_are_not_finite() -> None:
    data = PanelData(
        taken_at=0.0,
        runs=[
            RunData(
                id="a",
                name="a",
                number=3,
                series={"loss": ([0, 1, 2, 3, 4], [1, 0.5, math.nan, 0.2, 0])},
            ),
            RunData(id="b", name="<b>", series={}),
        ],
    )
    svg = panel_svg(Panel(kind="line", keys=["loss"]), data)
    assert svg is not None and svg.startswith("<svg") and svg.endswith("</svg>")
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    assert _points(svg) == [
        [(LEFT, TOP), (LEFT + (right - LEFT) / 4, (TOP + bottom) / 2)],
        [(LEFT + 3 * (right - LEFT) / 4, bottom - 0.2 * (bottom - TOP)), (right, bottom)],
    ]
    assert f'stroke="{run_colour("a", 3)}"' in svg and run_colour("a", 3) == "#f85848"
    assert "<script" not in svg and " on" not in svg


def test_a_second_key_is_dashed_and_a_scatter_draws_a_point_per_run() -> None:
    runs = [
        RunData(id="a", name="a", series={"x": ([0, 1], [0, 1]), "y": ([0, 1], [1, 0])}),
    ]
    svg = panel_svg(Panel(kind="line", keys=["x", "y"]), PanelData(taken_at=0, runs=runs))
    assert svg is not None and svg.count("<polyline") == 2 and svg.count("stroke-dasharray") == 1
    values = [
        RunData(id="a", name="a", values={"config.lr": 0.1, "summary.acc": 0.5}),
        RunData(id="b", name="b", values={"config.lr": 0.2, "summary.acc": "n/a"}),
        RunData(id="c", name="c", values={"config.lr": 0.3, "summary.acc": 0.9}),
    ]
    scatter = Panel(kind="scatter", keys=["config.lr", "summary.acc"], title='"><x')
    svg = panel_svg(scatter, PanelData(taken_at=0, runs=values))
    assert svg is not None and svg.count("<circle") == 2
    assert 'aria-label="summary.acc against config.lr"' in svg


def test_nothing_to_draw() -> None:
    empty = PanelData(taken_at=0.0, runs=[RunData(id="a", name="a")])
    assert panel_svg(Panel(kind="line", keys=["loss"]), empty) is None
    assert panel_svg(Panel(kind="bar", keys=["summary.acc"]), empty) is None
