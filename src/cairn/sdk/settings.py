"""``cairn.Settings``: what ``cairn.init()`` captures besides what the script logs.

Each field's default comes from an environment variable, so a setting can be turned off for a
whole job without touching the script: ``CAIRN_SAVE_CODE=0 python train.py``. A field given
explicitly wins over the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from cairn.errors import ConfigError

_FALSE = {"0", "false", "no", "off"}
_TRUE = {"1", "true", "yes", "on"}


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _FALSE:
        return False
    if value in _TRUE:
        return True
    raise ConfigError(f"${name}={raw!r}: use 1/true/yes/on or 0/false/no/off")


BYTES = "a number of bytes"


def env_int(name: str, default: int, least: int = 0, what: str = "a whole number") -> int:
    """The whole number in ``$name`` (``default`` when unset or empty), at least ``least``;
    ``what`` names it in the error ("a number of bytes")."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"${name}={raw!r}: give {what}, e.g. {default}") from None
    if value < least:
        raise ConfigError(f"${name}={raw!r}: give {what} of at least {least}")
    return value


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"${name}={raw!r}: give a number of seconds, e.g. 10") from None
    if not value > 0 or value == float("inf"):
        raise ConfigError(f"${name}={raw!r}: give a number of seconds above 0, e.g. 10")
    return value


@dataclass
class Settings:
    """What ``cairn.init(settings=...)`` captures. Defaults come from ``$CAIRN_*`` variables.

    - ``capture_git``: repository, commit, branch, remote, dirty flag, diff, untracked names.
    - ``save_code``: a content-addressed snapshot of the repository's tracked files (else the
      entry script only).
    - ``capture_env``: Python, OS, CPU, memory, GPUs, installed packages, result-changing
      environment variables (never secrets).
    - ``capture_console``: stdout and stderr, teed into the run.
    - ``diff_limit_bytes``: a diff against HEAD longer than this is cut, with a note saying so.
    - ``code_limit_bytes``: the code snapshot stops at this many bytes, with a note saying so.
    - ``system_metrics``: sample CPU, memory, disk, network and GPUs in the background.
    - ``system_interval``: seconds between two samples of the system metrics.
    - ``keep_journal``: keep the run's journal after ``finish()`` even when the store has applied
      all of it (by default it is then removed; offline and unsynced runs always keep theirs).
    """

    capture_git: bool = field(default_factory=lambda: _flag("CAIRN_CAPTURE_GIT", True))
    save_code: bool = field(default_factory=lambda: _flag("CAIRN_SAVE_CODE", True))
    capture_env: bool = field(default_factory=lambda: _flag("CAIRN_CAPTURE_ENV", True))
    capture_console: bool = field(default_factory=lambda: _flag("CAIRN_CAPTURE_CONSOLE", True))
    diff_limit_bytes: int = field(
        default_factory=lambda: env_int("CAIRN_DIFF_LIMIT_BYTES", 1_000_000, what=BYTES)
    )
    code_limit_bytes: int = field(
        default_factory=lambda: env_int("CAIRN_CODE_LIMIT_BYTES", 20_000_000, what=BYTES)
    )
    system_metrics: bool = field(default_factory=lambda: _flag("CAIRN_SYSTEM_METRICS", True))
    system_interval: float = field(default_factory=lambda: _seconds("CAIRN_SYSTEM_INTERVAL", 10.0))
    keep_journal: bool = field(default_factory=lambda: _flag("CAIRN_KEEP_JOURNAL", False))

    def __post_init__(self) -> None:
        interval = self.system_interval
        if isinstance(interval, bool) or not isinstance(interval, (int, float)):
            raise ConfigError(
                f"Settings(system_interval={interval!r}): give a number of seconds, e.g. 10"
            )
        if not 0 < interval < float("inf"):
            raise ConfigError(
                f"Settings(system_interval={interval!r}): give a number of seconds above 0, "
                "e.g. 10 (turn the sampler off with system_metrics=False)"
            )
