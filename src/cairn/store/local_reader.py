"""A cold read of a local store without SQLAlchemy: ``cairn.Api(dir).run(ref).history(keys)``.

Opening the ``Store`` loads SQLAlchemy and fsspec and checks the schema (about 0.15 to 0.3 s of
imports in a fresh process). A ``LocalReader`` answers ``find_run`` and ``history`` through the
stdlib's ``sqlite3`` instead: the same statements (``run_lookup``, ``history_read``), in one read
transaction each (SQLite's snapshot, as the ``Store`` reads), with the same retry when compaction
deletes a segment under a slow read. It opens the ``Store`` the first time anything else is
asked, and reads through it from then on. Only a database at this Cairn's schema revision is
read so: ``open_local`` opens the ``Store`` at once for anything else, which migrates an older
database or says what is wrong, as it always did.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from cairn.store import numbering, run_lookup
from cairn.store.blob_files import LocalBlobs
from cairn.store.numbering import DB_NAME, SCHEMA_REVISION
from cairn.store.reader import BlobReader, StoreReader
from cairn.store.sql_text import Query

if TYPE_CHECKING:
    import pyarrow as pa

    from cairn.store.models import RunInfo
    from cairn.store.store import Store


def open_local(root: Path) -> StoreReader:
    """A reader of the store in the folder ``root`` (which holds ``cairn.db``): a
    ``LocalReader`` when its database is at this Cairn's schema, else one on the ``Store``."""
    if _is_current(root / DB_NAME):
        return LocalReader(root)
    from cairn.store.store import Store

    return StoreReader(Store.local(root))


def _is_current(path: Path) -> bool:
    try:
        db = numbering.connect(path)
    except sqlite3.Error:
        return False
    try:
        return numbering.schema_revision(db) == SCHEMA_REVISION
    except sqlite3.Error:
        return False
    finally:
        db.close()


class LocalReader(StoreReader):
    """A ``StoreReader`` of a local store at this Cairn's schema that opens its ``Store`` only
    when asked for more than a run and its history."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._opened: Store | None = None
        self._opening = threading.Lock()
        self._blobs = LocalBlobs(root / "blobs")

    @property
    def store(self) -> Store:
        with self._opening:  # once, whichever thread asks first
            if self._opened is None:
                from cairn.store.store import Store

                self._opened = Store.local(self.root)
            return self._opened

    @property
    def blobs(self) -> BlobReader:
        return self._blobs

    def find_run(self, ref: str) -> RunInfo:
        if self._opened is not None:
            return self._opened.find_run(ref)
        cutoff = time.time() - run_lookup.heartbeat_timeout()
        with self._snapshot() as query:
            return run_lookup.find_run(query, ref, cutoff)

    def history(self, run: RunInfo, keys: Sequence[str] | None) -> pa.Table:
        if self._opened is not None:
            return self._opened.history(run.id, keys)
        from cairn.store import history_read

        return history_read.read(self._snapshot, self._blobs, run.id, keys)

    @contextmanager
    def _snapshot(self) -> Iterator[Query]:
        """A read transaction on a connection of its own (a reader may be used from threads)."""
        db = numbering.connect(self.root / DB_NAME)
        db.row_factory = sqlite3.Row

        def query(sql: str, params: Mapping[str, Any]) -> list[Mapping[str, Any]]:
            return cast(list[Mapping[str, Any]], db.execute(sql, dict(params)).fetchall())

        try:
            db.execute("BEGIN")
            yield query
        finally:
            db.close()  # a read transaction: closing ends it
