"""The ``cairn`` command."""

from __future__ import annotations

import click

from cairn._version import __version__
from cairn.cli.admin import admin
from cairn.cli.artifact import artifact, gc
from cairn.cli.db import db
from cairn.cli.export import export
from cairn.cli.imports import import_
from cairn.cli.login import login, logout
from cairn.cli.report import report
from cairn.cli.reproduce import reproduce
from cairn.cli.runs import runs
from cairn.cli.server import server
from cairn.cli.sql import sql
from cairn.cli.sweep import agent, sweep
from cairn.cli.sync import sync
from cairn.cli.ui import ui


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="cairn")
def cli() -> None:
    """Cairn: experiment tracking built for reproducibility."""


cli.add_command(admin)
cli.add_command(agent)
cli.add_command(artifact)
cli.add_command(db)
cli.add_command(export)
cli.add_command(import_)
cli.add_command(gc)
cli.add_command(login)
cli.add_command(logout)
cli.add_command(report)
cli.add_command(reproduce)
cli.add_command(runs)
cli.add_command(server)
cli.add_command(sql)
cli.add_command(sweep)
cli.add_command(sync)
cli.add_command(ui)


def main() -> None:
    cli()
