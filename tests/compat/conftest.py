"""W&B-style scripts run through ``cairn.compat.wandb`` as real processes, read back with
``cairn.Api()``."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(autouse=True)
def no_wandb_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No ``WANDB_*`` variable of the machine leaks in; a run left open is finished."""
    for name in list(os.environ):
        if name.startswith("WANDB_"):
            monkeypatch.delenv(name)
    monkeypatch.delenv("CAIRN_PROJECT", raising=False)
    monkeypatch.delenv("CAIRN_RUN_ID", raising=False)
    before = dict(os.environ)
    yield
    os.environ.clear()  # init() sets the CAIRN_* twins of WANDB_* variables
    os.environ.update(before)
    from cairn.compat.wandb import session

    run = session.current()
    if run is not None:
        run.finish(quiet=True)


Script = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def script(tmp_path: Path, store_dir: Path) -> Script:
    """``script(code, env={...}, check=True)``: run a W&B-style script in a new Python process,
    in ``tmp_path``, logging into ``store_dir``."""

    def run(
        code: str, env: dict[str, str] | None = None, check: bool = True, name: str = "train.py"
    ) -> subprocess.CompletedProcess[str]:
        path = tmp_path / name
        path.write_text(textwrap.dedent(code))
        full = {**os.environ, "PYTHONPATH": str(SRC), **(env or {})}
        done = subprocess.run(
            [sys.executable, str(path)],
            cwd=tmp_path,
            env=full,
            capture_output=True,
            text=True,
            timeout=240,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"script failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
            )
        return done

    return run
