"""``cairn db``: the store database's schema (a team server's PostgreSQL, or a local store)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from cairn.cli.common import dir_option
from cairn.errors import ConfigError, StoreError

if TYPE_CHECKING:
    from cairn.store.store import Store

db_option = click.option(
    "--db",
    "url",
    envvar="CAIRN_DB",
    default=None,
    help="The database URL (postgresql://USER@HOST/NAME, sqlite:///PATH); default: $CAIRN_DB, "
    "else the local store's. Keep passwords out of command lines: put the URL in $CAIRN_DB or "
    "the password in ~/.pgpass.",
)


config_option = click.option(
    "--config",
    type=click.Path(dir_okay=False),
    default=None,
    help="A team server's TOML settings file (also $CAIRN_SERVER_CONFIG): its db, when --db and "
    "$CAIRN_DB are not given.",
)


@click.group()
def db() -> None:
    """The store database's schema: see where it is, bring it up to date."""


@db.command()
@db_option
@config_option
@dir_option
def upgrade(url: str | None, config: str | None, dir: str | None) -> None:
    """Migrate the database to this Cairn's schema (creating it when empty). Back it up first;
    a team server refuses to start until this has run after an upgrade of Cairn."""
    from cairn.store.engine import create_store_engine, describe
    from cairn.store.engine import upgrade as migrate

    engine = create_store_engine(_database_url(url, config, dir))
    try:
        before, after = migrate(engine)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:  # a connection refused, a permission missing: the driver says
        raise click.ClickException(f"cannot upgrade {describe(engine)}: {exc}") from None
    finally:
        engine.dispose()
    where = describe(engine)
    if before == after:
        click.echo(f"{where}: already at schema revision {after}")
    else:
        click.echo(f"{where}: schema revision {before or '(empty)'} -> {after}")


@db.command()
@db_option
@config_option
@dir_option
def current(url: str | None, config: str | None, dir: str | None) -> None:
    """Print the database's schema revision and this Cairn's."""
    from cairn.store.engine import SCHEMA_REVISION, create_store_engine, current_revision, describe

    engine = create_store_engine(_database_url(url, config, dir, create=False))
    try:
        revision = current_revision(engine)
    finally:
        engine.dispose()
    state = "current" if revision == SCHEMA_REVISION else "run `cairn db upgrade`"
    click.echo(
        f"{describe(engine)}: {revision or '(empty)'} (this Cairn: {SCHEMA_REVISION}; {state})"
    )


def _database_url(
    url: str | None, config: str | None, dir: str | None, *, create: bool = True
) -> str:
    """The database a ``cairn db`` command works on: ``--db`` (or ``$CAIRN_DB``), else the one
    a team server's config file names (``--config`` or ``$CAIRN_SERVER_CONFIG``, read as
    ``cairn server`` reads it), else the local store's."""
    from cairn.server.settings import CONFIG_ENV, load_settings

    if url is None and (config or os.environ.get(CONFIG_ENV)):
        try:
            url = load_settings({}, os.environ, config, need_blobs=False).db
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
    return url or _local_url(dir, create=create)


def _local_url(dir: str | None, *, create: bool = True) -> str:
    """The local store's database; without ``create``, one that exists (reading a schema
    revision must not leave an empty store behind)."""
    from cairn.sdk.location import find_store_dir
    from cairn.store.store import DB_NAME

    path = find_store_dir(dir, create=create) / DB_NAME
    if not create and not path.exists():
        raise click.ClickException(
            f"no Cairn store at {path.parent}: pass --db (or $CAIRN_DB), or --dir"
        )
    return f"sqlite:///{path}"


def open_store(url: str | None, dir: str | None) -> Store:
    """The store of database ``url`` (which must be at this Cairn's schema), else the local one,
    for commands that touch rows only (``cairn admin``): no blob store behind a URL."""
    from cairn.sdk.location import find_store_dir
    from cairn.store.blobs import BlobStore
    from cairn.store.store import Store

    try:
        if url is None:
            return Store.local(find_store_dir(dir))
        return Store(url, BlobStore("memory://cairn-admin-no-blobs"), migrate=False)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
