"""A sweep as W&B users run it: ``wandb.sweep(config, project=, entity=)``, ``wandb.agent(id,
function=, count=)`` with ``wandb.init()`` and ``wandb.config`` inside, then the public API's
``Api().sweep("entity/project/id")``, ``sweep.runs`` and ``best_run()``."""

from __future__ import annotations

from pathlib import Path

from tests.compat.conftest import Script

import cairn

SWEEP = """
import cairn.compat.wandb as wandb

config = {
    "method": "grid",
    "metric": {"name": "val/acc", "goal": "maximize"},
    "parameters": {"lr": {"values": [0.1, 0.01, 0.001]}, "width": {"value": 8}},
}

def train():
    run = wandb.init()
    lr, width = wandb.config.lr, wandb.config["width"]
    for epoch in range(2):
        wandb.log({"val/acc": 1 - lr * (2 - epoch), "epoch": epoch})
    wandb.finish()

sweep_id = wandb.sweep(config, project="sw", entity="lab")
wandb.agent(sweep_id, function=train, count=3)
api = wandb.Api()
sweep = api.sweep(f"lab/sw/{sweep_id}")
assert api.sweep(f"sw/{sweep_id}").id == sweep_id
print("RUNS", sorted(r.config["lr"] for r in sweep.runs))
best = sweep.best_run()
print("BEST", best.config["lr"], best.summary["val/acc"])
print("BYORDER", sweep.best_run(order="+summary_metrics.val/acc").config["lr"])
print("SWEEP", sweep_id, sweep.state)
"""


def test_a_sweep_runs_unchanged(script: Script, store_dir: Path) -> None:
    out = script(SWEEP).stdout
    assert "RUNS [0.001, 0.01, 0.1]" in out
    assert "BEST 0.001 0.999" in out
    assert "BYORDER 0.1" in out
    sweep_id = out.split("SWEEP ")[1].split()[0]
    runs = cairn.Api().sweep(sweep_id).runs()
    assert len(runs) == 3
    assert {r.config["width"] for r in runs} == {8}
    assert sorted(r.summary["val/acc"] for r in runs) == [0.9, 0.99, 0.999]
