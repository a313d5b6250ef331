"""Who may have a blob on ``cairn server``: blobs are shared between projects (content-addressed),
so a blob's reader is whoever may read one project that refers to it (``store.blob_refs``).

- ``GET /blobs/{digest}`` serves the bytes only to such a reader (a server admin reads every
  blob); anyone else gets the answer of a blob that does not exist, 404, so a digest tells
  nothing.
- ``HEAD /blobs/{digest}`` and ``POST /blobs/{digest}/uploads`` tell whether the store holds
  the bytes, which an uploading client asks to skip sending them again: a reader may learn it,
  and so may an editor of some project (a logger, who will send the bytes anyway). Anyone else
  is told "not here" and sends them (``PUT`` checks them against the digest).

``cairn ui`` has no accounts: its caller may have everything.
"""

from __future__ import annotations

from fastapi import Request

from cairn.server.auth.access import Caller
from cairn.store import Store, blob_refs


def may_read(request: Request, digest: str) -> bool:
    """Whether the caller may read the blob ``digest`` (one indexed statement; none for a
    server admin or ``cairn ui``)."""
    caller, store = _caller(request)
    if _sees_all(caller):
        return True
    user_id = None if caller.user is None else caller.user.id
    return blob_refs.may_read(store, user_id, digest)


def may_know(request: Request, digest: str) -> bool:
    """Whether the caller may learn if the store holds ``digest``: a reader, or an editor of
    some project (one statement)."""
    caller, store = _caller(request)
    if _sees_all(caller):
        return True
    if caller.user is None:
        return blob_refs.may_read(store, None, digest)
    return blob_refs.may_know(store, caller.user.id, digest)


def _caller(request: Request) -> tuple[Caller, Store]:
    return request.state.caller, request.app.state.store


def _sees_all(caller: Caller) -> bool:
    return caller.local or (caller.user is not None and caller.user.is_admin)
