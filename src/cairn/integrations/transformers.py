"""``CairnCallback``: a Hugging Face ``TrainerCallback`` that logs a ``Trainer``'s run into Cairn.

```python
trainer = Trainer(model, args, train_dataset=train, callbacks=[CairnCallback(project="bert")])
```

Importing this module also registers ``"cairn"`` as a ``report_to`` name, so
``TrainingArguments(report_to="cairn")`` works once it is imported. Needs ``transformers`` and
``accelerate`` (``pip install 'cairn[transformers]'``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from transformers import TrainerCallback, TrainerControl, TrainerState, TrainingArguments

import cairn
from cairn.integrations._models import LogModel, log_model_option
from cairn.integrations._values import number_or_none, numbers, plain

TOTALS = {
    "train_runtime": "train/runtime",
    "train_samples_per_second": "train/samples_per_second",
    "train_steps_per_second": "train/steps_per_second",
    "train_loss": "train/mean_loss",
    "total_flos": "train/total_flos",
}
"""What ``Trainer.train`` logs once, at its end: kept in the summary (not the history), under
these names. ``train_loss`` is the mean training loss of the whole run, hence not ``train/loss``,
which is the loss of the last logging step."""


class CairnCallback(TrainerCallback):
    """Logs a ``Trainer``'s training into a Cairn run.

    - On train begin it starts a run (``project``, ``name`` and any other ``cairn.init``
      argument, ``**init_kwargs``; the name defaults to ``TrainingArguments.run_name``), or
      logs into ``run=``, or into the run already open (``cairn.init`` before ``train()``).
      The ``TrainingArguments`` go in the config under ``args``, the model's config under
      ``model``.
    - Every ``Trainer.log`` dict becomes a row at ``state.global_step``: training values as
      ``train/<key>`` (``train/loss``, ``train/learning_rate``, ``train/grad_norm``),
      ``eval_<key>`` as ``eval/<key>``, ``test_<key>`` (``predict``) as ``test/<key>``, and
      ``epoch`` as it is. The end-of-training totals go in the summary (see ``TOTALS``).
    - ``log_model``: ``False`` (default) logs no model; ``True`` logs the trained model
      (``save_pretrained``) when training ends, aliased ``final``; ``"all"`` also logs each
      checkpoint folder when the ``Trainer`` saves it, aliased ``checkpoint-<step>`` (and
      ``best`` for ``state.best_model_checkpoint``). All are versions of ``model-<run id>``.

    The run finishes when training ends if this callback started it; a run you started (or
    passed) stays open. Only the first process of a distributed run logs.
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
        self.project = project
        self.name = name
        self.log_model = log_model_option(log_model)
        self.init_kwargs = init_kwargs
        self.run: cairn.Run | None = run
        """The run logged into (None until training begins, unless passed)."""
        self._started = False
        """Whether this callback started ``run`` (and so finishes it)."""
        self._finished = False

    # ---- the run --------------------------------------------------------------------------

    def _open(self, args: TrainingArguments, model: Any) -> cairn.Run:
        """The run to log into, started if needed, with the arguments and model as config."""
        if self.run is None or self._finished:
            current: cairn.Run | None = cairn.run
            if current is not None:
                self.run, self._started = current, False
            else:
                name = self.name or args.run_name
                self.run = cairn.init(project=self.project, name=name, **self.init_kwargs)
                self._started = True
            self._finished = False
        config: dict[str, Any] = {"args": plain(args.to_dict())}  # type: ignore[no-untyped-call]
        model_config = getattr(model, "config", None)
        if model_config is not None:
            found = model_config if isinstance(model_config, dict) else model_config.to_dict()
            config["model"] = plain(found)
        self.run.config.update(config)
        count = getattr(model, "num_parameters", None)
        if callable(count):
            self.run.summary["model/parameters"] = int(count())
        return self.run

    def _logging_run(self, args: TrainingArguments, model: Any) -> cairn.Run:
        """The run for values logged outside ``train()`` (``evaluate``, ``predict``): the open
        one, else this callback's own again, resumed, else a new one."""
        if self.run is not None and not self._finished:
            return self.run
        current: cairn.Run | None = cairn.run
        if current is not None:
            return current
        if self.run is not None and self._started:
            self.run = cairn.init(
                project=self.run.project, id=self.run.id, resume="must", dir=self.run.dir
            )
            self._finished = False
            return self.run
        return self._open(args, model)

    # ---- callbacks ------------------------------------------------------------------------

    def on_train_begin(
        self,
        args: TrainingArguments,
        state: TrainerState,
        control: TrainerControl,
        model: Any = None,
        **kwargs: Any,
    ) -> None:
        if state.is_world_process_zero:
            self._open(args, model)

    def on_log(
        self,
        args: TrainingArguments,
        state: TrainerState,
        control: TrainerControl,
        logs: Mapping[str, Any] | None = None,
        model: Any = None,
        **kwargs: Any,
    ) -> None:
        if not state.is_world_process_zero or not logs:
            return
        run = self._logging_run(args, model)
        totals = {TOTALS[k]: v for k, v in numbers(logs).items() if k in TOTALS}
        if totals:
            run.summary.update(totals)
            return
        row = metric_names(logs)
        if row:
            run.log(row, step=state.global_step)

    def on_predict(
        self,
        args: TrainingArguments,
        state: TrainerState,
        control: TrainerControl,
        metrics: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.on_log(args, state, control, logs=metrics, **kwargs)

    def on_save(
        self,
        args: TrainingArguments,
        state: TrainerState,
        control: TrainerControl,
        **kwargs: Any,
    ) -> None:
        if self.log_model != "all" or not state.is_world_process_zero or self.run is None:
            return
        if args.output_dir is None:  # nowhere saved
            return
        folder = Path(args.output_dir) / f"checkpoint-{state.global_step}"
        if folder.is_dir():
            self._log_folder(folder, state, [folder.name], checkpoint=folder.name)

    def on_train_end(
        self,
        args: TrainingArguments,
        state: TrainerState,
        control: TrainerControl,
        model: Any = None,
        processing_class: Any = None,
        **kwargs: Any,
    ) -> None:
        if not state.is_world_process_zero or self.run is None or self._finished:
            return
        best = state.best_model_checkpoint
        if self.log_model == "all" and best and Path(best).is_dir():
            self._log_folder(Path(best), state, ["best"], checkpoint=Path(best).name)
        if self.log_model and model is not None:
            with tempfile.TemporaryDirectory(prefix="cairn-model-") as folder:
                save_model(model, processing_class, Path(folder))
                self._log_folder(Path(folder), state, ["final"], checkpoint=None)
        if self._started:
            self.run.finish(quiet=True)
            self._finished = True

    def _log_folder(
        self, folder: Path, state: TrainerState, aliases: list[str], checkpoint: str | None
    ) -> None:
        assert self.run is not None
        artifact = cairn.Artifact(
            f"model-{self.run.id}",
            type="model",
            metadata={
                "checkpoint": checkpoint,
                "step": state.global_step,
                "epoch": state.epoch,
                "best_checkpoint": Path(state.best_model_checkpoint).name
                if state.best_model_checkpoint
                else None,
                "best_metric": state.best_metric,
            },
        )
        artifact.add_dir(folder)
        self.run.log_artifact(artifact, aliases=aliases)


def metric_names(logs: Mapping[str, Any]) -> dict[str, float]:
    """A ``Trainer.log`` dict as Cairn metrics: ``eval_x`` → ``eval/x``, ``test_x`` → ``test/x``,
    ``epoch`` as it is, anything else ``train/<key>``; values that are not numbers are left out."""
    row: dict[str, float] = {}
    for key, value in logs.items():
        number = number_or_none(value)
        if number is None:
            continue
        if key == "epoch":
            row[key] = number
        elif key.startswith("eval_"):
            row[f"eval/{key[5:]}"] = number
        elif key.startswith("test_"):
            row[f"test/{key[5:]}"] = number
        else:
            row[f"train/{key}"] = number
    return row


def save_model(model: Any, processing_class: Any, folder: Path) -> None:
    """Save the model (and its tokenizer or processor) the way ``from_pretrained`` loads it;
    a plain ``torch.nn.Module`` as its ``state_dict`` in ``model.pt``."""
    if hasattr(model, "save_pretrained"):
        model.save_pretrained(folder)
    else:
        import torch

        torch.save(model.state_dict(), folder / "model.pt")
    if processing_class is not None and hasattr(processing_class, "save_pretrained"):
        processing_class.save_pretrained(folder)


def _register_report_to() -> None:
    """Make ``report_to="cairn"`` pick this callback. Transformers looks ``report_to`` names up
    in ``transformers.integrations.integration_utils.INTEGRATION_TO_CALLBACK`` when a ``Trainer``
    is made; the table is not a public API, so a version without it just lacks the name."""
    try:
        from transformers.integrations import integration_utils
    except ImportError:  # pragma: no cover - a transformers without the module
        return
    table = getattr(integration_utils, "INTEGRATION_TO_CALLBACK", None)
    if isinstance(table, dict):
        table.setdefault("cairn", CairnCallback)


_register_report_to()

__all__ = ["TOTALS", "CairnCallback", "metric_names", "save_model"]
