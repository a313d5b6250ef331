"""``WANDB_*`` environment variables read as their ``CAIRN_*`` twins.

Each is read when ``wandb.init()`` runs, so a job launched with ``WANDB_MODE=offline`` behaves as one
launched with ``CAIRN_MODE=offline``. An explicit ``init()`` argument wins over the environment, and a
``CAIRN_*`` variable that is set wins over its ``WANDB_*`` twin. Unknown ``WANDB_*`` variables are
ignored, as W&B ignores them.
"""

from __future__ import annotations

import os

_MODES = {"online": "online", "run": "online", "offline": "offline", "dryrun": "offline"}
_MODES["disabled"] = "disabled"

TWINS = {
    "WANDB_PROJECT": "CAIRN_PROJECT",
    "WANDB_DIR": "CAIRN_DIR",
}
"""Variables whose value carries over as it is (``WANDB_RUN_ID`` is read by ``init``, for the
first run of the process, as ``CAIRN_RUN_ID`` is)."""

_FLAGS_OFF = {
    "WANDB_DISABLE_GIT": "CAIRN_CAPTURE_GIT",
    "WANDB_DISABLE_CODE": "CAIRN_SAVE_CODE",
}
"""``WANDB_DISABLE_GIT=true`` is ``CAIRN_CAPTURE_GIT=0``."""

_TRUE = {"1", "true", "yes", "on"}


def get(name: str) -> str | None:
    """``$name`` when set and not blank."""
    value = os.environ.get(name)
    return value if value is not None and value.strip() else None


def flag(name: str) -> bool:
    """True when ``$name`` is a true-looking value (``1``, ``true``, ``yes``, ``on``)."""
    return (get(name) or "").strip().lower() in _TRUE


def mode() -> str | None:
    """``$WANDB_MODE`` as a Cairn mode (``dryrun`` is ``offline``, ``run`` is ``online``)."""
    raw = get("WANDB_MODE")
    return _MODES.get(raw.strip().lower()) if raw else None


def tags() -> list[str]:
    """``$WANDB_TAGS``: comma-separated."""
    return [t.strip() for t in (get("WANDB_TAGS") or "").split(",") if t.strip()]


def apply_twins() -> None:
    """Set each ``CAIRN_*`` twin of a set ``WANDB_*`` variable that is not set itself: the store
    folder, the project, the run id, and what is captured (git, code, console)."""
    for wandb_name, cairn_name in TWINS.items():
        value = get(wandb_name)
        if value is not None and get(cairn_name) is None:
            os.environ[cairn_name] = value
    for wandb_name, cairn_name in _FLAGS_OFF.items():
        if flag(wandb_name) and get(cairn_name) is None:
            os.environ[cairn_name] = "0"
    console = (get("WANDB_CONSOLE") or "").strip().lower()
    if console == "off" and get("CAIRN_CAPTURE_CONSOLE") is None:
        os.environ["CAIRN_CAPTURE_CONSOLE"] = "0"
    if flag("WANDB__DISABLE_STATS") and get("CAIRN_SYSTEM_METRICS") is None:
        os.environ["CAIRN_SYSTEM_METRICS"] = "0"
