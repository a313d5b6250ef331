"""A project's members (the users and teams given a role on it) and its visibility, and the one
rule of changing a role: a project that has an admin keeps one.

Its admins are the users with the ``admin`` role on it and the members of its teams with that
role. Server admins manage every project but do not count: a project should not depend on the
server's administrators to be managed. ``accounts.set_role``, ``accounts.set_team_role`` and
``accounts.set_member`` (the ``cairn admin`` commands and the project's HTTP routes) change
roles and teams through ``replace_role`` and ``replace_team_member``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, exists, insert, or_, select

from cairn.errors import AccountError, ProjectNotFoundError
from cairn.store.schema import project_roles, projects, team_members, team_roles, teams, users

if TYPE_CHECKING:
    from cairn.store.store import Store


@dataclass(frozen=True)
class Member:
    name: str
    role: str


@dataclass(frozen=True)
class Members:
    """Who may do what on a project."""

    visibility: str
    users: list[Member]
    """Users given a role on the project themselves, by name."""
    teams: list[Member]
    """Teams given a role on the project (every member has it), by name."""


def project_members(store: Store, project: str) -> Members:
    """The members and visibility of ``project``; ProjectNotFoundError when it does not exist."""
    with store._read() as conn:
        found = conn.execute(
            select(projects.c.id, projects.c.visibility).where(projects.c.name == project)
        ).first()
        if found is None:
            raise ProjectNotFoundError(f"no project named {project!r}")
        people = conn.execute(
            select(users.c.name, project_roles.c.role)
            .join(project_roles, project_roles.c.user_id == users.c.id)
            .where(project_roles.c.project_id == found.id)
            .order_by(users.c.name)
        ).all()
        groups = conn.execute(
            select(teams.c.name, team_roles.c.role)
            .join(team_roles, team_roles.c.team_id == teams.c.id)
            .where(team_roles.c.project_id == found.id)
            .order_by(teams.c.name)
        ).all()
    return Members(
        found.visibility,
        [Member(r.name, r.role) for r in people],
        [Member(r.name, r.role) for r in groups],
    )


def replace_role(
    conn: Connection,
    project_id: int,
    role: str | None,
    *,
    user_id: int | None = None,
    team_id: int | None = None,
) -> None:
    """Give the user (or the team) ``role`` on the project, None: no role, inside the caller's
    write transaction; AccountError, the caller's transaction to roll back, when the project
    had an admin and would have none."""
    table, owner, owner_id = (
        (project_roles, project_roles.c.user_id, user_id)
        if team_id is None
        else (team_roles, team_roles.c.team_id, team_id)
    )

    def change() -> None:
        conn.execute(delete(table).where((table.c.project_id == project_id) & (owner == owner_id)))
        if role is not None:
            conn.execute(
                insert(table).values({"project_id": project_id, owner.name: owner_id, "role": role})
            )

    keeping_admins(conn, [project_id], change)


def replace_team_member(conn: Connection, team_id: int, user_id: int, member: bool) -> None:
    """Put the user in the team or take them out, inside the caller's write transaction;
    AccountError when a project the team administers would be left without an admin."""
    led = conn.execute(
        select(team_roles.c.project_id).where(
            (team_roles.c.team_id == team_id) & (team_roles.c.role == "admin")
        )
    ).scalars()
    where = (team_members.c.team_id == team_id) & (team_members.c.user_id == user_id)

    def change() -> None:
        conn.execute(delete(team_members).where(where))
        if member:
            conn.execute(insert(team_members).values(team_id=team_id, user_id=user_id))

    keeping_admins(conn, list(led), change)


def keeping_admins(conn: Connection, project_ids: list[int], change: Callable[[], None]) -> None:
    """Make ``change``, then AccountError if one of ``project_ids`` had an admin and has none."""
    # the projects' rows locked (PostgreSQL; SQLite writes one at a time): two admins demoting
    # each other at once cannot both find the other still there
    names = dict(
        conn.execute(
            select(projects.c.id, projects.c.name)
            .where(projects.c.id.in_(project_ids))
            .order_by(projects.c.id)
            .with_for_update()
        ).all()
    )
    led = [p for p in project_ids if _has_admin(conn, p)]
    change()
    for project_id in led:
        if not _has_admin(conn, project_id):
            raise AccountError(
                f"this would leave project {names[project_id]!r} without an admin: give "
                "another user (or a team with members) the admin role first"
            )


def _has_admin(conn: Connection, project_id: int) -> bool:
    direct = exists().where(
        (project_roles.c.project_id == project_id) & (project_roles.c.role == "admin")
    )
    teamed = exists().where(
        (team_roles.c.project_id == project_id)
        & (team_roles.c.role == "admin")
        & (team_members.c.team_id == team_roles.c.team_id)
    )
    return bool(conn.execute(select(or_(direct, teamed))).scalar())
