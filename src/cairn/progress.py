"""Progress bars in bytes for long transfers (downloads of artifacts, uploads of large files):
rich's bar on stderr when it is a terminal, nothing when output is piped. Every bar of the
process draws on one console (``console()``), so a bar started inside another (a large file's
upload during ``cairn sync``) is drawn below it rather than over it."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


_made: list[tuple[tuple[int, str | None, str | None], Console]] = []


def console() -> Console:
    """The console on stderr: the same one while stderr and the variables rich reads to choose
    (``TTY_COMPATIBLE``, ``FORCE_COLOR``) stay the same, a new one when they change (a
    command run in-process with its output captured, as tests do)."""
    from rich.console import Console

    key = (id(sys.stderr), os.environ.get("TTY_COMPATIBLE"), os.environ.get("FORCE_COLOR"))
    if not _made or _made[0][0] != key:
        _made[:] = [(key, Console(stderr=True))]
    return _made[0][1]


class progress:
    """``with progress(label, total) as advance: advance(n)`` after each ``n`` bytes moved
    (from any thread); a bar only when ``total`` is not 0 and stderr is a terminal. Output of
    the program meanwhile is left alone (not redirected)."""

    def __init__(self, label: str, total: int) -> None:
        self.label = label
        self.total = total
        self.bar: Any = None

    def __enter__(self) -> Callable[[int], None]:
        if not self.total or not console().is_terminal:
            return lambda n: None
        from rich.markup import escape
        from rich.progress import DownloadColumn, Progress, TransferSpeedColumn

        self.bar = Progress(
            *Progress.get_default_columns(),
            DownloadColumn(),
            TransferSpeedColumn(),
            console=console(),
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.bar.start()
        task = self.bar.add_task(escape(self.label), total=self.total)  # a name, not markup
        return lambda n: self.bar.advance(task, n)  # rich's Progress takes it under a lock

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
