"""How runs show in Jupyter: ``_repr_html_`` of ``cairn.Run``, ``ApiRun`` and ``Api().runs()``.

A run is a card: its name linking to its dashboard page, state, summary numbers, and a sparkline
of up to four metrics (the history as it is when the cell is displayed; display it again to
update). A list of runs is a table. Every text from a run (names, keys, values) is escaped.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

SPARK_KEYS = 4
SPARK_POINTS = 120
SUMMARY_KEYS = 8
TABLE_KEYS = 6
TABLE_ROWS = 50
WIDTH, HEIGHT = 120, 28

CELL = ' style="padding:3px 12px 3px 0;white-space:nowrap;text-align:left"'
STYLE = (
    "font:13px/1.4 system-ui,sans-serif;border:1px solid #d0d4dc;border-radius:6px;"
    "padding:8px 10px;display:inline-block;max-width:760px"
)


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _e(value)
    if isinstance(value, float) and not math.isfinite(value):
        return _e(value)
    return _e(f"{value:.4g}")


SKIP = ("system/", "gradients/", "parameters/", "_")


def shown_keys(keys: Iterable[str], most: int) -> list[str]:
    """The keys a card or table shows first: not system readings, gradients, parameters
    (``run.watch``) or internal ones; validation metrics first, then by name."""
    kept = [k for k in keys if not k.startswith(SKIP)]
    return sorted(kept, key=lambda k: (not k.startswith(("val", "eval", "test")), k))[:most]


def chart_keys(history_keys: Sequence[str]) -> list[str]:
    """The metrics a card draws sparklines of."""
    return shown_keys(history_keys, SPARK_KEYS)


def sparkline(values: Sequence[float]) -> str:
    """An inline SVG polyline of ``values`` (non-finite ones skipped); "" for fewer than two."""
    finite = [v for v in values if isinstance(v, (int, float)) and math.isfinite(v)]
    if len(finite) < 2:
        return ""
    step = max(1, len(finite) // SPARK_POINTS)
    points = finite[::step]
    lo, hi = min(points), max(points)
    span = (hi - lo) or 1.0
    coords = " ".join(
        f"{i * (WIDTH - 2) / (len(points) - 1) + 1:.1f},"
        f"{HEIGHT - 2 - (v - lo) / span * (HEIGHT - 4):.1f}"
        for i, v in enumerate(points)
    )
    return (
        f'<svg width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img">'
        f'<polyline fill="none" stroke="#3b6fd8" stroke-width="1.5" points="{coords}"/></svg>'
    )


def run_card(
    name: str,
    path: str,
    state: str,
    url: str | None,
    summary: Mapping[str, Any],
    series: Mapping[str, Sequence[float]],
) -> str:
    """The HTML card of one run."""
    title = f'<a href="{_e(url)}" target="_blank">{_e(name)}</a>' if url else _e(name)
    head = (
        f"<div><strong>{title}</strong> <code>{_e(path)}</code> "
        f'<span style="color:#5f6673">{_e(state)}</span></div>'
    )
    numeric = [k for k, v in summary.items() if isinstance(v, (int, float))]
    numbers = [(k, summary[k]) for k in shown_keys(numeric, SUMMARY_KEYS)]
    cells = "".join(
        f'<td style="padding:2px 10px 2px 0"><span style="color:#5f6673">{_e(k)}</span><br>'
        f"<strong>{_number(v)}</strong></td>"
        for k, v in numbers
    )
    table = f"<table><tr>{cells}</tr></table>" if cells else ""
    lines = "".join(
        f'<div style="display:inline-block;margin-right:12px">'
        f'<span style="color:#5f6673">{_e(key)}</span><br>{svg}</div>'
        for key, values in list(series.items())[:SPARK_KEYS]
        if (svg := sparkline(values))
    )
    return f'<div class="cairn-run" style="{STYLE}">{head}{table}<div>{lines}</div></div>'


def runs_table(rows: Sequence[Mapping[str, Any]], total: int) -> str:
    """The HTML table of a list of runs: name (linked), state, created, and the summary keys most
    runs share. ``rows`` hold ``name``, ``path``, ``state``, ``created``, ``url``, ``summary``."""
    counts: dict[str, int] = {}
    for row in rows:
        for key, value in row["summary"].items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                counts[key] = counts.get(key, 0) + 1
    shared = sorted(counts, key=lambda k: -counts[k])
    keys = shown_keys([k for k in shared if counts[k] * 2 >= counts[shared[0]]], TABLE_KEYS)
    th = "".join(f"<th{CELL}>{_e(h)}</th>" for h in ("name", "state", "created", *keys))
    body = []
    for row in rows[:TABLE_ROWS]:
        name = _e(row["name"])
        link = f'<a href="{_e(row["url"])}" target="_blank">{name}</a>' if row["url"] else name
        values = "".join(f"<td{CELL}>{_number(row['summary'].get(k, ''))}</td>" for k in keys)
        body.append(
            f"<tr><td{CELL}>{link} <code>{_e(row['path'])}</code></td>"
            f"<td{CELL}>{_e(row['state'])}</td><td{CELL}>{_e(row['created'])}</td>{values}</tr>"
        )
    more = f"<p>{total - TABLE_ROWS} more runs not shown</p>" if total > TABLE_ROWS else ""
    return (
        f'<div class="cairn-runs" style="font:13px/1.4 system-ui,sans-serif">'
        f'<p>{total} run{"" if total == 1 else "s"}</p><table style="border-collapse:collapse">'
        f"<thead><tr>{th}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}</div>"
    )
