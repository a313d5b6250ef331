"""A classification script as W&B users write it: argparse config, ``watch``, ``define_metric``,
strings, None, arrays and tensors in ``log``, a confusion matrix, a summary set by hand."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from tests.compat.conftest import Script

import cairn

CLASSIFY = """
import argparse
import warnings

import numpy as np
import torch

import cairn.compat.wandb as wandb

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.1)
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--data_path", default="/secret/data")
args = parser.parse_args([])

assert wandb.run is None
with warnings.catch_warnings(record=True) as said:
    warnings.simplefilter("always")
    run = wandb.init(
        project="cls", entity="lab", config=args, config_exclude_keys=["data_path"],
        name="baseline-1", tags=["baseline"], group="cv", job_type="train", notes="first try",
        reinit=True, save_code=False, anonymous="allow", sync_tensorboard=True,
        settings=wandb.Settings(start_method="thread", _disable_stats=True), magic=True,
    )
print("WARNINGS", " | ".join(str(w.message) for w in said))
assert wandb.run is run and run.resumed is False
assert run.project == "cls" and run.entity == "lab" and run.name == "baseline-1"
assert run.path == f"lab/cls/{run.id}" and run.url.endswith(run.id)
wandb.config.update({"batch": 32, "lr": 0.05}, allow_val_change=True)

wandb.define_metric("epoch")
wandb.define_metric("val/loss", summary="min", goal="minimize")
wandb.define_metric("val/*", step_metric="epoch")  # after: val/loss keeps its min, as in W&B
wandb.define_metric("val/acc", summary="max,mean")
wandb.define_metric("train/best", summary="best", goal="maximize")

torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
wandb.watch(model, criterion=torch.nn.CrossEntropyLoss(), log="all", log_freq=1, idx=0)
opt = torch.optim.SGD(model.parameters(), lr=wandb.config.lr)
x, y = torch.randn(64, 4), torch.randint(0, 3, (64,))
for epoch in range(wandb.config.epochs):
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    wandb.log({
        "train/loss": loss,                       # a torch scalar
        "train/lr": np.float32(0.05),             # a numpy scalar
        "train/zero_d": np.array(epoch * 1.5),    # a 0-d array
        "train/best": [0.1, 0.7, 0.3][epoch],
        "phase": "train",                         # a string
        "skipped": None,                          # None
        "logits": model(x).detach(),              # a tensor: a histogram
        "weights": model[0].weight.detach().numpy(),  # an array: a histogram
        "sizes": [1, 2, 2, 3],                    # a list of numbers: a histogram
    })
    wandb.log({"val/loss": [0.9, 0.5, 0.7][epoch], "val/acc": [0.5, 0.8, 0.6][epoch], "epoch": epoch})

probs = torch.softmax(model(x), 1).detach().numpy()
wandb.log({"conf": wandb.plot.confusion_matrix(probs=probs, y_true=y.numpy(), class_names=["a", "b", "c"])})
wandb.summary["note"] = "done"
wandb.finish(exit_code=0, quiet=True)
assert wandb.run is None
print("RUN", run.id)
"""


def test_a_classification_script_runs_unchanged(script: Script, store_dir: Path) -> None:
    out = script(CLASSIFY).stdout
    run_id = out.split("RUN ")[1].split()[0]
    warned = out.split("WARNINGS ")[1].splitlines()[0]
    for name in ("anonymous", "sync_tensorboard", "magic", "start_method"):
        assert name in warned

    run = cairn.Api().run(f"cls/{run_id}")
    assert run.state == "finished"
    assert run.config == {"lr": 0.05, "epochs": 3, "batch": 32}
    assert (run.name, run.tags, run.group, run.job_type, run.notes) == (
        "baseline-1",
        ["baseline"],
        "cv",
        "train",
        "first try",
    )
    assert run.capture["wandb"]["entity"] == "lab"
    assert {"anonymous", "sync_tensorboard", "magic"} <= set(run.capture["wandb"]["ignored"])

    history = run.history()
    train = history.dropna(subset=["train/loss"])
    assert len(train) == 3
    assert list(train["train/zero_d"]) == [0.0, 1.5, 3.0]
    assert list(train["train/lr"]) == [0.05000000074505806] * 3
    assert "skipped" not in history.columns and "phase" not in history.columns
    assert list(history.dropna(subset=["val/loss"])["epoch"]) == [0.0, 1.0, 2.0]

    summary = run.summary
    assert summary["val/loss"] == 0.5  # min
    assert summary["val/acc"] == 0.8  # the first of "max,mean"
    assert summary["train/best"] == 0.7  # best with goal=maximize is max
    assert summary["phase"] == "train" and summary["note"] == "done"

    assert [m.meta["text"] for m in run.media("phase")] == ["train"] * 3
    for key in ("logits", "weights", "sizes"):
        assert len(run.histograms(key)) == 3, key
    assert sum(run.histograms("sizes")[0].counts) == 4
    watched = {k.key for k in run.media_keys()}
    assert {"gradients/0.weight", "parameters/0.weight"} <= watched
    (plot,) = run.media("conf")
    assert plot.meta["spec"]["type"] == "confusion_matrix"
    assert plot.meta["spec"]["classes"] == ["a", "b", "c"]
    confusion = pd.read_parquet(io.BytesIO(plot.bytes()))
    assert int(confusion["Count"].sum()) == 64
