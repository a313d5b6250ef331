"""Who may have a blob, through a real ``cairn server`` on each backend (SQLite and a folder;
PostgreSQL and S3, where downloads are pre-signed redirects). Runs are logged through the
server with the SDK, as a training machine does; users, roles and keys come from ``cairn
admin``.

``ann`` logs into ``secret`` and ``shared`` (the same image in both) and ``open`` (public);
``shared`` is made ``team`` for one test.
``vic`` views ``secret``, ``sam`` views ``shared``, ``ed`` edits ``other``, ``nob`` has no
role anywhere.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import pytest
from tests.conftest import S3, Postgres
from tests.fakes.server import serve_command

import cairn
from cairn.server_login import Login
from cairn.sync.http import HttpSink

USERS = ("ann", "vic", "sam", "ed", "nob", "fresh")
MISSING = "0" * 64


@dataclass
class Deployment:
    url: str
    keys: dict[str, str]
    blobs: dict[str, str]
    """``secret`` (the image in secret and shared), ``open``, ``file`` (secret's artifact)."""
    payload: bytes
    env: dict[str, str]

    def get(self, user: str | None, digest: str, **params: str) -> httpx.Response:
        headers = {} if user is None else {"Authorization": f"Bearer {self.keys[user]}"}
        url = f"{self.url}/api/v1/blobs/{digest}"
        return httpx.get(url, headers=headers, params=params, timeout=30)

    def head(self, user: str, digest: str) -> int:
        headers = {"Authorization": f"Bearer {self.keys[user]}"}
        return httpx.head(f"{self.url}/api/v1/blobs/{digest}", headers=headers).status_code


def _cairn(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "cairn", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _image(value: int) -> cairn.Image:
    return cairn.Image(np.full((6, 6, 3), value, dtype=np.uint8))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def deployment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    home = tmp_path_factory.mktemp("blobs")
    if request.param == "sqlite":
        env = {"CAIRN_DB": f"sqlite:///{home / 'cairn.db'}", "CAIRN_BLOBS": str(home / "blobs")}
    else:
        postgres: Postgres = request.getfixturevalue("postgres")
        s3: S3 = request.getfixturevalue("s3")
        env = {**s3.environment, "CAIRN_DB": postgres.empty_database(), "CAIRN_BLOBS": s3.bucket()}
    _cairn(env, "db", "upgrade")
    keys = {}
    for user in USERS:
        _cairn(env, "admin", "user", "create", user)
        keys[user] = _cairn(env, "admin", "key", "create", user)
    _cairn(env, "admin", "user", "grant", "ed", "other", "editor")
    payload = bytes(range(256)) * 64
    with serve_command(["server"], env=env) as server, pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAIRN_URL", server.url)
        mp.setenv("CAIRN_API_KEY", keys["ann"])
        mp.setenv("CAIRN_DIR", str(home / "machine" / ".cairn"))
        (home / "weights.bin").write_bytes(payload)
        with cairn.init(project="secret") as run:
            run.log({"picture": _image(7)})
            artifact = cairn.Artifact("model", type="model")
            artifact.add_file(home / "weights.bin")
            run.log_artifact(artifact)
        with cairn.init(project="shared") as run:
            run.log({"picture": _image(7)})  # the same bytes
        with cairn.init(project="open") as run:
            run.log({"picture": _image(200)})
        _cairn(env, "admin", "user", "grant", "vic", "secret", "viewer")
        _cairn(env, "admin", "user", "grant", "sam", "shared", "viewer")
        _cairn(env, "admin", "project", "visibility", "open", "public")
        blobs = {
            "secret": _picture(server.url, keys["ann"], "secret"),
            "open": _picture(server.url, keys["ann"], "open"),
            "file": hashlib.sha256(payload).hexdigest(),
        }
        assert _picture(server.url, keys["ann"], "shared") == blobs["secret"]
        yield Deployment(server.url, keys, blobs, payload, env)


def _picture(url: str, key: str, project: str) -> str:
    """The digest of the project's logged picture, once the server's applier has applied it."""
    headers = {"Authorization": f"Bearer {key}"}
    deadline = time.monotonic() + 30
    while True:
        runs = httpx.get(f"{url}/api/v1/projects/{project}/runs", headers=headers).json()
        ids = [r["id"] for r in runs.get("runs", [])] if isinstance(runs, dict) else []
        if ids:
            body = {"run_ids": ids, "key": "picture"}
            got = httpx.post(f"{url}/api/v1/projects/{project}/media", json=body, headers=headers)
            values = [v for r in got.json()["runs"] for v in r["values"]]
            if values:
                return str(values[0]["blob"])
        assert time.monotonic() < deadline, f"{project}'s picture never applied"
        time.sleep(0.1)


def test_a_user_with_no_role_gets_a_missing_blobs_answer(deployment: Deployment) -> None:
    digest = deployment.blobs["secret"]
    hidden, missing = deployment.get("nob", digest), deployment.get("nob", MISSING)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"].replace(digest, MISSING) == missing.json()["detail"]
    assert deployment.get("nob", digest, direct="true").status_code == 404  # no redirect
    assert deployment.get("nob", deployment.blobs["file"]).status_code == 404
    assert deployment.get("ed", digest).status_code == 404  # an editor elsewhere reads nothing
    assert deployment.get(None, digest).status_code == 404  # signed out


def test_readers_of_a_project_that_holds_the_bytes_get_them(deployment: Deployment) -> None:
    digest = deployment.blobs["secret"]
    own, shared = deployment.get("vic", digest), deployment.get("sam", digest)
    assert own.status_code == shared.status_code == 200
    assert own.content == shared.content and own.content.startswith(b"\x89PNG")
    assert own.headers["cache-control"].startswith("private")  # never from a shared cache
    assert deployment.get("sam", deployment.blobs["file"]).status_code == 404  # secret's only


def test_a_public_projects_blobs_are_read_by_anyone(deployment: Deployment) -> None:
    digest = deployment.blobs["open"]
    for user in ("nob", None):
        got = deployment.get(user, digest)
        assert got.status_code == 200 and got.content.startswith(b"\x89PNG"), user


def test_a_team_projects_blobs_are_read_by_every_signed_in_user(deployment: Deployment) -> None:
    """``shared`` made ``team`` by its admin (its first logger) over HTTP, then private again."""
    digest = deployment.blobs["secret"]  # also in shared
    url = f"{deployment.url}/api/v1/projects/shared/visibility"
    owner = {"Authorization": f"Bearer {deployment.keys['ann']}"}
    assert httpx.put(url, json={"visibility": "team"}, headers=owner).status_code == 200
    try:
        got = deployment.get("nob", digest)
        assert got.status_code == 200 and got.content.startswith(b"\x89PNG")
        assert deployment.get(None, digest).status_code == 404  # signed out: never
        assert deployment.head("nob", digest) == 200
        assert deployment.get("nob", deployment.blobs["file"]).status_code == 404  # secret's
    finally:
        assert httpx.put(url, json={"visibility": "private"}, headers=owner).status_code == 200
    assert deployment.get("nob", digest).status_code == 404


def test_whether_the_server_holds_bytes_is_told_to_readers_and_loggers(
    deployment: Deployment,
) -> None:
    digest = deployment.blobs["secret"]
    assert deployment.head("vic", digest) == 200  # may read it
    assert deployment.head("ed", digest) == 200  # a logger: would send it anyway
    assert deployment.head("nob", digest) == 404  # the answer of bytes not there
    assert deployment.head("nob", deployment.blobs["open"]) == 200  # public
    assert deployment.head("ed", MISSING) == 404
    offer = httpx.post(
        f"{deployment.url}/api/v1/blobs/{digest}/uploads",
        headers={"Authorization": f"Bearer {deployment.keys['nob']}"},
    )
    assert offer.status_code == 200 and offer.json()["stored"] is False
    wrong = b"not the bytes of the digest"
    for user, status in (("nob", 400), ("ed", 204)):  # nob's body is read and checked
        put = httpx.put(
            f"{deployment.url}/api/v1/blobs/{digest}",
            content=wrong,
            headers={"Authorization": f"Bearer {deployment.keys[user]}"},
        )
        assert put.status_code == status, (user, put.text)


def test_a_logger_of_a_new_project_does_not_send_held_bytes_again(
    deployment: Deployment,
) -> None:
    """``fresh`` has no role anywhere: the run's first request (its run number) makes the new
    project theirs, and then the server tells them the picture is held."""
    sink = HttpSink(Login(deployment.url, deployment.keys["fresh"]), "fresh-project")
    assert not sink.has_blob(deployment.blobs["secret"])  # nothing of theirs yet
    assert sink.reserve_run_number("fresh-project") == 1
    assert sink.has_blob(deployment.blobs["secret"])
    assert deployment.get("fresh", deployment.blobs["secret"]).status_code == 404  # not readable


def test_a_viewer_downloads_an_artifact_through_the_python_api(
    deployment: Deployment, tmp_path: Path
) -> None:
    api = cairn.Api(url=deployment.url, key=deployment.keys["vic"])
    fetched: list[int] = []
    api.reader.client.event_hooks["response"].append(lambda r: fetched.append(r.status_code))
    root = api.artifact("secret/model:latest").download(tmp_path / "out")
    assert (root / "weights.bin").read_bytes() == deployment.payload
    on_s3 = deployment.env["CAIRN_BLOBS"].startswith("s3://")
    assert (307 in fetched) == on_s3  # S3: a pre-signed redirect, straight from the bucket
    outsider = cairn.Api(url=deployment.url, key=deployment.keys["sam"])
    with pytest.raises(cairn.errors.CairnError):
        outsider.artifact("secret/model:latest").download(tmp_path / "other")
