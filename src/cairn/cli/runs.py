"""``cairn runs ls`` and ``cairn runs show``."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from itertools import zip_longest

import click
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cairn.cli.common import dir_option, duration, fail, short, store_api, when
from cairn.errors import CairnError
from cairn.sdk.api import ApiRun
from cairn.store.columns import ColumnStats, default_columns, flatten_config, project_stats
from cairn.store.jsonsafe import encode_nonfinite

STATE_STYLE = {"running": "cyan", "finished": "green", "failed": "red", "crashed": "magenta"}


@click.group()
def runs() -> None:
    """List and inspect runs."""


@runs.command("ls")
@click.option("--project", "-p", default=None, help="Only this project's runs.")
@click.option(
    "--filter",
    "-f",
    "filter_",
    default=None,
    help="E.g. 'config.lr < 1e-3 and state == \"finished\"'.",
)
@click.option("--order", "-o", default=None, help="E.g. '-summary.val/acc' (- for descending).")
@click.option("--limit", "-n", default=50, show_default=True, help="At most this many runs.")
@dir_option
def ls(
    project: str | None, filter_: str | None, order: str | None, limit: int, dir: str | None
) -> None:
    """List runs, newest first."""
    try:
        api = store_api(dir)
        found = api.runs(project, filter=filter_, order=order, limit=limit)
    except (CairnError, ValueError) as exc:
        fail(exc)
        return
    console = _console()
    if not found:
        if project or filter_:
            console.print("no runs match")
        else:
            console.print("no runs yet: log one with cairn.init(project=...)")
        return
    # The workspace's default columns: over the whole project when one is named, so a filter
    # does not change them; else over the runs listed.
    if project:
        stats = project_stats(api.store, project)
    else:
        stats = ColumnStats()
        for run in found:
            stats.add(run.config, run.summary)
    console.print(_table(found, default_columns(stats), console.width))


# The columns of `runs ls` in the order shown; which are kept when the terminal is too narrow
# for all of them goes by _PRIORITY: these first, then the data columns, then the rest.
_META = ("run", "name", "state", "created", "runtime", "steps", "tags")
_REQUIRED = ("run", "name", "state", "created")


def _table(found: Sequence[ApiRun], data_ids: list[str], width: int) -> Table:
    """The runs as a table no wider than ``width``: each column as wide as its widest cell, no
    cell wrapped; the lower-ranked columns that do not fit are left out."""
    configs = [flatten_config(run.config) for run in found]
    cells: dict[str, list[str]] = {
        "run": [run.path for run in found],
        "name": [run.name for run in found],
        "state": [run.state for run in found],
        "created": [_created(run.created_at) for run in found],
        "runtime": [duration(run.runtime) for run in found],
        "steps": [str(run.info.history_rows) for run in found],
        "tags": [",".join(run.tags) for run in found],
    }
    headers = {column: column for column in _META}
    for column in data_ids:
        section, _, key = column.partition(".")
        source = configs if section == "config" else [run.summary for run in found]
        cells[column] = [short(values[key]) if key in values else "" for values in source]
        headers[column] = key
    config_ids = [c for c in data_ids if c.startswith("config.")]
    summary_ids = [c for c in data_ids if c.startswith("summary.")]
    interleaved = [c for pair in zip_longest(config_ids, summary_ids) for c in pair if c]
    used = 0
    kept: set[str] = set()
    for column in (*_REQUIRED, *interleaved, "runtime", "steps", "tags"):
        need = max(cell_len(text) for text in (headers[column], *cells[column])) + 2  # padding
        if column in _REQUIRED or used + need <= width:
            kept.add(column)
            used += need
    table = Table(box=None, header_style="bold")
    shown = [c for c in (*_META, *data_ids) if c in kept]
    for column in shown:
        table.add_column(escape(headers[column]), no_wrap=True, overflow="ellipsis")
    for i, run in enumerate(found):
        row = [escape(cells[column][i]) for column in shown]
        if "state" in kept:
            style = STATE_STYLE.get(run.state, "")
            row[shown.index("state")] = f"[{style}]{run.state}[/]"
        table.add_row(*row)
    return table


def _created(ts: float) -> str:
    """A run's start to the minute: the seconds make the column wider than they are worth."""
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


@runs.command("show")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Print the run as JSON.")
@dir_option
def show(ref: str, as_json: bool, dir: str | None) -> None:
    """Show one run: REF is project/run_id (or a run id)."""
    try:
        run = store_api(dir).run(ref)
    except (CairnError, ValueError) as exc:
        fail(exc)
        return
    info = run.info
    if as_json:
        data = {k: getattr(info, k) for k in info.__dataclass_fields__}
        click.echo(json.dumps(encode_nonfinite(data), indent=2, default=str, allow_nan=False))
        return
    console = _console()
    style = STATE_STYLE.get(info.state, "")
    console.print(f"[bold]{escape(info.name)}[/]  {escape(info.path)}  [{style}]{info.state}[/]")
    console.print(
        f"created {when(info.created_at)}  runtime {duration(info.runtime)}  "
        f"{info.history_rows} rows, last step {info.last_step}"
    )
    for label, value in (
        ("tags", ", ".join(info.tags)),
        ("notes", info.notes),
        ("group", info.group),
        ("job type", info.job_type),
        ("host", info.host),
        ("program", info.program),
        ("reproduction of", info.reproduction_of),
        ("exit code", info.exit_code),
    ):
        if value not in (None, ""):
            console.print(f"{label}: {escape(str(value))}")
    if info.error:
        console.print(f"[red]error:[/]\n{escape(info.error.rstrip())}")
    console.print("\n[bold]config[/]")
    console.print_json(json.dumps(info.config, default=str)) if info.config else console.print("-")
    table = Table("key", "value", box=None, header_style="bold", title_justify="left")
    for key, value in sorted(info.summary.items()):
        table.add_row(escape(key), escape(short(value, 40)))
    console.print("\n[bold]summary[/]")
    console.print(table if info.summary else "-")


def _console() -> Console:
    """A terminal's own width (or $COLUMNS); piped output (make demo, CI logs) without $COLUMNS
    gets a wide table, not 80 columns."""
    console = Console()
    return console if console.is_terminal or "COLUMNS" in os.environ else Console(width=200)
