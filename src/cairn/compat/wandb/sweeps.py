"""``wandb.sweep`` and ``wandb.agent`` on Cairn's sweeps (the config schema is W&B's)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from cairn.compat.wandb import env


def sweep(
    sweep: Mapping[str, Any] | str | Callable[[], Mapping[str, Any]],
    entity: str | None = None,
    project: str | None = None,
    prior_runs: list[str] | None = None,
) -> str:
    """Create a sweep from W&B's config (a dict, a YAML path, or a function returning one);
    returns its id. ``entity`` is accepted and not used."""
    from cairn.sweeps.public import sweep as cairn_sweep

    env.apply_twins()
    config = sweep() if callable(sweep) else sweep
    project = project or (config.get("project") if isinstance(config, Mapping) else None)
    return cairn_sweep(config, project=project or os.environ.get("CAIRN_PROJECT"))


def agent(
    sweep_id: str,
    function: Callable[[], object] | None = None,
    entity: str | None = None,
    project: str | None = None,
    count: int | None = None,
) -> None:
    """Run ``count`` trials (all, when None) of sweep ``sweep_id`` (``entity/project/id`` taken
    too): each calls ``function`` in this process, whose ``wandb.init()`` gets the trial's config."""
    from cairn.sweeps.public import agent as cairn_agent

    env.apply_twins()
    cairn_agent(sweep_id.rsplit("/", 1)[-1], function=function, count=count)
