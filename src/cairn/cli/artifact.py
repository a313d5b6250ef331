"""``cairn artifact put|get|ls`` and ``cairn gc``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cairn.artifacts import Artifact
from cairn.cli.common import dir_option, fail, store_api, when
from cairn.errors import CairnError
from cairn.sdk.session import init
from cairn.sdk.settings import Settings
from cairn.store import gc as store_gc

if TYPE_CHECKING:
    from cairn.store.store import Store


@click.group()
def artifact() -> None:
    """Put, get and list versioned artifacts (datasets, models)."""


@artifact.command("put")
@click.argument("path", type=click.Path(exists=True))
@click.option("--name", "-n", required=True, help="The artifact's name, e.g. digits-train.")
@click.option("--type", "-t", "type_", default="dataset", show_default=True, help="E.g. model.")
@click.option("--alias", "-a", "aliases", multiple=True, help="An alias to set (repeatable).")
@click.option("--project", "-p", default=None, help="Default: $CAIRN_PROJECT or uncategorized.")
@click.option("--description", "-d", default=None, help="What the artifact holds.")
@dir_option
def put(
    path: str,
    name: str,
    type_: str,
    aliases: tuple[str, ...],
    project: str | None,
    description: str | None,
    dir: str | None,
) -> None:
    """Log a file or folder as a new version of an artifact (from an upload run)."""
    try:
        art = Artifact(name, type=type_, description=description)
        if os.path.isdir(path):
            art.add_dir(path)
        else:
            art.add_file(path)
        settings = Settings(
            capture_git=False, save_code=False, capture_env=False, capture_console=False
        )
        run = init(
            project=project, dir=dir, job_type="upload", settings=settings, name=f"upload-{name}"
        )
        try:
            version = run.log_artifact(art, aliases=list(aliases))
        finally:
            run.finish(quiet=True)
        click.echo(f"{version.ref}  {version.file_count} files, {_size(version.size)}")
        click.echo(f"aliases: {', '.join(version.aliases)}")
    except (CairnError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from None


@artifact.command("get")
@click.argument("ref")
@click.option("--root", "-r", type=click.Path(file_okay=False), default=None, help="Where to.")
@click.option("--project", "-p", default=None, help="When REF names no project.")
@dir_option
def get(ref: str, root: str | None, project: str | None, dir: str | None) -> None:
    """Download an artifact version (NAME:ALIAS, NAME:vN, PROJECT/NAME:ALIAS), verified."""
    try:
        version = store_api(dir).artifact(ref, project=project)
        where = version.download(Path(root) if root else None)
    except (CairnError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{version.ref}: {version.file_count} files, {_size(version.size)} in {where}")


@artifact.command("ls")
@click.option("--type", "-t", "type_", default=None, help="Only artifacts of this type.")
@click.option("--project", "-p", default=None, help="Only this project's artifacts.")
@click.argument("name", required=False)
@dir_option
def ls(type_: str | None, project: str | None, name: str | None, dir: str | None) -> None:
    """List artifacts; with NAME, its versions and aliases."""
    console = Console() if Console().is_terminal else Console(width=200)
    try:
        api = store_api(dir)
        if name:
            versions = api.artifact(name, project=project).versions()
            table = Table(box=None, header_style="bold")
            for col in ("version", "aliases", "size", "files", "producer", "created"):
                table.add_column(col)
            for v in versions:
                info = v.info
                table.add_row(
                    f"v{info.version}",
                    escape(", ".join(info.aliases)),
                    _size(info.size),
                    str(info.file_count),
                    info.run_id or "-",
                    when(info.created_at),
                )
            console.print(table)
            return
        found = api.artifacts(project, type_)
    except (CairnError, ValueError) as exc:
        fail(exc)
        return
    if not found:
        console.print("no artifacts yet: log one with run.log_artifact(cairn.Artifact(...))")
        return
    table = Table(box=None, header_style="bold")
    for col in ("project", "name", "type", "versions", "latest", "size", "updated"):
        table.add_column(col)
    for a in found:
        table.add_row(
            escape(a.project),
            escape(a.name),
            escape(a.type),
            str(a.versions),
            "-" if a.latest is None else f"v{a.latest}",
            _size(a.size),
            when(a.updated_at),
        )
    console.print(table)


@click.command()
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
@click.option(
    "--grace",
    default=store_gc.GRACE,
    show_default=True,
    type=float,
    help="Seconds a blob must have existed before it may be removed (live runs stage first).",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    default=None,
    help="A team server's TOML settings file (also $CAIRN_SERVER_CONFIG): collect in its "
    "database and blob store (db and blobs, or $CAIRN_DB and $CAIRN_BLOBS) instead of the local "
    "store.",
)
@dir_option
def gc(dry_run: bool, grace: float, config: str | None, dir: str | None) -> None:
    """Remove stored contents nothing references any more (deleted artifact versions...)."""
    try:
        store = _server_store(config) or store_api(dir).store
        result = store_gc.collect(store, grace=grace, dry_run=dry_run)
    except (CairnError, ValueError) as exc:
        fail(exc)
        return
    verb = "would free" if dry_run else "freed"
    click.echo(f"{verb} {_size(result.freed)} in {result.removed} blobs; {result.kept} blobs kept")


def _server_store(config: str | None) -> Store | None:
    """The team server's store when a config file is named (``--config`` or
    ``$CAIRN_SERVER_CONFIG``), read as ``cairn server`` reads it; else None."""
    from cairn.server.settings import CONFIG_ENV, load_settings
    from cairn.store.blobs import BlobStore
    from cairn.store.store import Store

    if not (config or os.environ.get(CONFIG_ENV)):
        return None
    settings = load_settings({}, os.environ, config)
    return Store(settings.db, BlobStore(settings.blobs), migrate=False)


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"
