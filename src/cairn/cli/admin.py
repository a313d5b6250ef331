"""``cairn admin``: users, API keys and project roles, straight in the database (scripts, CI,
provisioning a team server)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from cairn.cli.common import dir_option, when
from cairn.cli.db import db_option, open_store
from cairn.errors import AccountError

if TYPE_CHECKING:
    from cairn.store.store import Store


@click.group()
def admin() -> None:
    """Accounts of a team server's database ($CAIRN_DB), or of the local store."""


@admin.group()
def user() -> None:
    """Users: create, list, set a password, give a role on a project."""


@admin.group()
def key() -> None:
    """API keys: create (shown once), list, revoke."""


@admin.group()
def team() -> None:
    """Teams: a role given to a team on a project is every member's role there."""


@admin.group()
def project() -> None:
    """Projects: who besides their members may read them."""


@user.command("create")
@click.argument("name")
@click.option("--admin", "is_admin", is_flag=True, help="Every role on every project.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read a password from standard input (never from the command line).",
)
@db_option
@dir_option
def user_create(
    name: str, is_admin: bool, password_stdin: bool, url: str | None, dir: str | None
) -> None:
    """Create user NAME (without --password-stdin, the user logs in with API keys only)."""
    from cairn.server.auth.credentials import hash_password
    from cairn.store.accounts import create_user

    password_hash = hash_password(_read_password()) if password_stdin else None
    with _accounts(url, dir) as store:
        made = create_user(store, name, password_hash=password_hash, is_admin=is_admin)
    click.echo(f"user {made.name} created{' (admin)' if made.is_admin else ''}")


@user.command("ls")
@db_option
@dir_option
def user_ls(url: str | None, dir: str | None) -> None:
    """List users: name, admin, password login, created."""
    from cairn.store.accounts import list_users

    with _accounts(url, dir) as store:
        for u in list_users(store):
            flags = ["admin" if u.is_admin else "-", "password" if u.password_hash else "keys only"]
            click.echo(f"{u.name}\t{flags[0]}\t{flags[1]}\t{when(u.created_at)}")


@user.command("password")
@click.argument("name")
@db_option
@dir_option
def user_password(name: str, url: str | None, dir: str | None) -> None:
    """Set NAME's password, read from standard input; signs NAME out of every browser."""
    from cairn.server.auth.credentials import hash_password
    from cairn.store.accounts import set_password_hash

    password_hash = hash_password(_read_password())
    with _accounts(url, dir) as store:
        set_password_hash(store, name, password_hash)  # ends their sessions too
    click.echo(f"password of {name} set; their browser sessions ended")


@user.command("grant")
@click.argument("name")
@click.argument("project")
@click.argument("role", type=click.Choice(["viewer", "editor", "admin", "none"]))
@db_option
@dir_option
def user_grant(name: str, project: str, role: str, url: str | None, dir: str | None) -> None:
    """Give NAME ROLE on PROJECT (none: take their role away)."""
    from cairn.store.accounts import set_role

    with _accounts(url, dir) as store:
        set_role(store, project, name, None if role == "none" else role)
    click.echo(f"{name} on {project}: {role}")


@team.command("create")
@click.argument("name")
@db_option
@dir_option
def team_create(name: str, url: str | None, dir: str | None) -> None:
    """Create team NAME (empty: `cairn admin team add` puts users in)."""
    from cairn.store.accounts import create_team

    with _accounts(url, dir) as store:
        create_team(store, name)
    click.echo(f"team {name} created")


@team.command("add")
@click.argument("team_name", metavar="TEAM")
@click.argument("users", metavar="USER...", nargs=-1, required=True)
@db_option
@dir_option
def team_add(team_name: str, users: tuple[str, ...], url: str | None, dir: str | None) -> None:
    """Put USERs in TEAM."""
    from cairn.store.accounts import set_member

    with _accounts(url, dir) as store:
        for name in users:
            set_member(store, team_name, name, True)
    click.echo(f"{', '.join(users)} in team {team_name}")


@team.command("remove")
@click.argument("team_name", metavar="TEAM")
@click.argument("users", metavar="USER...", nargs=-1, required=True)
@db_option
@dir_option
def team_remove(team_name: str, users: tuple[str, ...], url: str | None, dir: str | None) -> None:
    """Take USERs out of TEAM: its roles stop applying to them at once."""
    from cairn.store.accounts import set_member

    with _accounts(url, dir) as store:
        for name in users:
            set_member(store, team_name, name, False)
    click.echo(f"{', '.join(users)} out of team {team_name}")


@team.command("grant")
@click.argument("team_name", metavar="TEAM")
@click.argument("project_name", metavar="PROJECT")
@click.argument("role", type=click.Choice(["viewer", "editor", "admin", "none"]))
@db_option
@dir_option
def team_grant(
    team_name: str, project_name: str, role: str, url: str | None, dir: str | None
) -> None:
    """Give every member of TEAM ROLE on PROJECT (none: take it away); a member's role is the
    highest of their own and their teams'."""
    from cairn.store.accounts import set_team_role

    with _accounts(url, dir) as store:
        set_team_role(store, project_name, team_name, None if role == "none" else role)
    click.echo(f"team {team_name} on {project_name}: {role}")


@team.command("ls")
@db_option
@dir_option
def team_ls(url: str | None, dir: str | None) -> None:
    """List teams: name, members, roles on projects."""
    from cairn.store.accounts import list_teams

    with _accounts(url, dir) as store:
        for t in list_teams(store):
            grants = ", ".join(f"{p}:{r}" for p, r in sorted(t.roles.items())) or "-"
            click.echo(f"{t.name}\t{', '.join(t.members) or '-'}\t{grants}")


@project.command("visibility")
@click.argument("project_name", metavar="PROJECT")
@click.argument("visibility", type=click.Choice(["private", "team", "public"]))
@db_option
@dir_option
def project_visibility(
    project_name: str, visibility: str, url: str | None, dir: str | None
) -> None:
    """Make PROJECT private (its members only, the default), team (every signed-in user of
    the server may read it) or public (anyone may read it, signed in or not); only members
    write."""
    from cairn.store.accounts import set_visibility

    with _accounts(url, dir) as store:
        set_visibility(store, project_name, visibility)
    click.echo(f"{project_name}: {visibility}")


@key.command("create")
@click.argument("user_name", metavar="USER")
@click.option("--name", default="default", show_default=True, help="What the key is for.")
@db_option
@dir_option
def key_create(user_name: str, name: str, url: str | None, dir: str | None) -> None:
    """Create an API key for USER and print it, once: only its hash is stored."""
    from cairn.server.auth.credentials import new_key
    from cairn.store.accounts import add_key

    made = new_key()
    with _accounts(url, dir) as store:
        info = add_key(store, user_name, name=name, prefix=made.prefix, digest=made.digest)
    click.echo(f"API key {info.id} of {info.user} ({info.name}); shown this once:", err=True)
    click.echo(made.secret)


@key.command("ls")
@click.argument("user_name", metavar="[USER]", required=False)
@db_option
@dir_option
def key_ls(user_name: str | None, url: str | None, dir: str | None) -> None:
    """List API keys (never the keys themselves): id, user, name, prefix, created, last used."""
    from cairn.store.accounts import list_keys

    with _accounts(url, dir) as store:
        for k in list_keys(store, user_name):
            state = f"revoked {when(k.revoked_at)}" if k.revoked_at else "live"
            click.echo(
                f"{k.id}\t{k.user}\t{k.name}\t{k.prefix}…\t{when(k.created_at)}\t"
                f"{when(k.last_used_at)}\t{state}"
            )


@key.command("revoke")
@click.argument("key_id", metavar="ID", type=int)
@db_option
@dir_option
def key_revoke(key_id: int, url: str | None, dir: str | None) -> None:
    """Revoke API key ID: it stops working at once."""
    from cairn.store.accounts import revoke_key

    with _accounts(url, dir) as store:
        info = revoke_key(store, key_id)
    click.echo(f"API key {info.id} of {info.user} revoked")


@contextmanager
def _accounts(url: str | None, dir: str | None) -> Iterator[Store]:
    """The store, closed after use; account mistakes become the command's error message."""
    store = open_store(url, dir)
    try:
        yield store
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()


def _read_password() -> str:
    from cairn.server.auth.credentials import MIN_PASSWORD

    password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(
            f"a password needs at least {MIN_PASSWORD} characters (read from standard input)"
        )
    return password
