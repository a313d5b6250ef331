"""A plot panel: a chart one run logged with ``cairn.plot`` (confusion matrix, PR and ROC curves,
line, scatter, bar, histogram) under a media key, at a step (None: the last one logged).

Its data is the logged table's rows as the run page reads them (the media table route's first
page, at most MAX_PLOT_ROWS rows) and the chart's spec: a frozen panel keeps both, so it still
draws when the run is deleted. The exports read the chart as the dashboard's
web/src/features/media/lib/plotOption.ts does, through the shapes here (``matrix``, ``curves``,
``bars``, ``histogram``): matplotlib draws them in ``plot_figures``, inline SVG in ``plot_svg``.
"""

from __future__ import annotations

import math
import time
from itertools import pairwise
from typing import Any

from cairn.reports.blocks import Panel, PanelData, PlotData
from cairn.reports.single_run import check_one_key, logged_entry, panel_run
from cairn.store.reader import Reader

MAX_PLOT_ROWS = 5000
"""Rows a plot panel keeps: the page the run page's chart reads (a PR or ROC curve is at most
``cairn.sdk.media.plot.MAX_CURVE_POINTS`` points a class; a confusion matrix of 70 classes
is 4,900 rows)."""
MAX_MATRIX_CLASSES = 70
"""A confusion matrix's classes the exports draw, at most: 70 x 70 cells are 4,900 rows, the
most MAX_PLOT_ROWS holds whole (the caption says how many classes were left out)."""
HISTOGRAM_BINS = 20
"""Equal-width bins of a histogram spec, as the dashboard bins it (plotOption.ts ``binValues``)."""
MAX_TABLE_CLASSES = 12
"""A confusion matrix of at most this many classes is written out whole in the exports' table
(the dashboard writes counts in the cells up to as many); a larger one a row per class."""
MAX_TABLE_ROWS = 40
"""Rows of a bar chart's table in the exports, at most."""


def check(panel: Panel) -> None:
    """ValueError unless the panel names a run and one media key, and frozen data sent with it
    (by the dashboard, or a client of the API) is a chart's: a type, column names, class names."""
    check_one_key(panel, "add_panel('plot', run='<run id>', keys=['val/confusion'], step=None)")
    plot = panel.data.plot if panel.data is not None else None
    if plot is None:
        return
    spec = plot.spec
    roles = ("x", "y", "label", "value", "actual", "predicted", "count", "series", "title")
    odd = [r for r in roles if spec.get(r) is not None and not isinstance(spec[r], str)]
    classes = spec.get("classes")
    if not isinstance(spec.get("type"), str) or odd:
        raise ValueError(
            f"a plot panel's frozen spec needs a type and column names as text"
            f"{f', not {odd[0]}={spec[odd[0]]!r}' if odd else ''}: freeze it again to read it"
        )
    if classes is not None and not (
        isinstance(classes, list) and all(isinstance(c, str) for c in classes)
    ):
        raise ValueError("a plot panel's frozen classes are a list of names: freeze it again")


def collect(reader: Reader, project: str, panel: Panel) -> PanelData:
    """The panel's run and the chart it logged under the key at the step; without one, a
    ``note`` saying why the panel is empty."""
    found_run = panel_run(reader, project, panel)
    if found_run is None:
        return PanelData(taken_at=time.time(), note=f"run {panel.run} is not in project {project}")
    info, run = found_run
    key = panel.keys[0]
    entry = logged_entry(reader, info, panel, "plot")
    at = "" if panel.step is None else f" at step {panel.step}"
    if entry is None or not entry.blob or not isinstance(entry.meta.get("spec"), dict):
        kinds = {e.kind for e in reader.media_entries(info, key)} - {"plot"}
        holds = f" (it holds {', '.join(sorted(kinds))} values)" if kinds else ""
        note = f"run {info.name} logged no cairn.plot chart under {key!r}{at}{holds}"
        return PanelData(taken_at=time.time(), runs=[run], note=note)
    import pyarrow as pa

    from cairn.store.media_tables import column_types, query_table, read_table

    try:
        table = read_table(reader.blobs, entry.blob)
    except FileNotFoundError:
        note = f"the table of {key!r}{at} ({entry.blob}) is missing from the store"
        return PanelData(taken_at=time.time(), runs=[run], note=note)
    except pa.ArrowException as exc:  # damaged bytes: the panel says so, the report still renders
        note = f"the table of {key!r}{at} ({entry.blob}) cannot be read: {exc}"
        return PanelData(taken_at=time.time(), runs=[run], note=note)
    page = query_table(table, types=column_types(entry.meta), limit=MAX_PLOT_ROWS)
    columns = [c for c in page["columns"] if c != "_row"]
    plot = PlotData(
        step=entry.step,
        spec=dict(entry.meta["spec"]),
        columns=columns,
        data={c: page["data"][c] for c in columns},
        rows=page["total"],
    )
    return PanelData(taken_at=time.time(), runs=[run], plot=plot)


def kind_name(plot: PlotData) -> str:
    """The chart's type in words: ``confusion matrix``, ``roc curve``..."""
    return str(plot.spec.get("type", "chart")).replace("_", " ")


def column(plot: PlotData, name: Any) -> list[Any]:
    """A column's cells (none: a column the table does not have)."""
    return list(plot.data.get(name, [])) if isinstance(name, str) else []


def numbers(plot: PlotData, name: Any) -> list[float]:
    """A column as floats: NaN for a cell that is not a number, as the dashboard reads it."""
    return [
        float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else math.nan
        for v in column(plot, name)
    ]


def matrix(plot: PlotData) -> tuple[list[str], list[list[float]]]:
    """A confusion matrix: its classes and ``counts[actual][predicted]`` (the spec's classes,
    in their order; a class the table names but the spec does not is left out, as the
    dashboard's heatmap has no row for it)."""
    spec = plot.spec
    classes = [str(c) for c in spec.get("classes") or []][:MAX_MATRIX_CLASSES]
    index = {c: i for i, c in enumerate(classes)}
    counts = [[0.0] * len(classes) for _ in classes]
    actual = column(plot, spec.get("actual", "Actual"))
    predicted = column(plot, spec.get("predicted", "Predicted"))
    values = numbers(plot, spec.get("count", "Count"))
    for a, p, value in zip(actual, predicted, values, strict=False):
        i, j = index.get(str(a)), index.get(str(p))
        if i is not None and j is not None and math.isfinite(value):
            counts[i][j] += value
    return classes, counts


def curves(plot: PlotData) -> list[tuple[str, list[float], list[float]]]:
    """Line, scatter, PR and ROC charts: one (name, xs, ys) per value of the spec's ``series``
    column, in the order they first appear (one named after ``y`` without a series column)."""
    spec = plot.spec
    xs, ys = numbers(plot, spec.get("x")), numbers(plot, spec.get("y"))
    names = (
        [str(v) for v in column(plot, spec["series"])]
        if spec.get("series")
        else [str(spec.get("y") or "")] * len(xs)
    )
    out: dict[str, tuple[list[float], list[float]]] = {}
    for name, x, y in zip(names, xs, ys, strict=False):
        line = out.setdefault(name, ([], []))
        line[0].append(x)
        line[1].append(y)
    return [(name, line[0], line[1]) for name, line in out.items()]


def bars(plot: PlotData) -> list[tuple[str, float]]:
    """A bar chart: (label, value) per row, in the table's order."""
    labels = [str(v) for v in column(plot, plot.spec.get("label"))]
    return list(zip(labels, numbers(plot, plot.spec.get("value")), strict=False))


def histogram(plot: PlotData) -> list[tuple[float, float, float]]:
    """A histogram spec's bins as (left edge, width, count): HISTOGRAM_BINS equal-width bins
    over the finite values' range, as plotOption.ts ``binValues`` bins them."""
    finite = [v for v in numbers(plot, plot.spec.get("value")) if math.isfinite(v)]
    if not finite:
        return []
    low, high = min(finite), max(finite)
    width = (high - low) / HISTOGRAM_BINS or 1.0
    counts = [0] * HISTOGRAM_BINS
    for v in finite:
        counts[min(HISTOGRAM_BINS - 1, math.floor((v - low) / width))] += 1
    return [(low + i * width, width, float(c)) for i, c in enumerate(counts)]


def area(xs: list[float], ys: list[float]) -> float | None:
    """The area under a curve by the trapezoid rule, its points sorted by x (a ROC curve's AUC);
    None without two finite points."""
    points = sorted((x, y) for x, y in zip(xs, ys, strict=False) if math.isfinite(x + y))
    if len(points) < 2:
        return None
    return sum((b[0] - a[0]) * (a[1] + b[1]) / 2 for a, b in pairwise(points))


def table(panel: Panel, data: PanelData) -> tuple[list[str], list[list[Any]]]:
    """The chart's numbers as rows under it in the exports: a small confusion matrix whole (a
    large one as each class's count and the share predicted right), a curve per row with its
    points and area, a bar per row, a histogram's bins."""
    plot = data.plot
    if plot is None:
        return [panel.keys[0]], []
    kind = plot.spec.get("type")
    if kind == "confusion_matrix":
        classes, counts = matrix(plot)
        if len(classes) <= MAX_TABLE_CLASSES:
            return ["actual \\ predicted", *classes], [
                [name, *(int(c) for c in row)] for name, row in zip(classes, counts, strict=True)
            ]
        return ["actual", "count", "predicted right"], [
            [name, int(sum(row)), row[i] / sum(row) if sum(row) else None]
            for i, (name, row) in enumerate(zip(classes, counts, strict=True))
        ]
    if kind == "bar":
        return [str(plot.spec.get("label")), str(plot.spec.get("value"))], [
            [label, value] for label, value in bars(plot)[:MAX_TABLE_ROWS]
        ]
    if kind == "histogram":
        return [f"{plot.spec.get('value')} from", "to", "count"], [
            [left, left + width, int(count)] for left, width, count in histogram(plot)
        ]
    if kind in ("pr_curve", "roc_curve"):  # the points and the area under each class's curve
        return ["class", "points", "AUC" if kind == "roc_curve" else "area"], [
            [name, len(xs), area(xs, ys)] for name, xs, ys in curves(plot)
        ]
    x, y = plot.spec.get("x"), plot.spec.get("y")
    return ["series", "points", f"{x} from", "to", f"{y} from", "to"], [
        [name, len(xs), *_range(xs), *_range(ys)] for name, xs, ys in curves(plot)
    ]


def headline(data: PanelData) -> str:
    """Where the chart comes from, for the caption: its run and step, or why there is none."""
    if data.plot is None:
        return data.note or "no chart"
    run = data.runs[0].name if data.runs else "?"
    shown = len(next(iter(data.plot.data.values()), []))
    cut = f", the first {shown} of {data.plot.rows} rows" if shown < data.plot.rows else ""
    classes = data.plot.spec.get("classes") or []
    if data.plot.spec.get("type") == "confusion_matrix" and len(classes) > MAX_MATRIX_CLASSES:
        cut += f", its first {MAX_MATRIX_CLASSES} of {len(classes)} classes drawn"
    return f"{kind_name(data.plot)} of run {run} at step {data.plot.step}{cut}"


def _range(values: list[float]) -> list[float | None]:
    finite = [v for v in values if math.isfinite(v)]
    return [min(finite), max(finite)] if finite else [None, None]
