"""``cairn sweep`` and ``cairn agent``, including a sweep file written for W&B, run unchanged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import cairn
from cairn.cli.main import cli

WANDB_SWEEP = """\
# a sweep file as written for `wandb sweep`
program: train.py
method: random
name: wandb-style
metric:
  goal: maximize
  name: val_acc
parameters:
  learning_rate:
    distribution: log_uniform_values
    min: 1e-4
    max: 1e-1
  optimizer:
    values: ["adam", "sgd"]
  dropout:
    distribution: uniform
    min: 0.1
    max: 0.5
  layers:
    parameters:
      width:
        distribution: q_uniform
        min: 32
        max: 256
        q: 32
run_cap: 3
early_terminate:
  type: hyperband
  min_iter: 3
command:
  - ${env}
  - ${interpreter}
  - ${program}
  - ${args}
"""

TRAIN = """\
import argparse
import cairn

parser = argparse.ArgumentParser()
parser.add_argument("--learning_rate", type=float, default=0.01)
parser.add_argument("--optimizer", default="adam")
parser.add_argument("--dropout", type=float, default=0.2)
parser.add_argument("--layers.width", dest="width", type=int, default=64)
args = parser.parse_args()
run = cairn.init(config=vars(args))
for epoch in range(4):
    run.log({"val_acc": 1 - args.dropout / (epoch + 1) - args.learning_rate})
"""


def invoke(*args: str) -> Result:
    return CliRunner(env={"COLUMNS": "250"}).invoke(cli, list(args))


@pytest.fixture
def wandb_files(tmp_path: Path, store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "sweep.yaml").write_text(WANDB_SWEEP)
    (tmp_path / "train.py").write_text(TRAIN)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CAIRN_CAPTURE_ENV", "0")
    return tmp_path


def created_id(result: Result) -> str:
    assert result.exit_code == 0, result.output
    found = re.search(r"created sweep (\w+) \((\w+)\) in project (\S+)", result.output)
    assert found, result.output
    assert f"cairn agent {found[1]}" in result.output
    return found[1]


def test_a_wandb_sweep_file_runs_unchanged(wandb_files: Path) -> None:
    sweep_id = created_id(invoke("sweep", "sweep.yaml", "--project", "wb"))
    result = invoke("agent", sweep_id)
    assert result.exit_code == 0, result.output
    assert "agent done: the sweep is finished" in result.output
    sweep = cairn.Api().sweep(sweep_id)
    runs = sweep.runs()
    assert len(runs) == 3 and sweep.state == "finished"
    for run, trial in zip(
        sorted(runs, key=lambda r: r.id),
        sorted(sweep.trials(), key=lambda t: t.run_id),
        strict=True,
    ):
        assert run.config["learning_rate"] == trial.params["learning_rate"]
        assert run.config["width"] == trial.params["layers"]["width"]  # from --layers.width
        assert run.config["layers"] == trial.params["layers"]  # and from the environment
        assert run.config["optimizer"] in ("adam", "sgd")
        assert 1e-4 <= run.config["learning_rate"] <= 1e-1
    best = sweep.best_run()
    assert best is not None
    assert best.summary["val_acc"] == max(r.summary["val_acc"] for r in runs)  # maximize


def test_ls_and_state_changes(wandb_files: Path) -> None:
    sweep_id = created_id(invoke("sweep", "create", "sweep.yaml", "-p", "wb"))
    listed = invoke("sweep", "ls")
    assert listed.exit_code == 0
    assert sweep_id in listed.output and "wandb-style" in listed.output
    assert "running" in listed.output and "val_acc (max)" in listed.output
    assert invoke("sweep", "pause", sweep_id).output == f"sweep {sweep_id} is paused\n"
    assert invoke("sweep", "resume", sweep_id).output == f"sweep {sweep_id} is running\n"
    assert invoke("sweep", "stop", sweep_id).output == f"sweep {sweep_id} is stopped\n"
    refused = invoke("sweep", "resume", sweep_id)
    assert refused.exit_code == 1 and "it is stopped" in refused.output
    assert "Traceback" not in refused.output
    done = invoke("agent", sweep_id)
    assert done.exit_code == 0 and "agent done: the sweep is stopped" in done.output
    assert invoke("sweep", "cancel", sweep_id).output == f"sweep {sweep_id} is cancelled\n"
    assert invoke("sweep", "ls", "--project", "elsewhere").exit_code == 1


def test_bad_configs_and_ids_get_their_messages(wandb_files: Path) -> None:
    (wandb_files / "bad.yaml").write_text(
        "method: bayes\nparameters:\n  lr: {distribution: loguniform, min: 0.1, max: 1}\n"
    )
    bad = invoke("sweep", "bad.yaml")
    assert bad.exit_code == 1
    assert 'parameters.lr.distribution: "loguniform" is not one of' in bad.output
    missing = invoke("sweep", "nope.yaml")
    assert missing.exit_code == 1 and "sweep config file nope.yaml does not exist" in missing.output
    unknown = invoke("agent", "nosuchid")
    assert unknown.exit_code == 1 and "no sweep with id 'nosuchid'" in unknown.output
    paused = invoke("sweep", "pause", "nosuchid")
    assert paused.exit_code == 1 and "cairn sweep ls" in paused.output
