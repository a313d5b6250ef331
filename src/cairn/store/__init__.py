"""Where runs are kept: SQL metadata (SQLite or PostgreSQL) and content-addressed blobs.

The names below load on first use, so importing one light module of the package (``blobs``,
``summary``) does not load SQLAlchemy and pyarrow with ``Store``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cairn.store.blobs import BlobStore
    from cairn.store.models import ProjectInfo, RunInfo
    from cairn.store.store import Store

_LAZY = {
    "BlobStore": "cairn.store.blobs",
    "ProjectInfo": "cairn.store.models",
    "RunInfo": "cairn.store.models",
    "Store": "cairn.store.store",
}

__all__ = ["BlobStore", "ProjectInfo", "RunInfo", "Store"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cairn.store' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
