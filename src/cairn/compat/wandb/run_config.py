"""``wandb.config``: Cairn's run config with W&B's ``update(d, allow_val_change=)`` and
``setdefaults``; the same data, journaled the same way."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cairn.sdk.config import Config as CairnConfig
from cairn.sdk.config import config_to_dict


class Config(CairnConfig):
    """A run's config (``cairn.Config``) as W&B's code uses it."""

    @classmethod
    def over(cls, config: CairnConfig) -> Config:
        """A view of ``config``'s data that journals each change as ``config`` does."""
        return cls(config._data, config._on_change)

    def update(  # type: ignore[override]  # W&B's keyword, not a config key
        self, d: Any = None, allow_val_change: bool | None = None, **kwargs: Any
    ) -> None:
        """Merge ``d`` (a dict, Namespace, dataclass...) and ``kwargs``; values may change, as
        they may with ``allow_val_change=True`` (Cairn keeps every change in the journal)."""
        super().update(d if d is not None else (), **kwargs)

    def setdefaults(self, d: Any) -> None:
        """Set the keys of ``d`` the config does not have yet."""
        missing = {k: v for k, v in config_to_dict(d).items() if k not in self._data}
        if missing:
            super().update(missing)

    def persist(self) -> None:
        """W&B writes the config out here; Cairn journals every change already."""


def select(
    config: dict[str, Any],
    include: Iterable[str] | None,
    exclude: Iterable[str] | None,
) -> dict[str, Any]:
    """``config`` with only the ``include`` keys (when given) and without the ``exclude`` keys."""
    if include is not None:
        keep = set(include)
        config = {k: v for k, v in config.items() if k in keep}
    if exclude is not None:
        drop = set(exclude)
        config = {k: v for k, v in config.items() if k not in drop}
    return config
