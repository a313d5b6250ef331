"""Media on ``cairn server`` in Chromium: a viewer signed in from the browser sees a run's images
(their bytes come through ``/api/v1/blobs/``, checked against the viewer's role); a user with
no role on the project gets a missing blob's 404 for the same image."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.fakes.commands import cairn
from tests.fakes.media import MediaRuns, log_media_runs
from tests.fakes.server import serve_command

from .conftest import open_media_tab

expect = pytest.importorskip("playwright.sync_api").expect

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def team_media(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, MediaRuns]]:
    runs = log_media_runs(tmp_path_factory.mktemp("team_media") / ".cairn")
    dir_ = ("--dir", str(runs.store_dir))
    for user in ("vic", "nob"):
        cairn("admin", "user", "create", user, "--password-stdin", *dir_, stdin=PASSWORD + "\n")
    cairn("admin", "user", "grant", "vic", "media", "viewer", *dir_)
    db, blobs = str(runs.store_dir / "cairn.db"), str(runs.store_dir / "blobs")
    with serve_command(["server", "--db", db, "--blobs", blobs]) as server:
        yield server.url, runs


def _sign_in(page: Any, url: str, user: str) -> None:
    page.goto(f"{url}/")
    page.get_by_test_id("login-name").fill(user)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("signed-in-user")).to_have_text(user)


def test_a_viewer_sees_the_images_and_an_outsider_gets_404(
    page: Any, team_media: tuple[str, MediaRuns]
) -> None:
    url, _runs = team_media
    _sign_in(page, url, "vic")
    with page.expect_response(lambda r: "/api/v1/blobs/" in r.url) as first:
        tab = open_media_tab(page, team_media)
    assert first.value.status == 200
    blob_url = first.value.url
    panel = tab.locator('[data-testid="image-panel"][data-key="samples"]')
    expect(panel.get_by_test_id("image-canvas")).not_to_have_attribute("data-drawn", "0")

    page.get_by_test_id("sign-out").click()
    _sign_in(page, url, "nob")
    assert page.request.get(blob_url).status == 404  # with nob's session cookie
