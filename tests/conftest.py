"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import create_engine, text

if TYPE_CHECKING:
    from tests.fakes.reading import Reading

QUIET_CAPTURE = {
    "CAIRN_CAPTURE_GIT": "0",
    "CAIRN_SAVE_CODE": "0",
    "CAIRN_CAPTURE_CONSOLE": "0",
    "CAIRN_SYSTEM_METRICS": "0",
}
"""Runs made by tests inside pytest would snapshot the checkout pytest is installed in, tee
pytest's own streams and add system rows to slow tests' histories: tests not about capture or
system metrics run without them. Those tests set their own."""

# Session- and module-scoped fixtures (the e2e demo stores) are set up before the autouse fixture
# below runs: they too log quietly (the sampler's timing must not decide what their runs hold,
# and each run's finish() waited about a second for its git, code and console capture of the
# checkout: 45 runs of one e2e module's store took 45 s). A fixture that needs a capture turns
# it on itself (``tests.fakes.repos.full_capture``).
for _name, _value in QUIET_CAPTURE.items():
    os.environ.setdefault(_name, _value)
# Artifact downloads keep their index in the user's cache folder: the suite's go to a folder of
# its own, never the home folder's.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="cairn-test-cache-")
# A login saved by `cairn login` on this machine must not send the suite's runs to a server.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="cairn-test-config-")
for _name in ("CAIRN_URL", "CAIRN_API_KEY"):
    os.environ.pop(_name, None)


# The suite runs in several processes at once (pytest-xdist, `make test`); a new test must keep
# working there:
# - a server, cluster or endpoint listens on `tests.fakes.ports.free_port()` (or `serve`/
#   `serve_command`, which use it), never a fixed port nor a port found by `bind(0)`;
# - files go under `tmp_path`/`tmp_path_factory`, never a fixed folder (/tmp/x, the checkout);
# - PostgreSQL through the `postgres` fixture (a database per test), S3 through `s3` (a bucket);
# - test ids are the same in every process: no `ids=repr` over objects whose repr holds an
#   address (use `stable_id`);
# - a whole file runs in one process (`--dist loadfile`), so module fixtures are built once: put
#   tests sharing an expensive module fixture in one file;
# - a session-scoped store (the e2e demo store) is shared by every file its worker runs, in an
#   order that differs from one process: a test that changes it (renames a run, saves a view)
#   puts it back, as test_run_page's `renamed_back` does.


def stable_id(value: object) -> str:
    """A parametrize id that is the same in every process (``repr`` of a bare ``object()`` holds
    its address)."""
    return "object()" if type(value) is object else repr(value)


@pytest.fixture(autouse=True)
def quiet_capture(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in QUIET_CAPTURE.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty ``.cairn`` folder that ``$CAIRN_DIR`` points at."""
    path = tmp_path / ".cairn"
    path.mkdir()
    monkeypatch.setenv("CAIRN_DIR", str(path))
    return path


@pytest.fixture(scope="module", params=["store", "server"])
def reading(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Reading]:
    """A fresh store for the test module, read through ``cairn.Api(dir)``, then again through a
    ``cairn server`` serving it (``Api(url=…)``): the tests taking it run once each way."""
    from tests.fakes.reading import reading as reading_through

    dir = tmp_path_factory.mktemp(f"reading-{request.param}") / ".cairn"
    with pytest.MonkeyPatch.context() as env:  # module-scoped: before the autouse fixtures
        for name, value in QUIET_CAPTURE.items():
            env.setenv(name, value)
        with reading_through(request.param, dir) as found:
            yield found


@pytest.fixture
def keep_journal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep finished runs' journals (removed by default once the store holds them all), for
    tests that read or tamper with a finished run's journal."""
    monkeypatch.setenv("CAIRN_KEEP_JOURNAL", "1")


@pytest.fixture
def no_open_run() -> Iterator[None]:
    """Finishes a run a test left open, so the next test starts without a current run."""
    yield
    from cairn.sdk import session

    run = session.current()
    if run is not None:
        run.finish(quiet=True)


# ---- the team server's parts: PostgreSQL and S3, real, on loopback ----------------------------


class Postgres:
    """The session's PostgreSQL cluster; each test takes a database of its own."""

    TEMPLATE = "cairn_template"

    def __init__(self, cluster: Any) -> None:
        self.cluster = cluster
        self.admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        self._template_ready = False

    def empty_database(self) -> str:
        """The URL of a new, empty database (no schema)."""
        name = f"t_{uuid.uuid4().hex[:16]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        return self.cluster.database_url(name)

    def database(self) -> str:
        """The URL of a new database at the current schema (copied from a migrated template)."""
        if not self._template_ready:
            from cairn.store.engine import create_store_engine, ensure_schema

            with self.admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self.TEMPLATE}"'))
            engine = create_store_engine(self.cluster.database_url(self.TEMPLATE))
            ensure_schema(engine)
            engine.dispose()
            self._template_ready = True
        name = f"t_{uuid.uuid4().hex[:16]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.TEMPLATE}"'))
        return self.cluster.database_url(name)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    from tests.fakes import postgres as cluster

    started = cluster.start()
    service = Postgres(started)
    try:
        yield service
    finally:
        service.admin.dispose()
        started.stop()


class S3:
    """The session's S3 endpoint (moto); each test takes a bucket of its own."""

    def __init__(self, endpoint: Any) -> None:
        self.endpoint = endpoint

    @property
    def environment(self) -> dict[str, str]:
        return dict(self.endpoint.environment)

    def bucket(self) -> str:
        """The ``s3://`` URL of a new, empty bucket."""
        name = f"cairn-{uuid.uuid4().hex[:16]}"
        self.endpoint.make_bucket(name)
        return f"s3://{name}/blobs"


@pytest.fixture(scope="session")
def s3() -> Iterator[S3]:
    from tests.fakes import s3 as moto

    endpoint = moto.start()
    saved = {name: os.environ.get(name) for name in endpoint.environment}
    os.environ.update(endpoint.environment)  # the suite's processes and their children find it
    try:
        yield S3(endpoint)
    finally:
        endpoint.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
