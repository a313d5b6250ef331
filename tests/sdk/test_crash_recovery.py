"""A logging process killed with SIGKILL at random moments loses nothing it reported as flushed."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import cairn
from cairn.journal.file import read_journal
from cairn.journal.records import History
from cairn.store.store import Store
from cairn.sync.syncer import sync_journal

CHILD = textwrap.dedent(
    """
    import sys, cairn
    run = cairn.init(project="crash", id=sys.argv[2], mode=sys.argv[1], config={"lr": 0.1})
    print("started", flush=True)
    step = 0
    while True:
        run.log({"loss": 1.0 / (step + 1), "step_copy": step, "nested": {"acc": step / 1e6}})
        if step % 50 == 49:
            run.flush()
            print(step, flush=True)
        step += 1
    """
)


def _kill_at_random(
    script: Path, store_dir: Path, mode: str, run_id: str, rng: random.Random
) -> int:
    """Start the child, kill -9 it after a random delay; returns the last step it called flushed."""
    env = {**os.environ, "CAIRN_DIR": str(store_dir)}
    child = subprocess.Popen(
        [sys.executable, str(script), mode, run_id],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "started", child.stderr.read() if child.stderr else ""
    time.sleep(rng.uniform(0.0, 0.6))  # the moment of death is the random variable under test
    child.send_signal(signal.SIGKILL)
    out, _ = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    flushed = [int(line) for line in out.split() if line.isdigit()]
    return flushed[-1] if flushed else -1


@pytest.mark.parametrize("attempt", range(10))
def test_kill_9_loses_nothing_flushed(tmp_path: Path, attempt: int) -> None:
    rng = random.Random(attempt)
    mode = "online" if attempt % 2 == 0 else "offline"
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    store_dir = tmp_path / ".cairn"
    run_id = f"crash{attempt}"

    last_flushed = _kill_at_random(script, store_dir, mode, run_id, rng)

    store = Store.local(store_dir)
    journal = store_dir / "runs" / run_id / "journal"
    result = sync_journal(journal, store)
    assert result.run_id == run_id
    again = sync_journal(journal, store)
    assert again.applied == 0, "a second sync must change nothing"

    history = cairn.Api(store_dir).run(f"crash/{run_id}").history()
    steps = history["_step"].tolist()
    assert steps == list(range(len(steps))), "rows are contiguous steps from 0, none repeated"
    assert len(steps) >= last_flushed + 1, f"steps up to {last_flushed} were reported flushed"
    assert history["step_copy"].tolist() == [float(s) for s in steps]
    assert history["nested/acc"].tolist() == [s / 1e6 for s in steps]

    store.heartbeat_timeout = 0.0
    info = store.run(run_id)
    assert info.state == "crashed"
    assert info.config == {"lr": 0.1}


FLAT_OUT = textwrap.dedent(
    """
    import os, signal, sys, cairn
    settings = cairn.Settings(
        capture_git=False, save_code=False, capture_env=False, capture_console=False,
        system_metrics=False,
    )
    run = cairn.init(project="crash", id="flat", mode=sys.argv[1], settings=settings)
    for step in range(int(sys.argv[2])):
        run.log({"loss": 1.0 / (step + 1), "acc": step * 1e-6, "lr": 0.1})
    os.kill(os.getpid(), signal.SIGKILL)  # at once: the writer has had no time to catch up
    """
)


@pytest.mark.parametrize("mode", ["offline", "online"])
def test_kill_9_right_after_fast_logging_loses_at_most_the_queue_bound(
    tmp_path: Path, mode: str
) -> None:
    """Rows whose log() returned are either in the journal or among the at most ``bound`` rows
    the writer may hold: a count, not a timing."""
    calls, bound = 60_000, 1_000
    script = tmp_path / "child.py"
    script.write_text(FLAT_OUT)
    store_dir = tmp_path / ".cairn"
    env = {**os.environ, "CAIRN_DIR": str(store_dir), "CAIRN_MAX_QUEUE": str(bound)}
    child = subprocess.run(
        [sys.executable, str(script), mode, str(calls)], env=env, capture_output=True, timeout=120
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    records = read_journal(store_dir / "runs" / "flat" / "journal").records
    rows = [r.step for r in records if isinstance(r, History)]
    assert rows == list(range(len(rows))), "the journal holds a prefix of the rows, in order"
    assert len(rows) >= calls - bound, f"{calls - len(rows)} rows lost; the bound is {bound}"


LOOP = textwrap.dedent(
    """
    import cairn
    settings = cairn.Settings(
        capture_git=False, save_code=False, capture_env=False, capture_console=False,
        system_metrics=False,
    )
    print("started", flush=True)
    i = 0
    while True:
        run = cairn.init(project="loop", config={"i": i}, settings=settings)
        for step in range(3):
            run.log({"loss": 1.0 / (step + 1)})
        run.summary["best"] = i
        run.finish(quiet=True)
        print(run.id, flush=True)
        i += 1
    """
)


@pytest.mark.parametrize("attempt", range(3))
def test_kill_9_of_a_loop_creating_runs_loses_no_finished_run(tmp_path: Path, attempt: int) -> None:
    """A sweep agent's process creates runs one after another (on reused threads, its journals'
    folders fsynced once) and is killed at a random moment: every run finish() returned from is
    in the store, whole; the run under way is in the store or in its journal for `cairn sync`."""
    rng = random.Random(100 + attempt)
    script = tmp_path / "loop.py"
    script.write_text(LOOP)
    store_dir = tmp_path / ".cairn"
    child = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "CAIRN_DIR": str(store_dir)},
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "started", child.stderr.read() if child.stderr else ""
    first = child.stdout.readline().strip()  # the first run finished (whatever the load)
    assert first, child.stderr.read() if child.stderr else ""
    time.sleep(rng.uniform(0.0, 1.5))  # then a random moment in the runs after it
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    # Read through the same text stream, not communicate(): readline() above may have read
    # lines after the first into its buffer, which communicate() (reading the pipe itself) skips.
    out = child.stdout.read()
    finished = [first, *out.split()]

    store = Store.local(store_dir)
    for journal in sorted((store_dir / "runs").glob("*/journal")):
        sync_journal(journal, store)
    api = cairn.Api(store_dir)
    for run_id in finished:
        run = api.run(f"loop/{run_id}")
        assert run.state == "finished", run_id
        assert run.history()["loss"].tolist() == [1.0, 0.5, 1.0 / 3]
        assert "best" in run.summary
    kept = {r.id for r in api.runs("loop")}
    assert set(finished) <= kept
    assert len(kept) - len(finished) <= 1, "at most the run under way is not finished"
