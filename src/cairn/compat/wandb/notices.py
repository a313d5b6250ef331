"""One warning per thing Cairn accepts from W&B code but cannot honour, per process."""

from __future__ import annotations

import warnings

_said: set[str] = set()


class WandbCompatWarning(UserWarning):
    """A W&B argument or call that Cairn accepts and does not honour (said once per process)."""


def once(key: str, message: str) -> None:
    """Warn ``message`` the first time ``key`` comes up in this process."""
    if key in _said:
        return
    _said.add(key)
    warnings.warn(f"cairn.compat.wandb: {message}", WandbCompatWarning, stacklevel=3)
