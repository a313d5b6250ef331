"""``cairn import ...``: history from other trackers into the store."""

from __future__ import annotations

from pathlib import Path

import click

from cairn.cli.common import dir_option
from cairn.errors import CairnError
from cairn.sdk.location import find_store_dir
from cairn.store.store import Store


@click.group(name="import")
def import_() -> None:
    """Bring runs logged with other trackers into the store."""


@import_.command()
@click.argument("logdir", type=click.Path(exists=True, file_okay=False))
@click.option("--project", "-p", default=None, help="The project (default: LOGDIR's folder name).")
@dir_option
def tensorboard(logdir: str, project: str | None, dir: str | None) -> None:
    """Import TensorBoard event files: one run per folder under LOGDIR (scalars, histograms,
    images, text). Re-running imports only what is new."""
    from cairn.importers.tensorboard import TensorBoardError, import_logdir

    root = Path(logdir).resolve()
    store = Store.local(find_store_dir(dir))
    try:
        done = import_logdir(
            store,
            root,
            project or root.name,
            on_run=lambda name, outcome: click.echo(f"  {outcome:8} {name}", err=True),
        )
    except (TensorBoardError, CairnError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()
    click.echo(
        f"{len(done.runs)} runs imported ({done.points:,} points, {done.media:,} media), "
        f"{len(done.skipped)} already there, into project {project or root.name!r}"
    )


@import_.command()
@click.argument("source")
@click.option(
    "--project",
    "-p",
    default=None,
    help="One project for every experiment (default: each its own).",
)
@dir_option
def mlflow(source: str, project: str | None, dir: str | None) -> None:
    """Import an MLflow store: SOURCE is an mlruns folder, an mlflow.db file, a SQL store's URL or
    a tracking server's URL.
    Each experiment becomes a project, each run a run with its params, metrics, tags and artifact
    files. Re-running imports only what is new."""
    from cairn.importers.mlflow import MlflowImportError, import_mlflow

    store = Store.local(find_store_dir(dir))
    try:
        done = import_mlflow(
            store,
            source,
            project,
            on_run=lambda name, outcome: click.echo(f"  {outcome:8} {name}", err=True),
        )
    except (MlflowImportError, CairnError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()
    click.echo(
        f"{len(done.runs)} runs imported ({done.points:,} points, {done.files:,} files), "
        f"{len(done.skipped)} already there"
    )


@import_.command()
@click.argument("path", type=click.Path(exists=True))
@click.option(
    "--project",
    "-p",
    default=None,
    help="One project for every run (default: the project W&B recorded).",
)
@dir_option
def wandb(path: str, project: str | None, dir: str | None) -> None:
    """Import W&B offline runs: PATH is a run's folder (wandb/offline-run-…), the wandb folder
    holding them (or the folder holding that), or a .wandb file. Each run comes with its config, history, summary, media,
    console, files and tags, read from its transaction log (no wandb package needed).
    Re-running imports only what is new."""
    from cairn.importers.wandb import WandbImportError, import_wandb

    store = Store.local(find_store_dir(dir))
    try:
        done = import_wandb(
            store,
            Path(path),
            project,
            on_run=lambda name, outcome: click.echo(f"  {outcome:8} {name}", err=True),
        )
    except (WandbImportError, CairnError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()
    for warning in done.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(
        f"{len(done.runs)} runs imported ({done.points:,} points, {done.media:,} media, "
        f"{done.files:,} files), {len(done.skipped)} already there"
    )
