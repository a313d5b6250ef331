"""The ``cairn`` command in a subprocess, as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping


def cairn(
    *args: str,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``python -m cairn *args``, which must succeed (its stderr is the failure's message);
    ``env`` is added to this process's environment."""
    done = subprocess.run(
        [sys.executable, "-m", "cairn", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    assert done.returncode == 0, done.stderr
    return done
