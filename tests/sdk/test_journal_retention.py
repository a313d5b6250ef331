"""A finished online run's journal is removed once the store has applied all of it; offline and
unsynced runs, and runs told to keep it, keep theirs."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from tests.fakes.waiting import wait_for

import cairn
from cairn.cli.main import cli
from cairn.errors import RunLockedError
from cairn.journal.file import read_journal
from cairn.journal.lock import JournalLock, lock_path
from cairn.journal.records import History, Record, RunFinish
from cairn.sdk import run as run_module
from cairn.store import history
from cairn.store.schema import history_segments
from cairn.store.store import Store

pytestmark = pytest.mark.usefixtures("no_open_run")


def _logged_run(**init: Any) -> cairn.Run:
    run = cairn.init(project="p", **init)
    run.define_metric("loss", summary="min")
    for step in range(30):
        run.log({"loss": 3.0 - step / 10, "acc": step / 30})
    run.summary["note"] = "kept"
    run.finish(quiet=True)
    return run


def test_a_synced_run_leaves_no_journal_and_the_store_has_everything(store_dir: Path) -> None:
    run = _logged_run()
    assert run.journal is not None
    assert not run.journal.exists()
    assert not run.journal.parent.exists()  # the run's folder held nothing else
    assert run.journal.parent.parent.is_dir()  # runs/, where other runs' folders are made
    stored = cairn.Api(store_dir).run(run.path)
    assert stored.state == "finished"
    assert len(stored.history()) == 30
    store = Store.local(store_dir)
    assert store.history(run.id, ["loss"]).num_rows == 30
    with store.engine.connect() as conn:  # a short run's rows stay in the SQL tail, as durable
        assert history.tail_rows(conn, run.id) == 30
        assert conn.execute(select(func.count()).select_from(history_segments)).scalar() == 0
    # The summary still reads after finish, now from the store.
    assert run.summary["loss"] == pytest.approx(0.1)
    assert run.summary["note"] == "kept"


def test_the_run_stays_locked_from_its_last_record_until_its_journal_is_gone(
    store_dir: Path,
) -> None:
    """finish() keeps the lock its writer took while the store applies the end: no other
    process continues the run between the journal's last record and its removal."""
    run = cairn.init(project="p")
    run.log({"loss": 1.0})
    assert run.journal is not None and run._writer is not None
    journal = run._writer.journal
    held = sqlite3.connect(store_dir / "cairn.db", isolation_level=None)
    held.execute("BEGIN IMMEDIATE")  # the store cannot apply the run's end until we let go
    finishing = threading.Thread(target=run.finish, kwargs={"quiet": True})
    finishing.start()
    try:
        assert wait_for(lambda: journal._f.closed)  # the last record is written and fsynced
        with pytest.raises(RunLockedError):
            JournalLock.acquire(run.journal)
    finally:
        held.execute("ROLLBACK")
        held.close()
    finishing.join(60)
    assert not finishing.is_alive()
    assert not run.journal.exists() and not lock_path(run.journal).exists()
    assert cairn.Api(store_dir).run(run.path).state == "finished"


@pytest.mark.parametrize("how", ["Settings", "environment"])
def test_keep_journal_keeps_it(store_dir: Path, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if how == "Settings":
        run = _logged_run(settings=cairn.Settings(keep_journal=True))
    else:
        monkeypatch.setenv("CAIRN_KEEP_JOURNAL", "1")
        run = _logged_run()
    assert run.journal is not None
    records = read_journal(run.journal).records
    assert isinstance(records[-1], RunFinish)
    assert Store.local(store_dir).last_seq(run.id) == records[-1].seq


def test_an_offline_run_keeps_its_journal(store_dir: Path) -> None:
    run = _logged_run(mode="offline")
    assert run.journal is not None
    assert isinstance(read_journal(run.journal).records[-1], RunFinish)


def test_a_run_the_store_did_not_take_keeps_its_journal(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Store, run_id: str, records: Any) -> int:
        raise OSError("the store is unavailable")

    monkeypatch.setattr(run_module, "FINISH_TIMEOUT", 0.5)
    monkeypatch.setenv("CAIRN_SYNC_AFTERWARDS", "0")  # no process applies it after this one
    monkeypatch.setattr(Store, "apply", refuse)
    run = _logged_run()
    assert run.journal is not None
    assert isinstance(read_journal(run.journal).records[-1], RunFinish)
    monkeypatch.undo()
    assert Store.local(store_dir).last_seq(run.id) == 0  # `cairn sync` needs the journal


def test_a_short_run_whose_rows_the_store_lacks_keeps_its_journal(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store took the run's start but not its rows: the journal stays, and `cairn sync`
    brings every row into the tail."""
    applied = Store.apply

    def no_rows(self: Store, run_id: str, records: list[Record]) -> int:
        if any(isinstance(r, History) for r in records):
            raise OSError("the store is unavailable")
        return applied(self, run_id, records)

    monkeypatch.setattr(run_module, "FINISH_TIMEOUT", 0.5)
    monkeypatch.setenv("CAIRN_SYNC_AFTERWARDS", "0")  # no process applies it after this one
    monkeypatch.setattr(Store, "apply", no_rows)
    run = _logged_run()
    monkeypatch.setattr(Store, "apply", applied)
    assert run.journal is not None and run.journal.exists()
    assert Store.local(store_dir).history(run.id, ["loss"]).num_rows == 0
    result = CliRunner().invoke(cli, ["sync", str(run.journal)])
    assert result.exit_code == 0, result.output
    store = Store.local(store_dir)
    assert store.run(run.id).state == "finished"
    assert store.history(run.id, ["loss"]).column("loss").to_pylist() == [
        3.0 - step / 10 for step in range(30)
    ]
    with store.engine.connect() as conn:
        assert history.tail_rows(conn, run.id) == 30
