"""``CairnLogger``: a PyTorch Lightning logger that logs a ``Trainer``'s run into Cairn.

```python
trainer = Trainer(logger=CairnLogger(project="digits", log_model=True), max_epochs=10)
```

Needs ``lightning`` (``pip install 'cairn[lightning]'``).
"""

from __future__ import annotations

import os
from argparse import Namespace
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lightning.fabric.loggers.logger import rank_zero_experiment
from lightning.fabric.utilities.logger import _convert_params, _sanitize_callable_params
from lightning.pytorch.loggers.logger import Logger
from lightning.pytorch.utilities import rank_zero_only

import cairn
from cairn.integrations._models import LogModel, log_model_option
from cairn.integrations._values import plain

if TYPE_CHECKING:
    from lightning.pytorch.callbacks import ModelCheckpoint


class CairnLogger(Logger):
    """Logs hyperparameters (``save_hyperparameters``) as the run's config, every logged metric
    as history at the trainer's global step, and checkpoints as ``model`` artifacts.

    - ``project``, ``name`` and any other ``cairn.init`` argument (``**init_kwargs``) start the
      run on first use; or pass ``run=`` to log into a run you started.
    - ``log_model``: ``False`` (default) logs no checkpoint; ``True`` logs the checkpoints kept
      by ``ModelCheckpoint`` when training ends; ``"all"`` logs each as it is saved. They are
      versions of the artifact ``model-<run id>``, the best one with the alias ``best``, each
      with its monitored score in its metadata.

    The run stays open after ``fit`` (``trainer.test`` logs into it too): it finishes when the
    script ends, or with ``logger.experiment.finish()``.
    """

    def __init__(
        self,
        project: str | None = None,
        name: str | None = None,
        *,
        log_model: LogModel = False,
        run: cairn.Run | None = None,
        **init_kwargs: Any,
    ) -> None:
        super().__init__()
        self._project = project
        self._name = name
        self._init_kwargs = init_kwargs
        self._run = run
        self._log_model = log_model_option(log_model)
        self._checkpoint: ModelCheckpoint | None = None
        self._logged: dict[str, float] = {}
        """Checkpoint paths logged, with their modification times."""

    @property
    @rank_zero_experiment
    def experiment(self) -> cairn.Run:
        """The Cairn run (started on first use)."""
        if self._run is None:
            self._run = cairn.init(project=self._project, name=self._name, **self._init_kwargs)
        return self._run

    @property
    def name(self) -> str | None:
        """The run's project."""
        return self._project if self._run is None else self._run.project

    @property
    def version(self) -> str | None:
        """The run's id."""
        return self.experiment.id if _rank_zero() else None

    @rank_zero_only
    def log_hyperparams(
        self, params: dict[str, Any] | Namespace, *args: Any, **kwargs: Any
    ) -> None:
        found = _sanitize_callable_params(_convert_params(params))
        self.experiment.config.update({k: plain(v) for k, v in found.items()})

    @rank_zero_only
    def log_metrics(self, metrics: Mapping[str, float], step: int | None = None) -> None:
        values = {key: _number(value) for key, value in metrics.items()}
        self.experiment.log(values, step=step)

    def watch(self, model: Any, log: str = "gradients", log_freq: int = 100) -> None:
        """Histograms of the model's gradients or parameters every ``log_freq`` steps
        (``cairn.Run.watch``, docs/watch.md)."""
        if _rank_zero():
            self.experiment.watch(model, log=log, log_freq=log_freq)

    def after_save_checkpoint(self, checkpoint_callback: ModelCheckpoint) -> None:
        self._checkpoint = checkpoint_callback
        if self._log_model == "all":
            self._log_checkpoints()

    @rank_zero_only
    def finalize(self, status: str) -> None:
        if status == "success" and self._log_model and self._checkpoint is not None:
            self._log_checkpoints()

    @rank_zero_only
    def _log_checkpoints(self) -> None:
        callback = self._checkpoint
        if callback is None:
            return
        kept: dict[str, Any] = dict(callback.best_k_models)
        if callback.last_model_path:
            kept.setdefault(callback.last_model_path, None)
        present = [(path, score) for path, score in kept.items() if os.path.exists(path)]
        for path, score in sorted(present, key=lambda item: os.path.getmtime(item[0])):
            stamp = os.path.getmtime(path)
            if self._logged.get(path) == stamp:
                continue
            art = cairn.Artifact(
                f"model-{self.experiment.id}",
                type="model",
                metadata={
                    "checkpoint": Path(path).name,
                    "monitor": callback.monitor,
                    "score": None if score is None else _number(score),
                    "step": self.experiment.step,
                },
            )
            art.add_file(path)
            best = path == callback.best_model_path
            self.experiment.log_artifact(art, aliases=["best"] if best else [])
            self._logged[path] = stamp


def _rank_zero() -> bool:
    """Whether this process is the first of a distributed run (or the only one)."""
    return int(getattr(rank_zero_only, "rank", 0)) == 0


def _number(value: Any) -> float:
    """A metric as a float (Lightning hands tensors)."""
    item = getattr(value, "item", None)
    return float(item() if callable(item) else value)
