"""Creating and controlling a sweep on a team server (a real ``cairn server`` process on SQLite):
``cairn sweep create`` and ``cairn.sweep()`` make it there when a server is configured, agents
run its trials into the server's store, ``cairn sweep ls`` lists it, pause / resume / cancel reach
it, a viewer and a bad config are refused; ``--local`` keeps to the local store. A bayes sweep
made through the server proposes from the results its earlier trials sent there, and Hyperband
stops a bad trial through it."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml
from tests.fakes.commands import run_cairn
from tests.fakes.ports import free_port
from tests.fakes.server import Server, serve_command
from tests.sweeps.test_agent import TRAIN, wait_for

import cairn
from cairn.server.auth.credentials import new_key
from cairn.store.accounts import add_key, create_user, set_role
from cairn.store.store import Store
from cairn.store.sweeps import get_sweep, list_trials
from cairn.sweeps import bayes
from cairn.sweeps.agent import Agent
from cairn.sweeps.config import load_sweep_config


@dataclass
class Team:
    store_dir: Path
    server: Server
    keys: dict[str, str]
    """user → API key: "editor" and "viewer" of project "lab"."""

    def env(self, user: str, machine: Path) -> dict[str, str]:
        return {
            **os.environ,
            "CAIRN_URL": self.server.url,
            "CAIRN_API_KEY": self.keys[user],
            "CAIRN_DIR": str(machine / ".cairn"),
            "CAIRN_CAPTURE_ENV": "0",
        }

    def cairn(self, user: str, machine: Path, *args: str) -> subprocess.CompletedProcess[str]:
        machine.mkdir(parents=True, exist_ok=True)
        return run_cairn(*args, cwd=machine, env=self.env(user, machine), timeout=120)

    def agent(self, machine: Path, ref: str, *args: str) -> subprocess.Popen[str]:
        machine.mkdir(parents=True, exist_ok=True)
        return subprocess.Popen(
            [sys.executable, "-m", "cairn", "agent", ref, *args],
            cwd=machine,
            env=self.env("editor", machine),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def post(self, user: str | None, path: str, body: object) -> httpx.Response:
        headers = {} if user is None else {"Authorization": f"Bearer {self.keys[user]}"}
        url = f"{self.server.url}/api/v1{path}"
        return httpx.post(url, json=body, headers=headers, timeout=60)

    def store(self) -> Store:
        return Store.local(self.store_dir)


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    store_dir = tmp_path_factory.mktemp("team") / ".cairn"
    store = Store.local(store_dir)
    keys = {}
    for user in ("editor", "viewer"):
        create_user(store, user)
        made = new_key()
        add_key(store, user, name="laptop", prefix=made.prefix, digest=made.digest)
        set_role(store, "lab", user, user)
        keys[user] = made.secret
    store.close()
    command = ["server", "--db", str(store_dir / "cairn.db"), "--blobs", str(store_dir / "blobs")]
    with serve_command(command) as server:
        yield Team(store_dir, server, keys)


def config(train: Path, **extra: object) -> dict[str, object]:
    return {
        "program": str(train),
        "method": "random",
        "metric": {"name": "loss"},
        "parameters": {"x": {"min": 0.0, "max": 1.0}, "epochs": {"value": 1}},
        **extra,
    }


@pytest.fixture
def train(tmp_path: Path) -> Path:
    script = tmp_path / "train.py"
    script.write_text(TRAIN)
    return script


def test_the_cli_creates_the_sweep_on_the_server_and_agents_run_it_there(
    team: Team, train: Path, tmp_path: Path
) -> None:
    sweep_file = tmp_path / "sw.yaml"
    sweep_file.write_text(yaml.safe_dump(config(train, project="lab", run_cap=4, name="xs")))
    laptop = tmp_path / "laptop"
    made = team.cairn("editor", laptop, "sweep", "create", str(sweep_file))
    assert made.returncode == 0, made.stderr
    assert f"on {team.server.url}" in made.stdout
    ref = re.search(r"on each machine with: cairn agent (\S+)", made.stdout)
    assert ref is not None, made.stdout
    project, sweep_id = ref[1].split("/")
    assert project == "lab"
    assert not (laptop / ".cairn").exists()  # nothing made locally

    agents = [team.agent(tmp_path / f"machine{i}", ref[1]) for i in range(2)]
    outputs = [a.communicate(timeout=300)[0] for a in agents]
    assert all(a.returncode == 0 for a in agents), outputs
    team.server.applied()
    store = team.store()
    try:
        trials = list_trials(store, sweep_id)
        assert [t.number for t in trials] == [0, 1, 2, 3]
        assert all(t.status == "finished" for t in trials), [t.status for t in trials]
        runs = {r.id: r for r in store.runs("lab", filter=f'sweep_id == "{sweep_id}"')}
        assert set(runs) == {t.run_id for t in trials}  # every trial's run is in the server's
        for trial in trials:
            assert runs[trial.run_id].config["x"] == trial.params["x"]
        best = min(runs[t.run_id].summary["loss"] for t in trials)
    finally:
        store.close()
    for args in ((), ("--project", "lab")):
        listed = team.cairn("viewer", laptop, "sweep", "ls", *args)
        assert listed.returncode == 0, listed.stderr
        assert f"sweeps on {team.server.url}" in listed.stdout
        (line,) = [line for line in listed.stdout.splitlines() if sweep_id in line]
        assert line.split()[:7] == [
            sweep_id,
            "lab",
            "xs",
            "finished",
            "random",
            "4",
            "loss",
        ]
        assert f"{best:.6g}"[:11] in line
    assert not (laptop / ".cairn").exists()


def test_a_viewer_and_a_bad_config_are_refused(team: Team, train: Path, tmp_path: Path) -> None:
    def listed(user: str, project: str = "lab") -> httpx.Response:
        url = f"{team.server.url}/api/v1/projects/{project}/sweeps"
        return httpx.get(url, headers={"Authorization": f"Bearer {team.keys[user]}"})

    before = len(listed("viewer").json())
    good = config(train)
    assert team.post("viewer", "/projects/lab/sweeps", good).status_code == 403
    assert team.post(None, "/projects/lab/sweeps", good).status_code == 401
    typo = team.post("editor", "/projects/lab/sweeps", {**good, "method": "grdi"})
    assert typo.status_code == 400
    assert (
        typo.json()["detail"]
        == 'sweep config: method: "grdi" is not one of grid, random, bayes; did you mean "grid"?'
    )
    inverted = {**good, "parameters": {"x": {"min": 1.0, "max": 0.0}}}
    bad_range = team.post("editor", "/projects/lab/sweeps", inverted)
    assert bad_range.status_code == 400 and "parameters.x" in bad_range.json()["detail"]
    assert team.post("editor", "/projects/lab/sweeps", [good]).status_code == 422

    sweep_file = tmp_path / "sw.yaml"
    sweep_file.write_text(yaml.safe_dump(config(train, project="lab")))
    refused = team.cairn("viewer", tmp_path / "viewer", "sweep", "create", str(sweep_file))
    assert refused.returncode == 1
    assert "viewer is viewer of 'lab'; this needs editor" in refused.stderr
    sweep_file.write_text(yaml.safe_dump({**config(train, project="lab"), "method": "grdi"}))
    typo_cli = team.cairn("editor", tmp_path / "editor", "sweep", "create", str(sweep_file))
    assert typo_cli.returncode == 1 and 'did you mean "grid"?' in typo_cli.stderr
    assert len(listed("viewer").json()) == before  # nothing was made

    # a project that does not exist yet is made, with its creator as its admin (as a run's
    # first log makes it); others do not see it
    fresh = team.post("editor", "/projects/fresh/sweeps", good)
    assert fresh.status_code == 201 and fresh.json()["project"] == "fresh"
    assert [s["id"] for s in listed("editor", "fresh").json()] == [fresh.json()["id"]]
    assert listed("viewer", "fresh").status_code == 404


def test_pause_and_resume_from_the_cli_change_what_agents_get(
    team: Team, train: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAIRN_URL", team.server.url)
    monkeypatch.setenv("CAIRN_API_KEY", team.keys["editor"])
    ref = cairn.sweep(config(train, run_cap=2), project="lab", dir=tmp_path / ".cairn")
    project, sweep_id = ref.split("/")
    assert project == "lab" and not (tmp_path / ".cairn").exists()

    paused = team.cairn("editor", tmp_path, "sweep", "pause", ref)
    assert paused.returncode == 0 and paused.stdout == f"sweep {ref} is paused\n", paused.stderr
    claim = team.post("editor", f"/projects/lab/sweeps/{sweep_id}/claim", {"agent": "test"})
    assert claim.json() == {"trial": None, "state": "paused"}
    agent = team.agent(tmp_path / "machine", ref, "--count", "1")
    resumed = team.cairn("editor", tmp_path, "sweep", "resume", ref)
    assert resumed.stdout == f"sweep {ref} is running\n", resumed.stderr
    output = agent.communicate(timeout=120)[0]
    assert agent.returncode == 0 and "trial 0: finished" in output, output

    cancelled = team.cairn("editor", tmp_path, "sweep", "cancel", ref)
    assert cancelled.stdout == f"sweep {ref} is cancelled\n", cancelled.stderr
    again = team.cairn("editor", tmp_path, "sweep", "resume", ref)
    assert again.returncode == 1 and "409" not in again.stdout
    assert "it is cancelled" in again.stderr
    claim = team.post("editor", f"/projects/lab/sweeps/{sweep_id}/claim", {"agent": "test"})
    assert claim.json() == {"trial": None, "state": "cancelled"}
    no_project = team.cairn("editor", tmp_path, "sweep", "pause", sweep_id)
    assert no_project.returncode == 1 and "PROJECT/SWEEP_ID" in no_project.stderr


def test_local_keeps_to_the_local_store(team: Team, train: Path, tmp_path: Path) -> None:
    sweep_file = tmp_path / "sw.yaml"
    sweep_file.write_text(yaml.safe_dump(config(train, project="mine")))
    made = team.cairn("editor", tmp_path, "sweep", "create", str(sweep_file), "--local")
    assert made.returncode == 0, made.stderr
    sweep_id = made.stdout.rsplit("cairn agent ", 1)[1].strip()
    assert "/" not in sweep_id and team.server.url not in made.stdout
    paused = team.cairn("editor", tmp_path, "sweep", "pause", sweep_id, "--local")
    assert paused.stdout == f"sweep {sweep_id} is paused\n", paused.stderr
    store = Store.local(tmp_path / ".cairn")
    try:
        assert get_sweep(store, sweep_id).state == "paused"
    finally:
        store.close()


def test_a_bayes_sweep_on_the_server_proposes_from_earlier_results(
    team: Team, train: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    startup = bayes.N_STARTUP_TRIALS
    monkeypatch.setenv("CAIRN_URL", team.server.url)
    monkeypatch.setenv("CAIRN_API_KEY", team.keys["editor"])
    raw = {**config(train), "method": "bayes"}
    ref = cairn.sweep(raw, project="lab")
    sweep_id = ref.split("/")[1]
    agent = team.agent(tmp_path / "machine", ref, "--count", str(startup))
    output = agent.communicate(timeout=300)[0]
    assert agent.returncode == 0 and output.count(": finished") == startup, output
    team.server.applied()
    store = team.store()
    try:
        wait_for(lambda: all(t.summary for t in list_trials(store, sweep_id)))
        before = list_trials(store, sweep_id)
        seed = get_sweep(store, sweep_id).seed
    finally:
        store.close()
    claim = team.post("editor", f"/projects/lab/sweeps/{sweep_id}/claim", {"agent": "test"})
    proposed = claim.json()["trial"]
    assert proposed["number"] == startup
    parsed = load_sweep_config(raw)
    told = bayes.suggest(parsed, before, seed, startup).params
    blind = [dataclasses.replace(t, summary={}) for t in before]  # no results: all failed
    assert proposed["params"] == told
    assert bayes.suggest(parsed, blind, seed, startup).params != told


def test_hyperband_stops_a_bad_trial_of_a_sweep_on_the_server(
    team: Team, train: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAIRN_URL", team.server.url)
    monkeypatch.setenv("CAIRN_API_KEY", team.keys["editor"])
    monkeypatch.setenv("CAIRN_DIR", str(tmp_path / ".cairn"))
    ref = cairn.sweep(
        {
            "program": str(train),
            "method": "grid",
            "metric": {"name": "loss", "goal": "minimize"},
            "early_terminate": {"type": "hyperband", "min_iter": 2, "eta": 2},
            "parameters": {"curve": {"values": ["good", "bad"]}, "x": {"value": 0.3}},
        },
        project="lab",
    )
    started = time.monotonic()
    Agent(tmp_path / ".cairn", ref, check_every=0.2, grace=5.0, say=lambda _: None).run()
    assert time.monotonic() - started < 110  # the bad trial would sleep 120 s
    store = team.store()
    try:
        good, bad = list_trials(store, ref.split("/")[1])
    finally:
        store.close()
    assert good.status == "finished"
    assert bad.status == "stopped" and bad.note and "hyperband: at iteration 2" in bad.note


def test_a_server_that_cannot_be_reached_is_a_message(train: Path, tmp_path: Path) -> None:
    sweep_file = tmp_path / "sw.yaml"
    sweep_file.write_text(yaml.safe_dump(config(train)))
    env = {**os.environ, "CAIRN_URL": "http://127.0.0.1:9", "CAIRN_API_KEY": "cairn_" + "x" * 43}
    for args in (("sweep", str(sweep_file)), ("sweep", "pause", "lab/abc123"), ("sweep", "ls")):
        done = run_cairn(*args, cwd=tmp_path, env=env, timeout=60)
        assert done.returncode == 1, done.stderr
        assert "cannot reach http://127.0.0.1:9" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / ".cairn").exists()


SLOW = TRAIN.replace("run.finish()", "time.sleep(6)\nrun.finish()")


def test_an_agent_waits_out_its_server_restarting(team: Team, tmp_path: Path) -> None:
    slow = tmp_path / "slow.py"
    slow.write_text(SLOW)
    made = team.post("editor", "/projects/lab/sweeps", config(slow, run_cap=2, name="restart"))
    assert made.status_code == 201, made.text
    sweep_id = made.json()["id"]
    command = ["server", "--db", str(team.store_dir / "cairn.db")]
    command += ["--blobs", str(team.store_dir / "blobs")]
    port = free_port()
    machine = tmp_path / "machine"
    with serve_command(command, port=port) as first:
        agent = Team(team.store_dir, first, team.keys).agent(machine, f"lab/{sweep_id}")

        def claimed() -> bool:
            store = team.store()
            try:
                return len(list_trials(store, sweep_id)) == 1
            finally:
                store.close()

        wait_for(claimed, 60)
    # the server is down while the first trial runs, and comes back on the same address
    time.sleep(2)
    with serve_command(command, port=port) as again:
        out = agent.communicate(timeout=300)[0]
        again.applied()
    assert agent.returncode == 0, out
    assert f"cairn agent: {first.url} did not answer" in out and "Traceback" not in out
    store = team.store()
    try:
        trials = list_trials(store, sweep_id)
    finally:
        store.close()
    assert [t.status for t in trials] == ["finished", "finished"], [t.note for t in trials]
