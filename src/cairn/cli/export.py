"""``cairn export``: a project's runs and full history to Parquet or CSV files."""

from __future__ import annotations

import time
from pathlib import Path

import click

from cairn.cli.common import dir_option
from cairn.errors import CairnError
from cairn.sdk.location import find_store_dir
from cairn.store.export import FORMATS, Exported, export_project
from cairn.store.filters import FilterError
from cairn.store.store import Store

PROGRESS_SECONDS = 1.0
"""At most one progress line this often (and one when the last run is done)."""


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
@click.option("--quiet", "-q", is_flag=True, help="No progress lines on stderr.")
@dir_option
def export(
    project: str,
    format_: str,
    filter_: str | None,
    out: str | None,
    quiet: bool,
    dir: str | None,
) -> None:
    """Write PROJECT's runs (runs.parquet) and every logged point (history.parquet) to a folder,
    each file complete or not at all; progress on stderr about once a second."""
    target = Path(out) if out else Path(f"{project}-export")
    store = Store.local(find_store_dir(dir, create=False))
    began = time.perf_counter()
    shown = -PROGRESS_SECONDS

    def progress(done: Exported) -> None:
        nonlocal shown
        now = time.perf_counter()
        if now - shown >= PROGRESS_SECONDS or done.runs == done.total:
            shown = now
            click.echo(
                f"exported {done.runs:,} / {done.total:,} runs, {done.points:,} rows, "
                f"{done.bytes / 1e6:,.1f} MB",
                err=True,
            )

    try:
        done = export_project(
            store, project, target, format_, filter_, on_progress=None if quiet else progress
        )
    except (CairnError, FilterError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()
    seconds = time.perf_counter() - began
    if done.left_out:
        click.echo(
            f"warning: left out {len(done.left_out)} metric key(s) the project's catalogue did "
            f"not have when the export began (logged since, or over 1,000 characters): "
            f"{', '.join(k[:80] for k in done.left_out[:5])}; export again to include new ones",
            err=True,
        )
    click.echo(
        f"{done.runs:,} runs and {done.points:,} points written to {target}/ "
        f"({done.bytes / 1e6:,.1f} MB in {seconds:.1f} s)"
    )
