"""Console capture: stdout and stderr teed into the run in chunks, the user still sees them, and
what was journaled survives ``kill -9``."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from tests.fakes.planted import PLANTED
from tests.fakes.waiting import wait_for

import cairn
from cairn.journal.file import JournalWriter, read_journal
from cairn.journal.records import Console, Record
from cairn.sdk.console import ConsoleCapture
from cairn.sdk.writer import Writer
from cairn.store.store import Store
from cairn.sync.syncer import sync_journal


@contextmanager
def fake_streams() -> Iterator[tuple[io.StringIO, io.StringIO]]:
    """sys.stdout and sys.stderr as StringIOs (set in the test body: pytest resets them between a
    fixture's setup and the test)."""
    saved = sys.stdout, sys.stderr
    out, err = io.StringIO(), io.StringIO()
    sys.stdout, sys.stderr = out, err
    try:
        yield out, err
    finally:
        sys.stdout, sys.stderr = saved


def lines_of(records: list[Record]) -> list[tuple[str, str]]:
    return [
        (stream, text) for r in records if isinstance(r, Console) for _, stream, text in r.lines
    ]


def test_writes_pass_through_and_are_journaled_as_lines() -> None:
    records: list[Record] = []
    with fake_streams() as (out, err):
        capture = ConsoleCapture(records.append, interval=60)
        capture.start()
        print("hello")
        print("oops", file=sys.stderr)
        sys.stdout.write("a partial")
        sys.stdout.write(" line\nepoch 1: 10%\repoch 1: 100%\n")
        sys.stdout.write("no newline at the end")
        capture.stop()
        restored = sys.stdout is out and sys.stderr is err
    assert out.getvalue() == (
        "hello\na partial line\nepoch 1: 10%\repoch 1: 100%\nno newline at the end"
    )
    assert err.getvalue() == "oops\n"
    assert restored, "the streams are put back"
    assert lines_of(records) == [
        ("stdout", "hello"),
        ("stderr", "oops"),
        ("stdout", "a partial line"),
        ("stdout", "epoch 1: 100%"),  # what a terminal shows of a carriage-returned line
        ("stdout", "no newline at the end"),
    ]
    assert len(records) == 1, "one chunk, not a record per write"


def test_a_chunk_is_journaled_about_every_interval() -> None:
    records: list[Record] = []
    with fake_streams():
        capture = ConsoleCapture(records.append, interval=0.05)
        capture.start()
        try:
            print("first")
            deadline = time.monotonic() + 10
            while not records and time.monotonic() < deadline:
                time.sleep(0.01)
        finally:
            capture.stop()
    assert lines_of(records) == [("stdout", "first")]


def test_logging_set_up_before_the_run_is_captured_too() -> None:
    import logging

    records: list[Record] = []
    with fake_streams() as (_, err):
        handler = logging.StreamHandler(sys.stderr)  # as logging.basicConfig() makes it
        logger = logging.getLogger("cairn-test-console")
        logger.addHandler(handler)
        logger.propagate = False
        try:
            capture = ConsoleCapture(records.append, interval=60)
            capture.start()
            logger.warning("loss is NaN")
            capture.stop()
            assert handler.stream is err, "the handler gets its stream back"
        finally:
            logger.removeHandler(handler)
    assert err.getvalue() == "loss is NaN\n"
    assert lines_of(records) == [("stderr", "loss is NaN")]


def test_a_wrapper_installed_later_is_left_in_place() -> None:
    records: list[Record] = []
    with fake_streams():
        capture = ConsoleCapture(records.append, interval=60)
        capture.start()
        theirs = io.StringIO()
        sys.stdout = theirs
        capture.stop()
        assert sys.stdout is theirs


@pytest.mark.usefixtures("no_open_run")
def test_a_run_reads_its_console_back(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cairn.init(
        project="p",
        settings=cairn.Settings(capture_git=False, save_code=False, capture_console=True),
    )
    for i in range(3):
        print(f"step {i}")
    print("warning: low lr", file=sys.stderr)
    run.finish(quiet=True)
    assert capsys.readouterr().out == "step 0\nstep 1\nstep 2\n"
    stored = cairn.Api(store_dir).run(run.path)
    lines = stored.console()
    assert [(x.line, x.stream, x.text) for x in lines] == [
        (0, "stdout", "step 0"),
        (1, "stdout", "step 1"),
        (2, "stdout", "step 2"),
        (3, "stderr", "warning: low lr"),
    ]
    assert all(abs(x.ts - run.created_at) < 60 for x in lines)
    assert [x.text for x in stored.console(search="STEP 1")] == ["step 1"]
    assert [x.line for x in stored.console(after=1)] == [2, 3]
    assert [x.text for x in stored.console(stream="stderr")] == ["warning: low lr"]


CHILD = textwrap.dedent(
    """
    import sys, time, cairn
    run = cairn.init(project="c", id=sys.argv[1], mode=sys.argv[2])
    for i in range(5):
        print(f"line {i}")
    print("to stderr", file=sys.stderr)
    sys.__stdout__.write("ready\\n")
    sys.__stdout__.flush()
    time.sleep(600)
    """
)


@pytest.mark.parametrize("mode", ["online", "offline"])
def test_console_lines_survive_kill_9(tmp_path: Path, mode: str) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    store_dir = tmp_path / ".cairn"
    env = {**os.environ, "CAIRN_DIR": str(store_dir), "CAIRN_CAPTURE_CONSOLE": "1"}
    child = subprocess.Popen(
        [sys.executable, str(script), "k9", mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "line 0\n", "the user still sees the output"
        journal = store_dir / "runs" / "k9" / "journal"
        deadline = time.monotonic() + 30
        while len(lines_of(read_journal(journal).records)) < 6:  # the next chunk: ~1 s
            assert time.monotonic() < deadline, "the console chunk never reached the journal"
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
    store = Store.local(store_dir)
    sync_journal(store_dir / "runs" / "k9" / "journal", store)
    got = [(x.stream, x.text) for x in cairn.Api(store_dir).run("c/k9").console()]
    assert got == [("stdout", f"line {i}") for i in range(5)] + [("stderr", "to stderr")]


def test_secret_values_printed_are_redacted_before_they_are_journaled() -> None:
    records: list[Record] = []
    token = PLANTED[2].secret
    with fake_streams() as (out, _):
        capture = ConsoleCapture(records.append, interval=60)
        capture.start()
        print(f"logging in with {token}")
        sys.stdout.write(f"{PLANTED[5].secret[:9]}")  # a secret split across two writes
        sys.stdout.write(f"{PLANTED[5].secret[9:]} done\n")
        print("password = 'quiet-pw-3'; max_tokens = 512")
        capture.stop()
    assert token in out.getvalue(), "the terminal still shows what was printed"
    assert lines_of(records) == [
        ("stdout", "logging in with [REDACTED:github-token]"),
        ("stdout", "[REDACTED:openai-key] done"),
        ("stdout", "password = '[REDACTED:assignment]'; max_tokens = 512"),
    ]


def test_capture_stops_queuing_once_the_journal_cannot_be_written(tmp_path: Path) -> None:
    """A full disk (the journal's descriptor pointed at /dev/full): the writer fails, and console
    capture puts the streams back instead of queuing output nobody will write."""
    journal = JournalWriter(tmp_path / "journal")
    writer = Writer(journal, next_seq=1)
    full = os.open("/dev/full", os.O_WRONLY)
    try:
        os.dup2(full, journal._f.fileno())  # every later write: ENOSPC
        with fake_streams() as (out, err):
            capture = ConsoleCapture(writer.put, interval=0.01)
            capture.start()
            print("before the disk filled up")
            assert wait_for(lambda: writer.error is not None), "the journal write never failed"
            assert wait_for(lambda: print("training…") or sys.stdout is out), "stdout not restored"
            assert sys.stderr is err
            for i in range(50_000):
                print(f"line {i}")
            pending = len(capture._writes) + len(writer.queue)
            capture.stop()
        assert pending == 0, "output after the failure was queued"
        assert out.getvalue().endswith("line 49999\n"), "the user still sees everything"
        assert "No space left on device" in err.getvalue(), "it says why capture stopped"
    finally:
        os.close(full)
