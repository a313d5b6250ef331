"""The ``cairn`` command in a subprocess, as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def run_cairn(
    *args: str,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``python -m cairn *args`` in ``cwd``, whatever its exit code; ``env`` is added to this
    process's environment."""
    return subprocess.run(
        [sys.executable, "-m", "cairn", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )


def cairn(
    *args: str,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``run_cairn``, which must succeed (its stderr is the failure's message)."""
    done = run_cairn(*args, stdin=stdin, env=env, cwd=cwd, timeout=timeout)
    assert done.returncode == 0, done.stderr
    return done
