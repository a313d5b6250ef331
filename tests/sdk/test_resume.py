"""Continuing a run with ``id=`` and ``resume=``: steps, config and summary carry on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import cairn
from cairn.journal.file import read_journal
from cairn.journal.records import RunStart
from cairn.sdk.location import journal_path
from cairn.store.store import Store
from cairn.sync.syncer import sync_journal

pytestmark = pytest.mark.usefixtures("no_open_run")


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


@pytest.mark.parametrize("resume", ["allow", "must"])
def test_resume_continues_steps_config_and_summary(store_dir: Path, resume: str) -> None:
    first = _first_run()
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
