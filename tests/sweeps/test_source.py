"""Agents on many machines sharing a sweep through team servers: eight ``cairn agent`` processes
in two working folders ("machines"), half through each of two ``cairn server`` processes on one
PostgreSQL database and S3 bucket; every trial runs once, its run logs to the server. And a
cancelled sweep kills a remote agent's running trial."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import S3, Postgres
from tests.fakes.commands import run_cairn
from tests.fakes.server import serve_command
from tests.sweeps.test_agent import TRAIN

from cairn.server.auth.credentials import new_key
from cairn.store.accounts import add_key, create_user, set_role
from cairn.store.blobs import BlobStore
from cairn.store.store import Store
from cairn.store.sweeps import change_state, list_trials
from cairn.sweeps.controller import new_sweep

TRIALS = 16


def deployment(postgres: Postgres, s3: S3) -> tuple[Store, dict[str, str], str]:
    """A team database and bucket with a user "agent", editor of project "swept": its store,
    the servers' environment, and the user's API key."""
    db, blobs = postgres.database(), s3.bucket()
    store = Store(db, BlobStore(blobs), migrate=False)
    create_user(store, "agent")
    made = new_key()
    add_key(store, "agent", name="agents", prefix=made.prefix, digest=made.digest)
    set_role(store, "swept", "agent", "editor")
    return store, {**s3.environment, "CAIRN_DB": db, "CAIRN_BLOBS": blobs}, made.secret


def test_eight_agents_on_two_machines_through_two_servers(
    postgres: Postgres, s3: S3, tmp_path: Path
) -> None:
    store, env, key = deployment(postgres, s3)
    train = tmp_path / "train.py"
    train.write_text(TRAIN)
    config = {
        "program": str(train),
        "method": "random",
        "metric": {"name": "loss"},
        "run_cap": TRIALS,
        "parameters": {"x": {"min": 0.0, "max": 1.0}, "epochs": {"value": 2}},
    }
    sweep = new_sweep(store, config, "swept")
    with serve_command(["server"], env=env) as one, serve_command(["server"], env=env) as two:
        agents = []
        for i in range(8):
            machine = tmp_path / f"machine{i % 2}"
            machine.mkdir(exist_ok=True)
            server = (one, two)[i % 2]
            agents.append(
                subprocess.Popen(
                    [sys.executable, "-m", "cairn", "agent", f"swept/{sweep.id}"],
                    cwd=machine,
                    env={
                        **os.environ,
                        "CAIRN_URL": server.url,
                        "CAIRN_API_KEY": key,
                        "CAIRN_DIR": str(machine / ".cairn"),
                        "CAIRN_CAPTURE_ENV": "0",
                    },
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                )
            )
        outputs = [p.communicate(timeout=300)[0].decode() for p in agents]
    assert all(p.returncode == 0 for p in agents), outputs
    trials = list_trials(store, sweep.id)
    assert [t.number for t in trials] == list(range(TRIALS))
    assert len({t.run_id for t in trials}) == TRIALS
    assert all(t.status == "finished" for t in trials), [(t.number, t.status) for t in trials]
    runs = {r.id: r for r in store.runs("swept", filter=f'sweep_id == "{sweep.id}"')}
    assert set(runs) == {t.run_id for t in trials}  # every trial's run logged to the server
    for trial in trials:
        assert runs[trial.run_id].config["x"] == trial.params["x"]
    assert sum(out.count(": finished") for out in outputs) == TRIALS  # none ran twice
    for machine in (0, 1):  # agent i ran on machine i % 2: both machines ran trials
        assert sum(out.count(": finished") for out in outputs[machine::2]) > 0, outputs
    # the server took every trial's run whole: the machines kept none of their journals
    assert not list(tmp_path.glob("machine*/.cairn/runs/*/journal"))
    store.close()


def test_a_cancelled_sweep_kills_a_remote_agents_trial(
    postgres: Postgres, s3: S3, tmp_path: Path
) -> None:
    store, env, key = deployment(postgres, s3)
    train = tmp_path / "train.py"
    train.write_text(TRAIN)
    config = {"program": str(train), "method": "random", "parameters": {"curve": {"value": "bad"}}}
    sweep = new_sweep(store, config, "swept")
    with serve_command(["server"], env=env) as server:
        agent = subprocess.Popen(
            [sys.executable, "-m", "cairn", "agent", f"swept/{sweep.id}", "--count", "1"],
            cwd=tmp_path,
            env={
                **os.environ,
                "CAIRN_URL": server.url,
                "CAIRN_API_KEY": key,
                "CAIRN_DIR": str(tmp_path / ".cairn"),
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while not list_trials(store, sweep.id):
            assert time.monotonic() < deadline, "no trial was claimed"
            time.sleep(0.2)
        change_state(store, sweep.id, "cancel")
        output = agent.communicate(timeout=120)[0].decode()
    assert agent.returncode == 0, output
    (trial,) = list_trials(store, sweep.id)
    assert trial.status == "killed" and trial.note == "the sweep was cancelled"
    store.close()


def test_a_sweep_on_a_server_needs_its_project(tmp_path: Path) -> None:
    done = run_cairn(
        "agent",
        "abc123",
        "--dir",
        str(tmp_path),
        env={"CAIRN_URL": "http://127.0.0.1:9", "CAIRN_API_KEY": "cairn_" + "x" * 43},
        timeout=60,
    )
    assert done.returncode != 0 and "PROJECT/SWEEP_ID" in done.stderr
