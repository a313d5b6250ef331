"""``import cairn.compat.wandb as wandb``: W&B training scripts run unchanged into a Cairn store.

Each name translates W&B's call onto Cairn's public API (docs/migrating-from-wandb.md lists
every call: supported, supported with a difference, or not). Importing this module is light: the
SDK loads when a name is first used, as with ``import cairn``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cairn.errors import CairnError as Error

if TYPE_CHECKING:
    from cairn.compat.wandb import plot, util
    from cairn.compat.wandb.active_run import Run
    from cairn.compat.wandb.api import Api
    from cairn.compat.wandb.artifacts import Artifact
    from cairn.compat.wandb.media import Audio, Histogram, Html, Image, Object3D, Table, Video
    from cairn.compat.wandb.session import init
    from cairn.compat.wandb.settings import Settings
    from cairn.compat.wandb.sweeps import agent, sweep

_LAZY = {
    "Api": "cairn.compat.wandb.api",
    "Artifact": "cairn.compat.wandb.artifacts",
    "Audio": "cairn.compat.wandb.media",
    "Histogram": "cairn.compat.wandb.media",
    "Html": "cairn.compat.wandb.media",
    "Image": "cairn.compat.wandb.media",
    "Object3D": "cairn.compat.wandb.media",
    "Run": "cairn.compat.wandb.active_run",
    "Settings": "cairn.compat.wandb.settings",
    "Table": "cairn.compat.wandb.media",
    "Video": "cairn.compat.wandb.media",
    "agent": "cairn.compat.wandb.sweeps",
    "init": "cairn.compat.wandb.session",
    "sweep": "cairn.compat.wandb.sweeps",
}

__all__ = [
    "AlertLevel",
    "Api",
    "Artifact",
    "Audio",
    "Error",
    "Histogram",
    "Html",
    "Image",
    "Object3D",
    "Run",
    "Settings",
    "Table",
    "Video",
    "agent",
    "alert",
    "define_metric",
    "finish",
    "init",
    "log",
    "log_artifact",
    "log_code",
    "login",
    "mark_preempting",
    "plot",
    "require",
    "restore",
    "save",
    "setup",
    "sweep",
    "termerror",
    "termlog",
    "termwarn",
    "unwatch",
    "use_artifact",
    "util",
    "watch",
]


class AlertLevel:
    """``wandb.AlertLevel.WARN``: the level of an ``alert``."""

    INFO = "INFO"
    WARN = "WARN"
    ERROR = "ERROR"


def _run() -> Run:
    from cairn.compat.wandb.session import require

    return require()


def log(
    data: Mapping[str, Any],
    step: int | None = None,
    commit: bool | None = None,
    sync: bool | None = None,
) -> None:
    """``run.log`` on the current run (see ``Run.log``)."""
    _run().log(data, step=step, commit=commit)


def finish(exit_code: int | None = None, quiet: bool | None = None) -> None:
    """Finish the current run; nothing when none is open."""
    from cairn.compat.wandb.session import current

    run = current()
    if run is not None:
        run.finish(exit_code=exit_code, quiet=quiet)


def define_metric(name: str, step_metric: str | None = None, **options: Any) -> None:
    """``run.define_metric`` on the current run (W&B's positional order)."""
    _run().define_metric(name, step_metric, **options)


def watch(
    models: Any,
    criterion: Any = None,
    log: str | None = "gradients",
    log_freq: int = 1000,
    idx: int | None = None,
    log_graph: bool = False,
) -> None:
    """``run.watch`` on the current run."""
    _run().watch(models, criterion, log, log_freq, idx, log_graph)


def unwatch(models: Any = None) -> None:
    _run().unwatch(models)


def save(glob_str: str | None = None, base_path: str | None = None, policy: str = "live") -> Any:
    """``run.save`` on the current run: files kept with it."""
    return _run().save_files(glob_str, base_path, policy)


def restore(
    name: str, run_path: str | None = None, replace: bool = False, root: str | None = None
) -> Any:
    """A file kept by ``run_path`` (or the current run), downloaded and opened for reading."""
    from cairn.compat.wandb import files
    from cairn.compat.wandb.session import current

    run = current()
    if run is not None:
        return run.restore(name, run_path, replace, root)
    if run_path is None:
        raise Error("wandb.restore() without a run needs run_path='project/id'")
    return files.restore(name, run_path, replace, root or ".")


def log_code(root: str = ".", name: str | None = None, **options: Any) -> Any:
    return _run().log_code(root, name, **options)


def log_artifact(
    artifact_or_path: Any,
    name: str | None = None,
    type: str | None = None,
    aliases: list[str] | None = None,
) -> Any:
    """``run.log_artifact`` on the current run."""
    return _run().log_artifact(artifact_or_path, name, type, aliases)


def use_artifact(
    artifact_or_name: Any, type: str | None = None, aliases: list[str] | None = None
) -> Any:
    """``run.use_artifact`` on the current run."""
    return _run().use_artifact(artifact_or_name, type, aliases)


def alert(title: str, text: str, level: Any = None, wait_duration: Any = None) -> None:
    _run().alert(title, text, level, wait_duration)


def mark_preempting() -> None:
    _run().mark_preempting()


def login(
    anonymous: str | None = None,
    key: str | None = None,
    relogin: bool | None = None,
    host: str | None = None,
    force: bool | None = None,
    timeout: int | None = None,
    verify: bool = False,
    **_: Any,
) -> bool:
    """A no-op returning True: a local store needs no login."""
    return True


def require(requirement: str | None = None) -> None:
    """Accepted (``wandb.require("core")``): Cairn has no optional W&B features to turn on."""


def setup(settings: Any = None) -> None:
    """Accepted (``wandb.setup()``): Cairn starts nothing ahead of ``init``."""


def termlog(
    string: str = "", newline: bool = True, repeat: bool = True, prefix: bool = True
) -> None:
    """Print a line to stderr, prefixed ``cairn:`` (W&B's ``wandb:``)."""
    _say(string, newline, prefix, "")


def termwarn(string: str, newline: bool = True, repeat: bool = True, prefix: bool = True) -> None:
    _say(string, newline, prefix, "WARNING ")


def termerror(string: str, newline: bool = True, repeat: bool = True, prefix: bool = True) -> None:
    _say(string, newline, prefix, "ERROR ")


def _say(text: str, newline: bool, prefix: bool, level: str) -> None:
    import sys

    head = f"cairn: {level}" if prefix else ""
    print(f"{head}{text}", end="\n" if newline else "", file=sys.stderr)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value
    if name in ("plot", "util"):
        value = importlib.import_module(f"cairn.compat.wandb.{name}")
        globals()[name] = value
        return value
    if name == "run":
        from cairn.compat.wandb.session import current

        return current()
    if name in ("config", "summary"):
        return getattr(_run(), name)
    raise AttributeError(f"module 'cairn.compat.wandb' has no attribute {name!r}")
