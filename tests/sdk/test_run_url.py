"""Run.url: the run's page in the dashboard that `cairn ui` serves."""

from __future__ import annotations

from pathlib import Path

import pytest

import cairn


def test_url_points_at_cairn_ui_by_default(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CAIRN_UI_URL", raising=False)
    run = cairn.init(project="digits")
    assert run.url == f"http://127.0.0.1:8080/p/digits/r/{run.id}"
    run.finish(quiet=True)


def test_cairn_ui_url_says_where_the_dashboard_is(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAIRN_UI_URL", "https://cairn.example.org/team/")
    run = cairn.init(project="my project")
    assert run.url == f"https://cairn.example.org/team/p/my%20project/r/{run.id}"
    run.finish(quiet=True)


def test_a_disabled_run_has_no_page(monkeypatch: pytest.MonkeyPatch) -> None:
    run = cairn.init(project="p", mode="disabled")
    assert run.url is None
    run.finish()
