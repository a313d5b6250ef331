"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty ``.cairn`` folder that ``$CAIRN_DIR`` points at."""
    path = tmp_path / ".cairn"
    path.mkdir()
    monkeypatch.setenv("CAIRN_DIR", str(path))
    return path


@pytest.fixture
def no_open_run() -> Iterator[None]:
    """Finishes a run a test left open, so the next test starts without a current run."""
    yield
    from cairn.sdk import session

    run = session.current()
    if run is not None:
        run.finish(quiet=True)
