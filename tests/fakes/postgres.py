"""A throw-away PostgreSQL cluster for the suite: Debian's real server, on a free loopback port.

``initdb`` refuses to run as root (CI runs as root), so when the suite is root the cluster's
files belong to the ``postgres`` user and its programs run as that user. The cluster trusts
loopback connections (it listens on 127.0.0.1 only and lives for one test session).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.fakes.ports import free_port

SUPERUSER = "cairn"


def bin_dir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``: on PATH, else Debian's newest installed version."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    return Path(versions[-1]).parent if versions else None


def _version(path: str) -> int:
    return int(Path(path).parent.parent.name)


@dataclass
class Cluster:
    root: Path
    port: int
    bin: Path
    user: str | None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def stop(self, keep: bool = False) -> None:
        """Stop the server and remove its folder; ``keep``: stop cleanly and keep the folder, so
        that ``start(root)`` serves the same databases again."""
        self._run(
            "pg_ctl", "-D", str(self.root / "data"), "-m", "fast" if keep else "immediate", "stop"
        )
        if not keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)


FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
"""Durability off: a crash may corrupt the cluster, which a throw-away one does not mind."""


def start(root: Path | None = None, durable: bool = False) -> Cluster:
    """Initialise and start a cluster in a new temporary folder; ``Cluster.stop`` removes it.
    ``root``: the cluster's folder instead, initialised only if it holds none yet (a benchmark
    keeps a built database there between runs with ``Cluster.stop(keep=True)``). The cluster
    runs with durability off (FAST) unless ``durable``: then with PostgreSQL's defaults, as a
    benchmark measures."""
    programs = bin_dir()
    if programs is None:
        raise RuntimeError(
            "PostgreSQL's initdb was not found: `make test` installs Debian's postgresql package"
        )
    user = _unprivileged_user()
    if root is None:
        root = Path(tempfile.mkdtemp(prefix="cairn-pg-"))
    else:
        root.mkdir(parents=True, exist_ok=True)
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    port = free_port()
    cluster = Cluster(root, port, programs, user)
    if not (root / "data").exists():
        cluster._run(
            "initdb",
            "-D",
            str(root / "data"),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )
    options = (
        f"-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={root} "
        "-c max_connections=200" + ("" if durable else f" {FAST}")
    )
    cluster._run(
        "pg_ctl", "-D", str(root / "data"), "-o", options, "-l", str(root / "log"), "-w", "start"
    )
    return cluster


def _unprivileged_user() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError as exc:
        raise RuntimeError(
            "running as root, the test cluster needs the `postgres` user that Debian's "
            "postgresql package creates: `make test` installs it"
        ) from exc
    return "postgres"
