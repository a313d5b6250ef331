"""Panels drawn as inline SVG: the points are the data's, scaled; nothing but shapes and text."""

from __future__ import annotations

import math
import re

from cairn.reports.blocks import Panel, PanelData, RunData
from cairn.reports.style import KEY_GREY, PALETTE, run_colour, smooth
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
    assert svg is not None and svg.count("<polyline") == 2
    # which dash is which key: a grey legend entry each, the second one dashed as its line
    legend = re.findall(
        r'<g class="legend"><title>(\w)</title><line [^>]*stroke="([^"]+)"([^/]*)/>', svg
    )
    assert legend == [
        ("x", KEY_GREY, ' stroke-width="2"'),
        ("y", KEY_GREY, ' stroke-width="2" stroke-dasharray="6 3"'),
    ]
    assert svg.count("stroke-dasharray") == 2  # y's line, y's legend entry
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


def _shapes(svg: str, tag: str) -> list[tuple[str, list[tuple[float, float]]]]:
    """Each ``<tag>``'s opening (its attributes) and points, in order."""
    return [
        (found.group(1), [tuple(float(v) for v in p.split(",")) for p in found.group(2).split()])  # type: ignore[misc]
        for found in re.finditer(rf'<{tag} ([^>]*?)points="([^"]*)"', svg)
    ]


def _at(
    x: float, y: float, x1: float, y1: float, x0: float = 0.0, y0: float = 0.0
) -> tuple[float, float]:
    """Where (x, y) is drawn on axes from ``x0`` to ``x1`` and from ``y0`` to ``y1``."""
    sx = LEFT + (x - x0) / (x1 - x0) * (WIDTH - LEFT - RIGHT)
    sy = HEIGHT - BOTTOM - (y - y0) / (y1 - y0) * (HEIGHT - TOP - BOTTOM)
    return round(sx, 1), round(sy, 1)


GROUPED = PanelData(
    taken_at=0.0,
    runs=[
        RunData(id="a", name="a", number=1, group=32, series={"loss": ([0, 1, 2], [0, 2, 4])}),
        RunData(id="b", name="b", number=2, group=32, series={"loss": ([0, 1, 2], [2, 4, 6])}),
        RunData(id="c", name="alone", number=3, series={"loss": ([0, 2], [10, 10])}),
        RunData(id="d", name="d", number=4, group='<b x="1">', series={"loss": ([0, 2], [5, 5])}),
    ],
)


def test_a_group_is_its_mean_over_a_min_max_band_with_a_legend() -> None:
    svg = panel_svg(Panel(kind="line", keys=["loss"], group_by="config.width"), GROUPED)
    assert svg is not None
    lines = _shapes(svg, "polyline")
    assert [points for _, points in lines] == [
        [_at(x, 1 + 2 * x, 2, 10) for x in (0, 1, 2)],  # width 32: the mean of a and b
        [_at(0, 10, 2, 10), _at(2, 10, 2, 10)],  # the run without a value: the (none) group
        [_at(0, 5, 2, 10), _at(2, 5, 2, 10)],
    ]
    stroke = [re.findall(r'stroke="(#\w+)"', attrs) for attrs, _ in lines]
    assert stroke == [[PALETTE[0]], [PALETTE[1]], [PALETTE[2]]]  # the dashboard's group colours
    band, outline = _shapes(svg, "polygon")[0]
    assert f'fill="{PALETTE[0]}"' in band and 'fill-opacity="0.16"' in band
    low = [_at(x, 2 * x, 2, 10) for x in (0, 1, 2)]  # a's values, the min
    high = [_at(x, 2 + 2 * x, 2, 10) for x in (2, 1, 0)]  # b's, the max, back
    assert outline == low + high
    legend = re.findall(r'<g class="legend"><title>([^<]*)</title>', svg)
    assert legend == ["32 (2 runs)", "(none)", "&lt;b x=&quot;1&quot;&gt;"]
    assert '<b x="1">' not in svg
    assert f'viewBox="0 0 {WIDTH} {HEIGHT + 2 * 18 + 6}"' in svg  # two rows of legend


def test_smoothing_draws_the_ema_over_the_values_as_logged_and_log_axes_skip_non_positive() -> None:
    run = RunData(id="a", name="a", number=1, series={"loss": ([1, 10, 100], [1.0, 100.0, 10.0])})
    data = PanelData(taken_at=0.0, runs=[run])
    svg = panel_svg(Panel(kind="line", keys=["loss"], smoothing=0.5), data)
    assert svg is not None
    (raw_attrs, raw), (attrs, smoothed) = _shapes(svg, "polyline")
    assert 'stroke-opacity="0.25"' in raw_attrs and "stroke-opacity" not in attrs
    steps, values = [1, 10, 100], [1.0, 100.0, 10.0]
    assert raw == [_at(x, y, 100, 100, 1, 1) for x, y in zip(steps, values, strict=True)]
    ema = smooth(values, 0.5)
    assert smoothed == [_at(x, y, 100, 100, 1, 1) for x, y in zip(steps, ema, strict=True)]
    assert ema[1] < 100 and ema[2] > 10  # smoothed indeed
    negative = RunData(id="a", name="a", series={"loss": ([1, 10, 100], [-1.0, 10.0, 100.0])})
    log = panel_svg(
        Panel(kind="line", keys=["loss"], log_x=True, log_y=True),
        PanelData(taken_at=0.0, runs=[negative]),
    )
    assert log is not None
    [(_, points)] = _shapes(log, "polyline")
    assert points == [(LEFT, HEIGHT - BOTTOM), (WIDTH - RIGHT, TOP)]  # log10: 1→2 over 1→2
    assert ">10</text>" in log and ">100</text>" in log  # the ticks are values, not logs


def test_a_scatter_on_log_axes_leaves_out_values_that_are_not_positive() -> None:
    runs = [
        RunData(id="a", name="a", values={"config.lr": 0.001, "summary.acc": 10.0}),
        RunData(id="b", name="b", values={"config.lr": 0.1, "summary.acc": 1000.0}),
        RunData(id="c", name="c", values={"config.lr": 0.0, "summary.acc": 5.0}),
    ]
    panel = Panel(kind="scatter", keys=["config.lr", "summary.acc"], log_x=True, log_y=True)
    svg = panel_svg(panel, PanelData(taken_at=0.0, runs=runs))
    assert svg is not None
    centres = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)
    assert [(float(x), float(y)) for x, y in centres] == [
        (LEFT, HEIGHT - BOTTOM),
        (WIDTH - RIGHT, TOP),
    ]
    assert ">0.001</text>" in svg and ">1000</text>" in svg
