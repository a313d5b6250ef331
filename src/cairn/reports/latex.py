"""A report as a LaTeX project that compiles with pdflatex as it is: a folder (or a .zip) with
``main.tex``, ``references.bib`` (when the report has BibTeX blocks) and ``figures/`` (a vector
PDF per drawn panel, ``cairn.reports.figures``; each uploaded image, ``picture_export``).

``main.tex`` is an ``article`` unless a template is given (docs/reports.md, "LaTeX"):

- a ``.cls`` file: copied beside main.tex and used as the document class;
- a ``.sty`` file: copied, and loaded by an article (``\\usepackage{name}``), as NeurIPS' and
  ICLR's style files are used;
- a ``.tex`` file: the whole document, with a line ``% cairn:body`` where the report goes
  (required) and optionally ``% cairn:preamble`` where Cairn's packages and the title go (else
  just before ``\\begin{document}``); the ``.sty``, ``.cls`` and ``.bst`` files beside it are copied.

Compile as the first line of ``main.tex`` says: ``pdflatex main && bibtex main && pdflatex main
&& pdflatex main``, or without bibtex when the report has no references. Every text is escaped (``cairn.reports.tex``).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from cairn.reports import bibtex, compare_export, figures, image_panel, picture_export, tex
from cairn.reports.blocks import Markdown, Panel, PanelData, Picture
from cairn.reports.data import SeriesReads
from cairn.reports.export import (
    cell_text,
    draw_panel,
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
\AddToHook{begindocument/before}{\RequirePackage{xcolor}}% after a template's own xcolor
\usepackage{hyperref}
\hypersetup{hidelinks}
\newenvironment{cairncode}{\par\smallskip\noindent\ttfamily\small}{\par\smallskip}
\newcommand{\cairnstrike}[1]{\setbox0=\hbox{#1}\rlap{\rule[0.5ex]{\wd0}{0.4pt}}\box0}% ~~text~~
"""
COMPILE = "pdflatex main && bibtex main && pdflatex main && pdflatex main"
COMPILE_WITHOUT_REFERENCES = "pdflatex main && pdflatex main"
"""bibtex fails (exit 2) on a document that cites nothing, which would stop the ``&&`` chain."""
BODY_MARK = "% cairn:body"
PREAMBLE_MARK = "% cairn:preamble"
TEMPLATE_FILES = (".sty", ".cls", ".bst")
TABLE_KINDS = ("table", "verdict", "compare")
"""Panels that are a booktabs table only, set as a LaTeX ``table`` (the others are figures)."""
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
    start, end = _frame(None if template is None else Path(template).expanduser())
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "figures").mkdir(exist_ok=True)
    if template is not None:
        source = Path(template).expanduser()
        copied = [source] if source.suffix != ".tex" else list(source.parent.iterdir())
        for file in copied:
            if file.suffix in TEMPLATE_FILES and file.is_file():
                shutil.copy(file, folder / file.name)
    entries = report_entries(report.blocks)
    body = _body(report, reader, folder, bool(entries))
    if entries:
        (folder / "references.bib").write_text(_bib(entries), encoding="utf-8")
    note = f"% Written by Cairn. Compile: {COMPILE if entries else COMPILE_WITHOUT_REFERENCES}\n"
    text = note + start.replace(PREAMBLE_MARK, PREAMBLE + _title(report), 1) + body + end
    (folder / "main.tex").write_text(text, encoding="utf-8")
    return folder


def _frame(template: Path | None) -> tuple[str, str]:
    """The document before and after the body: the first with ``PREAMBLE_MARK`` where Cairn's
    packages and title go. ValueError for a template that cannot be used, before anything is
    written."""
    begin = f"{PREAMBLE_MARK}\\begin{{document}}\n\\maketitle\n"
    if template is None:
        return f"\\documentclass[11pt]{{article}}\n{begin}", "\\end{document}\n"
    if not template.is_file():
        raise ValueError(f"template {template} is not a file: give a .tex, .cls or .sty file")
    if template.suffix in (".cls", ".sty"):
        if not _NAME.match(template.stem):
            raise ValueError(
                f"template {template.name}: a class or style is named with letters, digits, "
                "_ and - only"
            )
        if template.suffix == ".cls":
            return f"\\documentclass{{{template.stem}}}\n{begin}", "\\end{document}\n"
        head = f"\\documentclass[11pt]{{article}}\n\\usepackage{{{template.stem}}}\n"
        return head + begin, "\\end{document}\n"
    if template.suffix != ".tex":
        raise ValueError(f"template {template.name}: give a .tex, .cls or .sty file")
    before, mark, after = template.read_text(encoding="utf-8").partition(BODY_MARK)
    if not mark:
        raise ValueError(
            f"template {template.name} has no line '{BODY_MARK}': put it where the report goes"
        )
    if PREAMBLE_MARK in before:
        return before, after
    if "\\begin{document}" not in before:
        raise ValueError(f"template {template.name}: no \\begin{{document}} before '{BODY_MARK}'")
    return before.replace("\\begin{document}", PREAMBLE_MARK + "\\begin{document}", 1), after


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
    number = pictures = 0
    reads = SeriesReads(reader)
    top = tex.top_heading([b.text for b in report.blocks if isinstance(b, Markdown)])
    for block in report.blocks:
        if isinstance(block, Markdown):
            parts.append(tex.markdown(block.text, top))
        elif isinstance(block, Panel):
            number += 1
            parts.append(_panel(block, report, reads, folder, number))
        elif isinstance(block, Picture):
            pictures += 1
            parts.append(picture_export.latex(block, reader.blobs, folder, pictures))
    if has_references:
        parts.append("\\nocite{*}\n\\bibliographystyle{unsrt}\n\\bibliography{references}\n")
    return "\n".join(parts)


def _panel(panel: Panel, report: Report, reads: SeriesReads, folder: Path, number: int) -> str:
    data = panel_data(panel, reads.reader, report.project, reads)
    # in the report's order, never piled up; a table panel is a table, the others figures
    env = "table" if panel.kind in TABLE_KINDS else "figure"
    lines = [f"\\begin{{{env}}}[H]", "\\centering"]
    figure = draw_panel(panel, data, reads.reader)
    copied = _copy_image(panel, data, reads.reader, folder, number)
    if copied is not None:  # an image without overlays: the file as logged
        lines.append(f"\\includegraphics[width=0.6\\linewidth]{{{copied}}}")
    elif figure is not None:
        name = f"figures/panel-{number:02d}.pdf"
        figures.save(figure, folder / name)
        lines.append(f"\\includegraphics[width=\\linewidth]{{{name}}}")
    header, rows = panel_table(panel, data)
    if panel.kind == "compare" and rows:  # one float a table: pages break between them
        between = f"\\end{{{env}}}\n\\begin{{{env}}}[H]\n\\centering\n"
        tables = ["{\\small\n" + part + "}" for part in compare_export.latex(panel, data)]
        lines.append(between.join(tables))
    elif rows:
        table = tex.booktabs(
            [tex.escape(h) for h in header],
            [[tex.escape(cell_text(v)) for v in row] for row in rows],
        )
        lines.append("{\\small\n" + table + "}")
    else:
        lines.append("\\emph{No runs match this panel.}")
    where = provenance(panel, data, tex.escape, lambda f: r"\texttt{" + tex.escape(f) + "}")
    caption = f"{tex.escape(panel_title(panel))}: {where}"
    lines += [f"\\caption{{{caption}}}", f"\\label{{fig:panel-{number}}}", f"\\end{{{env}}}"]
    return "\n".join(lines) + "\n"


def _copy_image(
    panel: Panel, data: PanelData, reader: Reader, folder: Path, number: int
) -> str | None:
    """An image panel's image copied into ``figures/`` (PNG and JPEG, which pdflatex reads); its
    name, to include as it is when it has no masks or boxes to draw over it (else None)."""
    if panel.kind != "image" or data.image is None:
        return None
    suffix = {"png": ".png", "jpeg": ".jpg"}.get(str(data.image.meta.get("format")))
    raw = image_panel.image_bytes(data, reader.blobs)
    if suffix is None or raw is None:
        return None
    name = f"figures/panel-{number:02d}-image{suffix}"
    (folder / name).write_bytes(raw)
    overlays = data.image.meta.get("masks") or data.image.meta.get("boxes")
    return None if overlays else name


def _bib(entries: list[bibtex.Entry]) -> str:
    out = []
    for entry in entries:
        fields = ",\n".join(
            f"  {name} = {{{tex.inert(value, math=False)}}}" for name, value in entry.fields.items()
        )
        out.append(f"@{entry.type}{{{entry.key},\n{fields}\n}}\n")
    return "\n".join(out)
