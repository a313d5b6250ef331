"""Signing in from a browser on ``cairn server``: the session cookies, CSRF on writes made with
them, signing out, failed logins rate-limited across requests, and no sign-in on ``cairn ui``."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from tests.fakes.commands import cairn
from tests.fakes.runs import make_run
from tests.fakes.server import serve, serve_command
from tests.fakes.team import PASSWORD, Team, signed_in


def test_a_session_reads_and_writes_with_its_csrf_token(team: Team) -> None:
    client = signed_in(team, "ann")
    cookies = {c.name: c for c in client.cookies.jar}
    assert set(cookies) == {"cairn_session", "cairn_csrf"}
    session = cookies["cairn_session"]
    assert session.has_nonstandard_attr("HttpOnly")
    assert not cookies["cairn_csrf"].has_nonstandard_attr("HttpOnly")  # the page reads it
    assert not session.secure  # plain http on loopback; Secure on https
    assert client.get("/auth/me").json() == {"accounts": True, "user": "ann", "is_admin": False}
    assert client.get("/projects/p/runs").status_code == 200

    no_token = client.patch(f"/projects/p/runs/{team.run_id}", json={"notes": "x"})
    assert no_token.status_code == 403 and "X-CSRF-Token" in no_token.text
    wrong = client.patch(
        f"/projects/p/runs/{team.run_id}", json={"notes": "x"}, headers={"X-CSRF-Token": "no"}
    )
    assert wrong.status_code == 403
    token = {"X-CSRF-Token": cookies["cairn_csrf"].value or ""}
    assert client.patch(
        f"/projects/p/runs/{team.run_id}", json={"notes": "x"}, headers=token
    ).is_success


def session_cookies(response: httpx.Response) -> dict[str, str]:
    """The ``Set-Cookie`` headers of a sign-in, by cookie name, lower case."""
    assert response.status_code == 204, response.text
    headers = response.headers.get_list("set-cookie")
    return {header.split("=", 1)[0]: header.lower() for header in headers}


def test_the_cookies_are_secure_only_behind_a_trusted_https_proxy(team: Team) -> None:
    body = {"name": "ann", "password": PASSWORD}
    https = {"X-Forwarded-Proto": "https"}
    proxied = session_cookies(httpx.post(f"{team.url}/api/v1/auth/login", json=body, headers=https))
    assert set(proxied) == {"cairn_session", "cairn_csrf"}
    for cookie in proxied.values():  # from 127.0.0.1, the proxy uvicorn trusts by default
        assert "; secure" in cookie and "samesite=lax" in cookie
    assert "httponly" in proxied["cairn_session"]

    plain = session_cookies(httpx.post(f"{team.url}/api/v1/auth/login", json=body))
    assert all("secure" not in cookie for cookie in plain.values())

    # Any other address is a client, not the proxy: its header says nothing. 127.0.0.2 is
    # loopback too (Linux routes all of 127/8 to lo), but only 127.0.0.1 and ::1 are trusted
    # (the default of --trusted-proxy).
    elsewhere = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"))
    with elsewhere:
        spoofed = elsewhere.post(f"{team.url}/api/v1/auth/login", json=body, headers=https)
    assert all("secure" not in cookie for cookie in session_cookies(spoofed).values())


def test_the_trusted_proxy_is_a_setting(team: Team) -> None:
    """--trusted-proxy replaces the loopback default, and uvicorn's own $FORWARDED_ALLOW_IPS
    (here: trust everyone) is not read."""
    body = {"name": "ann", "password": PASSWORD}
    https = {"X-Forwarded-Proto": "https"}
    store = team.store_dir
    command = ["server", "--db", str(store / "cairn.db"), "--blobs", str(store / "blobs")]
    command += ["--trusted-proxy", "127.0.0.2"]
    with serve_command(command, env={"FORWARDED_ALLOW_IPS": "*"}) as server:
        url = f"{server.url}/api/v1/auth/login"
        proxy = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"))
        with proxy:
            proxied = session_cookies(proxy.post(url, json=body, headers=https))
        assert all("; secure" in cookie for cookie in proxied.values())
        direct = session_cookies(httpx.post(url, json=body, headers=https))  # from 127.0.0.1
        assert all("secure" not in cookie for cookie in direct.values())


def test_signing_out_ends_the_session_everywhere(team: Team) -> None:
    client = signed_in(team, "ann")
    stolen = dict(client.cookies)
    token = {"X-CSRF-Token": client.cookies["cairn_csrf"]}
    assert client.post("/auth/logout", headers=token).status_code == 204
    replay = httpx.get(f"{team.url}/api/v1/projects/p/runs", cookies=stolen)
    assert replay.status_code == 401  # the cookie was kept by someone: it is dead anyway
    me = httpx.get(f"{team.url}/api/v1/auth/me", cookies=stolen).json()
    assert me["user"] is None


def test_a_new_password_ends_the_sessions(team: Team) -> None:
    client = signed_in(team, "cy")
    dir_ = ("--dir", str(team.store_dir))
    cairn("admin", "user", "password", "cy", *dir_, stdin=PASSWORD + "\n")
    assert client.get("/projects/p/runs").status_code == 401


def test_wrong_passwords_are_refused_then_rate_limited(team: Team) -> None:
    url = f"{team.url}/api/v1/auth/login"
    unknown = httpx.post(url, json={"name": "nobody", "password": PASSWORD})
    wrong = httpx.post(url, json={"name": "bob", "password": "not the password"})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()  # the same words: who exists does not show
    for _ in range(9):
        assert httpx.post(url, json={"name": "bob", "password": "guess"}).status_code == 401
    limited = httpx.post(url, json={"name": "bob", "password": PASSWORD})
    assert limited.status_code == 429  # the right password too, until the window has passed
    assert int(limited.headers["retry-after"]) > 0
    assert signed_in(team, "ann")  # another user is not locked out


def test_no_password_or_key_in_the_server_output(team: Team) -> None:
    signed_in(team, "ann")
    assert PASSWORD not in team.server.output()
    assert "cairn_" not in team.server.output()


def test_cairn_ui_has_no_sign_in(tmp_path: Path) -> None:
    make_run(tmp_path / ".cairn", "p")
    with serve(tmp_path / ".cairn") as server:
        me = httpx.get(f"{server.url}/api/v1/auth/me").json()
        assert me == {"accounts": False, "user": None, "is_admin": True}
        login = httpx.post(f"{server.url}/api/v1/auth/login", json={"name": "a", "password": "b"})
        assert login.status_code == 400 and "no accounts" in login.text
        assert httpx.get(f"{server.url}/api/v1/projects/p/runs").status_code == 200


def test_the_setup_link_makes_the_first_admin_once(tmp_path: Path) -> None:
    store_dir = tmp_path / "fresh"
    store_dir.mkdir()
    cairn("db", "upgrade", "--db", f"sqlite:///{store_dir / 'cairn.db'}")
    command = ["server", "--db", str(store_dir / "cairn.db"), "--blobs", str(store_dir / "blobs")]
    with serve_command(command) as server:
        found = re.search(r"/setup#token=([A-Za-z0-9_-]+)", server.output())
        assert found is not None, server.output()
        url = f"{server.url}/api/v1/auth/setup"
        body = {"token": found.group(1), "name": "boss", "password": PASSWORD}
        forged = httpx.post(url, json={**body, "token": "guessed"})
        assert forged.status_code == 403 and "not valid" in forged.text
        short = httpx.post(url, json={**body, "password": "short"})
        assert short.status_code == 400
        client = httpx.Client(base_url=f"{server.url}/api/v1")
        assert client.post("/auth/setup", json=body).status_code == 204
        me = client.get("/auth/me").json()
        assert me == {"accounts": True, "user": "boss", "is_admin": True}
        again = httpx.post(url, json={**body, "name": "intruder"})
        assert again.status_code == 403  # the link works once
        assert found.group(1) not in server.output().replace(found.group(0), "")
    with serve_command(command) as server:  # users exist now: no new link
        assert "/setup#token=" not in server.output()
