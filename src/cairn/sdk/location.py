"""Where a store lives: ``dir=``, else ``$CAIRN_DIR``, else the nearest ``.cairn/`` walking up from
the current folder, else a new ``./.cairn/``. And where a run's dashboard page is."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

FOLDER = ".cairn"
UI_URL = "http://127.0.0.1:8080"
"""Where ``cairn ui`` serves by default; ``$CAIRN_UI_URL`` overrides it for run links."""


def run_url(project: str, run_id: str, server: str | None = None) -> str:
    """A run's page in the dashboard: on the team ``server`` it logs to, else ``cairn ui``'s (at
    ``$CAIRN_UI_URL`` or UI_URL)."""
    base = (server or os.environ.get("CAIRN_UI_URL") or UI_URL).rstrip("/")
    return f"{base}/p/{quote(project, safe='')}/r/{quote(run_id, safe='')}"


def find_store_dir(dir: str | os.PathLike[str] | None = None, *, create: bool = True) -> Path:
    """The store folder to use; created when ``create`` and it does not exist yet."""
    if dir is not None:
        path = Path(dir).expanduser()
    elif os.environ.get("CAIRN_DIR"):
        path = Path(os.environ["CAIRN_DIR"]).expanduser()
    else:
        path = _nearest() or Path.cwd() / FOLDER
    path = path.resolve()
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def _nearest() -> Path | None:
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        candidate = folder / FOLDER
        if candidate.is_dir():
            return candidate
    return None


def run_dir(store_dir: Path, run_id: str) -> Path:
    return store_dir / "runs" / run_id


def journal_path(store_dir: Path, run_id: str) -> Path:
    return run_dir(store_dir, run_id) / "journal"
