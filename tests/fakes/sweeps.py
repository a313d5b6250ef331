"""A small finished-or-running sweep, logged with the real SDK through the in-process agent."""

from __future__ import annotations

from pathlib import Path

import cairn
from cairn.sdk import session

SWEEP_CONFIG = {
    "name": "lr-search",
    "method": "grid",
    "metric": {"name": "val/loss", "goal": "minimize"},
    "parameters": {
        "lr": {"values": [0.3, 0.1, 0.03, 0.01, 0.003, 0.001]},
        "model": {"parameters": {"width": {"values": [32, 64]}}},
    },
}


def make_sweep(store_dir: Path, project: str = "sweepy", trials: int = 6) -> str:
    """A grid sweep with ``trials`` of its 12 trials finished (each logs 5 steps of val/loss)."""

    def train() -> None:
        run = cairn.init(dir=store_dir)
        lr, width = run.config["lr"], run.config["model"]["width"]
        for step in range(5):
            run.log({"val/loss": abs(lr - 0.01) * 10 + 1 / (step + 1) + 32 / width / 10})
        run.finish(quiet=True)

    sweep_id = cairn.sweep(SWEEP_CONFIG, project=project, dir=store_dir)
    cairn.agent(sweep_id, function=train, count=trials, dir=store_dir)
    assert session.current() is None
    return sweep_id
