"""A server admin's users and keys over HTTP (``/admin/users``), through a real ``cairn server``:
a user made with or without a password, a key made for them (shown once) and revoked, a
password reset that ends their sessions; and the attacks: another user, a signed-out caller, a
cookie write without its CSRF token, an admin's API key making credentials, a name with markup,
a key or a password hash in an answer or the server's log. ``cairn ui`` answers 400."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from tests.fakes.team import PASSWORD, Team, csrf, signed_in, store_key

from cairn.server.auth.credentials import hash_password, key_digest
from cairn.store import Store
from cairn.store.accounts import create_user, get_user

ADMIN = "chief"
"""A server admin of the team server, with a password (made by the module's fixture)."""
NEW_PASSWORD = "another long password"
XSS = "<img src=x onerror=alert(1)>"

ROUTES = (
    ("GET", "/admin/users", None),
    ("POST", "/admin/users", {"name": "intruder"}),
    ("GET", "/admin/users/ann/keys", None),
    ("POST", "/admin/users/ann/keys", {"name": "stolen"}),
    ("DELETE", "/admin/users/ann/keys/1", None),
    ("PUT", "/admin/users/ann/password", {"password": "taken over at last"}),
)
"""Every route, with a body it accepts."""


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
def admin(team: Team) -> Iterator[httpx.Client]:
    """The server admin's browser session."""
    store = Store.local(team.store_dir)
    try:
        create_user(store, ADMIN, password_hash=hash_password(PASSWORD), is_admin=True)
    finally:
        store.close()
    client = signed_in(team, ADMIN)
    yield client
    client.close()


def secrets_of(team: Team, *users: str) -> list[str]:
    """The password hashes of ``users``, as the store keeps them."""
    store = Store.local(team.store_dir)
    try:
        return [h for h in (get_user(store, u).password_hash for u in users) if h is not None]
    finally:
        store.close()


def test_an_admin_makes_a_bot_a_key_and_revokes_it(team: Team, admin: httpx.Client) -> None:
    answers: list[httpx.Response] = []

    def call(method: str, path: str, body: object = None) -> httpx.Response:
        answer = admin.request(method, path, json=body, headers=csrf(admin))
        answers.append(answer)
        return answer

    listed = call("GET", "/admin/users")
    assert listed.status_code == 200, listed.text
    by_name = {u["name"]: u for u in listed.json()}
    assert {"ann", "bob", "cy", ADMIN} <= set(by_name)
    assert set(by_name["ann"]) == {
        "name",
        "is_admin",
        "has_password",
        "created_at",
        "keys",
        "last_used_at",
    }
    assert by_name[ADMIN]["is_admin"] and not by_name["ann"]["is_admin"]
    assert by_name["ann"]["has_password"]

    bot = call("POST", "/admin/users", {"name": "ci-bot"})
    assert bot.status_code == 201, bot.text
    assert bot.json() | {"created_at": 0} == {
        "name": "ci-bot",
        "is_admin": False,
        "has_password": False,
        "created_at": 0,
        "keys": 0,
        "last_used_at": None,
    }
    assert call("POST", "/admin/users", {"name": "ci-bot"}).status_code == 400  # taken
    assert call("GET", "/admin/users/ci-bot/keys").json() == []

    made = call("POST", "/admin/users/ci-bot/keys", {"name": XSS})
    assert made.status_code == 201, made.text
    key = made.json()["key"]
    assert key.startswith("cairn_") and made.json()["prefix"] == key[:12]
    assert made.json()["name"] == XSS  # stored as text, and JSON: inert
    assert made.headers["content-type"] == "application/json"
    me = httpx.get(f"{team.url}/api/v1/auth/me", headers=bearer(key))
    assert me.json()["user"] == "ci-bot"  # the bot signs in with it

    keys = call("GET", "/admin/users/ci-bot/keys")
    (listed_key,) = keys.json()
    assert listed_key | {"last_used_at": None} == {
        k: v for k, v in made.json().items() if k != "key"
    }
    assert listed_key["last_used_at"] is not None  # the bot's request a moment ago
    row = next(u for u in call("GET", "/admin/users").json() if u["name"] == "ci-bot")
    assert row["keys"] == 1 and row["last_used_at"] is not None  # used a moment ago

    key_id = made.json()["id"]
    elsewhere = call("DELETE", f"/admin/users/ann/keys/{key_id}")  # the wrong user's path
    missing = call("DELETE", f"/admin/users/ci-bot/keys/{key_id + 10_000}")
    assert elsewhere.status_code == missing.status_code == 404
    assert "GET /api/v1/admin/users/ci-bot/keys lists them" in missing.text
    assert httpx.get(f"{team.url}/api/v1/auth/me", headers=bearer(key)).status_code == 200

    gone = call("DELETE", f"/admin/users/ci-bot/keys/{key_id}")
    assert gone.status_code == 200, gone.text
    assert httpx.get(f"{team.url}/api/v1/auth/me", headers=bearer(key)).status_code == 401
    assert call("DELETE", f"/admin/users/ci-bot/keys/{key_id}").status_code == 404
    row = next(u for u in call("GET", "/admin/users").json() if u["name"] == "ci-bot")
    assert row["keys"] == 0 and row["last_used_at"] is not None  # a revoked key's use stays
    for unknown in (("GET", "/admin/users/ghost/keys"), ("POST", "/admin/users/ghost/keys")):
        answer = call(*unknown, {"name": "x"} if unknown[0] == "POST" else None)
        assert answer.status_code == 404 and "no user named 'ghost'" in answer.text

    hashes = secrets_of(team, "ann", ADMIN)
    for answer in answers:
        shown = answer.text.replace(key, "") if answer is made else answer.text
        assert key not in shown and key_digest(key) not in shown
        assert not any(h in shown for h in hashes) and "argon2" not in shown
    assert key not in team.server.output() and key_digest(key) not in team.server.output()


def test_a_password_set_by_an_admin_ends_the_users_sessions(
    team: Team, admin: httpx.Client
) -> None:
    made = admin.post(
        "/admin/users", json={"name": "dee", "password": PASSWORD}, headers=csrf(admin)
    )
    assert made.status_code == 201 and made.json()["has_password"], made.text
    dee = signed_in(team, "dee")
    assert dee.get("/auth/me").json()["user"] == "dee"

    short = admin.put("/admin/users/dee/password", json={"password": "short"}, headers=csrf(admin))
    assert short.status_code == 400 and "at least 10 characters" in short.text
    assert dee.get("/auth/me").json()["user"] == "dee"  # nothing changed

    reset = admin.put(
        "/admin/users/dee/password", json={"password": NEW_PASSWORD}, headers=csrf(admin)
    )
    assert reset.status_code == 200 and reset.json()["has_password"], reset.text
    assert dee.get("/auth/me").json()["user"] is None  # signed out everywhere
    old = httpx.post(f"{team.url}/api/v1/auth/login", json={"name": "dee", "password": PASSWORD})
    assert old.status_code == 401
    new = httpx.post(
        f"{team.url}/api/v1/auth/login", json={"name": "dee", "password": NEW_PASSWORD}
    )
    assert new.status_code == 204
    (dee_hash,) = secrets_of(team, "dee")
    assert dee_hash not in made.text + reset.text and NEW_PASSWORD not in reset.text
    assert NEW_PASSWORD not in team.server.output() and dee_hash not in team.server.output()

    ghost = admin.put(
        "/admin/users/ghost/password", json={"password": NEW_PASSWORD}, headers=csrf(admin)
    )
    assert ghost.status_code == 404


def test_only_a_server_admin_on_a_session_may(team: Team, admin: httpx.Client) -> None:
    before = admin.get("/admin/users").json()
    ann = signed_in(team, "ann")
    url = f"{team.url}/api/v1"
    for method, path, body in ROUTES:
        refused = ann.request(method, path, json=body, headers=csrf(ann))
        assert refused.status_code == 403, (method, path, refused.text)
        assert "only a server admin may do this; ann is not one" in refused.text
        signed_out = httpx.request(method, f"{url}{path}", json=body)
        assert signed_out.status_code == 401, (method, path, signed_out.text)
        if method != "GET":  # the admin's own cookie, without the CSRF header: a forged form
            forged = httpx.request(
                method, f"{url}{path}", json=body, cookies=dict(admin.cookies.items())
            )
            assert forged.status_code == 403 and "X-CSRF-Token" in forged.text, forged.text
    assert admin.get("/admin/users").json() == before  # nothing made, no password changed
    assert ann.get("/auth/me").json()["user"] == "ann"


def test_an_admins_api_key_lists_and_revokes_but_makes_no_credentials(
    team: Team, admin: httpx.Client
) -> None:
    """A leaked admin key cannot make a user with a password, a key, or a password: each would
    outlive revoking it."""
    key_id, secret = store_key(team, ADMIN)
    url, key = f"{team.url}/api/v1", bearer(secret)
    before = httpx.get(f"{url}/admin/users", headers=key)
    assert before.status_code == 200, before.text
    for method, path, body in ROUTES:
        if method in ("POST", "PUT"):
            refused = httpx.request(method, f"{url}{path}", json=body, headers=key)
            assert refused.status_code == 403, (method, path, refused.text)
            assert "/settings/users" in refused.text
    assert httpx.get(f"{url}/admin/users/ann/keys", headers=key).json() == []
    after = httpx.get(f"{url}/admin/users", headers=key).json()
    assert [u["name"] for u in after] == [u["name"] for u in before.json()]  # no user made
    revoked = httpx.delete(f"{url}/admin/users/{ADMIN}/keys/{key_id}", headers=key)
    assert revoked.status_code == 200, revoked.text
    assert httpx.get(f"{url}/admin/users", headers=key).status_code == 401


def test_a_user_name_with_markup_is_refused(admin: httpx.Client) -> None:
    for name, status in ((XSS, 400), ("a b", 400), ("", 422), ("x" * 65, 422)):
        answer = admin.post("/admin/users", json={"name": name}, headers=csrf(admin))
        assert answer.status_code == status, (name, answer.text)
    refused = admin.post("/admin/users", json={"name": XSS}, headers=csrf(admin))
    assert "is not a user name: use letters, digits" in refused.text
    assert refused.headers["content-type"] == "application/json"
    short = admin.post(
        "/admin/users", json={"name": "eve", "password": "short"}, headers=csrf(admin)
    )
    assert short.status_code == 400 and "at least 10 characters" in short.text
    extra = admin.post("/admin/users", json={"name": "eve", "role": "x"}, headers=csrf(admin))
    assert extra.status_code == 422
    assert "eve" not in [u["name"] for u in admin.get("/admin/users").json()]
    assert XSS not in admin.get("/admin/users").text


def test_cairn_ui_has_no_users_to_manage(api: httpx.Client) -> None:
    for method, path, body in ROUTES:
        answer = api.request(method, path, json=body)
        assert answer.status_code == 400 and "no accounts" in answer.text, answer.text
