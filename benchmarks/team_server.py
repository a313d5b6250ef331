"""A real ``cairn server`` for the benchmarks, on SQLite or on PostgreSQL + S3, with an API key."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.server import serve_command  # noqa: E402

QUIET = {
    "CAIRN_CAPTURE_GIT": "0",
    "CAIRN_SAVE_CODE": "0",
    "CAIRN_CAPTURE_ENV": "0",
    "CAIRN_CAPTURE_CONSOLE": "0",
    "CAIRN_SYSTEM_METRICS": "0",
    "CAIRN_FINISH_TIMEOUT": "1200",
}


@contextmanager
def team_server(
    backend: str, tmp: Path, appliers: int | None = None, more: tuple[str, ...] = ()
) -> Iterator[tuple[Any, str, str, str, dict[str, str]]]:
    """A real ``cairn server --workers 2`` on SQLite + a folder, or on PostgreSQL + S3 (a
    throw-away cluster and moto, as the tests start them), with a user and an API key:
    (server, key, db url, blobs url, environment). ``appliers``: its ``--appliers`` (None: the
    default); ``more``: more of its flags."""
    env = dict(os.environ)
    if backend == "sqlite":
        shared = tmp / "shared"
        shared.mkdir()
        db, blobs = f"sqlite:///{shared / 'cairn.db'}", str(shared / "blobs")
    else:
        from tests.fakes import postgres as cluster
        from tests.fakes import s3 as moto

        pg = cluster.start()
        s3 = moto.start()
        env.update(s3.environment)
        os.environ.update(s3.environment)
        from sqlalchemy import create_engine, text

        admin = create_engine(pg.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('CREATE DATABASE "cairn_bench"'))
        admin.dispose()
        db = pg.database_url("cairn_bench")
        s3.make_bucket("bench")
        blobs = "s3://bench/blobs"
    args = ["--workers", "2", *more]
    if appliers is not None:
        args += ["--appliers", str(appliers)]
    try:
        key = api_key(db, env)
        server_env = {**env, "CAIRN_DB": db, "CAIRN_BLOBS": blobs}
        with serve_command(["server", *args], env=server_env, timeout=60) as server:
            yield server, key, db, blobs, env
    finally:
        if backend != "sqlite":
            s3.stop()
            pg.stop()


def api_key(db: str, env: dict[str, str], viewer_of: str | None = None) -> str:
    """Migrate database ``db`` (``cairn db upgrade``), make the user ``load`` unless an earlier
    run did (a viewer of project ``viewer_of`` when given), and return a new API key of theirs."""
    cairn = [sys.executable, "-m", "cairn"]
    subprocess.run([*cairn, "db", "upgrade", "--db", db], check=True, env=env, capture_output=True)
    made = subprocess.run(
        [*cairn, "admin", "user", "create", "load", "--db", db],
        env=env,
        capture_output=True,
        text=True,
    )
    if made.returncode != 0 and "already" not in made.stderr:
        raise RuntimeError(f"cairn admin user create failed: {made.stderr}")
    if viewer_of is not None:
        subprocess.run(
            [*cairn, "admin", "user", "grant", "load", viewer_of, "viewer", "--db", db],
            check=True,
            env=env,
            capture_output=True,
        )
    return subprocess.run(
        [*cairn, "admin", "key", "create", "load", "--db", db],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    ).stdout.strip()
