"""Real runs made with the SDK, for tests of what reads them (CLI, API)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cairn


def make_run(
    store_dir: Path,
    project: str = "p",
    *,
    mode: str = "online",
    steps: int = 3,
    values: dict[str, Any] | None = None,
    **init: Any,
) -> cairn.Run:
    """A finished run of ``steps`` rows of ``loss`` and ``acc`` (plus ``values`` on the last row)."""
    run = cairn.init(project=project, dir=store_dir, mode=mode, **init)
    for step in range(steps):
        row: dict[str, Any] = {"loss": 1.0 / (step + 1), "acc": step / 10}
        if step == steps - 1 and values:
            row.update(values)
        run.log(row)
    run.finish(quiet=True)
    return run
