"""``cairn.init()``: arguments, modes, the current run, and runs left open when the process ends."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import cairn
from cairn.journal.file import read_journal
from cairn.journal.records import History, RunFinish, RunStart
from cairn.sdk import session
from cairn.store.store import Store
from cairn.sync.syncer import sync_journal

pytestmark = pytest.mark.usefixtures("no_open_run")

SCRIPT_TIMEOUT = 120


def test_init_records_what_it_was_given(store_dir: Path) -> None:
    run = cairn.init(
        project="digits",
        name="baseline",
        config={"lr": 0.1},
        tags=("cnn", "small"),
        notes="first try",
        group="sweep-1",
        job_type="train",
    )
    run.finish(quiet=True)
    stored = cairn.Api(store_dir).run("digits/" + run.id)
    assert stored.name == "baseline"
    assert stored.config == {"lr": 0.1}
    assert stored.tags == ["cnn", "small"]
    assert stored.notes == "first try"
    assert stored.group == "sweep-1"
    assert stored.job_type == "train"
    assert stored.state == "finished"


def test_project_defaults(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAIRN_PROJECT", raising=False)
    run = cairn.init()
    assert run.project == "uncategorized"
    run.finish(quiet=True)
    monkeypatch.setenv("CAIRN_PROJECT", "from-env")
    run = cairn.init()
    assert run.project == "from-env"
    run.finish(quiet=True)


@pytest.mark.parametrize("project", ["   ", "a/b", "tab\t", "x" * 256])
def test_bad_projects_are_refused(store_dir: Path, project: str) -> None:
    with pytest.raises(ValueError, match="project="):
        cairn.init(project=project)


@pytest.mark.parametrize("tag", ["", 3, "x" * 256])
def test_bad_tags_are_refused(store_dir: Path, tag: object) -> None:
    with pytest.raises(ValueError, match="tag"):
        cairn.init(project="p", tags=[tag])  # type: ignore[list-item]


def test_bad_mode_and_resume_are_refused(store_dir: Path) -> None:
    with pytest.raises(ValueError, match="online, offline, disabled"):
        cairn.init(project="p", mode="cloud")
    with pytest.raises(ValueError, match="allow, must, never"):
        cairn.init(project="p", id="abc", resume="always")
    with pytest.raises(ValueError, match="id="):
        cairn.init(project="p", resume="allow")
    assert session.current() is None


def test_mode_from_environment(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAIRN_MODE", "offline")
    run = cairn.init(project="p")
    assert run.mode == "offline"
    run.finish(quiet=True)
    assert cairn.init(project="p", mode="online").mode == "online"


def test_online_writes_the_store_as_it_goes(store_dir: Path) -> None:
    run = cairn.init(project="p")
    run.log({"a": 1.0})
    run.flush()
    assert run._syncer is not None
    assert run._writer is not None
    assert run._syncer.wait_synced(run._writer.written_seq, timeout=30.0)
    stored = cairn.Api(store_dir).run(run.path)
    assert stored.state == "running"
    assert [row["a"] for row in stored.scan_history()] == [1.0]
    run.finish(quiet=True)


def test_offline_writes_only_the_journal(store_dir: Path) -> None:
    online = cairn.init(project="p")  # the store exists, but learns nothing of the offline run
    online.finish(quiet=True)
    run = cairn.init(project="p", mode="offline", config={"lr": 0.1})
    for i in range(5):
        run.log({"i": i})
    run.finish(quiet=True)
    api = cairn.Api(store_dir)
    with pytest.raises(cairn.RunNotFoundError):
        api.run(run.path)
    assert [p.run_count for p in api.projects()] == [1]
    assert run.journal == store_dir.resolve() / "runs" / run.id / "journal"
    records = read_journal(run.journal).records
    assert isinstance(records[0], RunStart) and isinstance(records[-1], RunFinish)

    result = sync_journal(run.journal, Store.local(store_dir))
    assert result.run_id == run.id and result.applied == len(records)
    stored = api.run(run.path)
    assert stored.state == "finished"
    assert stored.config == {"lr": 0.1}
    assert [row["i"] for row in stored.scan_history()] == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_offline_without_a_store_creates_no_database(store_dir: Path) -> None:
    run = cairn.init(project="p", mode="offline")
    run.log({"a": 1.0})
    run.finish(quiet=True)
    assert not (store_dir / "cairn.db").exists()
    with pytest.raises(cairn.StoreError, match="no Cairn store"):
        cairn.Api(store_dir)


def test_disabled_is_a_no_op_that_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CAIRN_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    with cairn.init(project="p", mode="disabled", config={"lr": 0.1}) as run:
        assert run.dir is None and run.journal is None
        run.log({"a": 1.0})
        run.log({"a": 1.0}, step=10, commit=False)
        cairn.log({"b": 2.0})
        run.config.lr = 0.2
        assert run.config.lr == 0.2
        run.summary["best"] = 1
        assert run.summary["best"] == 1
        run.define_metric("a", summary="max")
        run.flush()
    run.finish()
    assert list(tmp_path.iterdir()) == []
    assert capsys.readouterr().err == ""
    assert session.current() is None


def test_disabled_mode_is_cheap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAIRN_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    run = cairn.init(project="p", mode="disabled")
    assert run._writer is None and run._syncer is None
    for i in range(10_000):
        run.log({"a": i})
    run.finish()
    assert list(tmp_path.iterdir()) == []


def test_current_run_and_a_second_init(store_dir: Path) -> None:
    first = cairn.init(project="p")
    assert session.current() is first
    with pytest.warns(UserWarning, match=rf"{first.path} is open: finishing it first"):
        second = cairn.init(project="p")
    assert session.current() is second
    with pytest.raises(cairn.UsageError):
        first.log({"a": 1.0})
    second.finish(quiet=True)
    assert session.current() is None
    api = cairn.Api(store_dir)
    assert api.run(first.path).state == "finished"
    assert api.run(second.path).state == "finished"


def test_finishing_an_old_run_keeps_the_current_one(store_dir: Path) -> None:
    first = cairn.init(project="p")
    with pytest.warns(UserWarning):
        second = cairn.init(project="p")
    first.finish(quiet=True)
    assert session.current() is second
    second.finish(quiet=True)


def _run_script(tmp_path: Path, store_dir: Path, body: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(body))
    env = {**os.environ, "CAIRN_DIR": str(store_dir), "CAIRN_FINISH_TIMEOUT": "30"}
    return subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        env=env,
        timeout=SCRIPT_TIMEOUT,
        cwd=tmp_path,
    )


def test_a_run_left_open_is_finished_at_exit(tmp_path: Path, store_dir: Path) -> None:
    done = _run_script(
        tmp_path,
        store_dir,
        """
        import cairn
        run = cairn.init(project="exit", config={"lr": 0.1})
        for i in range(100):
            run.log({"i": i})
        run.config.lr = 0.2
        print(run.path)
        """,
    )
    assert done.returncode == 0, done.stderr
    path = done.stdout.strip()
    assert "finished" in done.stderr and path in done.stderr
    stored = cairn.Api(store_dir).run(path)
    assert stored.state == "finished"
    assert stored.exit_code == 0
    assert stored.error is None
    assert stored.config == {"lr": 0.2}
    assert [row["i"] for row in stored.scan_history()] == [float(i) for i in range(100)]


@pytest.mark.parametrize(
    ("status", "code", "state"), [("0", 0, "finished"), ("3", 3, "failed"), ('"bye"', 1, "failed")]
)
def test_sys_exit_finishes_the_open_run_with_its_status(
    tmp_path: Path, store_dir: Path, status: str, code: int, state: str
) -> None:
    done = _run_script(
        tmp_path,
        store_dir,
        f"""
        import sys, cairn
        run = cairn.init(project="exit")
        run.log({{"i": 1}})
        print(run.path)
        sys.exit({status})
        """,
    )
    assert done.returncode == code, done.stderr
    stored = cairn.Api(store_dir).run(done.stdout.strip())
    assert (stored.state, stored.exit_code) == (state, code)


def test_an_uncaught_exception_fails_the_run_with_its_traceback(
    tmp_path: Path, store_dir: Path
) -> None:
    done = _run_script(
        tmp_path,
        store_dir,
        """
        import cairn
        run = cairn.init(project="exit")
        print(run.path, flush=True)
        run.log({"loss": 1.0})

        def train_step():
            raise FloatingPointError("loss is NaN")

        train_step()
        """,
    )
    assert done.returncode == 1
    path = done.stdout.strip()
    assert "FloatingPointError: loss is NaN" in done.stderr  # Python's own report still shows
    assert "failed" in done.stderr
    stored = cairn.Api(store_dir).run(path)
    assert stored.state == "failed"
    assert stored.exit_code == 1
    assert stored.error.startswith("Traceback (most recent call last):")
    assert "in train_step" in stored.error
    assert stored.error.rstrip().endswith("FloatingPointError: loss is NaN")
    assert [row["loss"] for row in stored.scan_history()] == [1.0]


def test_an_uncaught_exception_in_offline_mode_is_in_the_journal(
    tmp_path: Path, store_dir: Path
) -> None:
    done = _run_script(
        tmp_path,
        store_dir,
        """
        import cairn
        run = cairn.init(project="exit", mode="offline")
        print(run.journal, flush=True)
        run.log({"a": 1.0})
        raise SystemError("boom")
        """,
    )
    assert done.returncode == 1
    records = read_journal(done.stdout.strip()).records
    assert sum(isinstance(r, History) for r in records) == 1
    finish = records[-1]
    assert isinstance(finish, RunFinish)
    assert finish.state == "failed"
    assert finish.error is not None and "SystemError: boom" in finish.error
    assert f"cairn sync {done.stdout.strip()}" in done.stderr


def test_a_finished_run_is_not_touched_at_exit(tmp_path: Path, store_dir: Path) -> None:
    done = _run_script(
        tmp_path,
        store_dir,
        """
        import cairn
        run = cairn.init(project="exit")
        run.finish(exit_code=4, quiet=True)
        print(run.path)
        """,
    )
    assert done.returncode == 0, done.stderr
    stored = cairn.Api(store_dir).run(done.stdout.strip())
    assert stored.state == "failed"
    assert stored.exit_code == 4
    assert done.stderr == ""
