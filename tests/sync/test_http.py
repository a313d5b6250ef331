"""Runs that log to a team server over HTTP: a real ``cairn server`` process, the real SDK in
subprocesses, the server stopped while a run logs, ``cairn sync`` afterwards, idempotent
batches, and what the server refuses."""

from __future__ import annotations

import gzip
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

import httpx
import msgspec
import psutil
import pytest
from tests.fakes.commands import cairn, run_cairn
from tests.fakes.journals import every_record, history_rows
from tests.fakes.ports import free_port
from tests.fakes.server import Server, serve_command
from tests.fakes.waiting import wait_for

from cairn.errors import ServerBusyError, StoreGapError
from cairn.journal.batches import encode_batch
from cairn.server_client import ServerError
from cairn.server_login import Login
from cairn.sync.http import HttpSink

STEPS = 2_000


@dataclass
class Team:
    server: Server
    store_dir: Path
    keys: dict[str, str]

    def login(self, user: str = "ann") -> Login:
        return Login(self.server.url, self.keys[user])

    def api(self, path: str, user: str = "root") -> httpx.Response:
        """GET ``path`` once the server has applied what it acknowledged."""
        self.server.applied()
        headers = {"Authorization": f"Bearer {self.keys[user]}"}
        return httpx.get(f"{self.server.url}/api/v1{path}", headers=headers, timeout=30)

    def api_health(self) -> dict[str, Any]:
        """The ingest queue's counts, as the health route answers them (no sign-in)."""
        ingest: dict[str, Any] = httpx.get(f"{self.server.url}/api/v1/health").json()["ingest"]
        return ingest


def server_command(store_dir: Path) -> list[str]:
    return ["server", "--db", str(store_dir / "cairn.db"), "--blobs", str(store_dir / "blobs")]


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    store_dir = tmp_path_factory.mktemp("server") / "shared"
    store_dir.mkdir()
    db = ("--db", f"sqlite:///{store_dir / 'cairn.db'}")
    cairn("db", "upgrade", *db)
    keys = {}
    for user in ("root", "ann", "vic"):
        cairn("admin", "user", "create", user, *(["--admin"] if user == "root" else []), *db)
        keys[user] = cairn("admin", "key", "create", user, *db).stdout.strip()
    with serve_command(server_command(store_dir)) as server:
        yield Team(server, store_dir, keys)


TRAIN = textwrap.dedent(
    """
    import sys, time, numpy as np, cairn
    run = cairn.init(project=sys.argv[1], config={"lr": 0.1})
    started = time.perf_counter()
    for step in range(int(sys.argv[2])):
        run.log({"loss": 1 / (step + 1), "acc": step / 10})
    per_log = (time.perf_counter() - started) / int(sys.argv[2])
    run.log({"picture": cairn.Image(np.full((8, 8, 3), 200, dtype=np.uint8))})
    begun = time.perf_counter()
    run.finish()
    print(run.id, per_log, time.perf_counter() - begun, run.url)
    """
)


def train(
    tmp: Path, env: dict[str, str], project: str, steps: int = STEPS
) -> tuple[str, float, float]:
    script = tmp / "train.py"
    script.write_text(TRAIN)
    done = subprocess.run(
        [sys.executable, str(script), project, str(steps)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp,
        env={**os.environ, "CAIRN_DIR": str(tmp / ".cairn"), **env},
    )
    assert done.returncode == 0, done.stderr
    run_id, per_log, finish, url = done.stdout.split()
    assert url == f"{env.get('CAIRN_URL', url.split('/p/')[0])}/p/{project}/r/{run_id}"
    # finish() ends with where the run is: its page on the server, or how to send it there
    assert f"cairn: see it at {url}\n" in done.stderr or "`cairn sync " in done.stderr
    return run_id, float(per_log), float(finish)


def history_count(team: Team, project: str, run_id: str) -> int:
    team.server.applied()
    series = httpx.post(
        f"{team.server.url}/api/v1/projects/{project}/series",
        json={"run_ids": [run_id], "keys": ["loss"], "max_points": 10_000},
        headers={"Authorization": f"Bearer {team.keys['root']}"},
        timeout=30,
    )
    assert series.status_code == 200, series.text
    (line,) = series.json()["series"]
    return len(line["x"])


def test_a_run_logs_to_the_server_and_makes_its_project(team: Team, tmp_path: Path) -> None:
    env = {"CAIRN_URL": team.server.url, "CAIRN_API_KEY": team.keys["ann"]}
    run_id, _per_log, _finish = train(tmp_path, env, "from-afar")
    run = team.api(f"/projects/from-afar/runs/{run_id}", user="ann").json()
    assert run["state"] == "finished" and run["config"] == {"lr": 0.1}
    assert history_count(team, "from-afar", run_id) == STEPS
    media = httpx.post(
        f"{team.server.url}/api/v1/projects/from-afar/media",
        json={"run_ids": [run_id], "key": "picture"},
        headers={"Authorization": f"Bearer {team.keys['ann']}"},
    ).json()
    (value,) = media["runs"][0]["values"]
    assert team.api(f"/blobs/{value['blob']}").status_code == 200  # the image's bytes came too
    # ann made the project: she is its admin; vic, without a role, does not see it
    assert [p["name"] for p in team.api("/projects", user="ann").json()] == ["from-afar"]
    assert team.api(f"/projects/from-afar/runs/{run_id}", user="vic").status_code == 404
    assert not (tmp_path / ".cairn" / "cairn.db").exists()  # nothing went to a local store


def test_a_dead_server_loses_nothing_and_cairn_sync_sends_the_rest(
    team: Team, tmp_path: Path
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    env = {"CAIRN_URL": dead, "CAIRN_API_KEY": team.keys["ann"], "CAIRN_FINISH_TIMEOUT": "2"}
    started = time.monotonic()
    run_id, per_log, finish = train(tmp_path, env, "offline-first")
    assert finish < 10  # finish() gave up after its bound, the journal keeps everything
    assert per_log < 0.001  # log() did not wait for the server
    assert time.monotonic() - started < 60
    journal = tmp_path / ".cairn" / "runs" / run_id / "journal"
    assert journal.is_file()

    up = {"CAIRN_URL": team.server.url, "CAIRN_API_KEY": team.keys["ann"]}
    out = cairn("sync", "--all", "--dir", str(tmp_path / ".cairn"), env=up).stderr
    assert run_id in out
    assert history_count(team, "offline-first", run_id) == STEPS
    again = cairn("sync", "--all", "--dir", str(tmp_path / ".cairn"), env=up).stderr
    assert "0 new of" in again  # a second sync sends nothing twice
    assert history_count(team, "offline-first", run_id) == STEPS


class _Failing(BaseHTTPRequestHandler):
    """A server that answers every request with 500, or (``hang``) never answers at all."""

    hang = False
    requests = 0

    def _fail(self) -> None:
        type(self).requests += 1
        if self.hang:
            time.sleep(120)  # holds the connection; the test ends before
            return
        body = b'{"detail": "the database is down"}'
        self.send_response(500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_HEAD = _fail

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("fault", ["answers 500", "hangs"])
def test_a_failing_server_loses_nothing_and_cairn_sync_sends_the_rest(
    team: Team, tmp_path: Path, fault: str
) -> None:
    handler = type("Handler", (_Failing,), {"hang": fault == "hangs", "requests": 0})
    failing = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    failing.daemon_threads = True
    threading.Thread(target=failing.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{failing.server_address[1]}"
        env = {"CAIRN_URL": url, "CAIRN_API_KEY": team.keys["ann"], "CAIRN_FINISH_TIMEOUT": "2"}
        started = time.monotonic()
        run_id, _per_log, finish = train(tmp_path, env, f"faulty-{fault.split()[0]}")
        assert finish < 10  # finish() gave up after its bound, the journal keeps everything
        assert time.monotonic() - started < 90
        assert handler.requests > 0  # the run did try the server
    finally:
        failing.shutdown()
        failing.server_close()
    up = {"CAIRN_URL": team.server.url, "CAIRN_API_KEY": team.keys["ann"]}
    out = cairn("sync", "--all", "--dir", str(tmp_path / ".cairn"), env=up).stderr
    assert run_id in out
    assert history_count(team, f"faulty-{fault.split()[0]}", run_id) == STEPS
    again = cairn("sync", "--all", "--dir", str(tmp_path / ".cairn"), env=up).stderr
    assert "0 new of" in again
    assert history_count(team, f"faulty-{fault.split()[0]}", run_id) == STEPS


def test_batches_are_idempotent_and_a_gap_is_told(team: Team) -> None:
    sink = HttpSink(team.login(), "batches")
    records = every_record("batch1", "batches")
    last = sink.apply("batch1", records)
    assert sink.apply("batch1", records) == last  # the same batch again changes nothing
    assert sink.last_seq("batch1") == last
    with pytest.raises(StoreGapError):
        sink.apply("batch1", history_rows(3, first_seq=last + 10))
    with pytest.raises(StoreGapError):  # a new run whose start record was never sent
        sink.apply("batch2", history_rows(3))
    assert sink.reserve_run_number("batches") >= 1
    sink.heartbeat("batch1")
    data = b"some bytes a record names"
    digest = sink.put_blob(data)
    assert sink.has_blob(digest) and not sink.has_blob("0" * 64)


def test_a_large_file_is_streamed_and_checked(team: Team, tmp_path: Path) -> None:
    big = tmp_path / "weights.bin"
    big.write_bytes(os.urandom(3 * 1024 * 1024) * 8)  # 24 MiB: over the 16 MiB body limit
    sink = HttpSink(team.login(), "files")
    sink.reserve_run_number("files")  # as a run does first: ann is the new project's admin
    tracemalloc.start()
    try:
        digest = sink.put_blob_file(big)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024  # sent in pieces, never held whole (24 MiB) in memory
    assert sink.has_blob(digest)
    lying = httpx.put(
        f"{team.server.url}/api/v1/blobs/{'a' * 64}",
        content=b"not those bytes",
        headers={"Authorization": f"Bearer {team.keys['ann']}"},
    )
    assert lying.status_code == 400 and "hash to" in lying.text


def test_what_the_server_refuses(team: Team) -> None:
    HttpSink(team.login("ann"), "anns").apply("a1", every_record("a1", "anns"))
    viewer = HttpSink(team.login("vic"), "anns")
    with pytest.raises(ServerError, match="404"):  # vic has no role on ann's project
        viewer.apply("a1", history_rows(1, first_seq=100))
    nobody = HttpSink(Login(team.server.url, "cairn_" + "x" * 43), "anns")
    with pytest.raises(ServerError, match="401"):
        nobody.last_seq("a1")
    ann = HttpSink(team.login("ann"), "anns")
    with pytest.raises(ServerError, match="not 'a2'"):  # a start record of another run
        ann.apply("a2", every_record("a1", "anns"))
    url = f"{team.server.url}/api/v1/projects/anns/runs/a1/records"
    headers = {"Authorization": f"Bearer {team.keys['ann']}"}
    assert httpx.post(url, content=b"not gzip", headers=headers).status_code == 400
    garbage = gzip.compress(msgspec.msgpack.encode([{"x": 1}]))
    assert httpx.post(url, content=garbage, headers=headers).status_code == 400
    bomb = gzip.compress(b"\0" * (300 * 1024 * 1024))  # 300 MiB of zeros, 300 KiB sent
    assert httpx.post(url, content=bomb, headers=headers, timeout=60).status_code == 413


REFUSED = textwrap.dedent(
    """
    import sys, time, cairn
    run = cairn.init(project=sys.argv[1])
    for step in range(50):
        run.log({"loss": 1 / (step + 1)})
    print("logged", flush=True)
    sys.stdin.readline()
    for step in range(50, 100):
        run.log({"loss": 1 / (step + 1)})
    begun = time.perf_counter()
    run.finish()
    print(run.id, time.perf_counter() - begun, flush=True)
    """
)


def _refused_run(tmp: Path, env: dict[str, str], project: str) -> subprocess.Popen[str]:
    script = tmp / "refused.py"
    script.write_text(REFUSED)
    return subprocess.Popen(
        [sys.executable, str(script), project],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp,
        env={**os.environ, "CAIRN_DIR": str(tmp / ".cairn"), **env},
    )


@pytest.mark.parametrize("who", ["an unknown key", "no role on the project"])
def test_a_server_that_refuses_the_run_stops_init_saying_what_to_do(
    team: Team, tmp_path: Path, who: str
) -> None:
    HttpSink(team.login("ann"), "anns-private").apply("p1", every_record("p1", "anns-private"))
    key = "cairn_" + "q" * 43 if who == "an unknown key" else team.keys["vic"]
    env = {"CAIRN_URL": team.server.url, "CAIRN_API_KEY": key}
    process = _refused_run(tmp_path, env, "anns-private")
    out, err = process.communicate("\n", timeout=60)
    assert process.returncode == 1 and "logged" not in out  # stopped at init(), before training
    assert "refused a new run" in err
    if who == "an unknown key":
        assert "401" in err and f"cairn login {team.server.url}" in err
    else:  # vic may not even see ann's private project
        assert "404" in err and "ask the project's admin for the editor role" in err
    assert key not in err
    assert [p["name"] for p in team.api("/projects", user="vic").json()] == []


def test_a_key_revoked_while_a_run_logs_ends_finish_at_once_and_loses_nothing(
    team: Team, tmp_path: Path
) -> None:
    db = ("--db", f"sqlite:///{team.store_dir / 'cairn.db'}")
    cairn("admin", "user", "create", "kim", *db)
    key = cairn("admin", "key", "create", "kim", "--name", "laptop", *db).stdout.strip()
    env = {"CAIRN_URL": team.server.url, "CAIRN_API_KEY": key, "CAIRN_FINISH_TIMEOUT": "60"}
    process = _refused_run(tmp_path, env, "kims")
    assert process.stdout is not None and process.stdout.readline() == "logged\n"
    root = {**team.keys, "kim": key}
    listed = Team(team.server, team.store_dir, root)
    assert wait_for(lambda: listed.api("/projects/kims/runs", user="kim").status_code == 200, 30)
    (laptop,) = [line for line in cairn("admin", "key", "ls", "kim", *db).stdout.splitlines()]
    cairn("admin", "key", "revoke", laptop.split()[0], *db)
    out, err = process.communicate("\n", timeout=120)
    assert process.returncode == 0, err
    run_id, finish = out.split()
    assert float(finish) < 30  # it did not wait its 60 s for a server that says no
    assert "the server refused it (" in err and "401 this API key is not valid" in err
    assert f"cairn login {team.server.url}" in err
    assert f"cairn sync {tmp_path / '.cairn' / 'runs' / run_id / 'journal'}" in err

    again = cairn("admin", "key", "create", "kim", "--name", "again", *db).stdout.strip()
    up = {"CAIRN_URL": team.server.url, "CAIRN_API_KEY": again}
    cairn("sync", "--all", "--dir", str(tmp_path / ".cairn"), env=up)
    assert history_count(team, "kims", run_id) == 100  # nothing lost


CONTINUED = textwrap.dedent(
    """
    import sys, cairn
    resume = None if sys.argv[3] == "none" else sys.argv[3]
    run = cairn.init(project=sys.argv[1], id=sys.argv[2], resume=resume, config={"lr": 0.1})
    for _ in range(10):
        run.log({"loss": 1.0})
    if not run.resumed:
        run.summary["best"] = 0.5
    run.finish()
    print(run.name, run.resumed)
    """
)


def _machine(
    tmp: Path, machine: str, env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    """The CONTINUED script in a folder of its own, as on another machine (its own journals)."""
    folder = tmp / machine
    folder.mkdir(exist_ok=True)
    (folder / "continued.py").write_text(CONTINUED)
    return subprocess.run(
        [sys.executable, str(folder / "continued.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=folder,
        env={**os.environ, "CAIRN_DIR": str(folder / ".cairn"), **env},
    )


def test_a_run_continued_on_another_machine_goes_on_from_what_the_server_holds(
    team: Team, tmp_path: Path
) -> None:
    env = {"CAIRN_URL": team.server.url, "CAIRN_API_KEY": team.keys["ann"]}
    first = _machine(tmp_path, "a", env, "elsewhere", "moved1", "allow")
    assert first.returncode == 0, first.stderr
    second = _machine(tmp_path, "b", env, "elsewhere", "moved1", "allow")  # no journal there
    assert second.returncode == 0, second.stderr
    assert (
        second.stdout.split()[1] == "True" and second.stdout.split()[0] == first.stdout.split()[0]
    )
    team.server.applied()
    series = httpx.post(
        f"{team.server.url}/api/v1/projects/elsewhere/series",
        json={"run_ids": ["moved1"], "keys": ["loss"], "max_points": 1000},
        headers={"Authorization": f"Bearer {team.keys['ann']}"},
    ).json()
    assert series["series"][0]["x"] == list(range(20))  # before: the second machine's 10 lost
    run = team.api("/projects/elsewhere/runs/moved1", user="ann").json()
    assert run["summary"]["best"] == 0.5 and run["config"] == {"lr": 0.1}

    again = _machine(tmp_path, "c", env, "elsewhere", "moved1", "none")
    assert again.returncode == 1 and f"already exists in {team.server.url}" in again.stderr
    missing = _machine(tmp_path, "d", env, "elsewhere", "nosuchrun", "must")
    assert missing.returncode == 1 and f"no run 'nosuchrun' in {team.server.url}" in missing.stderr


def test_a_run_to_continue_does_not_start_afresh_when_the_server_is_out_of_reach(
    team: Team, tmp_path: Path
) -> None:
    dead = {"CAIRN_URL": f"http://127.0.0.1:{free_port()}", "CAIRN_API_KEY": team.keys["ann"]}
    refused = _machine(tmp_path, "a", dead, "elsewhere", "moved2", "allow")
    assert refused.returncode == 1 and "cannot continue run 'moved2'" in refused.stderr
    assert not (tmp_path / "a" / ".cairn" / "runs" / "moved2" / "journal").exists()
    new = _machine(tmp_path, "b", dead, "elsewhere", "fresh2", "none")  # a new run starts
    assert new.returncode == 0, new.stderr
    assert (tmp_path / "b" / ".cairn" / "runs" / "fresh2" / "journal").is_file()


SHORT = textwrap.dedent(
    """
    import numpy as np, cairn
    run = cairn.init(project="tidy")
    for step in range(100):
        run.log({"loss": 1 / (step + 1)})
    run.log({"picture": cairn.Image(np.full((8, 8, 3), 90, dtype=np.uint8))})
    run.finish(quiet=True)
    print(run.id, run.summary["loss"])
    """
)


@pytest.mark.parametrize("kept", [False, True])
def test_a_run_the_server_took_whole_leaves_no_journal_unless_kept(
    team: Team, tmp_path: Path, kept: bool
) -> None:
    (tmp_path / "short.py").write_text(SHORT)
    env = {"CAIRN_URL": team.server.url, "CAIRN_API_KEY": team.keys["ann"]}
    done = subprocess.run(
        [sys.executable, str(tmp_path / "short.py")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={
            **os.environ,
            "CAIRN_DIR": str(tmp_path / ".cairn"),
            "CAIRN_KEEP_JOURNAL": "1" if kept else "0",
            **env,
        },
    )
    assert done.returncode == 0, done.stderr
    run_id, loss = done.stdout.split()
    assert float(loss) == 1 / 100  # the summary, read back from the server once the journal is gone
    folder = tmp_path / ".cairn" / "runs" / run_id
    if kept:
        assert (folder / "journal").is_file()
    else:
        assert not folder.exists()  # the journal and the image staged for upload
    assert history_count(team, "tidy", run_id) == 100


def test_cairn_login_saves_the_key_for_this_user_only(team: Team, tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    out = cairn(
        "login", team.server.url, "--key-stdin", stdin=team.keys["ann"] + "\n", env=env
    ).stdout
    assert "as ann" in out
    saved = tmp_path / "config" / "cairn" / "login.toml"
    assert saved.stat().st_mode & 0o777 == 0o600
    assert team.keys["ann"] not in out
    refused = run_cairn(
        "login", team.server.url, "--key-stdin", stdin="cairn_" + "y" * 43 + "\n", env=env
    )
    assert refused.returncode == 1 and "refused the key" in refused.stderr
    run_id, _, _ = train(tmp_path, env, "logged-in", steps=10)  # no CAIRN_URL: the saved login
    assert history_count(team, "logged-in", run_id) == 10
    assert "forgot" in cairn("logout", env=env).stdout
    assert not saved.exists()


def test_cairn_login_in_python_saves_a_checked_key(
    team: Team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cairn
    from cairn.server_login import saved_login

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert cairn.login() is True and saved_login() is None  # no host: a local store
    with pytest.raises(ValueError, match="refused the key"):
        cairn.login(key="cairn_" + "z" * 43, host=team.server.url)
    assert saved_login() is None
    assert cairn.login(key=team.keys["vic"], host=team.server.url + "/") is True
    assert saved_login() == Login(team.server.url, team.keys["vic"])


def test_a_run_of_another_project_cannot_be_written_through_ones_own(team: Team) -> None:
    HttpSink(team.login("ann"), "anns-own").apply("own1", every_record("own1", "anns-own"))
    before = team.api("/projects/anns-own/runs/own1").json()
    # vic makes a project of his own, then sends a start record naming ann's run in it
    vics = HttpSink(team.login("vic"), "vics-own")
    with pytest.raises(ServerError, match=r"409.*another project"):
        vics.apply("own1", every_record("own1", "vics-own"))
    with pytest.raises(ServerError, match=r"409.*another project"):
        vics.last_seq("own1")
    assert team.api("/projects/anns-own/runs/own1").json() == before


@pytest.mark.parametrize("name", ["..", ".", "x" * 256, "ctl\x01name"])
def test_a_project_is_only_made_with_a_name_the_sdk_would_take(team: Team, name: str) -> None:
    segment = quote(name, safe="").replace(".", "%2E")  # or the client drops . and ..
    url = f"{team.server.url}/api/v1/projects/{segment}/run-numbers"
    refused = httpx.post(url, headers={"Authorization": f"Bearer {team.keys['ann']}"})
    assert refused.status_code == 400 and "project=" in refused.text
    names = [p["name"] for p in team.api("/projects").json()]
    assert name not in names


def test_a_batch_that_fails_to_apply_is_kept_logged_and_counted(team: Team) -> None:
    sink = HttpSink(team.login("ann"), "stuck")
    last = sink.apply("stuck1", every_record("stuck1", "stuck"))
    rows = team.api("/projects/stuck/runs/stuck1").json()["history_rows"]

    def queue_row(first: int, n: int) -> None:
        """A batch written into the server's queue file past its checks, as a bug could."""
        with sqlite3.connect(team.store_dir / "cairn.ingest.db") as db:
            db.execute(
                "INSERT INTO ingest_queue (run_id, project, first_seq, last_seq, body, "
                "received_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    "stuck1",
                    "stuck",
                    first,
                    first + n - 1,
                    encode_batch(history_rows(n, first_seq=first)),
                    time.time(),
                ),
            )

    queue_row(last + 5, 3)  # seqs last+1..last+4 missing: it cannot apply
    deadline = time.monotonic() + 30
    while team.api_health()["failing"] != 1:
        assert time.monotonic() < deadline, team.server.output()
        time.sleep(0.05)
    assert "applying the queued batches of run stuck1 failed" in team.server.output()
    assert sink.last_seq("stuck1") == last + 7  # held: kept, not lost
    queue_row(last + 1, 4)  # the missing records: on its next try, all of it applies
    team.server.applied()
    assert team.api_health()["failing"] == 0
    assert team.api("/projects/stuck/runs/stuck1").json()["history_rows"] == rows + 7


def test_an_applier_that_dies_is_started_again(team: Team) -> None:
    """The applier process killed (SIGKILL): the server starts another, which applies what the
    workers acknowledged meanwhile; nothing acknowledged waits for ever."""
    server = psutil.Process(team.server.process.pid)
    appliers = [p for p in server.children(recursive=True) if "spawn_main" in " ".join(p.cmdline())]
    assert len(appliers) == 1, [p.cmdline() for p in server.children(recursive=True)]
    appliers[0].kill()
    appliers[0].wait(10)
    sink = HttpSink(team.login("ann"), "revived")
    last = sink.apply("revived1", every_record("revived1", "revived"))  # acknowledged, queued
    team.server.applied(timeout=60)
    assert sink.last_seq("revived1") == last
    run = team.api("/projects/revived/runs/revived1").json()
    assert run["id"] == "revived1"
    assert "exited with code -9; starting another" in team.server.output()


def test_each_batch_says_where_its_time_went(team: Team) -> None:
    """The answer's Server-Timing header names each phase of the request in order, and the
    sink keeps them (``make bench`` adds them up over a load test): a batch that had to wait
    for the queue's write lock says so."""
    sink = HttpSink(team.login(), "timed")
    last = sink.apply("timed1", every_record("timed1", "timed"))
    first = sink.phases[-1]
    phases = [
        "to auth",
        "auth",
        "to route",
        "gate",
        "body",
        "hop",
        "decode",
        "held",
        "lock",
        "insert",
    ]
    assert list(first) == ["sent", "took", "arrived", *phases, "back"]
    assert first["sent"] <= first["arrived"] <= first["sent"] + first["took"]
    assert sum(first[p] for p in [*phases, "back"]) <= first["took"]

    holder = sqlite3.connect(
        team.store_dir / "cairn.ingest.db", isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")  # the queue's write lock, held for 0.6 s
    threading.Timer(0.6, holder.commit).start()
    sink.apply("timed1", history_rows(10, first_seq=last + 1))
    waited = sink.phases[-1]
    assert waited["lock"] >= 0.5 and waited["lock"] > 2 * sum(
        waited[p] for p in phases if p != "lock"
    )
    holder.close()


def test_a_busy_server_says_when_to_send_again_and_a_run_waits_its_turn(
    team: Team, tmp_path: Path
) -> None:
    """A worker takes four batches at once (the default): a fifth is refused at once, before its
    body is read, with 429 and when to send it again; a run logging meanwhile waits its turn in
    its syncer thread, warns of nothing and loses nothing."""
    release = threading.Event()
    held: list[httpx.Response] = []

    def slow_batch(run_id: str) -> None:
        body = encode_batch(every_record(run_id, "busy"))

        def chunks() -> Iterator[bytes]:
            yield body[:10]
            release.wait(60)  # the batch stays in hand until the test lets it go
            yield body[10:]

        held.append(
            httpx.post(
                f"{team.server.url}/api/v1/projects/busy/runs/{run_id}/records",
                content=chunks(),  # with its length: a chunked body is read whole at once
                headers={
                    "Authorization": f"Bearer {team.keys['ann']}",
                    "Content-Length": str(len(body)),
                },
                timeout=60,
            )
        )

    def gate() -> dict[str, int]:
        found: dict[str, int] = httpx.get(f"{team.server.url}/api/v1/health").json()["gate"]
        return found

    refused_before = gate()["refused"]
    holders = [threading.Thread(target=slow_batch, args=(f"held{i}",)) for i in range(4)]
    for holder in holders:
        holder.start()
    try:
        assert wait_for(lambda: gate()["busy"] == 4)
        assert gate()["limit"] == 4
        sink = HttpSink(team.login(), "busy")
        with pytest.raises(ServerBusyError) as refused:
            sink.apply("probe1", every_record("probe1", "busy"))
        assert 0 < refused.value.retry_after <= 10
        raw = httpx.post(
            f"{team.server.url}/api/v1/projects/busy/runs/probe1/records",
            content=b"not even a batch: never read",
            headers={"Authorization": f"Bearer {team.keys['ann']}"},
        )
        assert raw.status_code == 429
        assert int(raw.headers["Retry-After"]) >= 1
        assert float(raw.headers["Cairn-Retry-After"]) > 0
        assert "send this one again in" in raw.json()["detail"]

        script = tmp_path / "train.py"
        script.write_text(TRAIN)
        env = {"CAIRN_URL": team.server.url, "CAIRN_API_KEY": team.keys["ann"]}
        training = subprocess.Popen(
            [sys.executable, str(script), "busy", str(STEPS)],
            cwd=tmp_path,
            env={**os.environ, "CAIRN_DIR": str(tmp_path / ".cairn"), **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert wait_for(lambda: gate()["refused"] > refused_before + 3)  # its batches too
    finally:
        release.set()
        for holder in holders:
            holder.join(60)
    out, err = training.communicate(timeout=180)
    assert training.returncode == 0, err
    assert "cannot sync" not in err
    assert [r.status_code for r in held] == [200] * 4
    assert history_count(team, "busy", out.split()[0]) == STEPS
    sink._not_before = 0.0  # the test's own wait: the line may still be there
    assert sink.apply("probe1", every_record("probe1", "busy")) == len(every_record())
    assert len(sink.refusals) == 1 and len(sink.timings) == 1


class _Pacing(BaseHTTPRequestHandler):
    """A server with a line: takes every batch and says to send the next in 0.5 s."""

    posts: ClassVar[list[float]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        type(self).posts.append(time.monotonic())
        body = b'{"last_seq": 1}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cairn-Next-After", "0.500")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_a_client_told_when_to_send_its_next_batch_waits_for_it() -> None:
    """The answer's ``Cairn-Next-After`` holds the client's next batch back, unsent, for that
    long: the syncer is told to wait (ServerBusyError), then sends it."""
    pacing = ThreadingHTTPServer(("127.0.0.1", 0), _Pacing)
    threading.Thread(target=pacing.serve_forever, daemon=True).start()
    sink = HttpSink(Login(f"http://127.0.0.1:{pacing.server_address[1]}", "cairn_" + "x" * 43), "p")
    try:
        assert sink.apply("paced1", every_record("paced1", "p")) == 1
        with pytest.raises(ServerBusyError) as held:
            sink.apply("paced1", history_rows(5, first_seq=100))
        assert 0.3 < held.value.retry_after <= 0.5
        assert len(_Pacing.posts) == 1  # nothing was sent
        time.sleep(held.value.retry_after)
        sink.apply("paced1", history_rows(5, first_seq=100))
        assert len(_Pacing.posts) == 2 and _Pacing.posts[1] - _Pacing.posts[0] >= 0.5
    finally:
        pacing.shutdown()
        pacing.server_close()


class _Numbers(BaseHTTPRequestHandler):
    """Hands out run numbers over keep-alive HTTP/1.1, noting each request's client port."""

    protocol_version = "HTTP/1.1"
    ports: ClassVar[list[int]] = []

    def do_POST(self) -> None:
        type(self).ports.append(self.client_address[1])
        body = f'{{"number": {len(self.ports)}}}'.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_the_runs_of_a_process_share_one_connection() -> None:
    """A process that starts many runs (a sweep agent) opens one connection to the server, not
    one a run (each run's sink left its own open until it was collected)."""
    numbers = ThreadingHTTPServer(("127.0.0.1", 0), _Numbers)
    threading.Thread(target=numbers.serve_forever, daemon=True).start()
    login = Login(f"http://127.0.0.1:{numbers.server_address[1]}", "cairn_" + "n" * 43)
    try:
        got = [HttpSink(login, "p").reserve_run_number("p") for _ in range(3)]
        assert got == [1, 2, 3]
        assert len(set(_Numbers.ports)) == 1
    finally:
        numbers.shutdown()
        numbers.server_close()
