"""Teeing a process's stdout and stderr into its run: the user still sees every character; the
run gets the lines, with the time each began, journaled in chunks about once a second.

A write costs the original write plus one append to a deque: the lines are split and journaled by
a background thread, so printing stays fast and ``log()`` is never touched. What a process wrote
up to its last chunk survives ``kill -9``. If the run's journal cannot be written (a full disk),
capture stops: the streams are put back and nothing more is queued. Python-level writes to
``sys.stdout`` and ``sys.stderr`` are seen (and logging handlers that were already writing to them); output of child
processes or C code writing to the file descriptors directly is not.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any, TextIO

from cairn.journal.records import Console, Record
from cairn.sdk.capture.secrets import redact_text

INTERVAL = 1.0
MAX_LINE = 65_536
MAX_PENDING = 10_000
"""Writes waiting for the thread; past this the thread is woken early."""

_live: weakref.WeakSet[ConsoleCapture] = weakref.WeakSet()


class _Tee:
    """Stands in for ``sys.stdout``/``sys.stderr``: writes through, and notes what was written."""

    def __init__(self, stream: TextIO, name: str, capture: ConsoleCapture) -> None:
        self._stream = stream
        self._name = name
        self._capture: ConsoleCapture | None = capture

    def write(self, text: str) -> int:
        n = self._stream.write(text)
        capture = self._capture
        if capture is not None and text:
            capture._writes.append((time.time(), self._name, text))
            if len(capture._writes) > MAX_PENDING:
                capture._wake.set()
        return n

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:  # encoding, isatty, fileno, buffer...
        return getattr(self._stream, name)


class ConsoleCapture:
    """Tees ``sys.stdout`` and ``sys.stderr`` into ``put`` (a run's writer) until ``stop()``."""

    def __init__(self, put: Callable[[Record], None], interval: float = INTERVAL) -> None:
        self._put = put
        self._interval = interval
        self._writes: deque[tuple[float, str, str]] = deque()
        self._partial: dict[str, tuple[float, str]] = {}
        self._wake = threading.Event()
        self._stopping = False
        self._failed = False
        self._lock = threading.Lock()
        self._tees: dict[str, _Tee] = {}
        self._thread = threading.Thread(target=self._loop, name="cairn-console", daemon=True)

    def start(self) -> None:
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            if stream is None:
                continue
            tee = _Tee(stream, name, self)
            self._tees[name] = tee
            setattr(sys, name, tee)
            self._swap_logging(stream, tee)
        _live.add(self)
        self._thread.start()

    def _swap_logging(self, old: Any, new: Any) -> None:
        """Point logging handlers made before us (``logging.basicConfig()`` before ``init``) at
        ``new`` instead of ``old``: they hold the stream itself, not ``sys.stderr``."""
        loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
        for logger in loggers:
            for handler in getattr(logger, "handlers", ()):
                if type(handler) is logging.StreamHandler and handler.stream is old:
                    handler.setStream(new)

    def stop(self, timeout: float = 5.0) -> None:
        """Put the streams back, and journal everything written so far, partial lines too."""
        self._restore()
        self._stopping = True
        self._wake.set()
        self._thread.join(timeout)
        self._flush(final=True)

    def _restore(self) -> None:
        for name, tee in self._tees.items():
            tee._capture = None
            self._swap_logging(tee, tee._stream)
            if getattr(sys, name) is tee:
                setattr(sys, name, tee._stream)
            # else someone wrapped us since: leave their wrapper; ours now only passes through

    def _loop(self) -> None:
        while not self._stopping:
            self._wake.wait(self._interval)
            self._wake.clear()
            if not self._stopping:
                self._flush(final=False)

    def _flush(self, final: bool) -> None:
        with self._lock:
            lines: list[tuple[float, str, str]] = []
            writes = self._writes
            for _ in range(len(writes)):
                ts, stream, text = writes.popleft()
                self._split(ts, stream, text, lines)
            if final:
                for stream, (ts, text) in sorted(self._partial.items()):
                    lines.append((ts, stream, _clean(text)))
                self._partial.clear()
            if lines and not self._failed:
                lines.sort(key=lambda line: line[0])  # stable: a stream's lines keep their order
                try:
                    self._put(Console(seq=0, lines=lines))
                except Exception as exc:  # the journal cannot be written: stop, hold nothing
                    self._give_up(exc)

    def _give_up(self, exc: Exception) -> None:
        self._failed = True
        self._restore()
        self._writes.clear()
        self._partial.clear()
        self._stopping = True
        print(f"cairn: console capture stopped: {exc}", file=sys.stderr)

    def _split(self, ts: float, stream: str, text: str, out: list[tuple[float, str, str]]) -> None:
        start, pending = self._partial.pop(stream, (ts, ""))
        parts = (pending + text).split("\n")
        for part in parts[:-1]:
            out.append((start, stream, _clean(part)))
            start = ts
        if parts[-1]:
            rest = parts[-1]
            if len(rest) > MAX_LINE:
                out.append((start, stream, _clean(rest)))
            else:
                self._partial[stream] = (start, rest)


def _clean(line: str) -> str:
    """What a terminal shows of a line: the text after its last carriage return, its secret
    values redacted, cut when huge."""
    line = line.rstrip("\r")
    if "\r" in line:
        line = line.rsplit("\r", 1)[1]
    line = redact_text(line)[0]  # secret-looking values never reach the journal
    return line if len(line) <= MAX_LINE else line[:MAX_LINE] + " …[cut]"


def _after_fork_in_child() -> None:
    """A forked child (a DataLoader worker...) has no thread to journal its writes: stop noting."""
    for capture in list(_live):
        for tee in capture._tees.values():
            tee._capture = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
