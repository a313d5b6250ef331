"""Shipping journal records to a sink (the local store, or a server), idempotently by seq."""

from __future__ import annotations

from cairn.sync.sink import Sink
from cairn.sync.syncer import LiveSyncer, SyncResult, sync_journal

__all__ = ["LiveSyncer", "Sink", "SyncResult", "sync_journal"]
