"""The team server's app: ``create_app`` over the Store that the settings name (PostgreSQL or
SQLite, S3 or a folder), for ``cairn server`` and each of its worker processes.

A worker keeps nothing but the Store's connections: every request reads and writes the database
and the blob store, so any number of workers, on any number of machines, serve the same data.
Batches of records are queued, and applied by the server's applier process
(``server.applier``). The schema is never migrated here: a server refuses to start on a schema that is not its own.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from cairn.server.app import create_app
from cairn.server.security import listen_names
from cairn.server.settings import ServerSettings, load_settings
from cairn.server.static import built_web_app
from cairn.store.blobs import BlobStore
from cairn.store.store import Store


def open_team_store(settings: ServerSettings) -> Store:
    """The Store on the settings' database and blobs; StoreError when its schema is not this
    Cairn's (saying to run ``cairn db upgrade``) or it cannot be reached."""
    return Store(settings.db_url, BlobStore(settings.blobs), migrate=False)


def create_team_app() -> FastAPI:
    """The app of one worker process, from the settings in its environment (``cairn server``
    puts them there before it starts the workers)."""
    settings = load_settings({}, os.environ)
    names = [*listen_names(settings.host), *settings.allowed_hosts]
    return create_app(
        open_team_store(settings),
        built_web_app(),
        allowed_hosts=names,
        accounts=True,
        queued_ingest=True,
        ingest_concurrency=settings.ingest_concurrency,
    )
