"""``wandb.Settings(...)``: W&B's settings object, read for what Cairn has a twin of."""

from __future__ import annotations

from typing import Any

_KNOWN = {
    "mode",
    "project",
    "entity",
    "run_id",
    "run_name",
    "run_notes",
    "run_tags",
    "run_group",
    "run_job_type",
    "resume",
    "root_dir",
    "save_code",
    "disable_git",
    "disable_code",
    "console",
    "silent",
    "quiet",
    "x_disable_stats",
    "_disable_stats",
}
"""The fields Cairn reads; every other field (``start_method``, ``init_timeout``...) is kept on
the object and has no effect."""


class Settings:
    """``wandb.Settings(mode="offline", start_method="thread", ...)``: any field is accepted;
    those in ``_KNOWN`` are honoured by ``init``, the rest only kept."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)

    def get(self, name: str) -> Any:
        """The field ``name`` when it was given (None otherwise)."""
        return self.__dict__.get(name)

    def update(self, settings: Any = None, **fields: Any) -> None:
        self.__dict__.update(_fields(settings), **fields)

    def ignored(self) -> list[str]:
        """The fields given that Cairn does not read."""
        return sorted(k for k in self.__dict__ if k not in _KNOWN)

    def __repr__(self) -> str:
        return f"Settings({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())})"


def _fields(settings: Any) -> dict[str, Any]:
    if settings is None:
        return {}
    if isinstance(settings, Settings):
        return dict(settings.__dict__)
    if isinstance(settings, dict):
        return dict(settings)
    return {k: v for k, v in vars(settings).items() if not k.startswith("__")}


def settings_of(value: Any) -> Settings:
    """``init(settings=)`` as a ``Settings``: one, a dict, or None."""
    return value if isinstance(value, Settings) else Settings(**_fields(value))
