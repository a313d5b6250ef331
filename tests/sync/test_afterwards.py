"""What a run's store had not taken when ``finish()`` gave up is applied by a process of its own,
after the run's process, with no ``cairn sync`` by hand."""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import cairn
from cairn.journal.file import read_journal
from cairn.journal.records import History
from cairn.sdk import run as run_module
from cairn.store.store import Store
from cairn.sync import afterwards

pytestmark = pytest.mark.usefixtures("no_open_run")

WAIT = 60.0


def _wait_for(pid: int) -> int:
    """The exit code of a child process of this one (it is: ``finish()`` started it)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    raise AssertionError(f"process {pid} still running after {WAIT} s")


def _finish_with_a_hung_store(monkeypatch: pytest.MonkeyPatch, **init: Any) -> cairn.Run:
    """A finished run of 2,000 rows whose store hung in this process, so ``finish()`` gave up."""
    monkeypatch.setattr(run_module, "FINISH_TIMEOUT", 0.5)
    release = threading.Event()

    def hung_apply(self: Store, run_id: str, records: Any) -> int:
        release.wait(WAIT)
        raise ConnectionError("the store went away")

    with monkeypatch.context() as patch:
        patch.setattr(Store, "apply", hung_apply)
        run = cairn.init(project="p", config={"lr": 0.1}, **init)
        for i in range(2_000):
            run.log({"loss": 1.0 / (i + 1)})
        run.summary["best"] = 7
        run.finish()
        release.set()
        assert run._syncer is not None
        run._syncer._thread.join(WAIT)
    return run


def test_the_rest_is_applied_after_finish_and_the_journal_removed(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = _finish_with_a_hung_store(monkeypatch)
    err = capsys.readouterr().err
    found = re.search(r"process (\d+) applies the rest now", err)
    assert found, err
    assert f"cairn sync {run.journal}" in err  # what to do should it stop
    assert _wait_for(int(found.group(1))) == 0
    stored = cairn.Api(store_dir).run(run.path)
    assert stored.state == "finished"
    assert stored.config == {"lr": 0.1}
    assert stored.summary["best"] == 7
    assert stored.history(keys=["loss"], format="numpy")["loss"].size == 2_000
    assert not run.journal.exists()
    assert not run.journal.with_name(afterwards.LOG_NAME).exists()
    assert not run.journal.parent.exists()  # the run's folder held nothing else


def test_the_runs_own_syncer_stops_when_finish_hands_the_rest_over(
    store_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A slow store, not a hung one: the syncer would go on applying batch after batch while
    the process started by finish() applies the same journal and removes it."""
    monkeypatch.setattr(run_module, "FINISH_TIMEOUT", 0.5)
    applying = Store.apply

    def slow_apply(self: Store, run_id: str, records: Any) -> int:
        time.sleep(0.4)
        return applying(self, run_id, records)

    monkeypatch.setattr(Store, "apply", slow_apply)
    run = cairn.init(project="p")
    for i in range(60_000):  # 12 batches of 5,000: about 5 s of applying here
        run.log({"loss": 1.0 / (i + 1)})
    run.finish()
    assert run._syncer is not None and not run._syncer._thread.is_alive()  # stopped in finish()
    err = capsys.readouterr().err
    assert "after 0.5 s" in err
    found = re.search(r"process (\d+) applies the rest now", err)
    assert found, err
    assert _wait_for(int(found.group(1))) == 0
    monkeypatch.setattr(Store, "apply", applying)
    loss = cairn.Api(store_dir).run(run.path).history(keys=["loss"], format="numpy")["loss"]
    assert loss.size == 60_000
    assert not [r for r in caplog.records if "cannot sync" in r.getMessage()]


def test_a_kept_journal_stays_after_the_rest_is_applied(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = cairn.Settings(keep_journal=True)
    run = _finish_with_a_hung_store(monkeypatch, settings=settings)
    found = re.search(r"process (\d+) applies the rest now", capsys.readouterr().err)
    assert found
    assert _wait_for(int(found.group(1))) == 0
    assert cairn.Api(store_dir).run(run.path).state == "finished"
    records = read_journal(run.journal).records
    assert sum(isinstance(r, History) for r in records) == 2_000
    assert not run.journal.with_name(afterwards.LOG_NAME).exists()


def test_turned_off_the_journal_waits_for_cairn_sync(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CAIRN_SYNC_AFTERWARDS", "off")
    run = _finish_with_a_hung_store(monkeypatch)
    err = capsys.readouterr().err
    assert "applies the rest" not in err
    assert "did not take it in time" in err
    assert f"cairn sync {run.journal}" in err
    time.sleep(1.0)  # long enough for a process that should not exist to have applied some
    with pytest.raises(cairn.RunNotFoundError):
        cairn.Api(store_dir).run(run.path)
    assert not run.journal.with_name(afterwards.LOG_NAME).exists()


def test_a_torn_journal_is_applied_up_to_the_tear_and_kept(store_dir: Path) -> None:
    run = cairn.init(project="p", settings=cairn.Settings(keep_journal=True))
    for i in range(100):
        run.log({"loss": float(i)})
    run.finish(quiet=True)
    journal = run.journal
    assert journal is not None
    with open(journal, "ab") as f:
        f.write(b"\x07torn")  # half a frame, as a process killed mid-write leaves
    assert afterwards.apply_rest(journal, store_dir, keep_journal=False) is False
    assert journal.exists()  # `cairn sync` can still look at it
    assert len(cairn.Api(store_dir).run(run.path).history()) == 100


@pytest.mark.parametrize(("value", "on"), [(None, True), ("1", True), ("0", False), ("no", False)])
def test_enabled_reads_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str | None, on: bool
) -> None:
    if value is None:
        monkeypatch.delenv("CAIRN_SYNC_AFTERWARDS", raising=False)
    else:
        monkeypatch.setenv("CAIRN_SYNC_AFTERWARDS", value)
    assert afterwards.enabled() is on
