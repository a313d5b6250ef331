"""A report as a LaTeX project that compiles with pdflatex as it is: a folder (or a .zip) with
``main.tex``, ``references.bib`` (when the report has BibTeX blocks) and ``figures/`` (a vector
PDF per drawn panel, ``cairn.reports.figures``).

``main.tex`` is an ``article`` unless a template is given (docs/reports.md, "LaTeX"):

- a ``.cls`` file: copied beside main.tex and used as the document class;
- a ``.sty`` file: copied, and loaded by an article (``\\usepackage{name}``), as NeurIPS' and
  ICLR's style files are used;
- a ``.tex`` file: the whole document, with a line ``% cairn:body`` where the report goes
  (required) and optionally ``% cairn:preamble`` where Cairn's packages and the title go (else
  just before ``\\begin{document}``); the ``.sty``, ``.cls`` and ``.bst`` files beside it are copied.

Compile: ``pdflatex main && bibtex main && pdflatex main && pdflatex main`` (bibtex only with
references). Every text is escaped (``cairn.reports.tex``).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from cairn.reports import bibtex, figures, tex
from cairn.reports.blocks import Markdown, Panel
from cairn.reports.export import (
    cell_text,
    panel_data,
    panel_table,
    panel_title,
    provenance,
    report_entries,
)
from cairn.store.reader import Reader

if TYPE_CHECKING:
    from cairn.reports.report import Report

PREAMBLE = r"""\usepackage[utf8]{inputenc}
\usepackage{amsmath}
\usepackage{amssymb}
\usepackage{graphicx}
\usepackage{booktabs}
\usepackage{float}
\usepackage{hyperref}
\hypersetup{hidelinks}
\newenvironment{cairncode}{\par\smallskip\noindent\ttfamily\small}{\par\smallskip}
"""
BODY_MARK = "% cairn:body"
PREAMBLE_MARK = "% cairn:preamble"
TEMPLATE_FILES = (".sty", ".cls", ".bst")
_NAME = re.compile(r"^[A-Za-z0-9_\-]+$")


def write_project(
    report: Report, reader: Reader, path: Path, template: str | Path | None = None
) -> Path:
    """Write the LaTeX project of ``report`` into the folder ``path``, or into the zip ``path``
    when it ends in ``.zip``; the path written."""
    if path.suffix == ".zip":
        with tempfile.TemporaryDirectory() as tmp:
            folder = _write(report, reader, Path(tmp), template)
            path.parent.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                for file in sorted(folder.rglob("*")):
                    if file.is_file():
                        archive.write(file, file.relative_to(folder).as_posix())
        return path
    if path.suffix:
        raise ValueError(
            f"{path}: a LaTeX export is a folder (main.tex, references.bib, figures/) or a .zip"
        )
    return _write(report, reader, path, template)


def _write(report: Report, reader: Reader, folder: Path, template: str | Path | None) -> Path:
    figures.require()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "figures").mkdir(exist_ok=True)
    entries = report_entries(report)
    body = _body(report, reader, folder, bool(entries))
    if entries:
        (folder / "references.bib").write_text(_bib(entries), encoding="utf-8")
    head = _title(report)
    (folder / "main.tex").write_text(_document(head, body, folder, template), encoding="utf-8")
    return folder


def _document(head: str, body: str, folder: Path, template: str | Path | None) -> str:
    note = "% Written by Cairn. Compile: pdflatex main && bibtex main && pdflatex main && pdflatex main\n"
    if template is None:
        return f"{note}\\documentclass[11pt]{{article}}\n{PREAMBLE}{head}\\begin{{document}}\n\\maketitle\n{body}\\end{{document}}\n"
    source = Path(template).expanduser()
    if not source.is_file():
        raise ValueError(f"template {source} is not a file: give a .tex, .cls or .sty file")
    name = source.stem
    if source.suffix in (".cls", ".sty"):
        if not _NAME.match(name):
            raise ValueError(
                f"template {source.name}: a class or style name is letters, digits and - only"
            )
        shutil.copy(source, folder / source.name)
        start = (
            f"\\documentclass{{{name}}}\n"
            if source.suffix == ".cls"
            else f"\\documentclass[11pt]{{article}}\n\\usepackage{{{name}}}\n"
        )
        return f"{note}{start}{PREAMBLE}{head}\\begin{{document}}\n\\maketitle\n{body}\\end{{document}}\n"
    if source.suffix != ".tex":
        raise ValueError(f"template {source.name}: give a .tex, .cls or .sty file")
    text = source.read_text(encoding="utf-8")
    if BODY_MARK not in text:
        raise ValueError(
            f"template {source.name} has no line '{BODY_MARK}': put it where the report goes"
        )
    for sibling in source.parent.iterdir():
        if sibling.suffix in TEMPLATE_FILES and sibling.is_file():
            shutil.copy(sibling, folder / sibling.name)
    if PREAMBLE_MARK in text:
        text = text.replace(PREAMBLE_MARK, PREAMBLE + head, 1)
    elif "\\begin{document}" in text:
        text = text.replace("\\begin{document}", PREAMBLE + head + "\\begin{document}", 1)
    else:
        raise ValueError(f"template {source.name} has no \\begin{{document}}")
    return note + text.replace(BODY_MARK, body, 1)


def _title(report: Report) -> str:
    when = (
        dt.datetime.fromtimestamp(report.updated_at).date()
        if report.updated_at
        else dt.date.today()
    )
    return (
        f"\\title{{{tex.escape(report.title)}}}\n\\author{{{tex.escape(report.author or '')}}}\n"
        f"\\date{{{when.isoformat()}}}\n"
    )


def _body(report: Report, reader: Reader, folder: Path, has_references: bool) -> str:
    parts: list[str] = []
    if report.description:
        parts.append(
            "\\ifdefined\\abstract\\begin{abstract}\n"
            + tex.escape(report.description)
            + "\n\\end{abstract}\\fi\n"
        )
    number = 0
    top = tex.top_heading([b.text for b in report.blocks if isinstance(b, Markdown)])
    for block in report.blocks:
        if isinstance(block, Markdown):
            parts.append(tex.markdown(block.text, top))
        elif isinstance(block, Panel):
            number += 1
            parts.append(_panel(block, report, reader, folder, number))
    if has_references:
        parts.append("\\nocite{*}\n\\bibliographystyle{unsrt}\n\\bibliography{references}\n")
    return "\n".join(parts)


def _panel(panel: Panel, report: Report, reader: Reader, folder: Path, number: int) -> str:
    data = panel_data(panel, reader, report.project)
    lines = ["\\begin{figure}[H]", "\\centering"]  # in the report's order, never piled up
    figure = figures.draw(panel, data)
    if figure is not None:
        name = f"figures/panel-{number:02d}.pdf"
        figures.save(figure, folder / name)
        lines.append(f"\\includegraphics[width=\\linewidth]{{{name}}}")
    header, rows = panel_table(panel, data)
    if rows:
        table = tex.booktabs(
            [tex.escape(h) for h in header],
            [[tex.escape(cell_text(v)) for v in row] for row in rows],
        )
        lines.append("{\\small\n" + table + "}")
    else:
        lines.append("\\emph{No runs match this panel.}")
    caption = f"{tex.escape(panel_title(panel))}: {tex.escape(provenance(panel, data))}"
    lines += [f"\\caption{{{caption}}}", f"\\label{{fig:panel-{number}}}", "\\end{figure}"]
    return "\n".join(lines) + "\n"


def _bib(entries: list[bibtex.Entry]) -> str:
    out = []
    for entry in entries:
        fields = ",\n".join(
            f"  {name} = {{{tex.inert(value, math=False)}}}" for name, value in entry.fields.items()
        )
        out.append(f"@{entry.type}{{{entry.key},\n{fields}\n}}\n")
    return "\n".join(out)
