"""``log_artifact`` and ``use_artifact`` in runs that log to a team server (``$CAIRN_URL``): the
version is the server's, and a run on another machine finds, uses and downloads it there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.fakes.reading import Reading, reading

import cairn
from cairn.errors import ArtifactNotFoundError

pytestmark = pytest.mark.usefixtures("no_open_run")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reading]:
    with reading("server", tmp_path_factory.mktemp("team") / ".cairn") as found:
        yield found


@pytest.fixture
def online(server: Reading, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A machine of its own (a working folder, no store) whose runs log to the server."""
    assert server.server is not None
    monkeypatch.setenv("CAIRN_URL", server.server.url)
    monkeypatch.setenv("CAIRN_API_KEY", str(server.key))
    monkeypatch.setenv("CAIRN_DIR", str(tmp_path / ".cairn"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_an_artifact_logged_on_one_machine_is_used_on_another(
    online: Path, server: Reading, tmp_path_factory: pytest.TempPathFactory
) -> None:
    data = online / "data"
    data.mkdir()
    (data / "train.csv").write_text("a,b\n1,2\n")
    with cairn.init(project="pipeline") as producer:
        art = cairn.Artifact("digits", type="dataset")
        art.add_dir(data)
        logged = producer.log_artifact(art, aliases=["best"])
        assert (logged.version, logged.aliases) == ("v0", ["latest", "best"])
        assert logged.logged_by() == [producer.id]
    assert not (online / ".cairn" / "cairn.db").exists()  # nothing stored on this machine

    other = tmp_path_factory.mktemp("elsewhere")
    with cairn.init(project="pipeline") as consumer:
        used = consumer.use_artifact("digits:best", type="dataset")
        assert (used.version, used.project) == ("v0", "pipeline")
        root = used.download(other / "digits")
        assert (root / "train.csv").read_text() == "a,b\n1,2\n"
        with pytest.raises(ArtifactNotFoundError):
            consumer.use_artifact("digits:nope")
    assert server.server is not None
    server.server.applied()  # the team server applies what it acknowledged a moment later
    stored = cairn.Api(server.dir).artifact("pipeline/digits:v0")
    assert stored.used_by() == [consumer.id]
    assert stored.logged_by() == [producer.id]
