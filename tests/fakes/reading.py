"""Where the ``cairn.Api`` tests read: a store folder (``Api(dir)``), or a real ``cairn server``
process serving that same store (``Api(url=…, key=…)``). The tests that take the ``reading``
fixture run once each way, so both readers answer the same questions the same way."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.fakes.server import Server, serve_command

import cairn


@dataclass
class Reading:
    kind: str
    """``store`` or ``server``."""
    dir: Path
    """The store the runs are logged into (and the server serves)."""
    server: Server | None = None
    key: str | None = None
    """An API key of an admin of the server."""

    def api(self) -> cairn.Api:
        """A new ``cairn.Api`` reading the store this way."""
        if self.server is None:
            return cairn.Api(self.dir)
        return cairn.Api(url=self.server.url, key=self.key)

    def log(self, project: str, **kwargs: Any) -> cairn.Run:
        """``cairn.init`` a run into the store (finish it yourself)."""
        return cairn.init(project=project, dir=self.dir, **kwargs)


def add_key(dir: Path, user: str, *, admin: bool = False) -> str:
    """A new API key of ``user`` (created when missing) in the store at ``dir``."""
    from cairn.errors import AccountError
    from cairn.server.auth.credentials import new_key
    from cairn.store import Store, accounts

    store = Store.local(dir)
    try:
        with contextlib.suppress(AccountError):  # there already
            accounts.create_user(store, user, is_admin=admin)
        made = new_key()
        accounts.add_key(store, user, name="tests", prefix=made.prefix, digest=made.digest)
        return made.secret
    finally:
        store.close()


@contextmanager
def reading(kind: str, dir: Path) -> Iterator[Reading]:
    """A store at ``dir`` read as ``kind`` says; for ``server``, a ``cairn server`` on it with an
    admin's key, stopped after."""
    if kind == "store":
        yield Reading(kind, dir)
        return
    key = add_key(dir, "reader", admin=True)
    args = ["server", "--db", f"sqlite:///{dir / 'cairn.db'}", "--blobs", str(dir / "blobs")]
    with serve_command(args) as server:
        yield Reading(kind, dir, server, key)
