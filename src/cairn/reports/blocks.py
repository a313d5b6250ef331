"""The blocks of a report, as plain typed data: Markdown text, and panels (charts of a run set).

A block is stored as a JSON object with a ``kind``: ``"markdown"``, ``"bibtex"`` (the references
Markdown cites as ``[@key]``), ``"picture"`` (an image uploaded into the report), or the kind of chart a panel draws, one of PANEL_KINDS (the kinds the dashboard's workspace draws, web/src/features/charts/
state/layout.ts). A panel reads its runs live (a filter expression of the runs table) unless it
is frozen: then ``data`` holds the series and values it showed when it was saved.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from cairn.reports.compare_keys import check_compare_keys
from cairn.reports.panel_keys import ANALYSIS_KINDS, check_analysis_keys

PANEL_KINDS: tuple[str, ...] = (
    "line", "scatter", "bar", "scalar", "table", *ANALYSIS_KINDS, "verdict", "image", "compare", "plot"
)  # fmt: skip
"""What a panel can draw, as the workspace does: metric lines over steps, or one value per run
from ``config.*``/``summary.*`` (scatter: x and y keys; bar and scalar: one key; table: the runs'
columns); as the sweep page does, parallel coordinates and parameter importance (config keys,
then the metric last); as the run page does, a reproduction's verdict table (of ``run``), and
an image a run logged with its masks and boxes (``run``, one media key, ``step``), and a chart a
run logged with ``cairn.plot`` (confusion matrix, PR or ROC curve...: ``run``, one key, ``step``);
as the compare page does, runs side by side (``cairn.reports.compare_panel``)."""

MIN_KEYS = {"line": 1, "scatter": 2, "bar": 1, "scalar": 1, "table": 1}
VALUE_PREFIXES = ("config.", "summary.")
PLAIN_FIELDS = ("id", "name", "state", "group", "job_type", "host", "sweep_id")
"""Run fields besides ``config.*``/``summary.*`` that a panel can group by."""


class RunData(msgspec.Struct, kw_only=True, frozen=True):
    """What one run gives a panel: its values and, for a line panel, its series."""

    id: str
    name: str
    number: int = 0
    """The run's number in its project (its colour, as in the dashboard); 0 in data frozen
    before numbers were kept."""
    group: Any = None
    """The run's value of the panel's ``group_by`` field (None without one)."""
    values: dict[str, Any] = {}
    """``config.*``/``summary.*`` keys (scatter, bar, scalar): the run's value (None: missing)."""
    series: dict[str, tuple[list[float], list[float]]] = {}
    """Line panels: metric key → (steps, values), downsampled as the dashboard draws them."""


class Verdict(msgspec.Struct, kw_only=True, frozen=True):
    """The latest comparison ``cairn reproduce`` stored for a run (``cairn.repro.compare``)."""

    verdict: str
    """``reproduced``, ``not reproduced`` or ``failed``."""
    created_at: float
    runs: list[str] = []
    """The reproduction runs' ids."""
    metrics: list[dict[str, Any]] = []
    """Per summary metric: key, original, values, mean, std, abs_diff, rel_diff, status."""


class ImageData(msgspec.Struct, kw_only=True, frozen=True):
    """The image an image panel shows: its step and its logged metadata (``blob`` digest,
    ``width``, ``height``, ``format``, ``caption``, ``masks``, ``boxes``)."""

    step: int
    meta: dict[str, Any] = {}


class PlotData(msgspec.Struct, kw_only=True, frozen=True):
    """The chart a plot panel shows (``cairn.plot``): its step, its ``spec`` (type, the columns
    it draws, title, classes) and its table's rows as columns (``data``: column → cells, NaN and
    ±Inf as None), at most ``cairn.reports.plot_panel.MAX_PLOT_ROWS`` of its ``rows``."""

    step: int
    spec: dict[str, Any]
    columns: list[str]
    data: dict[str, list[Any]]
    rows: int
    """The rows the run logged (more than ``data`` holds when it was cut)."""


class PanelData(msgspec.Struct, kw_only=True, frozen=True):
    """A panel's data at one moment: every run its filter matched, in the runs table's order
    (a verdict panel: its run, and its latest reproduction's verdict, None when it has none)."""

    taken_at: float
    runs: list[RunData] = []
    verdict: Verdict | None = None
    image: ImageData | None = None
    plot: PlotData | None = None
    note: str | None = None
    """Why a plot panel shows nothing (its run is gone, its key holds no chart), when it can say."""


class Markdown(msgspec.Struct, kw_only=True, frozen=True):
    """Text in Markdown (CommonMark and GFM tables); rendered sanitized."""

    text: str
    kind: Literal["markdown"] = "markdown"


class Panel(msgspec.Struct, kw_only=True, frozen=True):
    """A chart of a run set: ``kind`` one of PANEL_KINDS, ``runs`` a filter expression (None:
    every run of the project), ``keys`` what it draws; ``data`` when frozen."""

    kind: str
    keys: list[str] = []
    runs: str | None = None
    title: str | None = None
    group_by: str | None = None
    group_bins: str | None = None
    """How a numeric ``group_by`` key is binned, as the workspace's bins: ``"quantile-4"``,
    ``"log-5"``, ``"auto-4"`` (exact values when few, else log or quantile bins); None or
    ``"values"``: by exact values."""
    frozen: bool = False
    data: PanelData | None = None
    smoothing: float = 0.0
    """Line panels: the dashboard's smoothing weight (0 none, up to 0.99)."""
    log_x: bool = False
    log_y: bool = False
    """Logarithmic axes (values that are not positive are left out, as the dashboard does)."""
    run: str | None = None
    """A verdict, image or plot panel: its run (its id, or ``project/id``)."""
    step: int | None = None
    """An image or plot panel: the step of the logged value (None: the last one logged)."""
    goal: str | None = None
    """Parallel coordinates: ``"minimize"`` or ``"maximize"``, the end of the metric drawn in the
    strongest colour (None: from the metric's name, as the dashboard guesses it)."""
    differences_only: bool = True
    """A compare panel: only the rows where the runs differ (as the compare page's toggle)."""


class Bibtex(msgspec.Struct, kw_only=True, frozen=True):
    """References in BibTeX, cited from Markdown blocks as ``[@key]`` (``cairn.reports.bibtex``)."""

    text: str
    kind: Literal["bibtex"] = "bibtex"


class Picture(msgspec.Struct, kw_only=True, frozen=True):
    """An image uploaded into the report (``Report.add_image``, or the dashboard's "Add image"):
    its bytes are the store's blob ``blob`` (sha256), checked by ``cairn.reports.picture``.

    Its kind is ``"picture"`` because ``"image"`` is already the image *panel*, which shows an
    image a run logged; a picture belongs to the report, not to a run."""

    blob: str
    media_type: str
    """``image/png``, ``image/jpeg``, ``image/gif`` or ``image/webp``, as Pillow read the bytes."""
    width: int
    height: int
    caption: str = ""
    alt: str = ""
    """What the image shows, for readers who cannot see it (empty: the caption is used)."""
    kind: Literal["picture"] = "picture"


Block = Markdown | Bibtex | Picture | Panel


def check_panel(kind: str, keys: list[str]) -> None:
    """ValueError unless ``kind`` is a panel kind and ``keys`` fit it, saying what would."""
    if kind not in PANEL_KINDS:
        raise ValueError(
            f"unknown panel kind {kind!r}: a report can show {', '.join(PANEL_KINDS)} "
            "(the panels the workspace and the sweep page draw)"
        )
    if kind in ANALYSIS_KINDS:
        check_analysis_keys(kind, keys)
        return
    if kind in ("image", "plot"):
        return
    if kind == "compare":
        check_compare_keys(keys)
        return
    if kind == "verdict":
        odd = [k for k in keys if not k.startswith("summary.")]
        if odd:
            raise ValueError(
                f"a verdict panel's keys choose its metrics, as summary keys such as "
                f"'summary.val/acc', not {odd[0]!r} (none: every metric)"
            )
        return
    if len(keys) < MIN_KEYS[kind]:
        need = "an x and a y key" if kind == "scatter" else "at least one key"
        raise ValueError(f"a {kind} panel needs {need}, got {keys!r}")
    if kind == "line":
        odd = [k for k in keys if k.startswith(VALUE_PREFIXES)]
        if odd:
            raise ValueError(
                f"a line panel draws metric keys as logged (e.g. 'val/loss'), not {odd[0]!r}; "
                "use a bar, scatter or scalar panel for config/summary values"
            )
    else:
        odd = [k for k in keys if not k.startswith(VALUE_PREFIXES)]
        if odd:
            raise ValueError(
                f"a {kind} panel draws one value per run: give keys such as 'config.lr' or "
                f"'summary.{odd[0]}', not {odd[0]!r}"
            )


def check_group_by(field: str) -> None:
    """ValueError unless runs can be grouped by ``field``."""
    root, _, rest = field.partition(".")
    if field in PLAIN_FIELDS or (root in ("config", "summary") and rest):
        return
    raise ValueError(
        f"group_by={field!r}: group by a config or summary key ('config.optimizer') or one of "
        f"{', '.join(PLAIN_FIELDS)}"
    )


def block_to_dict(block: Block) -> dict[str, Any]:
    """The block as the JSON object the store keeps."""
    out: dict[str, Any] = msgspec.to_builtins(block)
    return out


def block_from_dict(value: dict[str, Any]) -> Block:
    """A block from its stored JSON object; ValueError for one of no known kind."""
    kind = value.get("kind")
    try:
        if kind == "markdown":
            return msgspec.convert(value, Markdown)
        if kind == "bibtex":
            return msgspec.convert(value, Bibtex)
        if kind == "picture":
            return msgspec.convert(value, Picture)
        if kind in PANEL_KINDS:
            return msgspec.convert(value, Panel)
    except msgspec.ValidationError as exc:
        raise ValueError(f"a stored {kind} block is malformed: {exc}") from exc
    raise ValueError(
        f"a stored block has kind {kind!r}; this Cairn knows markdown, bibtex, picture, {', '.join(PANEL_KINDS)} "
        "(a newer Cairn may have written it: pip install -U cairn)"
    )
