"""``cairn export``: a project's runs and full history to Parquet or CSV files."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cairn.cli.common import dir_option
from cairn.errors import CairnError
from cairn.sdk.location import find_store_dir
from cairn.store.export import FORMATS, export_project
from cairn.store.filters import FilterError
from cairn.store.store import Store


@click.command()
@click.argument("project")
@click.option(
    "--format", "format_", type=click.Choice(FORMATS), default="parquet", show_default=True
)
@click.option(
    "--filter",
    "-f",
    "filter_",
    default=None,
    help="Only the runs matching, e.g. 'state == \"finished\"'.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default=None,
    help="The folder to write (default: ./PROJECT-export).",
)
@dir_option
def export(
    project: str, format_: str, filter_: str | None, out: str | None, dir: str | None
) -> None:
    """Write PROJECT's runs (runs.parquet) and every logged point (history.parquet) to a folder."""
    target = Path(out) if out else Path(f"{project}-export")
    store = Store.local(find_store_dir(dir, create=False))
    began = time.perf_counter()
    try:
        total = len(store.runs(project, filter=filter_))
        with Progress(
            TextColumn("exporting"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("runs"),
            TextColumn("{task.fields[points]:,} points"),
            TimeElapsedColumn(),
            transient=True,
        ) as progress:
            task = progress.add_task("export", total=total, points=0)
            points = 0

            def advance(_run: object, rows: int) -> None:
                nonlocal points
                points += rows
                progress.update(task, advance=1, points=points)

            done = export_project(store, project, target, format_, filter_, on_run=advance)
    except (CairnError, FilterError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()
    seconds = time.perf_counter() - began
    click.echo(
        f"{done.runs:,} runs and {done.points:,} points written to {target}/ "
        f"({done.bytes / 1e6:,.1f} MB in {seconds:.1f} s)"
    )
