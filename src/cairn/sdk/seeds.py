"""``cairn.seed_everything``: seed every random number generator a script is likely to use, and
record what was done in the run, so ``cairn reproduce`` can seed the same way (or vary the seed)."""

from __future__ import annotations

import importlib.util
import os
import random
import sys
from typing import Any

from cairn.sdk import session

SEED_ENV = "CAIRN_SEED"
"""When set (``cairn reproduce --seeds N`` sets it), its value replaces the seed a script asks for."""


def seed_everything(seed: int | None = None, deterministic: bool = False) -> int:
    """Seed ``random``, numpy and torch (when installed) with ``seed``; returns the seed used.

    ``deterministic=True`` also asks torch for deterministic algorithms (cuDNN deterministic, no
    benchmark autotuning, ``CUBLAS_WORKSPACE_CONFIG`` set): slower, but the same numbers each run.
    ``seed=None`` draws a seed, which is then recorded like a given one. ``$CAIRN_SEED``, when
    set, replaces ``seed``. What was seeded is recorded in the current run (or the next one
    ``cairn.init()`` starts) as its ``seeds`` capture.
    """
    requested = seed
    override = os.environ.get(SEED_ENV)
    if override:
        try:
            seed = int(override)
        except ValueError:
            raise ValueError(f"${SEED_ENV}={override!r}: give an integer seed") from None
    if seed is None:
        seed = random.SystemRandom().randrange(2**32)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed={seed!r}: give a non-negative integer")
    record: dict[str, Any] = {
        "seed": seed,
        "requested": requested,
        "deterministic": deterministic,
        "seeded": ["random"],
        "notes": [],
    }
    if override:
        record["notes"].append(f"${SEED_ENV}={override} replaced the seed the script gave")
    random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    record["notes"].append(
        "PYTHONHASHSEED is set for child processes; this process's str hashing was fixed at start"
    )
    try:
        import numpy as np

        np.random.seed(seed % 2**32)
        record["seeded"].append("numpy")
    except ImportError:
        pass
    if "torch" in sys.modules or importlib.util.find_spec("torch") is not None:
        record.update(_seed_torch(seed, deterministic))
        record["seeded"].append("torch")
    elif deterministic:
        record["notes"].append("deterministic=True has no effect without torch")
    if "tensorflow" in sys.modules:
        sys.modules["tensorflow"].random.set_seed(seed)
        record["seeded"].append("tensorflow")
    session.record_seeding(record)
    return seed


def _seed_torch(seed: int, deterministic: bool) -> dict[str, Any]:
    import torch

    torch.manual_seed(seed)  # seeds every CUDA device too
    out: dict[str, Any] = {"torch": {"version": str(torch.__version__)}}
    if deterministic:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True)
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
        out["torch"].update(
            deterministic_algorithms=True,
            cudnn_deterministic=True,
            cudnn_benchmark=False,
            cublas_workspace_config=os.environ["CUBLAS_WORKSPACE_CONFIG"],
        )
    return out
