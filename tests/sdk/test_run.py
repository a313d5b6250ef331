"""``Run``: logging, steps, flush, finish, and what reaches the journal and the store."""

from __future__ import annotations

import math
import re
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

import cairn
from cairn.journal.file import read_journal
from cairn.journal.records import ConfigUpdate, History, RunFinish, RunStart
from cairn.sdk import run as run_module
from cairn.sdk import writer as writer_module
from cairn.store.store import Store
from cairn.sync.syncer import sync_journal

pytestmark = pytest.mark.usefixtures("no_open_run")

WAIT = 30.0


def _history(store_dir: Path, run: cairn.Run) -> list[dict[str, Any]]:
    """Stored rows as ``(step, {key: value})`` dicts, in the order the reader returns them."""
    return [
        {k: v for k, v in row.items() if k not in ("_timestamp", "_runtime")}
        for row in cairn.Api(store_dir).run(run.path).scan_history()
    ]


def _journal_rows(run: cairn.Run) -> list[History]:
    assert run.journal is not None
    return [r for r in read_journal(run.journal).records if isinstance(r, History)]


def test_run_attributes(store_dir: Path) -> None:
    run = cairn.init(project="digits", config={"lr": 0.1})
    assert re.fullmatch(r"[0-9a-z]{8}", run.id)
    assert re.fullmatch(r"[a-z]+-[a-z]+-1", run.name)
    assert run.project == "digits"
    assert run.dir == store_dir.resolve()
    assert run.path == f"digits/{run.id}"
    assert run.url == f"http://127.0.0.1:8080/p/digits/r/{run.id}"
    assert run.config == {"lr": 0.1}
    assert dict(run.summary) == {}
    assert run.mode == "online"
    assert run.step == 0
    assert run.id in repr(run) and "digits" in repr(run)
    assert cairn.init.__doc__
    run.finish(quiet=True)
    stored = cairn.Api(store_dir).run(run.path)
    assert (stored.id, stored.name, stored.project) == (run.id, run.name, run.project)
    assert stored.state == "finished"
    assert stored.created_at == pytest.approx(run.created_at)


def test_values_read_back_with_full_fidelity(store_dir: Path) -> None:
    run = cairn.init(project="p")
    run.log(
        {
            "py_float": 0.1 + 0.2,
            "py_int": 2**53,
            "bool": True,
            "np32": np.float32(0.1),
            "np_int": np.int64(-7),
            "zero_d": np.array(2.5),
            "torch": torch.tensor(1.25),
            "torch_1": torch.tensor([3.5]),
            "nan": float("nan"),
            "inf": math.inf,
            "ninf": -math.inf,
            "tiny": 5e-324,
            "nested": {"deep": {"x": 1e300}},
        }
    )
    run.finish(quiet=True)
    frame = cairn.Api(store_dir).run(run.path).history()
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row["py_float"] == 0.1 + 0.2
    assert row["py_int"] == float(2**53)
    assert row["bool"] == 1.0
    assert row["np32"] == float(np.float32(0.1))
    assert row["np_int"] == -7.0
    assert row["zero_d"] == 2.5
    assert row["torch"] == 1.25
    assert row["torch_1"] == 3.5
    assert math.isnan(row["nan"])
    assert row["inf"] == math.inf
    assert row["ninf"] == -math.inf
    assert row["tiny"] == 5e-324
    assert row["nested/deep/x"] == 1e300


def test_each_committed_call_is_the_next_step(store_dir: Path) -> None:
    run = cairn.init(project="p")
    for i in range(3):
        run.log({"i": i})
    assert run.step == 3
    run.finish(quiet=True)
    assert _history(store_dir, run) == [
        {"_step": 0, "i": 0.0},
        {"_step": 1, "i": 1.0},
        {"_step": 2, "i": 2.0},
    ]


def test_commit_false_adds_to_the_pending_row(store_dir: Path) -> None:
    run = cairn.init(project="p")
    run.log({"a": 1}, commit=False)
    run.log({"b": 2}, commit=False)
    assert run.step == 0
    run.log({"c": 3, "a": 10})
    run.log({"d": 4})
    run.finish(quiet=True)
    assert _history(store_dir, run) == [
        {"_step": 0, "a": 10.0, "b": 2.0, "c": 3.0},
        {"_step": 1, "d": 4.0},
    ]


def test_a_call_at_another_step_commits_the_pending_row(store_dir: Path) -> None:
    run = cairn.init(project="p")
    run.log({"a": 1}, step=4, commit=False)
    run.log({"b": 2}, step=4, commit=False)
    run.log({"c": 3}, step=9)
    run.finish(quiet=True)
    assert _history(store_dir, run) == [
        {"_step": 4, "a": 1.0, "b": 2.0},
        {"_step": 9, "c": 3.0},
    ]


@pytest.mark.parametrize("how", ["flush", "finish"])
def test_pending_row_is_committed_by_flush_and_finish(store_dir: Path, how: str) -> None:
    run = cairn.init(project="p")
    run.log({"a": 1}, commit=False)
    if how == "flush":
        run.flush()
        assert [r.values for r in _journal_rows(run)] == [{"a": 1.0}]
    run.finish(quiet=True)
    assert _history(store_dir, run) == [{"_step": 0, "a": 1.0}]


def test_steps_may_repeat_and_go_backwards_and_nothing_is_dropped(store_dir: Path) -> None:
    run = cairn.init(project="p")
    run.log({"v": 1}, step=5)
    run.log({"v": 2}, step=3)
    run.log({"v": 3}, step=5)
    run.log({"v": 4}, step=0)
    run.log({"v": 5})  # the step after the last one used: 1
    run.log({"w": 6}, step=3)
    run.log({"v": 7}, step=np.int64(5))
    assert run.step == 6
    run.finish(quiet=True)
    assert _history(store_dir, run) == [
        {"_step": 0, "v": 4.0},
        {"_step": 1, "v": 5.0},
        {"_step": 3, "v": 2.0},
        {"_step": 3, "w": 6.0},
        {"_step": 5, "v": 1.0},
        {"_step": 5, "v": 3.0},
        {"_step": 5, "v": 7.0},
    ]
    frame = cairn.Api(store_dir).run(run.path).history()
    assert frame["_step"].tolist() == [0, 1, 3, 3, 5, 5, 5]
    assert frame["v"].fillna(-1).tolist() == [4.0, 5.0, 2.0, -1, 1.0, 3.0, 7.0]


@pytest.mark.parametrize(
    ("step", "error", "match"),
    [
        (-1, ValueError, "non-negative"),
        (1.5, TypeError, "integer"),
        (2.0, TypeError, "integer"),
        ("3", TypeError, "integer"),
        (True, TypeError, "integer"),
        (np.float64(3), TypeError, "integer"),
        (2**63, ValueError, "64 bits"),
    ],
    ids=repr,
)
def test_bad_steps_are_refused_and_nothing_is_logged(
    store_dir: Path, step: Any, error: type[Exception], match: str
) -> None:
    run = cairn.init(project="p")
    run.log({"ok": 1})
    with pytest.raises(error, match=match):
        run.log({"bad_step": 1.0}, step=step)
    assert run.step == 1
    run.finish(quiet=True)
    assert _history(store_dir, run) == [{"_step": 0, "ok": 1.0}]


def _bad_calls() -> list[tuple[dict[str, Any], type[Exception], str]]:
    return [
        ({"ok": 1.0, "text": "hello"}, TypeError, r"'text'.*\bstr\b"),
        ({"ok": 1.0, "none": None}, TypeError, r"'none'.*NoneType"),
        ({"ok": 1.0, "obj": object()}, TypeError, r"'obj'.*\bobject\b"),
        ({"ok": 1.0, "hist": np.zeros(3)}, TypeError, r"'hist'.*\(3,\).*Histogram"),
        ({"ok": 1.0, "t": torch.zeros(3)}, TypeError, r"'t'.*Histogram"),
        ({"ok": 1.0, "nest": {"s": "x"}}, TypeError, r"'nest/s'.*str"),
        ({"ok": 1.0, "huge": 10**400}, ValueError, r"'huge'"),
        ({"ok": 1.0, "": 1.0}, ValueError, r"''"),
        ({"ok": 1.0, "_step": 1.0}, ValueError, r"'_step'"),
        ({"ok": 1.0, "a\nb": 1.0}, ValueError, r"'a\\nb'"),
        ({"ok": 1.0, "k" * 300: 1.0}, ValueError, r"'kkkk.*300 characters"),
        ({"ok": 1.0, 7: 1.0}, ValueError, r"\b7\b"),
    ]


@pytest.mark.parametrize(("data", "error", "match"), _bad_calls(), ids=lambda x: repr(x)[:30])
@pytest.mark.parametrize("mode", ["online", "offline"])
def test_a_bad_call_raises_before_anything_is_queued(
    store_dir: Path, data: dict[str, Any], error: type[Exception], match: str, mode: str
) -> None:
    run = cairn.init(project="p", mode=mode)
    run.log({"ok": 0.0})
    with pytest.raises(error, match=match):
        run.log(data)
    with pytest.raises(error, match=match):
        run.log(data, commit=False)
    assert run.step == 1
    run.flush()
    assert [(r.step, r.values) for r in _journal_rows(run)] == [(0, {"ok": 0.0})]
    run.finish(quiet=True)
    if mode == "offline":
        sync_journal(run.journal, Store.local(store_dir))  # type: ignore[arg-type]
    assert _history(store_dir, run) == [{"_step": 0, "ok": 0.0}]
    assert cairn.Api(store_dir).run(run.path).keys == ["ok"]


def test_a_bad_call_leaves_the_pending_row_alone(store_dir: Path) -> None:
    run = cairn.init(project="p")
    run.log({"a": 1.0}, commit=False)
    with pytest.raises(TypeError):
        run.log({"b": 2.0, "c": "no"})
    run.log({"d": 3.0})
    run.finish(quiet=True)
    assert _history(store_dir, run) == [{"_step": 0, "a": 1.0, "d": 3.0}]


def test_the_error_is_raised_in_the_callers_thread(store_dir: Path) -> None:
    run = cairn.init(project="p")
    caught: list[BaseException] = []

    def worker() -> None:
        try:
            run.log({"s": "text"})
        except TypeError as exc:
            caught.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(WAIT)
    assert len(caught) == 1 and "'s'" in str(caught[0])
    run.finish(quiet=True)


@pytest.mark.parametrize("data", [[("a", 1.0)], 1.0, "loss"], ids=repr)
def test_log_takes_a_mapping(store_dir: Path, data: Any) -> None:
    run = cairn.init(project="p")
    with pytest.raises(TypeError, match="dict"):
        run.log(data)
    run.finish(quiet=True)


def test_logging_after_finish_is_a_clear_error(store_dir: Path) -> None:
    run = cairn.init(project="p")
    run.log({"a": 1.0})
    run.finish(quiet=True)
    with pytest.raises(cairn.UsageError, match=rf"{run.path} is finished.*cairn\.init\(\)"):
        run.log({"a": 2.0})
    with pytest.raises(cairn.UsageError, match="finished"):
        run.flush()
    run.finish()  # a second finish changes nothing
    assert _history(store_dir, run) == [{"_step": 0, "a": 1.0}]


@pytest.mark.parametrize("mode", ["online", "offline"])
def test_flush_puts_everything_in_the_journal(store_dir: Path, mode: str) -> None:
    run = cairn.init(project="p", mode=mode)
    for i in range(2_000):
        run.log({"i": i, "half": i / 2})
    run.config.extra = 1
    run.log({"last": 1.0}, commit=False)
    run.flush()
    records = read_journal(run.journal).records  # type: ignore[arg-type]
    rows = [r for r in records if isinstance(r, History)]
    assert [r.step for r in rows] == list(range(2_001))
    assert rows[1234].values == {"i": 1234.0, "half": 617.0}
    assert rows[-1].values == {"last": 1.0}
    assert isinstance(records[0], RunStart)
    assert any(isinstance(r, ConfigUpdate) and r.config == {"extra": 1} for r in records)
    assert [r.seq for r in records] == list(range(1, len(records) + 1))
    run.finish(quiet=True)


def test_flush_fsyncs(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cairn.journal.file import JournalWriter

    synced: list[int] = []
    real_sync = JournalWriter.sync

    def counting_sync(self: JournalWriter) -> None:
        synced.append(self.bytes_written)
        real_sync(self)

    monkeypatch.setattr(JournalWriter, "sync", counting_sync)
    run = cairn.init(project="p")
    assert run._capturer is not None and run._capturer.wait(30)  # no capture record after flush
    run.log({"a": 1.0})
    run.flush()
    assert synced and synced[-1] == run.journal.stat().st_size  # type: ignore[union-attr]
    run.finish(quiet=True)


def test_finish_says_where_the_data_is(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cairn.init(project="p")
    run.log({"a": 1.0})
    run.finish()
    err = capsys.readouterr().err
    assert run.name in err and run.path in err
    assert "finished" in err
    assert re.search(r"\b1 rows? logged", err)
    assert str(run.dir) in err
    assert f"cairn runs show {run.path}" in err


def test_offline_finish_says_to_sync(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cairn.init(project="p", mode="offline")
    run.finish()
    err = capsys.readouterr().err
    assert f"cairn sync {run.journal}" in err


def test_quiet_finish_prints_nothing(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cairn.init(project="p")
    run.finish(quiet=True)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(("exit_code", "state"), [(0, "finished"), (1, "failed"), (3, "failed")])
def test_exit_code_sets_the_state(store_dir: Path, exit_code: int, state: str) -> None:
    run = cairn.init(project="p")
    run.finish(exit_code=exit_code, quiet=True)
    stored = cairn.Api(store_dir).run(run.path)
    assert stored.state == state
    assert stored.exit_code == exit_code
    assert stored.finished_at is not None


def test_module_level_functions_use_the_current_run(store_dir: Path) -> None:
    run = cairn.init(project="p")
    cairn.log({"a": 1.0})
    cairn.log({"b": 2.0}, step=7)
    cairn.log({"c": 3.0}, commit=False)
    cairn.config.lr = 0.5
    cairn.summary["best"] = 1
    cairn.finish(exit_code=0)
    assert cairn.sdk.session.current() is None
    stored = cairn.Api(store_dir).run(run.path)
    assert stored.config == {"lr": 0.5}
    assert stored.summary["best"] == 1
    assert _history(store_dir, run) == [
        {"_step": 0, "a": 1.0},
        {"_step": 7, "b": 2.0},
        {"_step": 8, "c": 3.0},
    ]
    with pytest.raises(cairn.UsageError):
        cairn.log({"a": 1.0})


def test_context_manager_finishes(store_dir: Path) -> None:
    with cairn.init(project="p") as run:
        run.log({"a": 1.0})
    stored = cairn.Api(store_dir).run(run.path)
    assert stored.state == "finished"
    assert stored.error is None


def test_an_exception_in_the_context_fails_the_run_with_its_traceback(store_dir: Path) -> None:
    def train(run: cairn.Run) -> None:
        run.log({"a": 1.0})
        raise RuntimeError("loss exploded")

    with pytest.raises(RuntimeError, match="loss exploded"), cairn.init(project="p") as run:
        train(run)
    stored = cairn.Api(store_dir).run(run.path)
    assert stored.state == "failed"
    assert stored.exit_code != 0
    assert stored.error.startswith("Traceback (most recent call last):")
    assert "in train" in stored.error
    assert stored.error.rstrip().endswith("RuntimeError: loss exploded")
    assert _history(store_dir, run) == [{"_step": 0, "a": 1.0}]


def test_keyboard_interrupt_in_the_context_fails_the_run(store_dir: Path) -> None:
    with pytest.raises(KeyboardInterrupt), cairn.init(project="p") as run:
        raise KeyboardInterrupt
    assert cairn.Api(store_dir).run(run.path).state == "failed"


@pytest.mark.parametrize(
    ("status", "exit_code", "state"),
    [(None, 0, "finished"), (0, 0, "finished"), (143, 143, "failed"), ("bad input", 1, "failed")],
)
def test_sys_exit_in_the_context_finishes_with_its_status(
    store_dir: Path, status: object, exit_code: int, state: str
) -> None:
    with pytest.raises(SystemExit), cairn.init(project="p") as run:
        run.log({"a": 1.0})
        raise SystemExit(status)  # what sys.exit() raises; SIGTERM under a sweep agent too
    stored = cairn.Api(store_dir).run(run.path)
    assert (stored.state, stored.exit_code, stored.error) == (state, exit_code, None)


def test_a_stopped_trial_refuses_every_later_log(store_dir: Path) -> None:
    run = cairn.init()
    run.log({"loss": 1.0})
    run._stop_trial("hyperband says so")  # what a sweep agent's monitor thread does
    for _ in range(2):
        with pytest.raises(cairn.sweeps.TrialStopped, match="hyperband says so"):
            try:
                run.log({"loss": 2.0}, commit=False)
            except Exception:  # a training loop's own handler does not swallow it
                pytest.fail("TrialStopped was caught by `except Exception`")
    run.finish(quiet=True)
    assert _history(store_dir, run) == [{"_step": 0, "loss": 1.0}]


def test_a_stop_through_the_context_finishes_the_run_as_a_stopped_subprocess_would(
    store_dir: Path,
) -> None:
    with pytest.raises(cairn.sweeps.TrialStopped), cairn.init() as run:
        run._stop_trial("the sweep was cancelled")
        run.log({"loss": 1.0})
    stored = cairn.Api(store_dir).run(run.path)
    assert (stored.state, stored.exit_code, stored.error) == ("failed", 143, None)


def test_finish_is_bounded_when_the_store_hangs(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(run_module, "FINISH_TIMEOUT", 1.0)
    monkeypatch.setenv("CAIRN_SYNC_AFTERWARDS", "0")  # the rest waits for `cairn sync`
    release = threading.Event()
    entered = threading.Event()

    def hung_apply(self: Store, run_id: str, records: Any) -> int:
        entered.set()
        release.wait(WAIT)
        raise ConnectionError("the store went away")

    with monkeypatch.context() as patch:
        patch.setattr(Store, "apply", hung_apply)
        run = cairn.init(project="p", config={"lr": 0.1})
        for i in range(500):
            run.log({"i": i})
        run.config.lr = 0.2
        run.summary["best"] = 7
        start = time.monotonic()
        run.finish()
        elapsed = time.monotonic() - start
        assert entered.is_set()
        release.set()
        assert run._syncer is not None
        run._syncer._thread.join(WAIT)
        assert not run._syncer._thread.is_alive()
    assert elapsed < 6.0
    err = capsys.readouterr().err
    assert f"cairn sync {run.journal}" in err
    assert "did not take it in time" in err

    records = read_journal(run.journal).records  # type: ignore[arg-type]
    assert isinstance(records[0], RunStart)
    assert isinstance(records[-1], RunFinish)
    assert sum(isinstance(r, History) for r in records) == 500

    with pytest.raises(cairn.RunNotFoundError):
        cairn.Api(store_dir).run(run.path)
    result = sync_journal(run.journal, Store.local(store_dir))  # type: ignore[arg-type]
    assert result.applied == len(records)
    stored = cairn.Api(store_dir).run(run.path)
    assert stored.state == "finished"
    assert stored.config == {"lr": 0.2}
    assert stored.summary == {"i": 499.0, "best": 7}
    assert [row["i"] for row in stored.scan_history()] == [float(i) for i in range(500)]


def test_back_pressure_loses_nothing(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer_module, "MAX_QUEUE", 8)
    waits: list[int] = []
    real_wait = writer_module.Writer.wait_for_room

    def counting_wait(self: writer_module.Writer) -> None:
        waits.append(len(self.queue))
        real_wait(self)

    monkeypatch.setattr(writer_module.Writer, "wait_for_room", counting_wait)
    run = cairn.init(project="p")
    assert run._writer is not None and run._writer.max_queue == 8
    total = 20_000
    for i in range(total):
        run.log({"i": i, "sq": {"x": i * i}})
        assert len(run._writer.queue) <= 8
    run.finish(quiet=True)
    assert waits, "the queue never filled up: back-pressure was not exercised"
    frame = cairn.Api(store_dir).run(run.path).history()
    assert frame["_step"].tolist() == list(range(total))
    assert frame["i"].tolist() == [float(i) for i in range(total)]
    assert frame["sq/x"].tolist() == [float(i * i) for i in range(total)]


def test_finish_reads_the_summary_back_only_when_asked(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A loop creating runs does not pay for reading each one's summary back from the store:
    ``run.summary`` after finish() reads it at first use, and gets the store's aggregates."""
    from cairn.store.store import Store

    reads: list[str] = []
    real = Store.summary_state

    def counting(self: Store, run_id: str) -> Any:
        reads.append(run_id)
        return real(self, run_id)

    monkeypatch.setattr(Store, "summary_state", counting)
    run = cairn.init(project="p")
    run.log({"loss": 2.0})
    run.log({"loss": 1.0})
    run.finish(quiet=True)
    assert run.journal is not None and not run.journal.exists()
    assert reads == []
    assert run.summary["loss"] == 1.0
    assert reads == [run.id]
    assert dict(run.summary) == dict(run.summary) and reads == [run.id]
