"""``cairn runs ls`` and ``cairn runs show``."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cairn.cli.common import dir_option, duration, fail, short, when
from cairn.errors import CairnError
from cairn.sdk.api import Api
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
        found = Api(dir).runs(project, filter=filter_, order=order, limit=limit)
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
    keys: list[str] = []
    for run in found:
        keys.extend(k for k in run.summary if k not in keys)
    keys = keys[:6]
    table = Table(box=None, header_style="bold")
    for column in ("run", "name", "state", "created", "runtime", "steps", "tags", *keys):
        table.add_column(escape(column), overflow="fold", no_wrap=column in ("run", "state"))
    for run in found:
        style = STATE_STYLE.get(run.state, "")
        table.add_row(
            escape(run.path),
            escape(run.name),
            f"[{style}]{run.state}[/]",
            when(run.created_at),
            duration(run.runtime),
            str(run.info.history_rows),
            escape(",".join(run.tags)),
            *(escape(short(run.summary.get(k, ""))) for k in keys),
        )
    console.print(table)


@runs.command("show")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Print the run as JSON.")
@dir_option
def show(ref: str, as_json: bool, dir: str | None) -> None:
    """Show one run: REF is project/run_id (or a run id)."""
    try:
        run = Api(dir).run(ref)
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
    """A terminal's own width; piped output (make demo, CI logs) gets a wide table, not 80 columns."""
    console = Console()
    return console if console.is_terminal else Console(width=200)
