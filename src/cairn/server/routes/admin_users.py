"""``/admin/users``: a server admin manages users and their API keys from the dashboard's Users
page (``cairn server``; ``cairn ui`` has no accounts and answers 400), as ``cairn admin user`` and
``cairn admin key`` do on the database host, through the same store functions.

No answer holds a key (but the one that makes it) or a password hash: a user shows whether they
have a password, a key its first characters. Making a user (who may come with a password), a
key for a user, or a password needs the admin's browser session (``Need.SERVER_ADMIN_SESSION``):
an admin key that leaked cannot make credentials that outlive revoking it. Listing and revoking
take a key too (a script may revoke a key that leaked). Keys are shown as ``routes.keys`` shows
a user's own, and answer the same 404 for an id that is missing or another user's.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from cairn.errors import AccountError
from cairn.server.auth.credentials import MIN_PASSWORD, hash_password
from cairn.server.deps import StoreDep
from cairn.server.routes.keys import KeyInfo, KeyRequest, NewKeyInfo, key_info, make_key, revoke_of
from cairn.server.schemas import ApiError, RequestBody
from cairn.store import Store
from cairn.store.accounts import (
    KeyUse,
    User,
    create_user,
    get_user,
    key_use,
    list_keys,
    list_users,
    set_password_hash,
)

router = APIRouter(tags=["admin"])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ApiError},
    401: {"model": ApiError},
    403: {"model": ApiError},
    404: {"model": ApiError},
}


class UserInfo(BaseModel):
    name: str
    is_admin: bool = Field(description="A server admin: every role on every project")
    has_password: bool = Field(
        description="Signs in from a browser; false: API keys only (a bot, CI)"
    )
    created_at: float = Field(description="unix seconds")
    keys: int = Field(description="Live (not revoked) API keys")
    last_used_at: float | None = Field(
        description="unix seconds of the last request with any of the user's keys; null: never"
    )


class NewUser(RequestBody):
    name: str = Field(min_length=1, max_length=64, description="Letters, digits, '.', '_' and '-'")
    is_admin: bool = False
    password: str | None = Field(
        default=None,
        min_length=1,
        max_length=1024,
        description=f"At least {MIN_PASSWORD} characters; null: API keys only",
    )


class PasswordChange(RequestBody):
    password: str = Field(
        min_length=1, max_length=1024, description=f"At least {MIN_PASSWORD} characters"
    )


@router.get("/admin/users", response_model=list[UserInfo], responses=ERRORS)
def users(request: Request, store: StoreDep) -> list[UserInfo]:
    """Every user of the server by name, with their live keys and their keys' last use."""
    _accounts(request)
    use = key_use(store)
    return [_info(u, use.get(u.name)) for u in list_users(store)]


@router.post("/admin/users", status_code=201, response_model=UserInfo, responses=ERRORS)
def add_user(body: NewUser, request: Request, store: StoreDep) -> UserInfo:
    """Make a user, a server admin or not, with a password (signs in from a browser) or
    without (API keys only: make one next); from an admin's browser session only."""
    _accounts(request)
    password_hash = None if body.password is None else _hashed(body.password)
    try:
        made = create_user(store, body.name, password_hash=password_hash, is_admin=body.is_admin)
    except AccountError as exc:
        raise HTTPException(400, str(exc)) from None
    return _info(made, None)


@router.get("/admin/users/{user}/keys", response_model=list[KeyInfo], responses=ERRORS)
def user_keys(user: str, request: Request, store: StoreDep) -> list[KeyInfo]:
    """``user``'s live API keys, oldest first (never the keys themselves)."""
    _accounts(request)
    name = _known(store, user).name
    return [key_info(k) for k in list_keys(store, name, live=True)]


@router.post(
    "/admin/users/{user}/keys", status_code=201, response_model=NewKeyInfo, responses=ERRORS
)
def add_user_key(user: str, body: KeyRequest, request: Request, store: StoreDep) -> NewKeyInfo:
    """A new API key of ``user``, answered this once (a user without a password gets theirs
    this way); from an admin's browser session only."""
    _accounts(request)
    return make_key(store, _known(store, user).name, body.name)


@router.delete("/admin/users/{user}/keys/{key_id}", response_model=KeyInfo, responses=ERRORS)
def revoke_user_key(user: str, key_id: int, request: Request, store: StoreDep) -> KeyInfo:
    """Revoke one of ``user``'s API keys: it stops working at once."""
    _accounts(request)
    return revoke_of(store, user, key_id, whose=f"{user!r} has", listing=f"admin/users/{user}/keys")


@router.put("/admin/users/{user}/password", response_model=UserInfo, responses=ERRORS)
def set_password(user: str, body: PasswordChange, request: Request, store: StoreDep) -> UserInfo:
    """Set or reset ``user``'s password and sign them out of every browser (as ``cairn admin
    user password``); from an admin's browser session only."""
    _accounts(request)
    name = _known(store, user).name
    set_password_hash(store, name, _hashed(body.password))  # ends their sessions too
    return _info(get_user(store, name), key_use(store).get(name))


def _accounts(request: Request) -> None:
    """400 on ``cairn ui``, which has no accounts."""
    if not request.app.state.auth:
        raise HTTPException(
            400,
            "this server has no accounts (cairn ui): there are no users to manage; "
            "`cairn server` has users and API keys",
        )


def _known(store: Store, name: str) -> User:
    try:
        return get_user(store, name)
    except AccountError:
        raise HTTPException(
            404, f"no user named {name!r} on this server: GET /api/v1/admin/users lists them"
        ) from None


def _hashed(password: str) -> str:
    try:
        return hash_password(password)
    except ValueError as exc:  # too short
        raise HTTPException(400, str(exc)) from None


def _info(user: User, use: KeyUse | None) -> UserInfo:
    return UserInfo(
        name=user.name,
        is_admin=user.is_admin,
        has_password=user.password_hash is not None,
        created_at=user.created_at,
        keys=0 if use is None else use.live,
        last_used_at=None if use is None else use.last_used_at,
    )
