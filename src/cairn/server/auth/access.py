"""Who may call which route: the one table of permissions, and the dependency that enforces it.

Every route of the JSON API has an entry in ``ACCESS`` (``create_app`` refuses to start when one
has not, so a new route cannot go unchecked). On ``cairn ui`` there are no accounts: the caller
is the machine's user and may do everything (the server listens on loopback). On ``cairn
server`` the caller is found from an API key (``Authorization: Bearer cairn_…``) or a browser
session cookie, and must have, on the route's ``{project}``:

- ``viewer``: read it (a member with any role; any signed-in user on a ``team`` project;
  anyone, even signed out, on a public project);
- ``editor``: change runs, views, sweeps, artifacts' aliases, reports;
- ``admin``: manage the project (a member with the admin role, or a server admin).

Logging runs and creating a sweep (``Need.LOGGER``) need ``editor``, or, for a project that does
not exist yet, any signed-in user: their first write creates it, with them as its admin (the
route calls ``found_if_new`` once it has checked the write: a refused one makes no project).

Server-wide routes (``/admin/users``: users and their keys) need a server admin
(``Need.SERVER_ADMIN``). What hands out a credential, from a browser session only: a user's own
new key (``Need.SESSION``), and an admin making a user (who may come with a password), a key for
a user, or a password (``Need.SERVER_ADMIN_SESSION``: a server admin signed in with their
password, not with an API key). A key that leaked can then make no credential that would
outlive revoking it (an admin's key could otherwise make an admin with a password, or keys).

Answers: 401 when a signed-out caller needs to sign in; 404 when the project is not visible to
the caller (the same answer as a missing project: names do not leak); 403 when it is visible
but the caller's role is too low, and for a cookie-authenticated write without the session's
CSRF token.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from fastapi import HTTPException, Request

from cairn.errors import AccountError, ProjectNotFoundError
from cairn.names import check_project
from cairn.server.auth.credentials import key_digest, looks_like_key
from cairn.server.timing import phases
from cairn.store import Store
from cairn.store.accounts import (
    ROLES,
    Session,
    User,
    found_project,
    get_session,
    role_on,
    user_of_key,
)

SESSION_COOKIE = "cairn_session"
CSRF_COOKIE = "cairn_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Need(str, Enum):
    """What a route needs of its caller."""

    ANYONE = "anyone"
    """No check: health, login, and routes that show each caller only what they may see."""
    SIGNED_IN = "signed-in"
    SESSION = "session"
    """Signed in on a browser session (with a password), not with an API key: making API keys,
    so that a key that leaked cannot make more that would outlive revoking it."""
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"
    SERVER_ADMIN = "server-admin"
    """A server admin (every role on every project): managing users and their keys."""
    SERVER_ADMIN_SESSION = "server-admin-session"
    """A server admin on a browser session, as ``SESSION``: making a user, a key for a user,
    or a password, so that an admin key that leaked cannot make credentials that outlive it."""
    LOGGER = "logger"
    """Editor of the project; or signed in, for a project that does not exist yet (a write
    creates it, with the caller as its admin)."""


ACCESS: dict[str, Need] = {
    # the server and the caller
    "GET /health": Need.ANYONE,
    "POST /auth/login": Need.ANYONE,
    "POST /auth/setup": Need.ANYONE,  # needs the one-time token, and a server without users
    "POST /auth/logout": Need.ANYONE,
    "GET /auth/me": Need.ANYONE,
    # the caller's own API keys (another user's key id: 404, as a missing one)
    "GET /auth/keys": Need.SIGNED_IN,
    "POST /auth/keys": Need.SESSION,
    "DELETE /auth/keys/{key_id}": Need.SIGNED_IN,
    # users and their keys, a server admin's (routes.admin_users); what makes a credential
    # (a user, who may come with a password; a key; a password) from a browser session only
    "GET /admin/users": Need.SERVER_ADMIN,
    "POST /admin/users": Need.SERVER_ADMIN_SESSION,
    "GET /admin/users/{user}/keys": Need.SERVER_ADMIN,
    "POST /admin/users/{user}/keys": Need.SERVER_ADMIN_SESSION,
    "DELETE /admin/users/{user}/keys/{key_id}": Need.SERVER_ADMIN,
    "PUT /admin/users/{user}/password": Need.SERVER_ADMIN_SESSION,
    "GET /projects": Need.ANYONE,  # lists only the projects the caller may read
    "GET /runs": Need.ANYONE,  # cairn.Api: lists only the runs of projects the caller may read
    "GET /run": Need.ANYONE,  # cairn.Api: finds a run among those the caller may read
    # blobs are shared between projects: the route serves one only to a caller who may read a
    # project that refers to it, 404 to anyone else (auth.blobs); HEAD (whether the server
    # has the bytes) answers a reader, or an editor of some project
    "GET /blobs/{digest}": Need.ANYONE,
    "PUT /blobs/{digest}": Need.SIGNED_IN,  # checked against the digest; content-addressed
    "POST /blobs/{digest}/uploads": Need.SIGNED_IN,  # a pre-signed URL to an uploads/ key
    "POST /blobs/{digest}/uploads/{upload}": Need.SIGNED_IN,  # checked against the digest
    # large blobs in parts straight into S3 (routes.multipart), checked as the uploads above
    "POST /blobs/{digest}/multipart": Need.SIGNED_IN,
    "POST /blobs/{digest}/multipart/{upload}/parts": Need.SIGNED_IN,  # pre-signed part URLs
    "POST /blobs/{digest}/multipart/{upload}/complete": Need.SIGNED_IN,
    # large blobs in chunks through the server (routes.chunked), checked as the uploads above
    "POST /blobs/{digest}/chunked": Need.SIGNED_IN,
    "GET /blobs/{digest}/chunked/{upload}": Need.SIGNED_IN,  # HEAD: the bytes it holds
    "PUT /blobs/{digest}/chunked/{upload}": Need.SIGNED_IN,  # a chunk, bounded in size
    "POST /blobs/{digest}/chunked/{upload}/complete": Need.SIGNED_IN,
    # logging from other machines (cairn.sync.http)
    "GET /projects/{project}/runs/{run_id}/last-seq": Need.LOGGER,
    "GET /projects/{project}/runs/{run_id}/stored": Need.LOGGER,  # to continue a run elsewhere
    "POST /projects/{project}/runs/{run_id}/records": Need.LOGGER,
    "POST /projects/{project}/runs/{run_id}/heartbeat": Need.LOGGER,
    "POST /projects/{project}/run-numbers": Need.LOGGER,
    # runs, charts, workspace
    "GET /projects/{project}/columns": Need.VIEWER,
    "GET /projects/{project}/runs": Need.VIEWER,
    "GET /projects/{project}/runs/{run_id}": Need.VIEWER,
    "POST /projects/{project}/runs/{run_id}/history": Need.VIEWER,  # a read; keys in its body
    "PATCH /projects/{project}/runs/{run_id}": Need.EDITOR,
    "DELETE /projects/{project}/runs/{run_id}": Need.EDITOR,
    "POST /projects/{project}/runs/delete": Need.EDITOR,
    "POST /projects/{project}/metric-keys": Need.VIEWER,  # a read with a filter in its body
    "POST /projects/{project}/series": Need.VIEWER,
    "GET /projects/{project}/workspace": Need.VIEWER,
    "PUT /projects/{project}/workspace": Need.EDITOR,
    "GET /projects/{project}/views": Need.VIEWER,
    "POST /projects/{project}/views": Need.EDITOR,
    "PATCH /projects/{project}/views/{name}": Need.EDITOR,
    "DELETE /projects/{project}/views/{name}": Need.EDITOR,
    # reproducibility and analysis
    "GET /projects/{project}/runs/{run_id}/capture": Need.VIEWER,
    "GET /projects/{project}/runs/{run_id}/console": Need.VIEWER,
    "GET /projects/{project}/runs/{run_id}/reproductions": Need.VIEWER,
    "POST /projects/{project}/importance": Need.VIEWER,
    # sweeps
    "GET /projects/{project}/sweeps": Need.VIEWER,
    "POST /projects/{project}/sweeps": Need.LOGGER,  # a new project: made, the caller its admin
    "GET /projects/{project}/sweeps/{sweep_id}": Need.VIEWER,
    "GET /projects/{project}/sweeps/{sweep_id}/runs": Need.VIEWER,
    "POST /projects/{project}/sweeps/{sweep_id}/state": Need.EDITOR,
    "POST /projects/{project}/sweeps/{sweep_id}/claim": Need.EDITOR,
    "POST /projects/{project}/sweeps/{sweep_id}/trials/{number}/end": Need.EDITOR,
    "GET /projects/{project}/sweeps/{sweep_id}/verdict/{run_id}": Need.VIEWER,
    # artifacts
    "GET /projects/{project}/artifacts": Need.VIEWER,
    "GET /projects/{project}/artifacts/{name}/versions": Need.VIEWER,
    "GET /projects/{project}/artifacts/{name}/versions/{selector}": Need.VIEWER,
    "DELETE /projects/{project}/artifacts/{name}/versions/{selector}": Need.ADMIN,
    "PUT /projects/{project}/artifacts/{name}/versions/{selector}/aliases": Need.EDITOR,
    "GET /projects/{project}/artifacts/{name}/versions/{selector}/files/{path:path}": Need.VIEWER,
    "GET /projects/{project}/artifacts/{name}/versions/{selector}/preview/{path:path}": (
        Need.VIEWER
    ),
    "GET /projects/{project}/runs/{run_id}/artifacts": Need.VIEWER,
    "GET /projects/{project}/lineage": Need.VIEWER,
    # reports (rendering Markdown and a panel's data are reads, with what to read in the body)
    "GET /projects/{project}/reports": Need.VIEWER,
    "POST /projects/{project}/reports": Need.EDITOR,
    "POST /projects/{project}/reports/templates/reproducibility": Need.EDITOR,
    "GET /projects/{project}/reports/{report_id}": Need.VIEWER,
    "PUT /projects/{project}/reports/{report_id}": Need.EDITOR,
    "GET /projects/{project}/reports/{report_id}/versions": Need.VIEWER,
    "GET /projects/{project}/reports/{report_id}/diff": Need.VIEWER,
    "POST /projects/{project}/reports/{report_id}/versions/{number}/restore": Need.EDITOR,
    "POST /projects/{project}/reports/render/markdown": Need.VIEWER,
    "POST /projects/{project}/reports/render/panel": Need.VIEWER,
    "POST /projects/{project}/reports/images": Need.EDITOR,  # an uploaded image's bytes
    "GET /projects/{project}/reports/images/{image}": Need.VIEWER,  # only this project's
    # media
    "POST /projects/{project}/media-keys": Need.VIEWER,
    "POST /projects/{project}/media": Need.VIEWER,
    "GET /projects/{project}/runs/{run_id}/media/table": Need.VIEWER,
    "GET /projects/{project}/runs/{run_id}/media/histograms": Need.VIEWER,
    "POST /projects/{project}/media/histograms": Need.VIEWER,
    # members and visibility (routes.members): any signed-in reader sees them, admins change
    "GET /projects/{project}/members": Need.VIEWER,
    "PUT /projects/{project}/members/users/{user}": Need.ADMIN,
    "DELETE /projects/{project}/members/users/{user}": Need.ADMIN,
    "PUT /projects/{project}/members/teams/{team}": Need.ADMIN,
    "DELETE /projects/{project}/members/teams/{team}": Need.ADMIN,
    "PUT /projects/{project}/visibility": Need.ADMIN,
}
"""``"METHOD /path"`` (under ``/api/v1``, as the route declares it) → what it needs."""

MLFLOW = Need.SIGNED_IN
"""The MLflow endpoints on ``cairn server``: signed in (an MLflow client sends its key as
``MLFLOW_TRACKING_TOKEN``), then each checks the role on the experiment's project."""


@dataclass(frozen=True)
class Caller:
    """Who is asking."""

    user: User | None
    """None: not signed in (or ``cairn ui``, which has no accounts)."""
    local: bool = False
    """``cairn ui``: no accounts; the caller may do everything."""
    session: Session | None = None
    """The browser session the caller came with (None: an API key, or nobody)."""

    def role_on(self, store: Store, project: str) -> str | None:
        if self.local:
            return "admin"
        return role_on(store, self.user, project)


LOCAL = Caller(user=None, local=True)


def route_key(method: str, path: str) -> str:
    return f"{'GET' if method == 'HEAD' else method} {path}"


def missing_rules(routes: list[tuple[str, str]]) -> list[str]:
    """The ``"METHOD /path"`` of ``routes`` that ``ACCESS`` has no entry for."""
    return [key for key in (route_key(m, p) for m, p in routes) if key not in ACCESS]


def authorize(request: Request) -> Caller:
    """The JSON API's dependency: who is asking, refused unless the route's ``ACCESS`` allows."""
    route = request.scope["route"]
    need = ACCESS[route_key(request.method, route.path)]
    timing = phases(request.scope)
    timing.mark("to auth")  # from arrival: the middleware, routing, waiting for a thread
    caller = check(request, need)
    timing.mark("auth")
    return caller


def authorize_mlflow(request: Request) -> Caller:
    """The MLflow endpoints' dependency (``MLFLOW``): signed in; each endpoint then checks the
    caller's role on the experiment's project (``cairn.server.mlflow.access``)."""
    return check(request, MLFLOW)


def check(request: Request, need: Need, project: str | None = None) -> Caller:
    """The caller, refused unless they may ``need`` on ``project`` (default: the route's
    ``{project}``): 401 signed out, 404 a project they may not read, 403 a role too low."""
    caller = identify(request)
    request.state.caller = caller
    if caller.local or need is Need.ANYONE:
        return caller
    user = caller.user
    if need is Need.SIGNED_IN:
        if user is None:
            raise _sign_in()
        return caller
    if need is Need.SESSION:
        if user is None:
            raise _sign_in()
        if caller.session is None:
            raise HTTPException(
                403,
                "an API key cannot make API keys (one that leaked could make more): make one "
                "on this server's API keys page (/settings/keys), signed in with your password, "
                "or ask a server admin (`cairn admin key create`)",
            )
        return caller
    if need in (Need.SERVER_ADMIN, Need.SERVER_ADMIN_SESSION):
        if user is None:
            raise _sign_in()
        if not user.is_admin:
            raise HTTPException(403, f"only a server admin may do this; {user.name} is not one")
        if need is Need.SERVER_ADMIN_SESSION and caller.session is None:
            raise HTTPException(
                403,
                "an API key cannot make users, keys or passwords (one that leaked could make "
                "more): do it on this server's Users page (/settings/users), signed in with "
                "your password, or on the database host (`cairn admin user`, `cairn admin key`)",
            )
        return caller
    if project is None:
        project = request.path_params["project"]
    store: Store = request.app.state.store
    role = caller.role_on(store, project)
    if need is Need.LOGGER:
        if user is None:
            raise _sign_in()
        if role is None and not _exists(store, project):
            if request.method not in SAFE_METHODS:
                try:
                    check_project(project)  # a name the SDK would refuse
                except ValueError as exc:
                    raise HTTPException(400, str(exc)) from None
                request.state.unclaimed = project  # ``found_if_new`` makes it
            return caller
        if role is None:  # made between the two reads, maybe by another request of the caller's
            role = caller.role_on(store, project)
        need = Need.EDITOR
    _require(caller, role, need, project)
    return caller


def found_if_new(request: Request) -> None:
    """Make the project that the caller's ``Need.LOGGER`` check found missing, with the caller
    its admin. A route calls it once it has checked the write and is about to take it, so a
    refused write (a malformed batch, a bad sweep config) leaves no empty project behind.
    Nothing to do when the project existed (or on ``cairn ui``). When another request made it
    a moment ago, the caller needs ``editor`` on it like any other writer (a user's own
    parallel first writes go on: they made it, as its admin)."""
    project: str | None = getattr(request.state, "unclaimed", None)
    if project is None:
        return
    request.state.unclaimed = None
    caller: Caller = request.state.caller
    assert caller.user is not None  # a signed-out caller never passes the LOGGER check
    store: Store = request.app.state.store
    try:
        made = found_project(store, project, caller.user.name)
    except AccountError as exc:
        raise HTTPException(400, str(exc)) from None
    if not made:
        _require(caller, caller.role_on(store, project), Need.EDITOR, project)


def _require(caller: Caller, role: str | None, need: Need, project: str) -> None:
    """Refused unless ``role`` on ``project`` is at least ``need``'s: 404 hidden or missing,
    403 too low, 401 for a signed-out caller either way."""
    user = caller.user
    if role is None:
        if user is None:
            raise _sign_in()
        raise HTTPException(
            404,
            f"no project {project!r} (or it is not shared with {user.name}): a project "
            "admin can grant a role in the project's settings, or a server admin with "
            "`cairn admin user grant`",
        )
    if ROLES.index(role) < ROLES.index(need.value):
        if user is None:
            raise _sign_in()
        raise HTTPException(
            403,
            f"{user.name} is {role} of {project!r}; this needs {need.value}: ask a project "
            "admin for the role",
        )


def _exists(store: Store, project: str) -> bool:
    try:
        store.project(project)
    except ProjectNotFoundError:
        return False
    return True


def identify(request: Request) -> Caller:
    """The caller from an API key or a session cookie: 401 for a key that is not valid (rather
    than serving a signed-out caller a script meant to sign in), 403 for a cookie write without
    the CSRF token; an ended session is a signed-out caller."""
    if not request.app.state.auth:
        return LOCAL
    store: Store = request.app.state.store
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, secret = header.partition(" ")
        secret = secret.strip()
        if scheme.lower() != "bearer" or not looks_like_key(secret):
            raise _sign_in("the Authorization header must be `Bearer cairn_…` (an API key)")
        user = user_of_key(store, key_digest(secret))
        if user is None:
            raise _sign_in("this API key is not valid: it was revoked, or never existed")
        return Caller(user=user)
    token = request.cookies.get(SESSION_COOKIE)
    if token is None:
        return Caller(user=None)
    session = get_session(store, key_digest(token))
    if session is None:  # ended or expired: signed out (the login route must still work)
        return Caller(user=None)
    if request.method not in SAFE_METHODS and request.headers.get(CSRF_HEADER) != session.csrf:
        raise HTTPException(
            403,
            f"a write from a browser session must carry its {CSRF_HEADER} header (the "
            f"{CSRF_COOKIE} cookie's value); reload the page",
        )
    return Caller(user=session.user, session=session)


def _sign_in(message: str = "sign in first, or send an API key") -> HTTPException:
    return HTTPException(401, message, headers={"WWW-Authenticate": 'Bearer realm="cairn"'})
