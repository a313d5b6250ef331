"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

QUIET_CAPTURE = {
    "CAIRN_CAPTURE_GIT": "0",
    "CAIRN_SAVE_CODE": "0",
    "CAIRN_CAPTURE_CONSOLE": "0",
    "CAIRN_SYSTEM_METRICS": "0",
}
"""Runs made by tests inside pytest would snapshot the checkout pytest is installed in, tee
pytest's own streams and add system rows to slow tests' histories: tests not about capture or
system metrics run without them. Those tests set their own."""

# Session- and module-scoped fixtures (the e2e demo stores) are set up before the autouse fixture
# below runs: the sampler's timing must not decide what their runs hold either.
os.environ.setdefault("CAIRN_SYSTEM_METRICS", "0")
# Artifact downloads keep their index in the user's cache folder: the suite's go to a folder of
# its own, never the home folder's.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="cairn-test-cache-")


@pytest.fixture(autouse=True)
def quiet_capture(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in QUIET_CAPTURE.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty ``.cairn`` folder that ``$CAIRN_DIR`` points at."""
    path = tmp_path / ".cairn"
    path.mkdir()
    monkeypatch.setenv("CAIRN_DIR", str(path))
    return path


@pytest.fixture
def keep_journal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep finished runs' journals (removed by default once the store holds them all), for
    tests that read or tamper with a finished run's journal."""
    monkeypatch.setenv("CAIRN_KEEP_JOURNAL", "1")


@pytest.fixture
def no_open_run() -> Iterator[None]:
    """Finishes a run a test left open, so the next test starts without a current run."""
    yield
    from cairn.sdk import session

    run = session.current()
    if run is not None:
        run.finish(quiet=True)
