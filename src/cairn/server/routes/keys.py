"""``/auth/keys``: the signed-in caller's own API keys (``cairn server``; ``cairn ui`` has no
accounts and answers 400).

A key is shown once, in the answer that creates it; the store keeps its sha256 and its first
characters (``prefix``), so a listing tells keys apart and never holds one. A caller may list,
create and revoke only their own keys: another user's key id is answered as a missing one (404),
so ids tell nothing. A key is made only from a browser session (signed in with the user's
password): a key that leaked cannot make more keys that would outlive revoking it. A caller
signed in with an API key may list and revoke (a script may revoke the key it came with: it
stops working after that answer). Other users' keys are a server admin's: ``routes.admin_users``
(the dashboard's Users page), or `cairn admin key` on the database host.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from cairn.errors import AccountError
from cairn.server.auth.access import Caller
from cairn.server.auth.credentials import new_key
from cairn.server.deps import StoreDep
from cairn.server.schemas import ApiError, RequestBody
from cairn.store import Store
from cairn.store.accounts import KEY_NAME_CHARS, ApiKey, User, add_key, list_keys, revoke_key

router = APIRouter(tags=["session"])

MAX_KEYS = 100
"""Live keys a user may have at once."""


class KeyInfo(BaseModel):
    id: int
    name: str = Field(description="What the key is for")
    prefix: str = Field(description="The key's first characters, to tell keys apart")
    created_at: float = Field(description="unix seconds")
    last_used_at: float | None = Field(
        description="unix seconds of its last request (updated at most once a minute); null: never"
    )


class NewKeyInfo(KeyInfo):
    key: str = Field(description="The key itself: shown this once, never stored")


class KeyRequest(RequestBody):
    name: str = Field(min_length=1, max_length=KEY_NAME_CHARS, description="What it is for")


@router.get("/auth/keys", response_model=list[KeyInfo], responses={400: {"model": ApiError}})
def keys(request: Request, store: StoreDep) -> list[KeyInfo]:
    """The caller's live API keys, oldest first (never the keys themselves)."""
    return [key_info(k) for k in list_keys(store, _user(request).name, live=True)]


@router.post(
    "/auth/keys",
    status_code=201,
    response_model=NewKeyInfo,
    responses={400: {"model": ApiError}, 403: {"model": ApiError}},
)
def create_key(body: KeyRequest, request: Request, store: StoreDep) -> NewKeyInfo:
    """A new API key of the caller, answered this once (``cairn login URL`` takes it); from
    a browser session only (403 for a caller signed in with a key)."""
    return make_key(store, _user(request).name, body.name)


@router.delete(
    "/auth/keys/{key_id}",
    response_model=KeyInfo,
    responses={400: {"model": ApiError}, 404: {"model": ApiError}},
)
def revoke(key_id: int, request: Request, store: StoreDep) -> KeyInfo:
    """Revoke one of the caller's API keys: it stops working at once."""
    return revoke_of(store, _user(request).name, key_id, whose="you have", listing="auth/keys")


def make_key(store: Store, user: str, name: str) -> NewKeyInfo:
    """A new key of ``user``, answered with the key this once; 400 past ``MAX_KEYS`` or for a
    bad name."""
    made = new_key()
    try:
        info = add_key(
            store, user, name=name, prefix=made.prefix, digest=made.digest, at_most=MAX_KEYS
        )
    except AccountError as exc:
        raise HTTPException(400, str(exc)) from None
    return NewKeyInfo(**key_info(info).model_dump(), key=made.secret)


def revoke_of(store: Store, user: str, key_id: int, *, whose: str, listing: str) -> KeyInfo:
    """Revoke ``user``'s live key ``key_id``; 404 when it is missing, another user's or revoked
    already (one answer, so ids tell nothing), pointing to the ``listing`` route."""
    try:
        return key_info(revoke_key(store, key_id, user=user))
    except AccountError:
        raise HTTPException(
            404, f"{whose} no live API key with id {key_id}: GET /api/v1/{listing} lists them"
        ) from None


def _user(request: Request) -> User:
    """The signed-in caller (the route's access check made sure of it); 400 on ``cairn ui``."""
    if not request.app.state.auth:
        raise HTTPException(
            400, "this server has no accounts (cairn ui): there are no API keys to manage"
        )
    caller: Caller = request.state.caller
    assert caller.user is not None
    return caller.user


def key_info(key: ApiKey) -> KeyInfo:
    """What a listing shows of a key: never the key, nor its hash."""
    return KeyInfo(
        id=key.id,
        name=key.name,
        prefix=key.prefix,
        created_at=key.created_at,
        last_used_at=key.last_used_at,
    )
