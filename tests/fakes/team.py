"""A real ``cairn server`` whose users sign in with a password: ann, bob and cy, each an editor
of project ``p``, which holds one run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from tests.fakes.commands import cairn
from tests.fakes.runs import make_run
from tests.fakes.server import Server, serve_command

from cairn.server.auth.credentials import new_key
from cairn.store import Store
from cairn.store.accounts import add_key

PASSWORD = "a long enough password"
USERS = ("ann", "bob", "cy")


@dataclass
class Team:
    url: str
    store_dir: Path
    server: Server
    run_id: str


@contextmanager
def team_server(store_dir: Path) -> Iterator[Team]:
    """The server on a new store at ``store_dir``; stopped after."""
    run_id = make_run(store_dir, "p").id
    for name in USERS:
        dir_ = ("--dir", str(store_dir))
        cairn("admin", "user", "create", name, "--password-stdin", *dir_, stdin=PASSWORD + "\n")
        cairn("admin", "user", "grant", name, "p", "editor", *dir_)
    command = ["server", "--db", str(store_dir / "cairn.db"), "--blobs", str(store_dir / "blobs")]
    with serve_command(command) as server:
        yield Team(server.url, store_dir, server, run_id)


def signed_in(team: Team, name: str) -> httpx.Client:
    """A client based at ``/api/v1`` holding ``name``'s session cookies."""
    client = httpx.Client(base_url=f"{team.url}/api/v1")
    response = client.post("/auth/login", json={"name": name, "password": PASSWORD})
    assert response.status_code == 204, response.text
    return client


def csrf(client: httpx.Client) -> dict[str, str]:
    """The header a write with ``client``'s session must carry."""
    return {"X-CSRF-Token": client.cookies["cairn_csrf"]}


def store_key(team: Team, user: str) -> tuple[int, str]:
    """A key of ``user`` made in the store, as ``cairn admin key create`` does: (id, key)."""
    made = new_key()
    store = Store.local(team.store_dir)
    try:
        info = add_key(store, user, name="admin-made", prefix=made.prefix, digest=made.digest)
    finally:
        store.close()
    return info.id, made.secret
