"""A server admin's Users page on ``cairn server``: reached from the header, it adds a user
(refusing a name with markup, shown as text), makes them a key (shown once) and revokes it after
a confirmation; a user who is not a server admin sees no entry and is told the page is not
theirs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.fakes.commands import cairn
from tests.fakes.runs import make_run
from tests.fakes.server import Server, serve_command

expect = pytest.importorskip("playwright.sync_api").expect

PASSWORD = "correct horse battery"
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``root`` is a server admin; ``bob`` is not."""
    store_dir = tmp_path_factory.mktemp("users") / ".cairn"
    make_run(store_dir, "vision")
    create = ("admin", "user", "create", "--password-stdin", "--dir", str(store_dir))
    cairn(*create, "root", "--admin", stdin=PASSWORD + "\n")
    cairn(*create, "bob", stdin=PASSWORD + "\n")
    command = ["server", "--db", str(store_dir / "cairn.db"), "--blobs", str(store_dir / "blobs")]
    with serve_command(command) as running:
        yield running


def sign_in(page: Any, server: Server, name: str) -> None:
    page.goto(f"{server.url}/")
    page.get_by_test_id("login-name").fill(name)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("signed-in-user")).to_have_text(name)


def me(server: Server, key: str) -> httpx.Response:
    return httpx.get(f"{server.url}/api/v1/auth/me", headers={"Authorization": f"Bearer {key}"})


def test_an_admin_adds_a_user_makes_them_a_key_and_revokes_it(page: Any, server: Server) -> None:
    sign_in(page, server, "root")
    page.get_by_test_id("nav-users").click()
    expect(page.get_by_test_id("users-page")).to_be_visible()
    assert page.url == f"{server.url}/settings/users"
    root = page.locator("[data-testid='user-row'][data-user='root']")
    expect(root.get_by_test_id("user-role")).to_have_text("server admin")
    bob = page.locator("[data-testid='user-row'][data-user='bob']")
    expect(bob.get_by_test_id("user-role")).to_have_text("user")
    expect(bob.get_by_test_id("user-login")).to_have_text("password and keys")

    page.get_by_test_id("user-name").fill(XSS)
    page.get_by_test_id("user-create").click()
    expect(page.get_by_test_id("user-error")).to_contain_text("is not a user name")
    expect(page.get_by_test_id("user-row")).to_have_count(2)
    page.get_by_test_id("user-name").fill("ci-bot")
    page.get_by_test_id("user-create").click()
    bot = page.locator("[data-testid='user-row'][data-user='ci-bot']")
    expect(bot.get_by_test_id("user-login")).to_have_text("keys only")
    expect(bot.get_by_test_id("user-key-count")).to_have_text("0")
    keys = page.get_by_test_id("user-keys")  # the new user's keys open below the table
    expect(keys.get_by_test_id("user-keys-name")).to_have_text("ci-bot")
    assert page.url.endswith("/settings/users?user=ci-bot")  # a link shows what you saw
    expect(keys.get_by_test_id("keys-empty")).to_be_visible()

    keys.get_by_test_id("key-name").fill(f"nightly {XSS}")
    keys.get_by_test_id("key-create").click()
    secret = keys.get_by_test_id("key-secret").inner_text()
    assert re.fullmatch(r"cairn_[A-Za-z0-9_-]{43}", secret), secret
    expect(keys.get_by_test_id("key-made")).to_contain_text("of ci-bot")
    assert me(server, secret).json()["user"] == "ci-bot"  # the bot signs in with it
    keys.get_by_test_id("key-done").click()
    expect(keys.get_by_test_id("key-secret")).to_have_count(0)
    row = keys.get_by_test_id("key-row")
    expect(row).to_contain_text(f"nightly {XSS}")  # as text: no image element was made of it
    expect(row).to_contain_text(secret[:12])
    assert page.locator("img[src=x]").count() == 0
    expect(bot.get_by_test_id("user-key-count")).to_have_text("1")

    page.reload()  # the key is shown once, never again
    expect(keys.get_by_test_id("key-row")).to_have_count(1)
    assert secret not in page.content()

    keys.get_by_test_id("key-revoke").click()
    expect(page.get_by_test_id("confirm-dialog")).to_contain_text("stops working at once")
    assert me(server, secret).status_code == 200  # not before the confirmation
    page.get_by_test_id("confirm-button").click()
    expect(keys.get_by_test_id("keys-empty")).to_be_visible()
    expect(bot.get_by_test_id("user-key-count")).to_have_text("0")
    assert me(server, secret).status_code == 401


def test_a_user_who_is_not_a_server_admin_has_no_users_page(page: Any, server: Server) -> None:
    sign_in(page, server, "bob")
    expect(page.get_by_test_id("sign-out")).to_be_visible()
    expect(page.get_by_test_id("nav-users")).to_have_count(0)
    page.goto(f"{server.url}/settings/users")
    expect(page.get_by_test_id("users-not-admin")).to_contain_text("for server admins")
    expect(page.get_by_test_id("users-table")).to_have_count(0)
