"""``/projects/{project}/members`` and ``/projects/{project}/visibility``: who may do what on a
project, managed by its admins (and server admins) on ``cairn server``.

Any signed-in reader of the project may see its members and its visibility (and their own
role, so the dashboard knows whether to offer the settings); a signed-out reader of a public
project may not (names of people are not published). Changes are the project admins'
(``auth.access``); a change that would leave the project without an admin is refused with
400 (``store.members``). ``cairn ui`` has no accounts: these routes answer 400 there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from cairn.errors import AccountError, AccountNotFoundError
from cairn.server.auth.access import Caller
from cairn.server.deps import StoreDep
from cairn.server.schemas import ApiError, RequestBody
from cairn.store import Store
from cairn.store.accounts import set_role, set_team_role, set_visibility
from cairn.store.members import project_members

router = APIRouter(tags=["members"])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ApiError},
    401: {"model": ApiError},
    404: {"model": ApiError},
}

Role = Literal["viewer", "editor", "admin"]
Visibility = Literal["private", "team", "public"]


class Member(BaseModel):
    name: str
    role: Role


class ProjectMembers(BaseModel):
    visibility: Visibility = Field(
        description="private: its members only; team: every signed-in user of this server "
        "may read it; public: anyone may read it, signed in or not"
    )
    role: Role | None = Field(description="The caller's own role on the project")
    users: list[Member] = Field(description="Users given a role themselves, by name")
    teams: list[Member] = Field(description="Teams given a role (each member has it), by name")


class RoleChange(RequestBody):
    role: Role


class VisibilityChange(RequestBody):
    visibility: Visibility


@router.get("/projects/{project}/members", response_model=ProjectMembers, responses=ERRORS)
def members(project: str, store: StoreDep, request: Request) -> dict[str, Any]:
    """The project's users and teams with their roles, its visibility, and the caller's role."""
    caller = _with_accounts(request)
    if caller.user is None:
        raise HTTPException(401, "sign in to see who the members of a project are")
    return _answer(store, project, caller)


@router.put(
    "/projects/{project}/members/users/{user}", response_model=ProjectMembers, responses=ERRORS
)
def grant_user(
    project: str, user: str, body: RoleChange, store: StoreDep, request: Request
) -> dict[str, Any]:
    """Give ``user`` ``role`` on the project (or change it)."""
    return _change(
        request, store, project, lambda: set_role(store, project, user, body.role), f"user {user!r}"
    )


@router.delete(
    "/projects/{project}/members/users/{user}", response_model=ProjectMembers, responses=ERRORS
)
def remove_user(project: str, user: str, store: StoreDep, request: Request) -> dict[str, Any]:
    """Take ``user``'s own role on the project away (a team's role stays theirs)."""
    return _change(
        request, store, project, lambda: set_role(store, project, user, None), f"user {user!r}"
    )


@router.put(
    "/projects/{project}/members/teams/{team}", response_model=ProjectMembers, responses=ERRORS
)
def grant_team(
    project: str, team: str, body: RoleChange, store: StoreDep, request: Request
) -> dict[str, Any]:
    """Give every member of ``team`` ``role`` on the project (or change it)."""
    return _change(
        request,
        store,
        project,
        lambda: set_team_role(store, project, team, body.role),
        f"team {team!r}",
    )


@router.delete(
    "/projects/{project}/members/teams/{team}", response_model=ProjectMembers, responses=ERRORS
)
def remove_team(project: str, team: str, store: StoreDep, request: Request) -> dict[str, Any]:
    """Take ``team``'s role on the project away."""
    return _change(
        request, store, project, lambda: set_team_role(store, project, team, None), f"team {team!r}"
    )


@router.put("/projects/{project}/visibility", response_model=ProjectMembers, responses=ERRORS)
def change_visibility(
    project: str, body: VisibilityChange, store: StoreDep, request: Request
) -> dict[str, Any]:
    """Make the project private, team (every signed-in user reads it) or public."""
    return _change(request, store, project, lambda: set_visibility(store, project, body.visibility))


def _with_accounts(request: Request) -> Caller:
    caller: Caller = request.state.caller
    if caller.local:
        raise HTTPException(
            400,
            "this server has no accounts (cairn ui): projects have no members here; "
            "`cairn server` has users, roles and visibility",
        )
    return caller


def _change(
    request: Request,
    store: Store,
    project: str,
    change: Callable[[], None],
    member: str = "",
) -> dict[str, Any]:
    """``change`` the project's roles or visibility, and answer with what they are now;
    ``member``: the user or team changed (for the answer when there is none such)."""
    caller = _with_accounts(request)
    store.project(project)  # 404 when missing: a server admin passes the check on any name
    try:
        change()
    except AccountNotFoundError:
        raise HTTPException(
            404, f"no {member} on this server: check the name, or ask a server admin to make it"
        ) from None
    except AccountError as exc:  # the last admin
        raise HTTPException(400, str(exc)) from None
    return _answer(store, project, caller)


def _answer(store: Store, project: str, caller: Caller) -> dict[str, Any]:
    found = project_members(store, project)
    return {
        "visibility": found.visibility,
        "role": caller.role_on(store, project),
        "users": [{"name": m.name, "role": m.role} for m in found.users],
        "teams": [{"name": m.name, "role": m.role} for m in found.teams],
    }
