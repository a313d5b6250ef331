"""``cairn report ls|new|export``: a project's reports, a new one from a template, and one written
out as Markdown, HTML or a LaTeX project."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cairn.cli.common import dir_option, store_api, when
from cairn.errors import CairnError


@click.group()
def report() -> None:
    """List and export reports (write-ups made with cairn.Report)."""


@report.command("ls")
@click.argument("project")
@dir_option
def ls(project: str, dir: str | None) -> None:
    """The reports of PROJECT, the most recently saved first."""
    try:
        found = store_api(dir).reports(project)
    except (CairnError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    console = Console() if Console().is_terminal else Console(width=200)
    if not found:
        console.print(
            f"project {escape(project)} has no reports yet: make one with "
            f"cairn.Report({project!r}, title=...) and .save()"
        )
        return
    table = Table(box=None, header_style="bold")
    for column in ("id", "title", "version", "blocks", "author", "saved"):
        table.add_column(column)
    for item in found:
        table.add_row(
            item.id,
            escape(item.title),
            str(item.version),
            str(len(item.blocks)),
            escape(item.author or "-"),
            when(item.updated_at),
        )
    console.print(table)


@report.command("new")
@click.argument("project")
@click.option(
    "--template",
    type=click.Choice(["reproducibility"]),
    required=True,
    help="reproducibility: scope, methodology, results, computational cost and discussion, "
    "filled from the --runs.",
)
@click.option(
    "--runs",
    required=True,
    help="Comma-separated ids of the runs the report is about (originals and reproductions).",
)
@click.option("--title", default="Reproducibility report", show_default=True)
@dir_option
def new(project: str, template: str, runs: str, title: str, dir: str | None) -> None:
    """Make and save a new report of PROJECT from a template; prints its id."""
    from cairn.reports.report import Report

    ids = [r.strip() for r in runs.split(",") if r.strip()]
    try:
        made = Report.reproducibility(project, runs=ids, title=title, dir=dir)
        made.save()
        made.close()
    except (CairnError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{made.id}  {title}: {len(made.blocks)} blocks, from runs {', '.join(ids)}")


@report.command("export")
@click.argument("ref", metavar="PROJECT/REPORT")
@click.option(
    "--format",
    "-f",
    "format_",
    type=click.Choice(["markdown", "html", "latex"]),
    default="html",
    show_default=True,
    help="markdown: a .md file and PNG figures; html: one standalone, sanitized page; "
    "latex: a folder (or .zip) with main.tex, references.bib and PDF figures.",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(),
    default=".",
    show_default=True,
    help="The file to write, or a folder (the file is named after the title).",
)
@click.option(
    "--template",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="latex only: a .tex (with a '% cairn:body' line), .cls or .sty file to use.",
)
@dir_option
def export(ref: str, format_: str, out: str, template: str | None, dir: str | None) -> None:
    """Write the report REPORT (its id or title) of PROJECT; live panels read the runs now."""
    project, slash, name = ref.partition("/")
    if not slash or not project or not name:
        raise click.BadParameter(
            f"{ref!r}: give PROJECT/REPORT, e.g. digits/{'What held'!r} or digits/<id> "
            "(`cairn report ls PROJECT` lists ids and titles)",
            param_hint="PROJECT/REPORT",
        )
    try:
        written = store_api(dir).report(project, name).export(format_, Path(out), template)
    except (CairnError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(str(written))
