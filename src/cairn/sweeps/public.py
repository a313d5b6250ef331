"""``cairn.sweep()``, ``cairn.agent()`` and ``cairn.Api().sweep()``: sweeps from Python."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cairn.sdk.location import find_store_dir
from cairn.store.sweeps import SweepRow, TrialRow
from cairn.sweeps.agent import Agent, AgentResult
from cairn.sweeps.config import SweepConfig, load_sweep_config
from cairn.sweeps.control import create_sweep
from cairn.sweeps.results import best_trial

if TYPE_CHECKING:
    from cairn.sdk.api import ApiRun
    from cairn.store.reader import Reader


def sweep(
    config: Mapping[str, Any] | str | os.PathLike[str],
    project: str | None = None,
    dir: str | os.PathLike[str] | None = None,
) -> str:
    """Create a sweep from a config (a dict in W&B's schema, or a YAML path); returns what
    ``cairn.agent`` takes: ``PROJECT/SWEEP_ID`` on the team server when one is configured
    (``cairn login``, ``$CAIRN_URL``), else the sweep's id in the local store.

    ``dir`` is the local store folder, found as ``cairn.init`` finds it when None.
    """
    from cairn.server_login import current_login

    source = Path(config) if isinstance(config, (str, os.PathLike)) else config
    return create_sweep(source, project, current_login() or find_store_dir(dir)).ref


def agent(
    sweep_id: str,
    function: Callable[[], object] | None = None,
    count: int | None = None,
    dir: str | os.PathLike[str] | None = None,
) -> AgentResult:
    """Run trials of a sweep until ``count`` ran or the sweep has no more.

    With ``function``, each trial calls it in this process (its ``cairn.init()`` picks up the
    trial's parameters); without, each trial runs the config's command as a subprocess.
    """
    return Agent(find_store_dir(dir), sweep_id, count=count, function=function).run()


class ApiSweep:
    """A sweep as stored: ``state``, ``config``, its trials, runs and best run."""

    def __init__(self, reader: Reader, row: SweepRow) -> None:
        self._reader = reader
        self.row = row

    id = property(lambda self: self.row.id)
    name = property(lambda self: self.row.name)
    project = property(lambda self: self.row.project)
    state = property(lambda self: self.row.state)
    """running | paused | stopped | cancelled | finished."""
    method = property(lambda self: self.row.method)
    config = property(lambda self: self.row.config)
    """The sweep config as given (W&B's schema)."""

    def __repr__(self) -> str:
        return f"<ApiSweep {self.project}/{self.id} {self.method} {self.state}>"

    @property
    def parsed(self) -> SweepConfig:
        """The config, validated."""
        return load_sweep_config(self.row.config)

    def trials(self) -> list[TrialRow]:
        """Every trial claimed so far, in order: number, params, status, run_id, run summary."""
        return self._reader.trials(self.row)

    def runs(self) -> list[ApiRun]:
        """The runs of the sweep's trials that reached the store, newest first."""
        from cairn.sdk.api import ApiRun

        infos = self._reader.runs(self.project, filter=f'sweep_id == "{self.id}"')
        return [ApiRun(self._reader, info) for info in infos]

    def best_run(self) -> ApiRun | None:
        """The run with the best value of the sweep's metric, per its goal (None before any)."""
        from cairn.sdk.api import ApiRun

        found = best_trial(self.parsed, self.trials())
        if not found:
            return None
        return ApiRun(self._reader, self._reader.find_run(f"{self.project}/{found[0].run_id}"))

    def refresh(self) -> ApiSweep:
        """Read the sweep again (its state and trial count) and return self."""
        self.row = self._reader.sweep(self.id)
        return self
