"""Continuing a run with ``id=`` and ``resume=``: steps, config and summary carry on."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import cairn
from cairn.journal.file import JournalDamageWarning, read_journal
from cairn.journal.records import History, RunStart
from cairn.sdk.location import journal_path
from cairn.store.store import Store
from cairn.sync.syncer import sync_journal

pytestmark = pytest.mark.usefixtures("no_open_run", "keep_journal")


def _first_run(mode: str = "online") -> cairn.Run:
    run = cairn.init(
        project="r",
        id="run-1",
        config={"lr": 0.1, "model": {"width": 64}},
        tags=["first"],
        mode=mode,
    )
    run.define_metric("loss", summary="min")
    for loss in (3.0, 1.0, 2.0):
        run.log({"loss": loss, "acc": loss / 10})
    run.summary["note"] = "kept"
    run.finish(quiet=True)
    return run


def _rows(store_dir: Path, path: str) -> list[tuple[int, dict[str, float]]]:
    return [
        (row.pop("_step"), {k: v for k, v in row.items() if not k.startswith("_")})
        for row in cairn.Api(store_dir).run(path).scan_history()
    ]


@pytest.mark.parametrize("journal", ["kept", "removed on finish"])
@pytest.mark.parametrize("resume", ["allow", "must"])
def test_resume_continues_steps_config_and_summary(
    store_dir: Path, resume: str, journal: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if journal == "removed on finish":
        monkeypatch.delenv("CAIRN_KEEP_JOURNAL")
    first = _first_run()
    assert first.journal is not None
    assert first.journal.exists() == (journal == "kept")
    run = cairn.init(project="r", id="run-1", resume=resume, config={"epochs": 5})
    assert run.name == first.name
    assert run.step == 3
    assert run.config == {"lr": 0.1, "model": {"width": 64}, "epochs": 5}
    assert run.summary["loss"] == 1.0  # the min rule is kept
    assert run.summary["note"] == "kept"
    run.log({"loss": 0.5})
    run.log({"loss": 4.0, "acc": 0.9})
    assert run.summary["loss"] == 0.5
    run.finish(quiet=True)

    stored = cairn.Api(store_dir).run("r/run-1")
    assert stored.state == "finished"
    assert stored.name == first.name
    assert stored.tags == ["first"]
    assert stored.config == {"lr": 0.1, "model": {"width": 64}, "epochs": 5}
    assert stored.summary == {"loss": 0.5, "acc": 0.9, "note": "kept"}
    assert _rows(store_dir, "r/run-1") == [
        (0, {"loss": 3.0, "acc": 0.3}),
        (1, {"loss": 1.0, "acc": 0.1}),
        (2, {"loss": 2.0, "acc": 0.2}),
        (3, {"loss": 0.5}),
        (4, {"loss": 4.0, "acc": 0.9}),
    ]
    assert [p.run_count for p in cairn.Api(store_dir).projects()] == [1]


def test_resumed_config_overrides_per_key(store_dir: Path) -> None:
    _first_run()
    run = cairn.init(project="r", id="run-1", resume="allow", config={"lr": 0.01})
    assert run.config == {"lr": 0.01, "model": {"width": 64}}
    run.finish(quiet=True)
    assert cairn.Api(store_dir).run("r/run-1").config == {"lr": 0.01, "model": {"width": 64}}


def test_resume_with_new_tags_replaces_them(store_dir: Path) -> None:
    _first_run()
    run = cairn.init(project="r", id="run-1", resume="allow", tags=["second"])
    run.finish(quiet=True)
    assert cairn.Api(store_dir).run("r/run-1").tags == ["second"]


def test_resume_a_failed_run_makes_it_finished(store_dir: Path) -> None:
    run = cairn.init(project="r", id="run-1")
    run.finish(exit_code=1, quiet=True)
    assert cairn.Api(store_dir).run("r/run-1").state == "failed"
    again = cairn.init(project="r", id="run-1", resume="must")
    again.log({"a": 1.0})
    again.finish(quiet=True)
    stored = cairn.Api(store_dir).run("r/run-1")
    assert stored.state == "finished"
    assert stored.exit_code == 0


def test_resume_true_is_allow_and_the_run_says_it_was_resumed(store_dir: Path) -> None:
    fresh = cairn.init(project="r", id="run-1", resume=True)
    assert fresh.resumed is False
    fresh.log({"loss": 1.0})
    fresh.finish(quiet=True)
    again = cairn.init(project="r", id="run-1", resume=True)
    assert again.resumed is True and again.step == 1
    again.finish(quiet=True)
    with pytest.raises(cairn.UsageError, match="resume='allow'"):
        cairn.init(project="r", id="run-1", resume=False)


def test_allow_without_the_run_starts_it(store_dir: Path) -> None:
    run = cairn.init(project="r", id="fresh", resume="allow")
    assert run.id == "fresh"
    assert run.step == 0
    run.log({"a": 1.0})
    run.finish(quiet=True)
    assert _rows(store_dir, "r/fresh") == [(0, {"a": 1.0})]


def test_must_without_the_run_is_an_error(store_dir: Path) -> None:
    with pytest.raises(cairn.UsageError, match=r"resume='must'.*'ghost'"):
        cairn.init(project="r", id="ghost", resume="must")
    assert not journal_path(store_dir, "ghost").exists()


@pytest.mark.parametrize("resume", [None, "never"])
def test_reusing_an_id_without_allow_is_an_error(store_dir: Path, resume: str | None) -> None:
    _first_run()
    with pytest.raises(cairn.UsageError, match=r"'run-1' already exists.*resume='allow'"):
        cairn.init(project="r", id="run-1", resume=resume)
    assert len(cairn.Api(store_dir).run("r/run-1").history()) == 3


def test_never_with_a_new_id_starts_it(store_dir: Path) -> None:
    run = cairn.init(project="r", id="brand-new", resume="never")
    run.finish(quiet=True)
    assert cairn.Api(store_dir).run("r/brand-new").state == "finished"


def test_resume_journal_seqs_continue(store_dir: Path) -> None:
    first = _first_run()
    before = read_journal(first.journal).records  # type: ignore[arg-type]
    run = cairn.init(project="r", id="run-1", resume="allow")
    run.log({"loss": 0.1})
    run.finish(quiet=True)
    records = read_journal(run.journal).records  # type: ignore[arg-type]
    assert [r.seq for r in records] == list(range(1, len(records) + 1))
    assert records[: len(before)] == before
    starts = [r for r in records if isinstance(r, RunStart)]
    assert [s.resumed for s in starts] == [False, True]


def test_resume_an_offline_run_offline_then_sync(store_dir: Path) -> None:
    _first_run(mode="offline")
    run = cairn.init(project="r", id="run-1", resume="must", mode="offline")
    assert run.step == 3
    assert run.summary["loss"] == 1.0
    run.log({"loss": 0.25})
    run.finish(quiet=True)
    sync_journal(run.journal, Store.local(store_dir))  # type: ignore[arg-type]
    stored = cairn.Api(store_dir).run("r/run-1")
    assert stored.summary == {"loss": 0.25, "acc": 0.2, "note": "kept"}
    assert [step for step, _ in _rows(store_dir, "r/run-1")] == [0, 1, 2, 3]


def test_resume_online_a_run_logged_offline(store_dir: Path) -> None:
    _first_run(mode="offline")
    run = cairn.init(project="r", id="run-1", resume="must")
    run.log({"loss": 0.25})
    run.finish(quiet=True)
    stored = cairn.Api(store_dir).run("r/run-1")
    assert stored.state == "finished"
    assert [step for step, _ in _rows(store_dir, "r/run-1")] == [0, 1, 2, 3]
    assert stored.summary["loss"] == 0.25


def test_resume_offline_a_run_only_the_store_has_then_sync(store_dir: Path) -> None:
    """Offline, the journal must continue the store's seqs, or a later sync would skip it all."""
    _first_run(mode="online")
    (store_dir / "runs" / "run-1" / "journal").unlink()
    run = cairn.init(project="r", id="run-1", resume="allow", mode="offline")
    assert run.step == 3
    run.log({"loss": 0.25})
    run.finish(quiet=True)
    result = sync_journal(run.journal, Store.local(store_dir))  # type: ignore[arg-type]
    assert result.applied == result.records > 0
    assert [step for step, _ in _rows(store_dir, "r/run-1")] == [0, 1, 2, 3]
    assert cairn.Api(store_dir).run("r/run-1").summary["loss"] == 0.25


def test_resume_from_the_store_when_the_journal_is_gone(store_dir: Path) -> None:
    _first_run()
    shutil.rmtree(store_dir / "runs" / "run-1")
    run = cairn.init(project="r", id="run-1", resume="must")
    assert run.step == 3
    assert run.config == {"lr": 0.1, "model": {"width": 64}}
    run.log({"loss": 0.5})
    run.finish(quiet=True)
    stored = cairn.Api(store_dir).run("r/run-1")
    assert stored.state == "finished"
    assert stored.summary == {"loss": 0.5, "acc": 0.2, "note": "kept"}
    assert [step for step, _ in _rows(store_dir, "r/run-1")] == [0, 1, 2, 3]


def test_resume_after_a_torn_journal_tail(store_dir: Path) -> None:
    first = _first_run(mode="offline")
    assert first.journal is not None
    good = first.journal.stat().st_size
    with open(first.journal, "ab") as f:
        f.write(b"\x10\x00\x00\x00\xde\xad")  # half a frame: the process died mid-write
    run = cairn.init(project="r", id="run-1", resume="must", mode="offline")
    run.log({"loss": 0.5})
    run.finish(quiet=True)
    result = read_journal(first.journal)
    assert result.clean, result.problem
    assert result.valid_bytes > good
    assert sum(1 for r in result.records if isinstance(r, RunStart)) == 2


def test_resume_keeps_config_changed_during_the_run(store_dir: Path) -> None:
    run = cairn.init(project="r", id="cfg-run", config={"lr": 0.1}, mode="offline")
    run.config.lr = 0.05
    run.config.extra = {"seed": 3}
    run.finish(quiet=True)
    again = cairn.init(project="r", id="cfg-run", resume="must", mode="offline")
    assert again.config == {"lr": 0.05, "extra": {"seed": 3}}
    again.finish(quiet=True)


# ---- two writers, damage, a journal behind the store ---------------------------------------

RACER = textwrap.dedent(
    """
    import os, sys, time
    import cairn
    me, go = sys.argv[1], sys.argv[2]
    print("ready", flush=True)
    while not os.path.exists(go):
        time.sleep(0.001)
    try:
        run = cairn.init(project="r", id="shared", resume="allow")
    except cairn.RunLockedError as exc:
        print("LOCKED", str(exc).replace("\\n", " "), flush=True)
        sys.exit(0)
    for i in range(5000):
        run.log({"proc": float(me), "i": float(i)})
    run.finish(quiet=True)
    print("DONE", flush=True)
    """
)


def test_two_processes_resuming_one_run_lose_nothing(store_dir: Path, tmp_path: Path) -> None:
    """Each logs 5,000 rows: every row of a process that ran is stored, or it was refused."""
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(me), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for me in (1, 2)
    ]
    for racer in racers:
        assert racer.stdout is not None and racer.stdout.readline().strip() == "ready"
    go.touch()
    outs = [racer.communicate(timeout=120) for racer in racers]
    assert [r.returncode for r in racers] == [0, 0], outs
    done = [me for me, (out, _) in zip((1, 2), outs, strict=True) if "DONE" in out]
    locked = [out for out, _ in outs if "LOCKED" in out]
    assert len(done) + len(locked) == 2 and done, outs
    for out in locked:
        winner = racers[done[0] - 1].pid
        assert f"pid {winner} on host {socket.gethostname()}" in out
        assert f"kill pid {winner}" in out
    rows = list(cairn.Api(store_dir).run("r/shared").scan_history())
    for me in (1, 2):
        mine = sorted(int(row["i"]) for row in rows if row["proc"] == me)
        assert mine == (list(range(5000)) if me in done else []), (me, done, len(mine))
    journal = read_journal(journal_path(store_dir, "shared"))
    assert journal.clean
    seqs = [r.seq for r in journal.records]
    assert seqs == list(range(1, len(seqs) + 1))


def test_a_run_open_in_this_process_cannot_be_resumed_by_another(store_dir: Path) -> None:
    run = cairn.init(project="r", id="busy")
    code = "import cairn; cairn.init(project='r', id='busy', resume='allow')"
    child = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        timeout=120,
    )
    run.finish(quiet=True)
    assert child.returncode == 1
    assert "RunLockedError: run 'busy'" in child.stderr
    assert f"pid {os.getpid()}" in child.stderr
    again = cairn.init(project="r", id="busy", resume="must")  # free once finished
    again.finish(quiet=True)


def test_a_refused_init_leaves_no_lock_and_no_folder(store_dir: Path) -> None:
    _first_run()
    with pytest.raises(cairn.UsageError):
        cairn.init(project="r", id="run-1")
    with pytest.raises(cairn.UsageError):
        cairn.init(project="r", id="ghost", resume="must")
    assert not (store_dir / "runs" / "ghost").exists()
    assert sorted(p.name for p in (store_dir / "runs" / "run-1").iterdir()) == ["journal"]
    cairn.init(project="r", id="run-1", resume="must").finish(quiet=True)


def _offline_rows(n: int, run_id: str = "run-1") -> Path:
    run = cairn.init(project="r", id=run_id, mode="offline")
    for i in range(n):
        run.log({"i": float(i)})
    run.finish(quiet=True)
    assert run.journal is not None
    return run.journal


def test_resume_skips_a_corrupt_frame_in_the_middle_and_keeps_what_follows(
    store_dir: Path,
) -> None:
    journal = _offline_rows(1000)
    before = read_journal(journal).records
    data = bytearray(journal.read_bytes())
    middle = len(data) // 2
    data[middle] ^= 0xFF
    journal.write_bytes(bytes(data))
    with pytest.warns(JournalDamageWarning) as warned:
        run = cairn.init(project="r", id="run-1", resume="must", mode="offline")
    messages = " ".join(str(w.message) for w in warned)
    assert re.search(rf"{journal}: \d+ bytes at byte \d+ hold no good frame", messages)
    assert run.step == 1000
    run.log({"i": 1000.0})
    run.finish(quiet=True)
    (copy,) = journal.parent.glob("journal.damaged-*")
    assert copy.read_bytes() == bytes(data), "the damaged file, as it was"
    assert f"a copy of it as it was is at {copy}" in messages
    with pytest.warns(JournalDamageWarning):
        after = read_journal(journal)
    assert len(after.damaged) == 1 and after.problem is None
    kept = {r.seq for r in after.records}
    (lost,) = [r for r in before if r.seq not in kept]
    rows = 1001 - isinstance(lost, History)  # the middle byte is most likely in a row
    steps = [r.step for r in after.records if isinstance(r, History)]
    assert len(steps) == rows and steps[-1] == 1000
    assert [r.seq for r in after.records] == sorted({r.seq for r in after.records})
    with pytest.warns(JournalDamageWarning):
        result = sync_journal(journal, Store.local(store_dir))
    assert result.applied == len(after.records)
    assert len(cairn.Api(store_dir).run("r/run-1").history()) == rows


def test_resume_after_a_torn_tail_keeps_no_copy(store_dir: Path) -> None:
    journal = _offline_rows(10)
    with open(journal, "ab") as f:
        f.write(b"\x10\x00\x00\x00\xde\xad")
    cairn.init(project="r", id="run-1", resume="must", mode="offline").finish(quiet=True)
    assert read_journal(journal).clean
    assert not list(journal.parent.glob("journal.damaged-*"))


@pytest.mark.parametrize("how", ["an older copy", "cut in half", "deleted"])
@pytest.mark.parametrize("mode", ["online", "offline"])
def test_resume_never_reuses_seqs_the_store_has(store_dir: Path, how: str, mode: str) -> None:
    """The journal is behind the store: new records must get seqs after the store's last."""
    run = cairn.init(project="r", id="run-1")
    for i in range(5):
        run.log({"i": float(i)})
    run.flush()
    assert run.journal is not None
    old = run.journal.read_bytes()
    for i in range(5, 10):
        run.log({"i": float(i)})
    run.finish(quiet=True)
    store = Store.local(store_dir)
    stored = store.last_seq("run-1")
    if how == "an older copy":
        run.journal.write_bytes(old)
    elif how == "cut in half":
        with open(run.journal, "r+b") as f:
            f.truncate(len(old) // 2)
    else:
        run.journal.unlink()
    again = cairn.init(project="r", id="run-1", resume="must", mode=mode)
    assert again.step == 10
    again.log({"i": 10.0})
    again.finish(quiet=True)
    if mode == "offline":
        sync_journal(again.journal, store)  # type: ignore[arg-type]
    assert store.last_seq("run-1") > stored
    assert [row["i"] for row in cairn.Api(store_dir).run("r/run-1").scan_history()] == [
        float(i) for i in range(11)
    ]
    assert cairn.Api(store_dir).run("r/run-1").state == "finished"
