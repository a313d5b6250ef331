"""The user's cache folder, where Cairn keeps what it may lose (indexes of downloads, the state of
uploads in progress): ``$XDG_CACHE_HOME``, else ``~/.cache``."""

from __future__ import annotations

import os
from pathlib import Path


def user_cache() -> Path:
    """``$XDG_CACHE_HOME``, else ``~/.cache`` (not created)."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache)


def save(path: Path, text: str) -> bool:
    """Write a cache file whole (a temporary file, then renamed: a reader never sees half of
    it); False when the cache cannot be written (what it would have saved is done again)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text)
        os.replace(tmp, path)
    except OSError:
        return False
    return True
