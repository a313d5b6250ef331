"""``CairnCallback``: a Keras 3 callback that logs ``model.fit`` into Cairn.

```python
model.fit(x, y, epochs=10, validation_split=0.1, callbacks=[CairnCallback(project="mnist")])
```

Needs ``keras`` 3 (``pip install 'cairn[keras]'``) with a backend installed; Keras reads
``KERAS_BACKEND`` (``torch``, ``jax`` or ``tensorflow``) when it is first imported, so set it
before importing this module.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

try:
    import keras
except ModuleNotFoundError as missing:  # Keras's default backend is tensorflow
    if missing.name is None or not missing.name.startswith(("tensorflow", "jax", "torch")):
        raise
    raise ImportError(
        f"Keras could not load its backend ({missing.name} is not installed): set "
        "KERAS_BACKEND to an installed one (torch, jax or tensorflow) before importing keras"
    ) from missing

import cairn
from cairn.integrations._models import log_model_file
from cairn.integrations._values import numbers, plain


class CairnCallback(keras.callbacks.Callback):  # type: ignore[misc]
    """Logs a ``model.fit`` into a Cairn run.

    - On train begin it starts a run (``project``, ``name`` and any other ``cairn.init``
      argument, ``**init_kwargs``), or logs into ``run=``, or into the run already open. The
      model's ``get_config()`` goes in the config under ``model``, the optimizer's under
      ``optimizer``, and ``fit``'s settings (epochs, steps per epoch) under ``fit``.
    - Every ``log_freq`` batches, the batch's logs as ``batch/<name>`` (Keras's running means
      over the epoch so far) at the global batch step (batches trained since the run began);
      ``log_freq="epoch"`` logs no batch rows.
    - At each epoch's end, the epoch's logs under Keras's own names (``loss``, ``accuracy``,
      ``val_loss``...) with ``epoch`` (epochs completed, 1 after the first), at the global
      batch step of the epoch's last batch.
    - ``log_model=True``: when training ends, the model saved as ``model.keras`` is logged as
      a version of the ``model`` artifact ``model-<run id>``.

    The run finishes when training ends if this callback started it; a run you started (or
    passed) stays open, and a later ``fit`` with the same callback continues its steps.
    """

    def __init__(
        self,
        project: str | None = None,
        name: str | None = None,
        *,
        log_freq: int | Literal["epoch"] = 1,
        log_model: bool = False,
        run: cairn.Run | None = None,
        **init_kwargs: Any,
    ) -> None:
        super().__init__()
        if log_freq != "epoch" and not (isinstance(log_freq, int) and log_freq >= 1):
            raise ValueError(
                f'log_freq={log_freq!r}: use a number of batches (1 or more), or "epoch" to log '
                "only each epoch's metrics"
            )
        self.project = project
        self.name = name
        self.log_freq = log_freq
        self.log_model = log_model
        self.init_kwargs = init_kwargs
        self.run: cairn.Run | None = run
        """The run logged into (None until training begins, unless passed)."""
        self._started = False
        """Whether this callback started ``run`` (and so finishes it)."""
        self._finished = False
        self._step = 0
        """Batches trained in this run, by this callback's fits."""
        self._epoch_start = 0
        """``_step`` when the current epoch began."""

    def on_train_begin(self, logs: Mapping[str, Any] | None = None) -> None:
        if self.run is None or self._finished:
            current: cairn.Run | None = cairn.run
            if current is not None:
                self.run, self._started = current, False
            else:
                self.run = cairn.init(project=self.project, name=self.name, **self.init_kwargs)
                self._started = True
            self._finished = False
            self._step = 0
        config: dict[str, Any] = {"model": plain(self.model.get_config())}
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None:
            config["optimizer"] = plain(optimizer.get_config())
        config["fit"] = plain(dict(self.params or {}))
        self.run.config.update(config)
        self.run.summary["model/parameters"] = int(self.model.count_params())

    def on_epoch_begin(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        self._epoch_start = self._step

    def on_train_batch_end(self, batch: int, logs: Mapping[str, Any] | None = None) -> None:
        self._step = self._epoch_start + batch + 1
        if self.run is None or self.log_freq == "epoch" or self._step % self.log_freq:
            return
        row = {f"batch/{key}": value for key, value in numbers(logs).items()}
        if row:
            self.run.log(row, step=self._step)

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        if self.run is not None:
            self.run.log({**numbers(logs), "epoch": epoch + 1}, step=self._step)

    def on_train_end(self, logs: Mapping[str, Any] | None = None) -> None:
        if self.run is None or self._finished:
            return
        if self.log_model:
            with tempfile.TemporaryDirectory(prefix="cairn-model-") as folder:
                path = Path(folder) / "model.keras"
                self.model.save(path)
                log_model_file(
                    self.run, path, metadata={"step": self._step, "model": self.model.name}
                )
        if self._started:
            self.run.finish(quiet=True)
            self._finished = True
