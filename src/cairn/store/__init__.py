"""Where runs are kept: SQL metadata (SQLite or PostgreSQL) and content-addressed blobs."""

from __future__ import annotations

from cairn.store.blobs import BlobStore
from cairn.store.models import ProjectInfo, RunInfo
from cairn.store.store import Store

__all__ = ["BlobStore", "ProjectInfo", "RunInfo", "Store"]
