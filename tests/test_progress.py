"""Progress bars in bytes: drawn on a terminal (rich's forced terminal here), nothing when
output is piped, and a bar started inside another (a large file's upload during ``cairn sync``)
drawn with it on the same console."""

from __future__ import annotations

import sys

import pytest
from rich.progress import Progress

from cairn.progress import console, progress


def test_a_bar_counts_bytes_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    with progress("fetching [/b]weights[red]", 3_000_000) as advance:
        advance(1_000_000)
        advance(2_000_000)
    drawn = capsys.readouterr().err
    assert "fetching [/b]weights[red]" in drawn  # as text, not rich's markup
    assert "3.0/3.0 MB" in drawn


def test_piped_output_shows_no_bar(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert not sys.stderr.isatty()
    with progress("fetching", 3_000_000) as advance:
        advance(3_000_000)
    assert capsys.readouterr() == ("", "")


def test_a_bar_inside_another_draws_below_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    with Progress(console=console(), transient=True) as outer:
        outer.add_task("syncing run-1", total=10)
        with progress("uploading 1 file", 5_000_000) as advance:
            advance(5_000_000)
            outer.refresh()
            drawn = capsys.readouterr().err
    assert "syncing run-1" in drawn and "uploading 1 file" in drawn
