"""``Api().artifact()`` / ``artifacts()`` and what an ``ArtifactVersion`` read back does (files,
versions, lineage, verified download, aliases, delete); from the store, and through a
``cairn server`` serving it (the ``reading`` fixture)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.fakes.reading import Reading

import cairn
from cairn.errors import ArtifactError, ArtifactNotFoundError
from cairn.store import Store

pytestmark = pytest.mark.usefixtures("no_open_run")


def dataset(folder: Path, rows: str, name: str = "digits-train") -> cairn.Artifact:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "train.csv").write_text(rows)
    (folder / "images").mkdir(exist_ok=True)
    (folder / "images" / "0.txt").write_text("pixels")
    art = cairn.Artifact(name, type="dataset", description="digits", metadata={"rows": 1})
    art.add_file(folder / "train.csv")
    art.add_dir(folder / "images", name="images")
    return art


@pytest.fixture(scope="module")
def lineage(reading: Reading, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """p/digits-train v0 (alias best) and v1 logged by ``producer``; v0 used by ``consumer``."""
    files = tmp_path_factory.mktemp("files")
    with reading.log("p") as producer:
        producer.log_artifact(dataset(files / "a", "a,b\n1,2\n"), aliases=["best"])
        producer.log_artifact(dataset(files / "b", "a,b\n3,4\n"))
    with reading.log("p") as consumer:
        consumer.use_artifact("digits-train:v0")
    return {"producer": producer.id, "consumer": consumer.id}


def test_a_version_with_its_files_and_metadata(lineage: dict[str, str], reading: Reading) -> None:
    api = reading.api()
    latest = api.artifact("p/digits-train:latest")
    assert (latest.name, latest.version, latest.type, latest.project) == (
        "digits-train",
        "v1",
        "dataset",
        "p",
    )
    assert latest.aliases == ["latest"]
    assert latest.metadata == {"rows": 1} and latest.description == "digits"
    assert [f["path"] for f in latest.files()] == ["images/0.txt", "train.csv"]
    assert latest.size == len("a,b\n3,4\n") + len("pixels") and latest.file_count == 2
    stored = cairn.Api(reading.dir).artifact("p/digits-train:latest")
    assert latest.info == stored.info  # every field, the manifest too
    assert api.artifact("digits-train:best").version == "v0"  # the one project with that name
    assert api.artifact("digits-train", project="p").version == "v1"
    with pytest.raises(ArtifactNotFoundError, match="best-ever"):
        api.artifact("p/digits-train:best-ever")
    with pytest.raises(ArtifactNotFoundError):
        api.artifact("p/nothing:latest")


def test_versions_and_lineage(lineage: dict[str, str], reading: Reading) -> None:
    api = reading.api()
    latest = api.artifact("p/digits-train:latest")
    assert [v.version for v in latest.versions()] == ["v1", "v0"]
    first = api.artifact("p/digits-train:v0")
    assert first.logged_by() == [lineage["producer"]]
    assert first.used_by() == [lineage["consumer"]]
    assert latest.used_by() == []
    used = api.run(f"p/{lineage['consumer']}").used_artifacts()
    assert [(v.name, v.version) for v in used] == [("digits-train", "v0")]
    logged = api.run(f"p/{lineage['producer']}").logged_artifacts()
    assert [v.version for v in logged] == ["v0", "v1"]
    assert [(a.name, a.versions, a.latest) for a in api.artifacts("p")] == [("digits-train", 2, 1)]
    assert api.artifacts("p", type="model") == []
    assert [a.name for a in api.artifacts()] == ["digits-train"]


def test_download_is_verified(lineage: dict[str, str], reading: Reading, tmp_path: Path) -> None:
    version = reading.api().artifact("p/digits-train:v0")
    root = version.download(tmp_path / "out")
    assert (root / "train.csv").read_text() == "a,b\n1,2\n"
    assert (root / "images" / "0.txt").read_text() == "pixels"
    # the stored bytes changed behind the store's back: the copy is refused, not kept
    digest = next(f["sha256"] for f in version.files() if f["path"] == "train.csv")
    blob = Path(Store.local(reading.dir).blobs.path(digest))
    kept = blob.read_bytes()
    os.chmod(blob, 0o644)
    try:
        blob.write_text("a,b\n6,6\n")
        with pytest.raises(ArtifactError, match="damaged or was changed"):
            version.download(tmp_path / "tampered")
        assert not (tmp_path / "tampered" / "train.csv").exists()
    finally:
        blob.write_bytes(kept)


def test_aliases_move_and_a_version_can_be_deleted(reading: Reading, tmp_path: Path) -> None:
    with reading.log("edits") as run:
        run.log_artifact(dataset(tmp_path / "a", "x\n1\n", name="model"))
        run.log_artifact(dataset(tmp_path / "b", "x\n2\n", name="model"))
    api = reading.api()
    first = api.artifact("edits/model:v0")
    first.set_aliases(["production"])
    assert first.aliases == ["production"]
    assert api.artifact("edits/model:production").version == "v0"
    api.artifact("edits/model:v1").delete()
    assert api.artifact("edits/model:latest").version == "v0"
    assert [v.version for v in api.artifact("edits/model:v0").versions()] == ["v0"]
    with pytest.raises(ValueError, match="looks like a version"):
        first.set_aliases(["v7"])
