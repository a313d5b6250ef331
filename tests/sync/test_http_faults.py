"""A team server killed (SIGKILL) again and again while five runs log to it (its workers and
its applier, which stops once the server is gone, mid-apply or not): after it is back and
``cairn sync`` has run, every row of every run is in its store once."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tests.fakes.commands import cairn
from tests.fakes.ports import free_port
from tests.fakes.server import serve_command

from cairn.store.blobs import BlobStore
from cairn.store.ingest_queue import IngestQueue
from cairn.store.store import Store

RUNS = 5
STEPS = 100_000
KILLS = 10

SCRIPT = textwrap.dedent(
    """
    import sys, time, cairn
    run = cairn.init(project="faults", id=sys.argv[1])
    for step in range(int(sys.argv[2])):
        run.log({"loss": 1 / (step + 1), "step_copy": step})
        if step % 12 == 0:
            time.sleep(0.001)  # about 10 s of logging: the kills land while it runs
    run.finish()
    """
)


def test_a_server_killed_ten_times_loses_and_doubles_nothing(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    db = f"sqlite:///{shared / 'cairn.db'}"
    cairn("db", "upgrade", "--db", db)
    cairn("admin", "user", "create", "ann", "--db", db)
    key = cairn("admin", "key", "create", "ann", "--db", db).stdout.strip()
    command = ["server", "--db", str(shared / "cairn.db"), "--blobs", str(shared / "blobs")]
    port = free_port()
    client_env = {
        "CAIRN_URL": f"http://127.0.0.1:{port}",
        "CAIRN_API_KEY": key,
        "CAIRN_FINISH_TIMEOUT": "5",
    }
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    machines = [tmp_path / f"machine{i}" for i in range(RUNS)]  # a working folder each
    for machine in machines:
        machine.mkdir()
    rng = random.Random(7)
    kills = 0
    with serve_command(command, port=port) as first:
        runs = [
            subprocess.Popen(
                [sys.executable, str(script), f"run{i}", str(STEPS)],
                cwd=machine,
                env={**os.environ, **client_env, "CAIRN_DIR": str(machine / ".cairn")},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for i, machine in enumerate(machines)
        ]
        time.sleep(rng.uniform(0.5, 1.0))
        first.process.kill()  # SIGKILL: no chance to finish a request or a transaction
        kills += 1
    while kills < KILLS:
        with serve_command(command, port=port) as server:
            time.sleep(rng.uniform(0.2, 1.0))
            server.process.kill()
            kills += 1
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err.decode()

    store = Store(db, BlobStore(shared / "blobs"), migrate=False)
    queue = IngestQueue(store)
    before = sum(queue.held("faults", f"run{i}") for i in range(RUNS))
    queue.close()
    store.close()
    assert before > 0  # the runs' records reached the server (applied or queued) between kills
    with serve_command(command, port=port) as server:
        for machine in machines:
            cairn("sync", "--all", "--dir", str(machine / ".cairn"), env=client_env)
        server.applied()
    store = Store(db, BlobStore(shared / "blobs"), migrate=False)
    try:
        for i in range(RUNS):
            history = store.history(f"run{i}", ["step_copy"])
            steps = history.column("step_copy").to_pylist()
            assert len(steps) == STEPS, f"run{i}: {len(steps)} rows, not {STEPS}"
            assert sorted(steps) == list(range(STEPS)), f"run{i}: rows lost or doubled"
            assert store.run(f"run{i}").state == "finished"
    finally:
        store.close()
