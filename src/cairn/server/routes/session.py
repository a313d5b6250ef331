"""``/health`` and ``/auth``: whether the server is up, and signing in and out of a browser
session (``cairn server``; ``cairn ui`` has no accounts).

A session is a random token in an HttpOnly cookie (SameSite=Lax, Secure on HTTPS); the store
keeps its sha256. Writes made with the cookie must echo the session's CSRF token, which the
dashboard reads from a second cookie that scripts of other sites cannot read. Failed logins are
counted in the database, so every server process sees them: after ``MAX_FAILURES_PER_NAME``
for one user name or ``MAX_FAILURES_PER_ADDRESS`` from one address within ``WINDOW`` seconds,
logins are refused with 429 until the window has passed.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field

from cairn._version import __version__
from cairn.errors import AccountError
from cairn.server.auth.access import CSRF_COOKIE, SESSION_COOKIE, Caller
from cairn.server.auth.credentials import check_password, hash_password, key_digest
from cairn.server.deps import StoreDep
from cairn.server.schemas import ApiError, RequestBody
from cairn.store import Store
from cairn.store.accounts import (
    User,
    add_session,
    create_first_admin,
    end_session,
    failed_logins,
    get_user,
    record_failed_login,
)

router = APIRouter(tags=["session"])

SESSION_SECONDS = 14 * 86400
WINDOW = 900.0
MAX_FAILURES_PER_NAME = 10
MAX_FAILURES_PER_ADDRESS = 50


class IngestStatus(BaseModel):
    queued: int = Field(description="Batches of records acknowledged and not applied yet")
    failing: int = Field(
        description="Of those, batches whose last apply failed (the server's "
        "log says why; they are tried again)"
    )
    oldest_seconds: float = Field(description="How long the oldest queued batch has waited")


class GateStatus(BaseModel):
    busy: int = Field(description="Batches of records this worker has in hand")
    limit: int = Field(description="Batches it takes at once (0: no limit)")
    refused: int = Field(description="Batches it told to come back later, since it started")


class Health(BaseModel):
    status: str
    version: str
    accounts: bool = Field(description="Whether callers sign in (cairn server) or not (cairn ui)")
    ingest: IngestStatus | None = Field(
        default=None, description="The ingest queue (cairn server); null: batches apply at once"
    )
    gate: GateStatus = Field(description="The answering worker's batches in hand")


class Login(RequestBody):
    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class Me(BaseModel):
    accounts: bool = Field(description="False on cairn ui: no accounts, everything allowed")
    user: str | None = Field(description="The signed-in user; None: signed out")
    is_admin: bool


@router.get("/health", response_model=Health)
def health(request: Request) -> dict[str, Any]:
    """Whether the server answers (for load balancers and scripts), how many batches of records
    wait to be applied, and the answering worker's batches in hand (``gate``: taken and not
    done, how many it takes at once, 0 for no limit, and how many it told to come back since
    it started); needs no sign-in."""
    queue = request.app.state.ingest_queue
    ingest = None if queue is None else asdict(queue.status())
    return {
        "status": "ok",
        "version": __version__,
        "accounts": request.app.state.auth,
        "ingest": ingest,
        "gate": request.app.state.ingest_gate.status(),
    }


@router.get("/auth/me", response_model=Me)
def me(request: Request) -> dict[str, Any]:
    """Who the request is from."""
    caller: Caller = request.state.caller
    user = caller.user
    return {
        "accounts": request.app.state.auth,
        "user": None if user is None else user.name,
        "is_admin": caller.local or (user is not None and user.is_admin),
    }


@router.post(
    "/auth/login",
    status_code=204,
    response_class=Response,
    responses={401: {"model": ApiError}, 429: {"model": ApiError}},
)
def login(body: Login, request: Request, store: StoreDep) -> Response:
    """Sign in with a user name and password: sets the session cookies."""
    if not request.app.state.auth:
        raise HTTPException(400, "this server has no accounts (cairn ui): there is no sign-in")
    address = request.client.host if request.client else "unknown"
    by_name, by_address = failed_logins(
        store, name=body.name, address=address, since=time.time() - WINDOW
    )
    if by_name >= MAX_FAILURES_PER_NAME or by_address >= MAX_FAILURES_PER_ADDRESS:
        raise HTTPException(
            429,
            f"too many failed sign-ins; try again in {WINDOW / 60:.0f} minutes, or ask a server "
            "admin to set a new password (`cairn admin user password`)",
            headers={"Retry-After": str(int(WINDOW))},
        )
    try:
        user = get_user(store, body.name)
    except AccountError:
        user = None
    if not check_password(user.password_hash if user else None, body.password) or user is None:
        record_failed_login(store, body.name, address)
        raise HTTPException(401, "wrong user name or password")
    return _signed_in(request, store, user)


def _signed_in(request: Request, store: Store, user: User) -> Response:
    """A 204 that starts a browser session of ``user``: its cookies, its row in the store."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    expires = time.time() + SESSION_SECONDS
    add_session(store, user, digest=key_digest(token), csrf=csrf, expires_at=expires)
    response = Response(status_code=204)
    secure = request.url.scheme == "https"
    for name, value, http_only in ((SESSION_COOKIE, token, True), (CSRF_COOKIE, csrf, False)):
        response.set_cookie(
            name,
            value,
            max_age=SESSION_SECONDS,
            path="/",
            secure=secure,
            httponly=http_only,
            samesite="lax",
        )
    return response


class Setup(RequestBody):
    token: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


@router.post(
    "/auth/setup",
    status_code=204,
    response_class=Response,
    responses={400: {"model": ApiError}, 403: {"model": ApiError}},
)
def setup(body: Setup, request: Request, store: StoreDep) -> Response:
    """Create the first user, a server admin, with the one-time token of the setup link
    ``cairn server`` printed on a database without users; signs them in."""
    if not request.app.state.auth:
        raise HTTPException(400, "this server has no accounts (cairn ui): there is no setup")
    try:
        password_hash = hash_password(body.password)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    try:
        user = create_first_admin(store, key_digest(body.token), body.name, password_hash)
    except AccountError as exc:
        raise HTTPException(403, str(exc)) from None
    return _signed_in(request, store, user)


@router.post("/auth/logout", status_code=204, response_class=Response)
def logout(request: Request, store: StoreDep) -> Response:
    """End the browser session (its cookie stops working everywhere at once)."""
    token = request.cookies.get(SESSION_COOKIE)
    if token is not None:
        end_session(store, key_digest(token))
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response
