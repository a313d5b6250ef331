"""A report written out: Markdown, one standalone HTML file readable offline, or a LaTeX
project (``cairn.reports.latex``). Uploaded images (picture blocks) are inlined in HTML and
copied beside the Markdown (``cairn.reports.picture_export``).

Panels are tables of their runs' values: for a line panel the last value of each key per run, for
the others each run's ``config.*``/``summary.*`` values. In HTML, line, scatter and bar panels
are also drawn, as inline SVG (``cairn.reports.svg``); in Markdown, line, scatter and bar panels are PNGs
beside the file, drawn with matplotlib (``cairn.reports.figures``) when it is installed; a plot
panel's chart (``cairn.plot``) is drawn in both (``plot_svg``, ``plot_figures``). BibTeX
blocks are listed as references at the end. Live panels read the runs at export time; frozen panels show the
data stored with the version. In HTML all Markdown is sanitized (``cairn.reports.sanitize``) and
a Content-Security-Policy forbids scripts and any resource from elsewhere; math is MathML
(``cairn.reports.mathml``), which the browser lays out with no script.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from cairn.errors import UsageError
from cairn.reports import (
    bibtex,
    compare_export,
    compare_panel,
    figures,
    image_panel,
    picture_export,
    plot_figures,
    plot_panel,
    plot_svg,
    verdict,
)
from cairn.reports.analysis import importance_table
from cairn.reports.blocks import Bibtex, Block, Markdown, Panel, PanelData, Picture
from cairn.reports.chart_lines import colours
from cairn.reports.data import SeriesReads, last_value, read_panel
from cairn.reports.highlight import STYLE as HIGHLIGHT_STYLE
from cairn.reports.markdown import citations, plain
from cairn.reports.sanitize import render_markdown
from cairn.reports.svg import panel_svg
from cairn.store.reader import Reader

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from cairn.reports.report import Report

FORMATS = ("markdown", "html", "latex")
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:"
STYLE = """body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;
color:#1d1d1f}table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;
padding:.25rem .6rem;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#f5f5f7;padding:.75rem;overflow:auto}figure{margin:1.5rem 0}
figcaption{color:#555;font-size:.9em}.description{color:#555}
.math-display{display:block;margin:1rem 0;overflow-x:auto}"""


def export(
    report: Report, reader: Reader, format: str, path: Path, template: str | Path | None = None
) -> Path:
    """Write ``report`` to ``path`` in ``format`` (see the module's doc); the path written. For
    Markdown and HTML, a ``path`` that is a folder, or has no suffix, gets a file named after the
    report's title; LaTeX writes a project into the folder ``path``, or a ``.zip``
    (``cairn.reports.latex``, where ``template`` is described)."""
    if format not in FORMATS:
        raise ValueError(f"format={format!r}: a report exports as {', '.join(FORMATS)}")
    path = path.expanduser()
    if template is not None and format != "latex":
        raise ValueError("template= is for the LaTeX export only")
    if format == "latex":
        from cairn.reports.latex import write_project

        return write_project(report, reader, path, template)
    if path.is_dir() or not path.suffix:  # a folder: the file is named after the title
        path = path / f"{_slug(report.title)}.{'md' if format == 'markdown' else 'html'}"
    path.parent.mkdir(parents=True, exist_ok=True)
    if format == "markdown":
        text = to_markdown(report, reader, path.parent / f"{path.stem}-figures")
    else:
        text = to_html(report, reader)
    path.write_text(text, encoding="utf-8")
    return path


def to_markdown(report: Report, reader: Reader, figures_dir: Path | None = None) -> str:
    """The report as Markdown: its text blocks as written, panels as GFM tables, drawn as PNGs
    into ``figures_dir`` when it is given and matplotlib is installed (else a warning says what
    to install), and the references of its BibTeX blocks listed at the end."""
    parts = [f"# {report.title}"]
    if report.description:
        parts.append(report.description)
    draw = figures_dir is not None and _can_draw()
    reads = SeriesReads(reader)
    number = pictures = 0
    for block in report.blocks:
        if isinstance(block, Markdown):
            parts.append(block.text.strip("\n"))
            continue
        if isinstance(block, Bibtex):
            continue
        if isinstance(block, Picture):
            pictures += 1
            if figures_dir is not None:
                parts.append(picture_export.markdown(block, reader.blobs, figures_dir, pictures))
            else:
                parts.append(f"*Image: {plain(picture_export.alt_text(block))}*")
            continue
        number += 1
        data = panel_data(block, reader, report.project, reads)
        header, rows = panel_table(block, data)
        table = [_md_row(header), _md_row(["---"] * len(header))]
        table += [_md_row([cell_text(v) for v in row]) for row in rows]
        title = plain(panel_title(block))
        parts.append(f"**{title}**")
        figure = draw_panel(block, data, reader) if draw and figures_dir is not None else None
        if figure is not None and figures_dir is not None:
            figures_dir.mkdir(parents=True, exist_ok=True)
            png = figures.save(figure, figures_dir / f"panel-{number:02d}.png")
            alt = title.replace("[", "(").replace("]", ")")
            parts.append(f"![{alt}]({quote(f'{figures_dir.name}/{png.name}')})")
        parts.append("\n".join(table) if rows else "*No runs match this panel.*")
        parts.append(f"*{plain(provenance(block, data))}*")
    listed = references(report)
    if listed:
        parts.append("## References")
        parts.append("\n".join(f"{n}. {plain(text)}" for n, text in listed))
    return "\n\n".join(parts) + "\n"


def references(report: Report) -> list[tuple[int, str]]:
    """The report's references as (number, plain text), numbered as ``bibtex.numbered`` does."""
    entries = report_entries(report.blocks)
    numbers = citation_numbers(report.blocks, entries)
    return sorted((numbers[e.key], bibtex.plain(e)) for e in entries)


def report_entries(blocks: Sequence[Block]) -> list[bibtex.Entry]:
    """The BibTeX entries of all a report's BibTeX blocks, in order."""
    return [e for b in blocks if isinstance(b, Bibtex) for e in bibtex.parse(b.text)]


def citation_numbers(
    blocks: Sequence[Block], entries: list[bibtex.Entry] | None = None
) -> dict[str, int]:
    """Each BibTeX key's number: cited ones in the order the Markdown first cites them."""
    cited: list[str] = []
    for block in blocks:
        if isinstance(block, Markdown):
            cited += [k for k in citations(block.text) if k not in cited]
    return bibtex.numbered(report_entries(blocks) if entries is None else entries, cited)


def _can_draw() -> bool:
    try:
        figures.require()
    except UsageError as exc:
        warnings.warn(f"{exc} (the Markdown export has tables only without it)", stacklevel=3)
        return False
    return True


def to_html(report: Report, reader: Reader) -> str:
    """The report as one HTML page: no script, nothing loaded from elsewhere."""
    body = [f"<h1>{escape(report.title)}</h1>"]
    if report.description:
        body.append(f'<p class="description">{escape(report.description)}</p>')
    numbers = citation_numbers(report.blocks)
    reads = SeriesReads(reader)
    for block in report.blocks:
        if isinstance(block, Markdown):
            body.append(render_markdown(block.text, numbers, mathml=True))
            continue
        if isinstance(block, Bibtex):
            continue
        if isinstance(block, Picture):
            body.append(picture_export.html(block, reader.blobs))
            continue
        data = panel_data(block, reader, report.project, reads)
        header, rows = panel_table(block, data)
        body.append("<figure>")
        if block.kind == "image":
            chart = image_panel.svg(data, reader.blobs)
        elif block.kind == "plot":
            chart = plot_svg.svg(data, panel_title(block))
        else:
            chart = panel_svg(block, data)
        if chart is not None:
            body.append(chart)
        # a swatch of the colour the chart draws a run in (a grouped line: its group's)
        swatches = chart is not None and block.kind in ("line", "scatter", "bar")
        drawn = colours(block, data) if swatches else {}
        if block.kind == "compare" and rows:
            body.append(compare_export.html(block, data))
        elif rows:
            head = "".join(f"<th>{escape(h)}</th>" for h in header)
            lines = "".join(
                f"<tr>{_name_cell(row[0], drawn.get(data.runs[i].id) if swatches else None)}"
                + "".join(_html_cell(v) for v in row[1:])
                + "</tr>"
                for i, row in enumerate(rows)
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{lines}</tbody></table>")
        else:
            body.append("<p><em>No runs match this panel.</em></p>")
        caption = f"<strong>{escape(panel_title(block))}</strong> — " + provenance(
            block, data, escape, lambda f: f"<code>{escape(f)}</code>"
        )
        body.append(f"<figcaption>{caption}</figcaption></figure>")
    listed = references(report)
    if listed:
        body.append("<h2>References</h2><ol>")
        body += [f'<li value="{n}">{escape(text)}</li>' for n, text in listed]
        body.append("</ol>")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{escape(report.title)}</title><style>{STYLE}{HIGHLIGHT_STYLE}</style></head>\n"
        f"<body>\n{chr(10).join(body)}\n</body></html>\n"
    )


def panel_data(
    panel: Panel, reader: Reader, project: str, reads: SeriesReads | None = None
) -> PanelData:
    """The frozen data of ``panel``, else its runs' data read now (``reads``: the series this
    export has read already)."""
    if panel.frozen and panel.data is not None:
        return panel.data
    return read_panel(reader, project, panel, reads)


def panel_table(panel: Panel, data: PanelData) -> tuple[list[str], list[list[Any]]]:
    """A panel's data as a header and rows: one row per run (an importance panel: one row
    per parameter, most important first)."""
    if panel.kind == "importance":
        return importance_table(panel, data)
    if panel.kind == "verdict":
        return verdict.table(panel, data)
    if panel.kind == "image":
        return image_panel.table(panel, data)
    if panel.kind == "compare":
        header, cells = compare_panel.table(panel, data)
        return header, [list(row) for row in cells]
    if panel.kind == "plot":
        return plot_panel.table(panel, data)
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


def draw_panel(panel: Panel, data: PanelData, reader: Reader) -> Figure | None:
    """The panel as a matplotlib Figure (``cairn.reports.figures``; an image panel reads its
    pixels from the store's blobs), or None when it has nothing to draw."""
    if panel.kind == "image":
        return image_panel.draw(panel, data, reader.blobs)
    if panel.kind == "plot":
        return plot_figures.draw(data)
    return figures.draw(panel, data)


def panel_title(panel: Panel) -> str:
    if panel.title:
        return panel.title
    if panel.kind == "verdict":
        return f"reproduction of {panel.run}"
    if panel.kind in ("image", "plot"):
        return f"{panel.keys[0]} of {panel.run}"
    if panel.kind == "compare":
        return "run comparison" + (f": {', '.join(panel.keys)}" if panel.keys else "")
    return f"{panel.kind}: {', '.join(panel.keys)}"


def provenance(
    panel: Panel,
    data: PanelData,
    text: Callable[[str], str] = str,
    code: Callable[[str], str] = str,
) -> str:
    """Where a panel's numbers come from: its run filter, and live or frozen at what time.
    ``text`` escapes the words for the output format, ``code`` sets the filter expression (as
    code: in LaTeX a ``"`` in it must print straight, which only a typewriter font does)."""
    when = dt.datetime.fromtimestamp(data.taken_at).strftime("%Y-%m-%d %H:%M")
    state = f"frozen {when}" if panel.frozen and panel.data is not None else f"live, read {when}"
    runs = text("runs where ") + code(panel.runs) if panel.runs else text("all runs")
    if panel.kind == "verdict":
        runs = text(verdict.headline(data))
    if panel.kind == "compare":
        runs += text(f"; {compare_panel.headline(panel, data)}")
    if panel.kind == "plot":
        runs = text(plot_panel.headline(data))
    return f"{runs}{text(f'; {state}')}"


def cell_text(value: Any) -> str:
    """A value as a table shows it: ``–`` for none, floats to 6 significant digits."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.6g}" if math.isfinite(value) else str(value)
    return str(value)


def _html_cell(value: Any) -> str:
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    opening = '<td class="num">' if numeric else "<td>"
    return f"{opening}{escape(cell_text(value))}</td>"


def _name_cell(name: str, colour: str | None) -> str:
    """A run's name, after a swatch of its colour in the chart above (when one is drawn)."""
    if colour is None:
        return f"<td>{escape(name)}</td>"
    swatch = f'<span style="color:{colour}">&#9632;</span> '
    return f"<td>{swatch}{escape(name)}</td>"


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(plain(c).replace("|", "\\|") for c in cells) + " |"


def _slug(title: str) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")
    return "-".join(part for part in slug.split("-") if part) or "report"
