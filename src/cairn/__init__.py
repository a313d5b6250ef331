"""Cairn: experiment tracking built for reproducibility.

import cairn
run = cairn.init(project="digits", config={"lr": 1e-3})
run.log({"train/loss": 0.3})
run.finish()
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from cairn._version import __version__
from cairn.errors import (
    ArtifactError,
    ArtifactNotFoundError,
    CairnError,
    ConfigError,
    RunLockedError,
    RunNotFoundError,
    StoreError,
    UsageError,
)

if TYPE_CHECKING:
    from cairn.artifacts import Artifact, ArtifactVersion
    from cairn.reports import Report
    from cairn.sdk.api import Api, ApiRun
    from cairn.sdk.config import Config
    from cairn.sdk.media import (
        Audio,
        Histogram,
        Html,
        Image,
        Object3D,
        Table,
        Text,
        Video,
        plot,
    )
    from cairn.sdk.run import Run
    from cairn.sdk.seeds import seed_everything
    from cairn.sdk.session import init
    from cairn.sdk.settings import Settings
    from cairn.sdk.summary import Summary
    from cairn.sweeps.public import agent, sweep

_LAZY = {
    "Api": "cairn.sdk.api",
    "ApiRun": "cairn.sdk.api",
    "Artifact": "cairn.artifacts",
    "ArtifactVersion": "cairn.artifacts",
    "Audio": "cairn.sdk.media",
    "Config": "cairn.sdk.config",
    "Histogram": "cairn.sdk.media",
    "Html": "cairn.sdk.media",
    "Image": "cairn.sdk.media",
    "Object3D": "cairn.sdk.media",
    "Report": "cairn.reports",
    "Run": "cairn.sdk.run",
    "Settings": "cairn.sdk.settings",
    "Summary": "cairn.sdk.summary",
    "Table": "cairn.sdk.media",
    "Text": "cairn.sdk.media",
    "Video": "cairn.sdk.media",
    "agent": "cairn.sweeps.public",
    "init": "cairn.sdk.session",
    "plot": "cairn.sdk.media",
    "seed_everything": "cairn.sdk.seeds",
    "sweep": "cairn.sweeps.public",
}
"""The public names that load the SDK when first used: ``import cairn`` stays light, and
``import cairn.server`` (which runs this file first) loads no SDK module."""

_SUBPACKAGES = ("analysis", "sweeps")
"""Subpackages the docs reach through ``cairn.`` (``except cairn.sweeps.TrialStopped``): imported
on first use, as ``import cairn`` no longer loads them as a side effect."""

__all__ = [
    "Api",
    "ApiRun",
    "Artifact",
    "ArtifactError",
    "ArtifactNotFoundError",
    "ArtifactVersion",
    "Audio",
    "CairnError",
    "Config",
    "ConfigError",
    "Histogram",
    "Html",
    "Image",
    "Object3D",
    "Report",
    "Run",
    "RunLockedError",
    "RunNotFoundError",
    "Settings",
    "StoreError",
    "Summary",
    "Table",
    "Text",
    "UsageError",
    "Video",
    "__version__",
    "agent",
    "define_metric",
    "finish",
    "init",
    "log",
    "login",
    "plot",
    "seed_everything",
    "sweep",
    "unwatch",
    "watch",
]


def log(data: dict[str, Any], step: int | None = None, commit: bool = True) -> None:
    """``run.log`` on the current run (see ``Run.log``)."""
    _require_current().log(data, step=step, commit=commit)


def finish(exit_code: int = 0) -> None:
    """Finish the current run (see ``Run.finish``)."""
    _require_current().finish(exit_code)


def define_metric(name: str, summary: str = "last", step_metric: str | None = None) -> None:
    """``run.define_metric`` on the current run."""
    _require_current().define_metric(name, summary, step_metric)


def watch(model: Any, log: str = "gradients", log_freq: int = 1000) -> None:
    """``run.watch`` on the current run: histograms of a PyTorch module's gradients/parameters."""
    _require_current().watch(model, log=log, log_freq=log_freq)


def unwatch(model: Any = None) -> None:
    """``run.unwatch`` on the current run."""
    _require_current().unwatch(model)


def login(key: str | None = None, host: str | None = None, **_: Any) -> bool:
    """With ``host`` (a team server's URL) and ``key`` (else ``$CAIRN_API_KEY``): check the key
    with the server and save both, as ``cairn login`` does, so runs log there. Without ``host``:
    True, as a local store needs no login (so ``wandb.login()`` calls run)."""
    if host is None:
        return True
    import os

    from cairn.server_login import KEY_ENV, Login, check_login, save_login

    key = key or os.environ.get(KEY_ENV)
    if not key:
        raise ValueError(f"login(host={host!r}) needs key= (an API key), or ${KEY_ENV}")
    login = Login(host.rstrip("/"), key)
    check_login(login)
    save_login(login)
    return True


def _require_current() -> Run:
    from cairn.sdk.session import require_current

    return require_current()


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value  # looked up once
        return value
    if name in _SUBPACKAGES:
        return importlib.import_module(f"cairn.{name}")
    if name == "run":  # the open run, as ``wandb.run``; None before init() and after finish()
        from cairn.sdk.session import current as current_run

        return current_run()
    if name in ("config", "summary"):
        from cairn.sdk.session import current

        run = current()
        if run is None:
            raise AttributeError(f"cairn.{name} needs an active run: call cairn.init() first")
        return getattr(run, name)
    raise AttributeError(f"module 'cairn' has no attribute {name!r}")
