"""The demo sweep: a bayes search over the digits MLP's learning rate and width (8 trials).

`make demo` runs it after examples/digits.py, in the same store and project ("digits"), with the
agent in this process (``cairn.agent(sweep_id, function=trial)``). ``--trial`` runs one trial the
way ``cairn agent`` starts it: ``cairn sweep examples/digits_sweep.yaml`` then
``cairn agent SWEEP_ID`` runs this file once per trial.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

import cairn

sys.path.insert(0, str(Path(__file__).parent))
import digits  # the sibling example, found through the line above

SWEEP_FILE = Path(__file__).with_name("digits_sweep.yaml")
SEED = 0


def trial() -> None:
    """One trial: the sweep's parameters (lr, model.width, epochs) arrive in ``run.config``."""
    torch.manual_seed(SEED)
    split = digits.data(SEED)
    config = digits.base_config(epochs=6, seed=SEED, data=split)
    with cairn.init(project=digits.PROJECT, config=config, tags=["demo-sweep", "mlp"]) as run:
        digits.fit(run, digits.used_dataset(run))  # the split examples/digits.py versioned


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--trial", action="store_true", help="run one trial (as `cairn agent` does)"
    )
    parser.add_argument("--force", action="store_true", help="run a new sweep even if one exists")
    args = parser.parse_args()
    if args.trial:
        trial()
        return
    try:
        done = [s for s in cairn.Api().sweeps(digits.PROJECT) if s.name == "digits-lr-width"]
    except cairn.StoreError:
        done = []
    if done and not args.force:
        print(f"the digits sweep is already logged ({done[0].id}); --force runs another")
        return
    sweep_id = cairn.sweep(SWEEP_FILE, project=digits.PROJECT)
    result = cairn.agent(sweep_id, function=trial)
    best = cairn.Api().sweep(sweep_id).best_run()
    print(f"sweep {sweep_id}: {result.trials} trials; best run {best.path if best else None}")


if __name__ == "__main__":
    main()
