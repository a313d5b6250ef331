"""The sweep trial a process runs, as an agent hands it over in the environment.

``cairn agent`` (and ``cairn.agent()``) set ``CAIRN_SWEEP_ID``, ``CAIRN_SWEEP_TRIAL`` (the trial's
number) and ``CAIRN_SWEEP_PARAMS`` (its parameters as JSON). ``cairn.init()`` reads them once:
the parameters go into ``run.config`` and win over the script's own values for the same keys
(sweep parameters are locked; a differing value gets a warning), and the run records ``sweep_id``.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cairn.errors import ConfigError

ENV_SWEEP_ID = "CAIRN_SWEEP_ID"
ENV_TRIAL = "CAIRN_SWEEP_TRIAL"
ENV_PARAMS = "CAIRN_SWEEP_PARAMS"


@dataclass(frozen=True)
class SweepTrial:
    sweep_id: str
    number: int
    params: dict[str, Any]

    def apply_to(self, config: dict[str, Any]) -> dict[str, Any]:
        """``config`` with the trial's parameters set, warning for each value of the script's
        that a parameter replaces."""
        return _merge(config, self.params, "", self.sweep_id)


def sweep_trial_from_env() -> SweepTrial | None:
    """The trial the environment names, popped so only the process's first run takes it."""
    sweep_id = os.environ.pop(ENV_SWEEP_ID, None)
    number = os.environ.pop(ENV_TRIAL, None)
    raw = os.environ.pop(ENV_PARAMS, None)
    if not sweep_id:
        return None
    try:
        params = json.loads(raw or "{}")
        trial = int(number or 0)
    except ValueError as exc:
        raise ConfigError(
            f"${ENV_PARAMS} or ${ENV_TRIAL} is not what `cairn agent` sets ({exc}); "
            "start trials with `cairn agent SWEEP_ID`"
        ) from exc
    if not isinstance(params, dict):
        raise ConfigError(f"${ENV_PARAMS} must be a JSON object, not {raw!r}")
    return SweepTrial(sweep_id, trial, params)


def _merge(
    config: Mapping[str, Any], params: Mapping[str, Any], prefix: str, sweep_id: str
) -> dict[str, Any]:
    out = dict(config)
    for key, value in params.items():
        path = f"{prefix}{key}"
        mine = out.get(key)
        if isinstance(value, Mapping) and isinstance(mine, Mapping):
            out[key] = _merge(mine, value, f"{path}.", sweep_id)
            continue
        if key in out and mine != value:
            warnings.warn(
                f"config key {path!r}: sweep {sweep_id} sets it to {value!r}, so the script's "
                f"{mine!r} is ignored (sweep parameters are locked)",
                stacklevel=4,
            )
        out[key] = value
    return out
