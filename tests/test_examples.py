"""`make demo`'s reproduction on a real digits run: examples/digits.py trains one run of its grid
(torch, one epoch) in a process of its own, and examples/digits_reproduce.py re-runs it with
`cairn reproduce`, which must find every summary metric exactly as the original's."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

import cairn

EXAMPLES = Path(__file__).parents[1] / "examples"


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
    spec = importlib.util.spec_from_file_location(
        "digits_reproduce", EXAMPLES / "digits_reproduce.py"
    )
    assert spec is not None and spec.loader is not None
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    assert demo.reproduce().id == original.id
    [comparison] = original.comparisons()
    assert comparison.verdict == "reproduced"
    statuses = {m["key"]: m["status"] for m in comparison.metrics}
    assert {"val/acc", "val/loss", "train/loss", "params"} <= set(statuses)
    assert set(statuses.values()) == {"exact"}
    [copy] = original.reproductions()
    assert copy.summary == original.summary and copy.config == original.config
    assert len(api.runs("digits")) == 3  # the split, the run and its reproduction
