"""An offline job configured by ``WANDB_*`` variables, killed (SIGKILL) and started again: it
continues the same run (``WANDB_RESUME``, and ``resume=True`` without an id), and ``cairn sync``
brings every step into the store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.compat.conftest import SRC, Script

import cairn

JOB = """
import os
import signal

import cairn.compat.wandb as wandb

run = wandb.init(config={"epochs": 6})
assert run.offline and run.project == "offline-proj" and run.name == "nightly"
print("RUN", run.id, "RESUMED", run.resumed, "STEP", run.step, flush=True)
start = run.step
for step in range(start, wandb.config.epochs):
    wandb.log({"loss": 1.0 / (step + 1)})
    if step == 2 and not run.resumed:
        run.cairn.flush()  # the rows so far are in the journal, as after a while of training
        os.kill(os.getpid(), signal.SIGKILL)
wandb.finish()
"""

ENV = {
    "WANDB_MODE": "offline",
    "WANDB_PROJECT": "offline-proj",
    "WANDB_NAME": "nightly",
    "WANDB_NOTES": "from the environment",
    "WANDB_TAGS": "nightly, cluster",
    "WANDB_JOB_TYPE": "train",
    "WANDB_RUN_GROUP": "jobs",
    "WANDB_SILENT": "true",
    "WANDB_SOMETHING_UNKNOWN": "ignored",
}


def _sync(store_dir: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "cairn", "sync", "--all", "--dir", str(store_dir)],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_an_offline_job_killed_and_resumed_by_id(script: Script, store_dir: Path) -> None:
    env = {**ENV, "WANDB_RUN_ID": "job-17", "WANDB_RESUME": "allow"}
    first = script(JOB, env=env, check=False)
    assert first.returncode == -signal.SIGKILL
    assert "RUN job-17 RESUMED False STEP 0" in first.stdout
    second = script(JOB, env=env)
    assert "RUN job-17 RESUMED True STEP 3" in second.stdout
    assert "cairn: run" not in second.stderr  # WANDB_SILENT

    _sync(store_dir)
    run = cairn.Api().run("offline-proj/job-17")
    assert run.state == "finished"
    assert list(run.history()["_step"]) == [0, 1, 2, 3, 4, 5]
    assert list(run.history()["loss"]) == [1.0 / (s + 1) for s in range(6)]
    assert (run.name, run.notes) == ("nightly", "from the environment")
    assert sorted(run.tags) == ["cluster", "nightly"]
    assert (run.group, run.job_type) == ("jobs", "train")


def test_resume_true_continues_the_run_that_was_killed(script: Script, store_dir: Path) -> None:
    code = JOB.replace("wandb.init(", "wandb.init(resume=True, ")
    first = script(code, env=ENV, check=False)
    assert first.returncode == -signal.SIGKILL
    run_id = first.stdout.split("RUN ")[1].split()[0]
    second = script(code, env=ENV)
    assert f"RUN {run_id} RESUMED True STEP 3" in second.stdout
    third = script(code, env=ENV, check=False)  # the last one finished cleanly: a new run
    assert f"RUN {run_id}" not in third.stdout and "RESUMED False STEP 0" in third.stdout
    assert third.returncode == -signal.SIGKILL

    _sync(store_dir)
    assert len(cairn.Api().runs("offline-proj")) == 2
    resumed = cairn.Api().run(f"offline-proj/{run_id}")
    assert list(resumed.history()["_step"]) == [0, 1, 2, 3, 4, 5]
