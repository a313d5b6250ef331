"""A report written out: Markdown, or one standalone HTML file readable offline.

Panels are tables of their runs' values: for a line panel the last value of each key per run, for
the others each run's ``config.*``/``summary.*`` values. In HTML, line and scatter panels are also
drawn, as inline SVG (``cairn.reports.svg``); Markdown has no figures yet (PNGs need matplotlib,
which Cairn does not depend on). Live panels read the runs at export time; frozen panels show the
data stored with the version. In HTML all Markdown is sanitized (``cairn.reports.sanitize``) and
a Content-Security-Policy forbids scripts and any resource from elsewhere.
"""

from __future__ import annotations

import datetime as dt
import math
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cairn.reports.blocks import Markdown, Panel, PanelData
from cairn.reports.data import collect, last_value
from cairn.reports.sanitize import render_markdown
from cairn.reports.svg import panel_svg, run_colour
from cairn.store.reader import Reader

if TYPE_CHECKING:
    from cairn.reports.report import Report

FORMATS = ("markdown", "html")
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:"
STYLE = """body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;
color:#1d1d1f}table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;
padding:.25rem .6rem;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#f5f5f7;padding:.75rem;overflow:auto}figure{margin:1.5rem 0}
figcaption{color:#555;font-size:.9em}.description{color:#555}"""


def export(report: Report, reader: Reader, format: str, path: Path) -> Path:
    """Write ``report`` to ``path`` in ``format`` (see the module's doc); the path written. A
    ``path`` that is a folder, or has no suffix, gets a file named after the report's title."""
    if format not in FORMATS:
        raise ValueError(f"format={format!r}: a report exports as {' or '.join(FORMATS)}")
    path = path.expanduser()
    if path.is_dir() or not path.suffix:  # a folder: the file is named after the title
        path = path / f"{_slug(report.title)}.{'md' if format == 'markdown' else 'html'}"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = to_markdown(report, reader) if format == "markdown" else to_html(report, reader)
    path.write_text(text, encoding="utf-8")
    return path


def to_markdown(report: Report, reader: Reader) -> str:
    """The report as Markdown: its text blocks as written, panels as GFM tables."""
    parts = [f"# {report.title}"]
    if report.description:
        parts.append(report.description)
    for block in report.blocks:
        if isinstance(block, Markdown):
            parts.append(block.text.strip("\n"))
            continue
        data = panel_data(block, reader, report.project)
        header, rows = panel_table(block, data)
        table = [_md_row(header), _md_row(["---"] * len(header))]
        table += [_md_row([_cell(v) for v in row]) for row in rows]
        parts.append(f"**{_md_escape(panel_title(block))}**")
        parts.append("\n".join(table) if rows else "*No runs match this panel.*")
        parts.append(f"*{_md_escape(provenance(block, data))}*")
    return "\n\n".join(parts) + "\n"


def to_html(report: Report, reader: Reader) -> str:
    """The report as one HTML page: no script, nothing loaded from elsewhere."""
    body = [f"<h1>{escape(report.title)}</h1>"]
    if report.description:
        body.append(f'<p class="description">{escape(report.description)}</p>')
    for block in report.blocks:
        if isinstance(block, Markdown):
            body.append(render_markdown(block.text))
            continue
        data = panel_data(block, reader, report.project)
        header, rows = panel_table(block, data)
        body.append("<figure>")
        chart = panel_svg(block, data)
        if chart is not None:
            body.append(chart)
        if rows:
            head = "".join(f"<th>{escape(h)}</th>" for h in header)
            lines = "".join(
                f"<tr>{_name_cell(row[0], i if chart else None)}"
                + "".join(_html_cell(v) for v in row[1:])
                + "</tr>"
                for i, row in enumerate(rows)
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{lines}</tbody></table>")
        else:
            body.append("<p><em>No runs match this panel.</em></p>")
        caption = (
            f"<strong>{escape(panel_title(block))}</strong> — {escape(provenance(block, data))}"
        )
        body.append(f"<figcaption>{caption}</figcaption></figure>")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{escape(report.title)}</title><style>{STYLE}</style></head>\n"
        f"<body>\n{chr(10).join(body)}\n</body></html>\n"
    )


def panel_data(panel: Panel, reader: Reader, project: str) -> PanelData:
    """The frozen data of ``panel``, else its runs' data read now."""
    if panel.frozen and panel.data is not None:
        return panel.data
    return collect(reader, project, panel.kind, panel.keys, panel.runs, panel.group_by)


def panel_table(panel: Panel, data: PanelData) -> tuple[list[str], list[list[Any]]]:
    """A panel's data as a header and rows: one row per run."""
    header = ["run"] + ([panel.group_by] if panel.group_by else [])
    if panel.kind == "line":
        header += [f"{key} (last)" for key in panel.keys]
    else:
        header += list(panel.keys)
    rows = []
    for run in data.runs:
        row: list[Any] = [run.name] + ([run.group] if panel.group_by else [])
        if panel.kind == "line":
            row += [last_value(*run.series[k]) if k in run.series else None for k in panel.keys]
        else:
            row += [run.values.get(k) for k in panel.keys]
        rows.append(row)
    return header, rows


def panel_title(panel: Panel) -> str:
    return panel.title or f"{panel.kind}: {', '.join(panel.keys)}"


def provenance(panel: Panel, data: PanelData) -> str:
    """Where a panel's numbers come from: its run filter, and live or frozen at what time."""
    when = dt.datetime.fromtimestamp(data.taken_at).strftime("%Y-%m-%d %H:%M")
    state = f"frozen {when}" if panel.frozen and panel.data is not None else f"live, read {when}"
    runs = f"runs where {panel.runs}" if panel.runs else "all runs"
    return f"{runs}; {state}"


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.6g}" if math.isfinite(value) else str(value)
    return str(value)


def _html_cell(value: Any) -> str:
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    opening = '<td class="num">' if numeric else "<td>"
    return f"{opening}{escape(_cell(value))}</td>"


def _name_cell(name: str, colour_index: int | None) -> str:
    """A run's name, after a swatch of its colour in the chart above (when one is drawn)."""
    if colour_index is None:
        return f"<td>{escape(name)}</td>"
    swatch = f'<span style="color:{run_colour(colour_index)}">&#9632;</span> '
    return f"<td>{swatch}{escape(name)}</td>"


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(_md_escape(c).replace("|", "\\|") for c in cells) + " |"


def _md_escape(text: str) -> str:
    """Run names and filters as plain text in Markdown: no line breaks, no raw HTML."""
    return " ".join(text.split()).replace("<", "&lt;").replace(">", "&gt;")


def _slug(title: str) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")
    return "-".join(part for part in slug.split("-") if part) or "report"
