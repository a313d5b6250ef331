"""Signing in to ``cairn server`` from a browser: the sign-in page, a wrong password, the projects
the user may see, an edit saved with the session (its CSRF token), signing out; a project
admin managing members and visibility in the project's settings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.fakes.commands import cairn
from tests.fakes.runs import make_run
from tests.fakes.server import Server, serve_command

expect = pytest.importorskip("playwright.sync_api").expect

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    """``ann`` is the admin of ``vision``; ``bob`` has no role anywhere."""
    store_dir = tmp_path_factory.mktemp("sign-in") / ".cairn"
    run_id = make_run(store_dir, "vision", name="resnet").id
    make_run(store_dir, "secret-project")
    dir_ = ("--dir", str(store_dir))
    cairn("admin", "user", "create", "ann", "--password-stdin", *dir_, stdin=PASSWORD + "\n")
    cairn("admin", "user", "grant", "ann", "vision", "admin", *dir_)
    cairn("admin", "user", "create", "bob", *dir_)
    command = ["server", "--db", str(store_dir / "cairn.db"), "--blobs", str(store_dir / "blobs")]
    with serve_command(command) as server:
        yield server, run_id


def test_sign_in_edit_and_sign_out(page: Any, team: tuple[Server, str]) -> None:
    server, run_id = team
    page.goto(f"{server.url}/")
    expect(page.get_by_test_id("login-page")).to_be_visible()
    page.get_by_test_id("login-name").fill("ann")
    page.get_by_test_id("login-password").fill("not the password")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_have_text("wrong user name or password")

    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("signed-in-user")).to_have_text("ann")
    rows = page.get_by_test_id("project-row")
    expect(rows).to_have_count(1)  # not secret-project: ann has no role there
    expect(rows.first).to_contain_text("vision")

    page.goto(f"{server.url}/p/vision/r/{run_id}")
    notes = page.get_by_test_id("run-notes")
    notes.fill("written through a session")
    with page.expect_response(lambda r: r.request.method == "PATCH") as saved:
        notes.blur()
    assert saved.value.status == 200  # the dashboard sent the session's CSRF token
    page.reload()
    expect(page.get_by_test_id("run-notes")).to_have_value("written through a session")

    page.get_by_test_id("sign-out").click()
    expect(page.get_by_test_id("login-page")).to_be_visible()
    page.goto(f"{server.url}/p/vision/r/{run_id}")
    expect(page.get_by_test_id("login-page")).to_be_visible()


def test_signed_out_readers_see_only_public_projects(page: Any, team: tuple[Server, str]) -> None:
    server, _run_id = team
    page.goto(f"{server.url}/")
    page.get_by_test_id("browse-public").click()
    expect(page.get_by_test_id("sign-in")).to_be_visible()
    expect(page.get_by_test_id("project-row")).to_have_count(0)


def test_the_setup_link_creates_the_first_admin(page: Any, tmp_path: Path) -> None:
    store_dir = tmp_path / "fresh"
    store_dir.mkdir()
    cairn("db", "upgrade", "--db", f"sqlite:///{store_dir / 'cairn.db'}")
    command = ["server", "--db", str(store_dir / "cairn.db"), "--blobs", str(store_dir / "blobs")]
    with serve_command(command) as server:
        found = re.search(r"(http://\S+/setup#token=\S+)", server.output())
        assert found is not None, server.output()
        page.goto(found.group(1))
        expect(page.get_by_test_id("setup-page")).to_be_visible()
        page.get_by_test_id("setup-name").fill("boss")
        page.get_by_test_id("setup-password").fill("short")
        page.get_by_test_id("setup-submit").click()
        expect(page.get_by_test_id("setup-error")).to_contain_text("at least 10 characters")
        page.get_by_test_id("setup-password").fill(PASSWORD)
        page.get_by_test_id("setup-submit").click()
        expect(page.get_by_test_id("signed-in-user")).to_have_text("boss")
        assert "token" not in page.url


def test_a_user_makes_an_api_key_sees_it_once_and_revokes_it(
    page: Any, team: tuple[Server, str]
) -> None:
    server, _run_id = team
    page.goto(f"{server.url}/")
    page.get_by_test_id("login-name").fill("ann")
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("signed-in-user").click()  # the user's name leads to their keys
    expect(page.get_by_test_id("keys-page")).to_be_visible()
    assert page.url == f"{server.url}/settings/keys"

    name = "<img src=x onerror=alert(1)> laptop"
    page.get_by_test_id("key-name").fill(name)
    page.get_by_test_id("key-create").click()
    secret = page.get_by_test_id("key-secret").inner_text()
    assert re.fullmatch(r"cairn_[A-Za-z0-9_-]{43}", secret), secret
    command = page.get_by_test_id("key-login-command")
    expect(command).to_have_text(f"cairn login {server.url}")
    me = httpx.get(f"{server.url}/api/v1/auth/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.json()["user"] == "ann"  # the key works, as cairn login will find

    page.get_by_test_id("key-done").click()
    page.reload()
    row = page.get_by_test_id("key-row").filter(has_text="laptop")
    expect(row).to_contain_text(name)  # as text: no image element was made of it
    expect(row).to_contain_text(secret[:12])
    expect(row).not_to_contain_text("never")  # its last use, a moment ago
    assert secret not in page.content()  # shown once, never again
    assert page.locator("img[src=x]").count() == 0

    row.get_by_test_id("key-revoke").click()
    expect(page.get_by_test_id("confirm-dialog")).to_contain_text("stops working at once")
    page.get_by_test_id("confirm-button").click()
    expect(page.get_by_test_id("keys-empty")).to_be_visible()
    me = httpx.get(f"{server.url}/api/v1/auth/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 401


def test_a_project_admin_adds_a_member_and_changes_visibility(
    page: Any, team: tuple[Server, str]
) -> None:
    server, _run_id = team
    page.goto(f"{server.url}/p/vision")
    page.get_by_test_id("login-name").fill("ann")
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("nav-settings").click()
    expect(page.get_by_test_id("settings-page")).to_be_visible()
    rows = page.get_by_test_id("member-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("ann")
    expect(page.get_by_test_id("visibility-private")).to_be_checked()

    page.get_by_test_id("add-member-name").fill("ghost")
    page.get_by_test_id("add-member-submit").click()
    expect(page.get_by_test_id("settings-error")).to_contain_text("no user 'ghost' on this server")
    page.get_by_test_id("add-member-name").fill("bob")
    page.get_by_test_id("add-member-role").select_option("editor")
    page.get_by_test_id("add-member-submit").click()
    bob = page.locator("[data-member='user:bob']")
    expect(bob.get_by_test_id("member-role")).to_have_value("editor")
    expect(page.get_by_test_id("settings-error")).to_have_count(0)
    page.get_by_test_id("visibility-team").click()  # checked once the server agreed
    expect(page.get_by_test_id("visibility-team")).to_be_checked()

    with page.expect_response(lambda r: r.request.method == "PUT") as changed:
        bob.get_by_test_id("member-role").select_option("viewer")
    assert changed.value.status == 200

    ann = page.locator("[data-member='user:ann']")
    ann.get_by_test_id("member-remove").click()  # the last admin: refused, said why
    expect(page.get_by_test_id("settings-error")).to_contain_text("without an admin")
    page.reload()
    expect(page.get_by_test_id("visibility-team")).to_be_checked()
    expect(rows).to_have_count(2)
    expect(bob.get_by_test_id("member-role")).to_have_value("viewer")
    stored = page.request.get(f"{server.url}/api/v1/projects/vision/members").json()
    assert stored["visibility"] == "team"
    assert stored["users"] == [{"name": "ann", "role": "admin"}, {"name": "bob", "role": "viewer"}]
