"""Stores the benchmarks build once and keep in ``benchmarks/.cache/`` (gitignored) between runs:
building one takes seconds to many minutes, reading it is what a bench measures."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from cairn.store import Store

CACHE = Path(__file__).resolve().parent / ".cache"


def cached_local_store(name: str, build: Callable[[Store], object]) -> tuple[Path, float | None]:
    """The ``.cairn`` folder cached as ``name`` (put the generator's version in it), made by
    ``build(store)`` unless an earlier run completed it; and how many seconds building took
    (None: found in the cache). A found store is opened once, which migrates it to this
    Cairn's schema before a bench reads it."""
    folder = CACHE / name
    store_dir = folder / ".cairn"
    if (folder / "complete").exists():
        Store.local(store_dir).close()
        return store_dir, None
    shutil.rmtree(folder, ignore_errors=True)  # an interrupted build starts again
    store_dir.mkdir(parents=True)
    started = time.perf_counter()
    store = Store.local(store_dir)
    try:
        build(store)
    finally:
        store.close()
    seconds = time.perf_counter() - started
    (folder / "complete").write_text(f"{seconds:.1f} s to build\n")
    return store_dir, seconds
