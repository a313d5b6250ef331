"""A compare panel's table in the exports: HTML with the runs' colours and differing rows marked,
LaTeX as booktabs tables of at most RUNS_PER_TABLE runs each (the key column repeated), every
cell wrapped in its column and cut at MAX_CELL characters, so a table fits the page however many
runs or however long their names and values are. Markdown uses the plain table
(``compare_panel.table``)."""

from __future__ import annotations

from html import escape

from cairn.reports import tex
from cairn.reports.blocks import Panel, PanelData
from cairn.reports.compare_panel import rows, table
from cairn.reports.style import run_colour

RUNS_PER_TABLE = 4
"""Run columns in one LaTeX table: more runs are split into further tables below it."""
MAX_CELL = 80
"""Characters of a key or value in LaTeX at most (the rest is cut, ending in ``...``)."""
BREAK_EVERY = 12
"""A long word (a commit, a path) may break after this many characters."""
DIFFERS_STYLE = "background:#fff4d6"


def html(panel: Panel, data: PanelData) -> str:
    """The comparison as an HTML table: each run's column headed by its name after a swatch of
    its colour, differing rows shaded and marked ``≠``. Every text is escaped."""
    header, body = table(panel, data)
    marks = [row.differs and len(data.runs) > 1 for row in rows(panel, data)]
    heads = "".join(
        f'<th style="border-top:3px solid {run_colour(run.id, run.number)}">'
        f'<span style="color:{run_colour(run.id, run.number)}">&#9632;</span> {escape(name)}</th>'
        for run, name in zip(data.runs, header[1:], strict=True)
    )
    lines = []
    for differs, cells in zip(marks, body, strict=True):
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


def latex(panel: Panel, data: PanelData) -> str:
    """The comparison as booktabs tables of at most RUNS_PER_TABLE runs each; differing keys in
    bold."""
    header, body = table(panel, data)
    marks = [row.differs and len(data.runs) > 1 for row in rows(panel, data)]
    parts = []
    for start in range(0, max(len(data.runs), 1), RUNS_PER_TABLE):
        picked = range(1 + start, 1 + min(start + RUNS_PER_TABLE, len(data.runs)))
        key_width = 0.3
        width = (0.94 - key_width) / max(len(picked), 1)
        cells = [
            [_cell(header[0], key_width)] + [_cell(header[i], width, bold=True) for i in picked]
        ]
        for differs, row in zip(marks, body, strict=True):
            cells.append(
                [_cell(row[0], key_width, bold=differs)] + [_cell(row[i], width) for i in picked]
            )
        parts.append(tex.booktabs(cells[0], cells[1:], align="l" * (1 + len(picked))))
    return "".join(parts)


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
