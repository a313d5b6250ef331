"""``cairn sweep CONFIG.yaml`` (create), ``cairn sweep ls|pause|resume|stop|cancel``, and
``cairn agent SWEEP_ID``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cairn.cli.common import dir_option, fail, short, when
from cairn.errors import CairnError
from cairn.sdk.location import find_store_dir
from cairn.server_login import Login, current_login
from cairn.store.reader import Reader, StoreReader
from cairn.store.store import DB_NAME, Store
from cairn.sweeps.agent import Agent
from cairn.sweeps.config import load_sweep_config
from cairn.sweeps.control import change_sweep_state, create_sweep
from cairn.sweeps.results import best_trial

STATE_STYLE = {
    "running": "cyan",
    "paused": "yellow",
    "stopped": "magenta",
    "cancelled": "red",
    "finished": "green",
}


class _SweepGroup(click.Group):
    """``cairn sweep FILE`` means ``cairn sweep create FILE``, as ``wandb sweep FILE`` does."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["create", *args]
        return super().parse_args(ctx, args)


def _store_dir(dir: str | None, *, create: bool = False) -> Path:
    root = find_store_dir(dir, create=create)
    if not create and not (root / DB_NAME).exists():
        raise click.ClickException(
            f"no Cairn store at {root}: create a sweep with `cairn sweep CONFIG.yaml`, or pass "
            "--dir (or set $CAIRN_DIR) to the folder that holds cairn.db"
        )
    return root


def _store(dir: str | None) -> Store:
    return Store.local(_store_dir(dir))


def _login(local: bool) -> Login | None:
    """The team server the command acts on (`cairn agent`'s rule); None: the local store."""
    try:
        return None if local else current_login()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


local_option = click.option(
    "--local",
    is_flag=True,
    help="Act on the local store even when a team server is configured ($CAIRN_URL or "
    "`cairn login`).",
)


@click.group(cls=_SweepGroup)
def sweep() -> None:
    """Create a sweep from a W&B-style YAML file (`cairn sweep CONFIG.yaml`), list and control
    sweeps."""


@sweep.command("create")
@click.argument("config", type=click.Path(dir_okay=False))
@click.option("--project", "-p", default=None, help="The project (default: the config's).")
@local_option
@dir_option
def create(config: str, project: str | None, local: bool, dir: str | None) -> None:
    """Create a sweep from CONFIG (YAML) and print the command that runs its trials: on the
    team server when one is configured ($CAIRN_URL or `cairn login`), else in the local store."""
    login = _login(local)
    try:
        made = create_sweep(Path(config), project, login or find_store_dir(dir))
    except (CairnError, ValueError) as exc:
        fail(exc)
        return
    where = "" if made.server is None else f" on {made.server} (--local: in the local store)"
    click.echo(f"created sweep {made.id} ({made.method}) in project {made.project}{where}")
    each = "" if made.server is None else " on each machine"
    click.echo(f"run its trials{each} with: cairn agent {made.ref}")


@sweep.command("ls")
@click.option("--project", "-p", default=None, help="Only this project's sweeps.")
@local_option
@dir_option
def ls(project: str | None, local: bool, dir: str | None) -> None:
    """List sweeps, newest first: state, method, trials and the best value of the metric; the
    team server's when one is configured ($CAIRN_URL or `cairn login`), else the local store's."""
    from cairn.server_reader import HttpReader  # httpx: only to read a server

    login = _login(local)
    try:
        reader: Reader = HttpReader(login.url, login.key) if login else StoreReader(_store(dir))
        rows = reader.sweeps(project)
        bests = [best_trial(load_sweep_config(row.config), reader.trials(row)) for row in rows]
    except (CairnError, ValueError) as exc:
        fail(exc)
        return
    console = Console(highlight=False, soft_wrap=True)
    if login is not None:
        console.print(
            f"sweeps on {escape(login.url)} (--local: the local store's); name one as "
            "PROJECT/SWEEP_ID"
        )
    if not rows:
        console.print("no sweeps yet: create one with `cairn sweep CONFIG.yaml`")
        return
    table = Table(box=None, header_style="bold")
    for column in (
        "sweep",
        "project",
        "name",
        "state",
        "method",
        "trials",
        "metric",
        "best",
        "created",
    ):
        table.add_column(column, no_wrap=column in ("sweep", "state"))
    for row, best in zip(rows, bests, strict=True):
        metric = load_sweep_config(row.config).metric
        style = STATE_STYLE.get(row.state, "")
        table.add_row(
            row.id,
            escape(row.project),
            escape(row.name),
            f"[{style}]{escape(row.state)}[/]",
            escape(row.method),
            str(row.trial_count),
            escape(f"{metric.name} ({metric.goal[:3]})" if metric else "-"),
            short(best[1]) if best else "-",
            when(row.created_at),
        )
    console.print(table)


def _action(name: str, doc: str) -> Any:
    @click.argument("sweep_id")
    @local_option
    @dir_option
    def command(sweep_id: str, local: bool, dir: str | None) -> None:
        login = _login(local)
        try:
            state = change_sweep_state(sweep_id, name, login or _store_dir(dir))
        except (CairnError, ValueError) as exc:
            fail(exc)
            return
        click.echo(f"sweep {sweep_id} is {state}")

    command.__doc__ = doc
    return sweep.command(name)(command)


_action("pause", "Hand out no new trials until `cairn sweep resume` (running trials go on).")
_action("resume", "Hand out trials again after `cairn sweep pause`.")
_action("stop", "Hand out no new trials, ever; the running ones finish.")
_action("cancel", "Hand out no new trials, ever, and kill the running ones.")


@click.command("agent")
@click.argument("sweep_id")
@click.option(
    "--count", "-n", type=click.IntRange(min=1), default=None, help="Run at most N trials."
)
@click.option(
    "--max-failures",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Give up after this many trials in a row fail.",
)
@dir_option
def agent(sweep_id: str, count: int | None, max_failures: int, dir: str | None) -> None:
    """Run trials of SWEEP_ID, one after another, until the sweep has no more (or --count).
    With a team server configured (`cairn login`, $CAIRN_URL), SWEEP_ID is PROJECT/SWEEP_ID on
    the server, and agents on any number of machines share its trials."""
    remote = _login(False) is not None
    root = find_store_dir(dir, create=remote)  # on a server: a local folder for the journals
    if not remote:
        _store(dir).close()
    try:
        result = Agent(root, sweep_id, count=count, max_failures=max_failures).run()
    except (CairnError, ValueError) as exc:
        fail(exc)
        return
    if result.failures:
        click.echo(f"{result.failures} of {result.trials} trials failed")
