"""``cairn server`` as real processes on a real PostgreSQL and an S3 endpoint (moto on loopback):
the schema check and ``cairn db upgrade``, two stateless servers serving one database (writes
through one, reads through the other, sweep trials claimed through both, none twice), every
request signed in with API keys made by ``cairn admin``, and the Host and CSP checks with
configured public names."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from alembic import command
from alembic.config import Config
from tests.conftest import S3, Postgres
from tests.fakes.server import serve_command

from cairn.store.blobs import BlobStore
from cairn.store.engine import MIGRATIONS, SCHEMA_REVISION, WRITE, create_store_engine
from cairn.store.store import Store
from cairn.sweeps.controller import new_sweep

PUBLIC_NAME = "cairn.example.com"


@pytest.fixture
def team_env(postgres: Postgres, s3: S3) -> dict[str, str]:
    return new_deployment(postgres, s3)


def new_deployment(postgres: Postgres, s3: S3) -> dict[str, str]:
    """The environment of a deployment: an empty database, a bucket, S3 credentials; passed to
    the processes as variables (no secret on a command line)."""
    return {
        **s3.environment,
        "CAIRN_DB": postgres.empty_database(),
        "CAIRN_BLOBS": s3.bucket(),
        "CAIRN_ALLOWED_HOSTS": PUBLIC_NAME,
    }


def api_key(env: dict[str, str], user: str) -> dict[str, str]:
    """The Authorization header of a new key of ``user``, made with ``cairn admin key create``."""
    made = cairn(env, "admin", "key", "create", user)
    assert made.returncode == 0, made.stderr
    return {"Authorization": f"Bearer {made.stdout.strip()}"}


def cairn(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cairn", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def migrate_to(url: str, revision: str) -> None:
    engine = create_store_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect().execution_options(**{WRITE: True}) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()
    engine.dispose()


def test_an_empty_database_is_refused_until_cairn_db_upgrade(team_env: dict[str, str]) -> None:
    refused = cairn(team_env, "server", "--port", "0")
    assert refused.returncode == 1
    assert "has no Cairn schema: create it with `cairn db upgrade`" in refused.stderr
    upgraded = cairn(team_env, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert cairn(team_env, "db", "current").stdout.count(SCHEMA_REVISION) >= 1
    with serve_command(["server"], env=team_env) as server:
        assert "no users yet: open http" in server.output() and "/setup#token=" in server.output()
        assert httpx.get(f"{server.url}/api/v1/projects").json() == []


def test_a_schema_behind_or_unknown_is_refused(team_env: dict[str, str]) -> None:
    migrate_to(team_env["CAIRN_DB"], "0001")
    behind = cairn(team_env, "server")
    assert behind.returncode == 1
    assert f"revision 0001, behind this Cairn's {SCHEMA_REVISION}" in behind.stderr
    assert "run `cairn db upgrade`" in behind.stderr
    assert "schema revision 0001 -> " in cairn(team_env, "db", "upgrade").stdout
    engine = create_store_engine(team_env["CAIRN_DB"])
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()
    unknown = cairn(team_env, "server")
    assert unknown.returncode == 1 and "revision 9999, which this Cairn does not know" in (
        unknown.stderr
    )
    assert "does not know" in cairn(team_env, "db", "upgrade").stderr


def test_settings_from_a_config_file(team_env: dict[str, str], tmp_path: Path) -> None:
    config = tmp_path / "server.toml"
    config.write_text(
        f'db = "{team_env["CAIRN_DB"]}"\nblobs = "{team_env["CAIRN_BLOBS"]}"\nworkers = 2\n'
    )
    config.chmod(0o600)
    env = {k: v for k, v in team_env.items() if k not in ("CAIRN_DB", "CAIRN_BLOBS")}
    env["CAIRN_SERVER_CONFIG"] = str(config)
    assert cairn(team_env, "db", "upgrade").returncode == 0
    with serve_command(["server"], env=env) as server:
        assert "(2 worker(s), 1 applier(s))" in server.output()
        assert httpx.get(f"{server.url}/api/v1/health").json()["accounts"] is True


class Team:
    """Two servers on one deployment, and the keys of its users."""

    def __init__(self, one: str, other: str, env: dict[str, str]) -> None:
        self.one, self.other, self.env = one, other, env
        self.root = api_key(env, "root")  # a server admin
        self.ann = api_key(env, "ann")  # editor of "team" and "sweeps"
        self.vic = api_key(env, "vic")  # viewer of "team"


@pytest.fixture(scope="module")
def team(postgres: Postgres, s3: S3) -> Iterator[Team]:
    """Two ``cairn server`` processes (one with 2 workers) on one database and bucket, with users
    made by ``cairn admin``."""
    env = new_deployment(postgres, s3)
    assert cairn(env, "db", "upgrade").returncode == 0
    for args in (
        ["user", "create", "root", "--admin"],
        ["user", "create", "ann"],
        ["user", "create", "vic"],
        ["user", "grant", "ann", "team", "editor"],
        ["user", "grant", "ann", "sweeps", "editor"],
        ["user", "grant", "vic", "team", "viewer"],
    ):
        done = cairn(env, "admin", *args)
        assert done.returncode == 0, done.stderr
    with (
        serve_command(["server", "--workers", "2"], env=env) as first,
        serve_command(["server"], env=env) as second,
    ):
        yield Team(first.url, second.url, env)


def test_a_write_through_one_server_reads_through_the_other(team: Team) -> None:
    one, other = team.one, team.other
    mlflow = httpx.Client(base_url=f"{one}/api/2.0/mlflow", headers=team.root)
    experiment = mlflow.get("/experiments/get-by-name", params={"experiment_name": "team"})
    assert experiment.json()["experiment"]["experiment_id"] == "team"  # made by the grant
    as_editor = httpx.get(
        f"{one}/api/2.0/mlflow/experiments/get-by-name",
        params={"experiment_name": "team"},
        headers=team.ann,
    )
    assert as_editor.status_code == 200  # MLflow clients get their project role
    as_viewer = httpx.post(
        f"{one}/api/2.0/mlflow/runs/create", json={"experiment_id": "team"}, headers=team.vic
    )
    assert (as_viewer.status_code, as_viewer.json()["error_code"]) == (403, "PERMISSION_DENIED")
    run = mlflow.post("/runs/create", json={"experiment_id": "team", "run_name": "shared"}).json()[
        "run"
    ]
    run_id = run["info"]["run_id"]
    for step in range(5):
        metric = {"run_id": run_id, "key": "loss", "value": 1 / (step + 1), "step": step}
        assert mlflow.post("/runs/log-metric", json={**metric, "timestamp": 0}).is_success
    patched = httpx.patch(
        f"{one}/api/v1/projects/team/runs/{run_id}", json={"notes": "from A"}, headers=team.ann
    )
    assert patched.status_code == 200
    refused = httpx.patch(
        f"{one}/api/v1/projects/team/runs/{run_id}", json={"notes": "x"}, headers=team.vic
    )
    assert refused.status_code == 403

    read = httpx.get(f"{other}/api/v1/projects/team/runs/{run_id}", headers=team.vic).json()
    assert (read["name"], read["notes"]) == ("shared", "from A")
    assert read["summary"]["loss"] == pytest.approx(0.2)
    series = httpx.post(
        f"{other}/api/v1/projects/team/series",
        json={"run_ids": [run_id], "keys": ["loss"]},
        headers=team.vic,
    )
    assert series.status_code == 200, series.text
    (line,) = series.json()["series"]
    assert line["x"] == [0, 1, 2, 3, 4] and line["y"][-1] == pytest.approx(0.2)
    listed = httpx.get(f"{other}/api/v1/projects", headers=team.vic).json()
    assert [p["name"] for p in listed] == ["team"]  # not "sweeps": vic has no role there
    assert httpx.get(f"{other}/api/v1/projects/team/runs").status_code == 401


def test_sweep_trials_claimed_through_both_servers_go_out_once(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, other, env = team.one, team.other, team.env
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    store = Store(env["CAIRN_DB"], BlobStore(env["CAIRN_BLOBS"]), migrate=False)
    grid = {"method": "grid", "parameters": {"x": {"values": list(range(40))}}}
    sweep = new_sweep(store, grid, "sweeps")
    store.close()
    claimed: list[tuple[str, int, str]] = []
    # The agents claim in rounds, all four at once each round: a server whose worker is still
    # loading the search code on its first claim cannot lose every trial to the other server.
    rounds = threading.Barrier(4)

    def agent(base: str, name: str) -> Callable[[], None]:
        def claim_all() -> None:
            with httpx.Client(base_url=f"{base}/api/v1", timeout=60, headers=team.ann) as client:
                while True:
                    rounds.wait(timeout=120)
                    path = f"/projects/sweeps/sweeps/{sweep.id}/claim"
                    got = client.post(path, json={"agent": name}).json()
                    if got["trial"] is None:
                        assert got["state"] == "finished"
                        return
                    claimed.append((base, got["trial"]["number"], got["trial"]["run_id"]))

        return claim_all

    agents = [
        threading.Thread(target=agent(base, f"{base}#{i}"))
        for base in (one, other)
        for i in range(2)
    ]
    for thread in agents:
        thread.start()
    for thread in agents:
        thread.join(120)
    numbers = sorted(number for _server, number, _run in claimed)
    assert numbers == list(range(40))
    assert len({run for _server, _number, run in claimed}) == 40
    assert {server for server, _number, _run in claimed} == {one, other}
    detail = httpx.get(f"{other}/api/v1/projects/sweeps/sweeps/{sweep.id}", headers=team.ann)
    assert detail.json()["state"] == "finished" and detail.json()["trial_count"] == 40
    viewer = httpx.post(
        f"{one}/api/v1/projects/sweeps/sweeps/{sweep.id}/claim",
        json={"agent": "v"},
        headers=team.vic,
    )
    assert viewer.status_code == 404  # vic has no role on "sweeps": not even its name shows


def test_public_names_and_headers(team: Team) -> None:
    one = team.one
    public = httpx.get(f"{one}/api/v1/health", headers={"Host": PUBLIC_NAME})
    assert public.status_code == 200
    assert "frame-ancestors 'none'" in public.headers["content-security-policy"]
    rebound = httpx.get(f"{one}/api/v1/projects", headers={"Host": "attacker.example"})
    assert rebound.status_code == 400
    cross_site = httpx.patch(
        f"{one}/api/v1/projects/team/runs/x",
        json={"notes": "x"},
        headers={"Origin": "https://attacker.example", **team.ann},
    )
    assert cross_site.status_code == 403 and "cross-site" in cross_site.text
