"""`make demo`'s reproduction (examples/digits_reproduce.py): on a real digits run, which
examples/digits.py trains in a process of its own (torch, one epoch), `cairn reproduce` finds
every summary metric exactly as the original's; runs it cannot re-run alone are not tried."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tests.fakes.examples import EXAMPLES, load_example

import cairn


def test_a_digits_run_of_the_demo_is_reproduced_exactly(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAIRN_SAVE_CODE", "1")  # the code `cairn reproduce` re-runs (no git:
    # a snapshot, so no worktree is added to the repository under test)
    one = ["--lr", "0.3", "--width", "32", "--epochs", "1"]
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "digits.py"), *one],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    api = cairn.Api()
    assert len(api.runs("digits", filter='job_type == "data"')) == 1  # fresh store: split first
    [original] = api.runs("digits", filter='"demo" in tags')
    assert original.config["lr"] == 0.3 and original.capture["command"]["argv"][1:] == one
    reproduced = load_example("digits_reproduce").reproduce()
    assert reproduced is not None and reproduced.id == original.id
    [comparison] = original.comparisons()
    assert comparison.verdict == "reproduced"
    statuses = {m["key"]: m["status"] for m in comparison.metrics}
    assert {"val/acc", "val/loss", "train/loss", "params"} <= set(statuses)
    assert set(statuses.values()) == {"exact"}
    [copy] = original.reproductions()
    assert copy.summary == original.summary and copy.config == original.config
    assert len(api.runs("digits")) == 3  # the split, the run and its reproduction


def test_runs_an_older_demo_trained_in_one_process_are_not_reproduced(
    store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A store of the grid trained in one process (examples/digits.py before each run had a
    process of its own): `cairn reproduce` would re-run the whole script, so none is tried, and
    `make demo` goes on to the report, without a verdict."""
    with cairn.init(project="digits", tags=["demo", "mlp"], config={"lr": 0.1}) as run:
        run.summary["val/acc"] = 0.9
    assert load_example("digits_reproduce").reproduce() is None
    assert "delete the store, .cairn-demo/ for `make demo`" in capsys.readouterr().out
    assert cairn.Api().run(f"digits/{run.id}").comparisons() == []
    report = load_example("digits_report").build()
    assert not [b for b in report.blocks if getattr(b, "kind", None) == "verdict"]
