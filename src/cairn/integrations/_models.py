"""Models as artifacts, as the integrations log them: the ``log_model`` option the Lightning and
Transformers integrations take, and a model file as a version of ``model-<run id>``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, TypeAlias

import cairn

LogModel: TypeAlias = bool | Literal["all"]
"""``False``: no model; ``True``: the model(s) kept when training ends; ``"all"``: each
checkpoint as well, as it is saved."""


def log_model_option(value: LogModel) -> LogModel:
    """``value`` checked when the logger or callback is made, not at the end of training."""
    if value not in (True, False, "all"):
        raise ValueError(f'log_model={value!r}: use False, True or "all"')
    return value


def log_model_file(run: cairn.Run, path: Path, metadata: dict[str, Any]) -> None:
    """``path`` as a version of the ``model`` artifact ``model-<run id>``."""
    artifact = cairn.Artifact(f"model-{run.id}", type="model", metadata=metadata)
    artifact.add_file(str(path))
    run.log_artifact(artifact)
