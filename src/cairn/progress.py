"""Progress bars in bytes for long transfers (downloads of artifacts, uploads of large files):
rich's bar on stderr when it is a terminal, nothing when output is piped. Every bar of the
process draws on one console (``console()``), so a bar started inside another (a large file's
upload during ``cairn sync``) is drawn below it rather than over it."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


@cache
def console() -> Console:
    """The process's console on stderr (rich honours ``TTY_COMPATIBLE`` and ``FORCE_COLOR``)."""
    from rich.console import Console

    return Console(stderr=True)


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
