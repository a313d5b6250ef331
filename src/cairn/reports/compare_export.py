"""A compare panel's table in the exports: HTML with the runs' colours and differing rows marked,
LaTeX as booktabs tables of at most RUNS_PER_TABLE runs each (the key column repeated) and about
PAGE_LINES lines, every cell wrapped in its column and cut at MAX_CELL characters, so the tables
fit the page however many runs and rows, or however long their names and values are. Markdown uses the plain table
(``compare_panel.table``)."""

from __future__ import annotations

from html import escape

from cairn.reports import tex
from cairn.reports.blocks import Panel, PanelData
from cairn.reports.compare_panel import marked_table
from cairn.reports.style import run_colour

RUNS_PER_TABLE = 4
"""Run columns in one LaTeX table: more runs are split into further tables below it."""
MAX_CELL = 80
"""Characters of a key or value in LaTeX at most (the rest is cut, ending in ``...``)."""
BREAK_EVERY = 4
"""A long word (a commit, a path) may break after this many characters."""
KEY_WIDTH = 0.26
"""The key column's share of the line."""
COLUMN_GAP = 0.035
"""The space between two columns, as a share of the line (about, in an article)."""
LINE_CHARS = 70
"""Characters of small text a line of the page holds, about (to split tall tables)."""
PAGE_LINES = 32
"""Lines of a table at most, about: a page of an article holds some 50 of small text."""
DIFFERS_STYLE = "background:#fff4d6"


def html(panel: Panel, data: PanelData) -> str:
    """The comparison as an HTML table: each run's column headed by its name after a swatch of
    its colour, differing rows shaded and marked ``≠``. Every text is escaped."""
    header, body = marked_table(panel, data)
    heads = "".join(
        f'<th style="border-top:3px solid {run_colour(run.id, run.number)}">'
        f'<span style="color:{run_colour(run.id, run.number)}">&#9632;</span> {escape(name)}</th>'
        for run, name in zip(data.runs, header[1:], strict=True)
    )
    lines = []
    for differs, cells in body:
        start = f'<tr class="differs" style="{DIFFERS_STYLE}">' if differs else "<tr>"
        mark = '<span title="the runs differ">&#8800;</span> ' if differs else ""
        lines.append(
            f"{start}<td>{mark}<code>{escape(cells[0])}</code></td>"
            + "".join(f"<td>{escape(c)}</td>" for c in cells[1:])
            + "</tr>"
        )
    return (
        f'<table class="compare"><thead><tr><th>{escape(header[0])}</th>{heads}</tr></thead>'
        f"<tbody>{''.join(lines)}</tbody></table>"
    )


def latex(panel: Panel, data: PanelData) -> list[str]:
    """The comparison as booktabs tables, each at most RUNS_PER_TABLE runs wide and about
    PAGE_LINES lines high (the rows go on in a further table: a table cannot break across pages);
    differing keys in bold."""
    header, body = marked_table(panel, data)
    parts = []
    for start in range(0, max(len(data.runs), 1), RUNS_PER_TABLE):
        picked = range(1 + start, 1 + min(start + RUNS_PER_TABLE, len(data.runs)))
        # each column also takes 2\tabcolsep (12pt, some 3.5% of an article's line)
        width = (0.98 - COLUMN_GAP * (1 + len(picked)) - KEY_WIDTH) / max(len(picked), 1)
        widths = [KEY_WIDTH] + [width] * len(picked)
        head = [_cell(header[0], KEY_WIDTH)] + [_cell(header[i], width, bold=True) for i in picked]
        top = _lines([header[0]] + [header[i] for i in picked], widths)
        chunk: list[list[str]] = []
        used = top
        for differs, row in body:
            texts = [row[0]] + [row[i] for i in picked]
            height = _lines(texts, widths)
            if chunk and used + height > PAGE_LINES:
                parts.append(tex.booktabs(head, chunk, align="l" * len(widths)))
                chunk, used = [], top
            chunk.append(
                [_cell(row[0], KEY_WIDTH, bold=differs)] + [_cell(row[i], width) for i in picked]
            )
            used += height
        parts.append(tex.booktabs(head, chunk, align="l" * len(widths)))
    return parts


def _lines(texts: list[str], widths: list[float]) -> int:
    """About how many lines a row of these cells takes, each wrapped in its column."""
    return max(
        -(-min(len(text), MAX_CELL) // max(int(w * LINE_CHARS), 1)) or 1
        for text, w in zip(texts, widths, strict=True)
    )


def _cell(text: str, width: float, bold: bool = False) -> str:
    """``text`` cut to MAX_CELL characters, escaped, in a ragged-right box ``width`` of the line
    wide, breakable every BREAK_EVERY characters."""
    text = " ".join(text.split("\n"))
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 3] + "..."
    pieces = [tex.escape(text[i : i + BREAK_EVERY]) for i in range(0, len(text), BREAK_EVERY)]
    body = r"\allowbreak{}".join(pieces) or "~"
    if bold:
        body = rf"\textbf{{{body}}}"
    return rf"\parbox[t]{{{width:.3f}\linewidth}}{{\raggedright {body}}}"
