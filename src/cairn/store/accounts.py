"""Users, API keys and project roles as rows (the team server's accounts). Hashing and checking
secrets is ``cairn.server.auth``'s: the store keeps only hashes and never sees a key or a
password in clear."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError

from cairn.errors import AccountError, AccountNotFoundError
from cairn.names import check_project
from cairn.store.members import replace_role, replace_team_member
from cairn.store.projects import ensure_project, upsert
from cairn.store.schema import (
    api_keys,
    login_attempts,
    project_roles,
    projects,
    sessions,
    setup_tokens,
    team_members,
    team_roles,
    teams,
    users,
)
from cairn.store.store import Store

ROLES = ("viewer", "editor", "admin")
"""Project roles, each allowed what the one before it is: read; log and edit; manage."""
VISIBILITIES = ("private", "team", "public")
"""Who may read (``viewer``) a project besides its members: no one; every signed-in user of
the server (the server is one organisation's, as GitLab's "internal"); anyone, signed in or
not."""
SIGNED_IN_READ = ("team", "public")
"""The visibilities a signed-in user reads without a role."""

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
TOUCH_EVERY = 60.0
"""Seconds between two updates of a key's last-used time (not a write per request)."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    is_admin: bool
    created_at: float
    password_hash: str | None


@dataclass(frozen=True)
class ApiKey:
    id: int
    user: str
    name: str
    prefix: str
    created_at: float
    last_used_at: float | None
    revoked_at: float | None


def create_user(
    store: Store, name: str, *, password_hash: str | None = None, is_admin: bool = False
) -> User:
    """A new user. ``name``: letters, digits, ``.``, ``_``, ``-`` (at most 64)."""
    if not _NAME.match(name):
        raise AccountError(
            f"{name!r} is not a user name: use letters, digits, '.', '_' and '-' (at most 64)"
        )
    now = time.time()
    try:
        with store._write() as conn:
            conn.execute(
                insert(users).values(
                    name=name, password_hash=password_hash, is_admin=is_admin, created_at=now
                )
            )
    except IntegrityError:
        raise AccountError(f"there is a user named {name!r} already") from None
    return get_user(store, name)


def get_user(store: Store, name: str) -> User:
    with store._read() as conn:
        row = conn.execute(select(users).where(users.c.name == name)).first()
    if row is None:
        raise AccountNotFoundError(f"no user named {name!r}: `cairn admin user ls` lists them")
    return _user(row)


def list_users(store: Store) -> list[User]:
    with store._read() as conn:
        return [_user(r) for r in conn.execute(select(users).order_by(users.c.name))]


@dataclass(frozen=True)
class KeyUse:
    live: int
    """Keys not revoked."""
    last_used_at: float | None
    """The last request with any of the user's keys, revoked ones too; None: never."""


def key_use(store: Store) -> dict[str, KeyUse]:
    """``{user: KeyUse}`` for every user who ever had a key (one statement, for a listing)."""
    live = func.sum(case((api_keys.c.revoked_at.is_(None), 1), else_=0))
    query = (
        select(users.c.name, live.label("live"), func.max(api_keys.c.last_used_at).label("last"))
        .join(api_keys, api_keys.c.user_id == users.c.id)
        .group_by(users.c.name)
    )
    with store._read() as conn:
        return {r.name: KeyUse(int(r.live), r.last) for r in conn.execute(query)}


def set_password_hash(store: Store, name: str, password_hash: str | None) -> None:
    """Set (None: remove) ``name``'s password and, in the same transaction, end every browser
    session of theirs: whoever signed in with the old password is signed out."""
    with store._write() as conn:
        done = conn.execute(
            update(users)
            .where(users.c.name == name)
            .values(password_hash=password_hash)
            .returning(users.c.id)
        ).scalar()
        if done is None:
            raise AccountError(f"no user named {name!r}")
        conn.execute(delete(sessions).where(sessions.c.user_id == done))


MAX_ID = 2**31 - 1
"""The largest id an SQL INTEGER column holds (PostgreSQL's)."""
KEY_NAME_CHARS = 100
"""The longest name of an API key (what it is for)."""


def add_key(
    store: Store,
    user: str,
    *,
    name: str,
    prefix: str,
    digest: str,
    at_most: int | None = None,
) -> ApiKey:
    """Record a new key of ``user`` by its ``digest`` (the caller shows the key once).
    ``at_most``: refuse when ``user`` has that many live keys already."""
    name = _key_name(name)
    owner = get_user(store, user)
    with store._write() as conn:
        if at_most is not None:
            live = conn.execute(
                select(func.count())
                .select_from(api_keys)
                .where((api_keys.c.user_id == owner.id) & api_keys.c.revoked_at.is_(None))
            ).scalar_one()
            if live >= at_most:
                raise AccountError(
                    f"{user} has {live} API keys, the most a user may have: revoke one you no "
                    "longer use first"
                )
        key = conn.execute(
            insert(api_keys).values(
                user_id=owner.id, name=name, prefix=prefix, digest=digest, created_at=time.time()
            )
        ).inserted_primary_key
    assert key is not None
    return _keys(store, api_keys.c.id == int(key[0]))[0]


def _key_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > KEY_NAME_CHARS or not name.isprintable():
        raise AccountError(
            f"{name[:KEY_NAME_CHARS]!r} is not a key name: say what the key is for in 1 to "
            f"{KEY_NAME_CHARS} printable characters"
        )
    return name


def list_keys(store: Store, user: str | None = None, *, live: bool = False) -> list[ApiKey]:
    """Every key (of ``user``), oldest first; revoked ones too unless ``live``."""
    where = users.c.name == user if user is not None else None
    if live:
        alive = api_keys.c.revoked_at.is_(None)
        where = alive if where is None else where & alive
    return _keys(store, where)


def revoke_key(store: Store, key_id: int, *, user: str | None = None) -> ApiKey:
    """Revoke key ``key_id`` (only if it is ``user``'s, when given: another user's key reads
    as missing)."""
    if not 0 < key_id <= MAX_ID:  # SQL would refuse it (SQLite with an OverflowError)
        raise AccountError(f"no API key with id {key_id}: `cairn admin key ls` lists them")
    mine = api_keys.c.id == key_id
    if user is not None:
        mine = mine & api_keys.c.user_id.in_(select(users.c.id).where(users.c.name == user))
    with store._write() as conn:
        done = conn.execute(
            update(api_keys)
            .where(mine & api_keys.c.revoked_at.is_(None))
            .values(revoked_at=time.time())
        )
    found = _keys(store, mine)
    if not found:
        raise AccountError(f"no API key with id {key_id}: `cairn admin key ls` lists them")
    if done.rowcount == 0:
        raise AccountError(f"API key {key_id} was revoked already")
    return found[0]


def user_of_key(store: Store, digest: str, now: float | None = None) -> User | None:
    """The user a live (not revoked) key belongs to, by the key's digest; marks it used."""
    now = time.time() if now is None else now
    with store._lookup() as conn:
        row = conn.execute(_USER_OF_KEY, {"digest": digest}).first()
    if row is None:
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        with store._write() as conn:
            conn.execute(
                update(api_keys).where(api_keys.c.id == row.key_id).values(last_used_at=now)
            )
    return _user(row)


_USER_OF_KEY = (
    select(users, api_keys.c.id.label("key_id"), api_keys.c.last_used_at)
    .join(api_keys, api_keys.c.user_id == users.c.id)
    .where((api_keys.c.digest == bindparam("digest")) & api_keys.c.revoked_at.is_(None))
)
"""The user of a live key, by its digest (every request with a key: built once)."""


def found_project(store: Store, project: str, user: str) -> bool:
    """Create ``project`` with ``user`` as its admin (a project is its first logger's); False,
    changing nothing, when it exists: another request may have made it a moment ago."""
    owner = get_user(store, user)
    with store._write() as conn:
        made = conn.execute(
            upsert(conn, projects)
            .values(name=_checked(project), created_at=time.time(), run_counter=0)
            .on_conflict_do_nothing(index_elements=[projects.c.name])
            .returning(projects.c.id)
        ).scalar()
        if made is None:
            return False
        conn.execute(insert(project_roles).values(project_id=made, user_id=owner.id, role="admin"))
    return True


def set_role(store: Store, project: str, user: str, role: str | None) -> None:
    """Give ``user`` ``role`` on ``project`` (created when missing); None takes it away.
    AccountError when that would leave the project without an admin (``members``)."""
    if role is not None and role not in ROLES:
        raise AccountError(f"{role!r} is not a role: use one of {', '.join(ROLES)}")
    owner = get_user(store, user)
    with store._write() as conn:
        replace_role(conn, _project_id(conn, project), role, user_id=owner.id)


def roles(store: Store, user: str) -> dict[str, str]:
    """``{project: role}`` of ``user``'s grants (an admin user has every role everywhere)."""
    with store._read() as conn:
        rows = conn.execute(
            select(projects.c.name, project_roles.c.role)
            .join(project_roles, project_roles.c.project_id == projects.c.id)
            .join(users, users.c.id == project_roles.c.user_id)
            .where(users.c.name == user)
        ).all()
    return {r.name: r.role for r in rows}


def role_on(store: Store, user: User | None, project: str) -> str | None:
    """What ``user`` (None: anonymous) may do on ``project``: the highest of their own role and
    their teams' roles, at least ``viewer`` on a public project (and on a ``team`` one when
    signed in), ``admin`` for a server admin; None when the project is hidden from them (or
    missing)."""
    if user is not None and user.is_admin:
        return "admin"
    with store._lookup() as conn:  # every request's check: one statement, built once
        if user is None:
            found = conn.execute(_PUBLIC_ROLE, {"project": project}).scalars().all()
        else:
            found = conn.execute(_ROLES_ON, {"project": project, "user": user.id}).scalars().all()
    return max(found, key=ROLES.index) if found else None


_PUBLIC_ROLE = select(literal("viewer")).where(
    (projects.c.name == bindparam("project")) & (projects.c.visibility == "public")
)
"""``viewer`` when the project is public (no rows: private, team or missing)."""
_ROLES_ON = union_all(
    select(literal("viewer")).where(
        (projects.c.name == bindparam("project")) & projects.c.visibility.in_(SIGNED_IN_READ)
    ),
    select(project_roles.c.role)
    .join(projects, projects.c.id == project_roles.c.project_id)
    .where(
        (projects.c.name == bindparam("project")) & (project_roles.c.user_id == bindparam("user"))
    ),
    select(team_roles.c.role)
    .join(projects, projects.c.id == team_roles.c.project_id)
    .join(team_members, team_members.c.team_id == team_roles.c.team_id)
    .where(
        (projects.c.name == bindparam("project")) & (team_members.c.user_id == bindparam("user"))
    ),
)
"""Every role a signed-in user has on a project: by its visibility, their own, their teams'."""


def readable_projects(store: Store, user: User | None) -> set[str] | None:
    """The names of the projects ``user`` (None: anonymous) may read; None: all of them."""
    if user is not None and user.is_admin:
        return None
    open_to = ("public",) if user is None else SIGNED_IN_READ
    public = select(projects.c.name).where(projects.c.visibility.in_(open_to))
    with store._read() as conn:
        names = {name for (name,) in conn.execute(public)}
        if user is not None:
            names.update(
                conn.execute(
                    select(projects.c.name)
                    .join(project_roles, project_roles.c.project_id == projects.c.id)
                    .where(project_roles.c.user_id == user.id)
                ).scalars()
            )
            names.update(
                conn.execute(
                    select(projects.c.name)
                    .join(team_roles, team_roles.c.project_id == projects.c.id)
                    .join(team_members, team_members.c.team_id == team_roles.c.team_id)
                    .where(team_members.c.user_id == user.id)
                ).scalars()
            )
    return names


def set_visibility(store: Store, project: str, visibility: str) -> None:
    """Make ``project`` (created when missing) ``private``, ``team`` or ``public``
    (``VISIBILITIES``)."""
    if visibility not in VISIBILITIES:
        raise AccountError(
            f"{visibility!r} is not a visibility: use one of {', '.join(VISIBILITIES)}"
        )
    with store._write() as conn:
        project_id = _project_id(conn, project)
        conn.execute(
            update(projects).where(projects.c.id == project_id).values(visibility=visibility)
        )


# ---- teams ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Team:
    name: str
    members: list[str]
    roles: dict[str, str]
    """``{project: role}`` given to the team."""


def create_team(store: Store, name: str) -> None:
    """A new, empty team. ``name``: as a user name."""
    if not _NAME.match(name):
        raise AccountError(
            f"{name!r} is not a team name: use letters, digits, '.', '_' and '-' (at most 64)"
        )
    try:
        with store._write() as conn:
            conn.execute(insert(teams).values(name=name, created_at=time.time()))
    except IntegrityError:
        raise AccountError(f"there is a team named {name!r} already") from None


def list_teams(store: Store) -> list[Team]:
    with store._read() as conn:
        rows = conn.execute(select(teams.c.id, teams.c.name).order_by(teams.c.name)).all()
        out = []
        for row in rows:
            members = conn.execute(
                select(users.c.name)
                .join(team_members, team_members.c.user_id == users.c.id)
                .where(team_members.c.team_id == row.id)
                .order_by(users.c.name)
            ).scalars()
            grants = conn.execute(
                select(projects.c.name, team_roles.c.role)
                .join(team_roles, team_roles.c.project_id == projects.c.id)
                .where(team_roles.c.team_id == row.id)
            ).all()
            out.append(Team(row.name, list(members), {g.name: g.role for g in grants}))
    return out


def set_member(store: Store, team: str, user: str, member: bool) -> None:
    """Put ``user`` in ``team`` (``member=True``) or take them out; AccountError when that
    would leave a project the team administers without an admin (``members``)."""
    team_id = _team_id(store, team)
    owner = get_user(store, user)
    with store._write() as conn:
        replace_team_member(conn, team_id, owner.id, member)


def set_team_role(store: Store, project: str, team: str, role: str | None) -> None:
    """Give every member of ``team`` ``role`` on ``project`` (created when missing); None takes
    it away. AccountError when that would leave the project without an admin (``members``)."""
    if role is not None and role not in ROLES:
        raise AccountError(f"{role!r} is not a role: use one of {', '.join(ROLES)}")
    team_id = _team_id(store, team)
    with store._write() as conn:
        replace_role(conn, _project_id(conn, project), role, team_id=team_id)


def _project_id(conn: Any, project: str) -> int:
    """The id of ``project``, created when missing (its name checked as the SDK checks it)."""
    return ensure_project(conn, _checked(project), time.time())


def _checked(project: str) -> str:
    try:
        check_project(project)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    return project


def _team_id(store: Store, name: str) -> int:
    with store._read() as conn:
        found = conn.execute(select(teams.c.id).where(teams.c.name == name)).scalar()
    if found is None:
        raise AccountNotFoundError(f"no team named {name!r}: `cairn admin team ls` lists them")
    return int(found)


# ---- the first admin ---------------------------------------------------------------------


def add_setup_token(store: Store, digest: str, expires_at: float) -> None:
    """Record the one setup token (by its digest), replacing any older one."""
    with store._write() as conn:
        conn.execute(delete(setup_tokens))
        conn.execute(insert(setup_tokens).values(digest=digest, expires_at=expires_at))


def create_first_admin(store: Store, digest: str, name: str, password_hash: str) -> User:
    """Create the first user, a server admin, if the setup token is live and there is no user
    yet; the token is used up. AccountError otherwise."""
    with store._write() as conn:
        # deleting it is the claim: of two requests at once, one deletes the row, one finds none
        used = conn.execute(
            delete(setup_tokens).where(
                (setup_tokens.c.digest == digest) & (setup_tokens.c.expires_at > time.time())
            )
        ).rowcount
        if used != 1:
            raise AccountError(
                "this setup link is not valid: it expired, was used, or was never made; "
                "restart `cairn server` for a new one, or run `cairn admin user create`"
            )
        if conn.execute(select(func.count()).select_from(users)).scalar_one():
            raise AccountError("this server has users already: sign in instead")
    return create_user(store, name, password_hash=password_hash, is_admin=True)


# ---- browser sessions and login attempts -----------------------------------------------------


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    expires_at: float


def add_session(store: Store, user: User, *, digest: str, csrf: str, expires_at: float) -> None:
    """Record a session by its token's ``digest`` (the cookie holds the token)."""
    now = time.time()
    with store._write() as conn:
        conn.execute(delete(sessions).where(sessions.c.expires_at < now))
        conn.execute(
            insert(sessions).values(
                digest=digest, user_id=user.id, csrf=csrf, created_at=now, expires_at=expires_at
            )
        )


def get_session(store: Store, digest: str, now: float | None = None) -> Session | None:
    """The live session with this token digest, with its user; None when unknown or expired."""
    now = time.time() if now is None else now
    with store._read() as conn:
        row = conn.execute(
            select(users, sessions.c.csrf, sessions.c.expires_at)
            .join(sessions, sessions.c.user_id == users.c.id)
            .where((sessions.c.digest == digest) & (sessions.c.expires_at > now))
        ).first()
    if row is None:
        return None
    return Session(_user(row), row.csrf, row.expires_at)


def end_session(store: Store, digest: str) -> None:
    with store._write() as conn:
        conn.execute(delete(sessions).where(sessions.c.digest == digest))


def end_sessions(store: Store, user: str) -> None:
    """Sign ``user`` out everywhere (after a password change)."""
    owner = get_user(store, user)
    with store._write() as conn:
        conn.execute(delete(sessions).where(sessions.c.user_id == owner.id))


def record_failed_login(store: Store, name: str, address: str) -> None:
    now = time.time()
    with store._write() as conn:
        conn.execute(delete(login_attempts).where(login_attempts.c.at < now - 86400))
        conn.execute(insert(login_attempts).values(name=name[:64], address=address[:64], at=now))


def failed_logins(store: Store, *, name: str, address: str, since: float) -> tuple[int, int]:
    """Failed logins since ``since``: (for this user name, from this address)."""
    with store._read() as conn:
        by_name = conn.execute(
            select(func.count()).where(
                (login_attempts.c.name == name[:64]) & (login_attempts.c.at >= since)
            )
        ).scalar_one()
        by_address = conn.execute(
            select(func.count()).where(
                (login_attempts.c.address == address[:64]) & (login_attempts.c.at >= since)
            )
        ).scalar_one()
    return int(by_name), int(by_address)


def _keys(store: Store, where: ColumnElement[bool] | None) -> list[ApiKey]:
    query = (
        select(api_keys, users.c.name.label("user"))
        .join(users, users.c.id == api_keys.c.user_id)
        .order_by(api_keys.c.id)
    )
    if where is not None:
        query = query.where(where)
    with store._read() as conn:
        return [
            ApiKey(
                id=r.id,
                user=r.user,
                name=r.name,
                prefix=r.prefix,
                created_at=r.created_at,
                last_used_at=r.last_used_at,
                revoked_at=r.revoked_at,
            )
            for r in conn.execute(query)
        ]


def _user(row: Any) -> User:
    return User(
        id=row.id,
        name=row.name,
        is_admin=bool(row.is_admin),
        created_at=row.created_at,
        password_hash=row.password_hash,
    )
