"""A run comparison as a report panel, as the dashboard's compare page shows it: the runs side
by side (a column each, named and coloured as the dashboard does), a row per flattened config
key, summary metric and capture fact (``compare_keys.RUN_ROWS``), rows whose values differ marked,
and with ``differences_only`` (the default, as on the compare page) only those.

The "differs" rule is the compare page's (web/src/features/compare/state/diff.ts); both are
tested on the same cases (diffCases.json beside it). A frozen panel stores every run's cells.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from typing import Any

from cairn.reports.blocks import Panel, PanelData, RunData
from cairn.reports.compare_keys import MAX_RUNS, SECTIONS
from cairn.store.catalogue import flatten_config
from cairn.store.jsonsafe import encode_nonfinite
from cairn.store.models import RunInfo
from cairn.store.reader import Reader

MISSING = object()
"""A run that has no value for a row (unlike ``None``, a value: JSON's null)."""


@dataclass(frozen=True)
class Row:
    """One row of the comparison: a key, each run's value (MISSING where it has none), and
    whether they differ."""

    key: str
    values: list[Any]
    differs: bool


def collect(reader: Reader, project: str, panel: Panel) -> PanelData:
    """Each run the panel's filter matches, with its cells (every row, whatever ``keys`` and
    ``differences_only`` choose: they are applied when the table is drawn). ValueError past
    MAX_RUNS runs, saying how to narrow them."""
    found = reader.runs(project, filter=panel.runs, order=None, limit=MAX_RUNS + 1)
    if len(found) > MAX_RUNS:
        where = f"runs={panel.runs!r}" if panel.runs else "every run of the project"
        raise ValueError(
            f"a compare panel shows at most {MAX_RUNS} runs, and {where} matches more: "
            "narrow the filter (e.g. runs=\"id in ['a', 'b']\")"
        )
    runs = [
        RunData(id=info.id, name=info.name, number=info.number, values=cells(reader, info))
        for info in reversed(found)  # oldest first, as runs are picked onto the compare page
    ]
    return PanelData(taken_at=time.time(), runs=runs)


def cells(reader: Reader, info: RunInfo) -> dict[str, Any]:
    """A run's cells by row key: ``config.<flattened key>``, ``summary.<key>``, ``run.*``."""
    out = {f"config.{k}": v for k, v in flatten_config(info.config).items()}
    out.update({f"summary.{k}": v for k, v in info.summary.items()})
    out.update(_run_rows(reader, info))
    return out


def _run_rows(reader: Reader, info: RunInfo) -> dict[str, Any]:
    capture = reader.capture(info)
    git = capture.get("git") or {}
    environment = capture.get("environment") or {}
    out: dict[str, Any] = {}
    if git.get("commit"):
        out["run.commit"] = git["commit"]
        out["run.dirty"] = bool(git.get("dirty"))
    python = (environment.get("python") or {}).get("version")
    if python:
        out["run.python"] = python
    host = info.host or environment.get("hostname")
    if host:
        out["run.host"] = host
    devices = (environment.get("gpus") or {}).get("devices") or []
    if devices:
        out["run.gpu"] = ", ".join(str(d.get("name", "?")) for d in devices)
    if info.finished_at is not None:
        out["run.duration"] = round(info.runtime, 1)
    return out


def diff_rows(records: list[dict[str, Any]]) -> list[Row]:
    """Rows for the union of the records' keys, sorted by key as the dashboard sorts them; a
    row differs when any value differs from the first run's (a missing value from any value)."""
    keys = sorted(
        {k for record in records for k in record}, key=lambda k: (k.casefold(), k.swapcase())
    )
    rows = []
    for key in keys:
        values = [record.get(key, MISSING) for record in records]
        first = _identity(values[0])
        rows.append(Row(key, values, any(_identity(v) != first for v in values)))
    return rows


def rows(panel: Panel, data: PanelData) -> list[Row]:
    """The rows the panel shows, section by section (config, summary, run): those its keys name
    (a key and the keys under it; none: all), and with ``differences_only`` and more than one
    run, only those that differ."""
    all_rows = diff_rows([run.values for run in data.runs])
    hide_equal = panel.differences_only and len(data.runs) > 1
    out = []
    for prefix, _ in SECTIONS:
        for row in all_rows:
            if not row.key.startswith(prefix) or (hide_equal and not row.differs):
                continue
            if panel.keys and not any(
                row.key == k or row.key.startswith(f"{k}.") for k in panel.keys
            ):
                continue
            out.append(row)
    return out


def table(panel: Panel, data: PanelData) -> tuple[list[str], list[list[str]]]:
    """The comparison as a header (``key``, then the runs' names) and a row per key, its cells
    as text (``value_text``)."""
    header, marked = marked_table(panel, data)
    return header, [cells for _, cells in marked]


def marked_table(panel: Panel, data: PanelData) -> tuple[list[str], list[tuple[bool, list[str]]]]:
    """``table``, each row with whether it is marked as differing (only with several runs)."""
    header = ["key"] + [run.name for run in data.runs]
    several = len(data.runs) > 1
    body = [
        (row.differs and several, [row.key] + [value_text(v) for v in row.values])
        for row in rows(panel, data)
    ]
    return header, body


def value_text(value: Any) -> str:
    """A cell as the table shows it: ``–`` when the run has no value, JSON's words for null
    and booleans, floats to 6 significant digits, lists and objects as JSON."""
    if value is MISSING:
        return "–"
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, float):
        return f"{value:.6g}" if math.isfinite(value) else str(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def headline(panel: Panel, data: PanelData) -> str:
    """What the table leaves out, in words: equal rows hidden, or none to show."""
    shown = len(rows(panel, data))
    if panel.differences_only and len(data.runs) > 1:
        return f"{shown} differing row{'s' if shown != 1 else ''} (rows where every run agrees are hidden)"
    return f"{shown} row{'s' if shown != 1 else ''}"


def _identity(value: Any) -> str:
    """A key telling every JSON value apart as JavaScript's JSON.stringify does (1 from "1"
    and from true; 1 and 1.0 alike), and missing from null; NaN and ±Infinity by their names,
    as the API sends them to the dashboard."""
    if value is MISSING:
        return "\0missing"
    return json.dumps(_as_js(encode_nonfinite(value)), separators=(",", ":"), ensure_ascii=False)


def _as_js(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float):  # finite: encode_nonfinite named the others
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, dict):
        return {str(k): _as_js(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_js(v) for v in value]
    return value
