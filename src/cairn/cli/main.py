"""The ``cairn`` command.

Each command's module is imported when that command runs, not before: ``cairn admin key
create`` does not pay for the server, pandas and the sweeps (``--help`` lists them all, so it
imports them all)."""

from __future__ import annotations

import importlib

import click

from cairn._version import __version__

COMMANDS = {
    "admin": "cairn.cli.admin:admin",
    "agent": "cairn.cli.sweep:agent",
    "artifact": "cairn.cli.artifact:artifact",
    "db": "cairn.cli.db:db",
    "export": "cairn.cli.export:export",
    "gc": "cairn.cli.artifact:gc",
    "import": "cairn.cli.imports:import_",
    "login": "cairn.cli.login:login",
    "logout": "cairn.cli.login:logout",
    "report": "cairn.cli.report:report",
    "reproduce": "cairn.cli.reproduce:reproduce",
    "runs": "cairn.cli.runs:runs",
    "server": "cairn.cli.server:server",
    "sql": "cairn.cli.sql:sql",
    "sweep": "cairn.cli.sweep:sweep",
    "sync": "cairn.cli.sync:sync",
    "ui": "cairn.cli.ui:ui",
}
"""Every command: its name, and the ``module:attribute`` of its click command."""


class Commands(click.Group):
    """The top-level group: each command loaded from ``COMMANDS`` on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, name = target.partition(":")
        command = getattr(importlib.import_module(module), name)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="cairn")
def cli() -> None:
    """Cairn: experiment tracking built for reproducibility."""


def main() -> None:
    cli()
