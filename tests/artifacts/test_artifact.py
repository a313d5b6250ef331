"""Logging, versioning and downloading artifacts through a real run on a local store."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

import cairn
from cairn.errors import ArtifactError, ArtifactNotFoundError, UsageError
from cairn.store.store import Store


def dataset(tmp_path: Path, rows: str = "a,b\n1,2\n") -> cairn.Artifact:
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "train.csv").write_text(rows)
    (tmp_path / "data" / "images").mkdir(exist_ok=True)
    (tmp_path / "data" / "images" / "0.txt").write_text("pixels")
    art = cairn.Artifact("digits-train", type="dataset", metadata={"rows": 1})
    art.add_file(tmp_path / "data" / "train.csv")
    art.add_dir(tmp_path / "data" / "images", name="images")
    return art


def blob_files(store_dir: Path) -> list[Path]:
    return [p for p in (store_dir / "blobs").rglob("*") if p.is_file()]


def test_log_assigns_v0_with_latest_and_aliases(store_dir: Path, tmp_path: Path) -> None:
    with cairn.init(project="p") as run:
        v = run.log_artifact(dataset(tmp_path), aliases=["best"])
        assert (v.name, v.version, v.aliases) == ("digits-train", "v0", ["latest", "best"])
        assert [f["path"] for f in v.files()] == ["images/0.txt", "train.csv"]
        assert v.size == len("a,b\n1,2\n") + len("pixels")
        assert v.metadata == {"rows": 1}
        assert v.logged_by() == [run.id]


def test_same_contents_give_the_existing_version_stored_once(
    store_dir: Path, tmp_path: Path
) -> None:
    with cairn.init(project="p") as run:
        first = run.log_artifact(dataset(tmp_path))
        blobs = len(blob_files(store_dir))
        again = run.log_artifact(dataset(tmp_path), aliases=["prod"])
        assert again.version == first.version == "v0"
        assert again.digest == first.digest
        assert "prod" in first.aliases  # aliases still applied to the existing version
        assert len(blob_files(store_dir)) == blobs
        other = cairn.Artifact("copy", type="dataset")
        other.add_file(tmp_path / "data" / "train.csv")
        run.log_artifact(other)
        assert len(blob_files(store_dir)) == blobs  # same file, another artifact: no new blob


def test_new_contents_make_new_versions_and_aliases_move(store_dir: Path, tmp_path: Path) -> None:
    with cairn.init(project="p") as run:
        v0 = run.log_artifact(dataset(tmp_path), aliases=["best"])
        v1 = run.log_artifact(dataset(tmp_path, "a,b\n3,4\n"))
        v2 = run.log_artifact(dataset(tmp_path, "a,b\n5,6\n"), aliases=["best"])
        assert [v.version for v in (v0, v1, v2)] == ["v0", "v1", "v2"]
        assert v0.aliases == []
        assert v1.aliases == []
        assert v2.aliases == ["latest", "best"]
        v1.set_aliases(["production"])
        assert run.use_artifact("digits-train:production").version == "v1"
        assert [v.version for v in v2.versions()] == ["v2", "v1", "v0"]
        v2.delete()
        assert run.use_artifact("digits-train:latest").version == "v1"
        with pytest.raises(ArtifactNotFoundError, match="no version or alias 'best'"):
            run.use_artifact("digits-train:best")


def test_use_records_lineage_and_download_verifies(store_dir: Path, tmp_path: Path) -> None:
    with cairn.init(project="p") as producer:
        producer.log_artifact(dataset(tmp_path))
    with cairn.init(project="p") as consumer:
        used = consumer.use_artifact("digits-train:v0")
        root = used.download(tmp_path / "out")
        assert (root / "train.csv").read_text() == "a,b\n1,2\n"
        assert (root / "images" / "0.txt").read_text() == "pixels"
    api = cairn.Api()
    art = api.artifact("p/digits-train:latest")
    assert art.logged_by() == [producer.id]
    assert art.used_by() == [consumer.id]
    assert [v.version for v in api.run(f"p/{consumer.id}").used_artifacts()] == ["v0"]
    assert [v.name for v in api.run(f"p/{producer.id}").logged_artifacts()] == ["digits-train"]


def test_download_leaves_exactly_the_files_and_use_checks_the_type(
    store_dir: Path, tmp_path: Path
) -> None:
    with cairn.init(project="p") as producer:
        producer.log_artifact(dataset(tmp_path))
    with cairn.init(project="p") as consumer:
        root = consumer.use_artifact("digits-train:latest", type="dataset").download(tmp_path / "o")
        with pytest.raises(ValueError, match="is of type 'dataset'"):
            consumer.use_artifact("digits-train:latest", type="model")
    found = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    assert found == ["images", "images/0.txt", "train.csv"]


def test_second_download_is_served_from_the_verified_folder(
    store_dir: Path, tmp_path: Path
) -> None:
    with cairn.init(project="p") as run:
        v = run.log_artifact(dataset(tmp_path))
    root = v.download(tmp_path / "out")
    stamp = (root / "train.csv").stat().st_mtime_ns
    Store.local(store_dir).blobs.delete(v.files()[1]["sha256"])  # a copy would now fail
    assert v.download(tmp_path / "out") == root
    assert (root / "train.csv").stat().st_mtime_ns == stamp
    (root / "train.csv").write_text("edited locally")  # changed: fetched (and checked) again
    with pytest.raises(ArtifactError, match="has no contents"):
        v.download(tmp_path / "out")


def test_tampered_blob_fails_verification(store_dir: Path, tmp_path: Path) -> None:
    with cairn.init(project="p") as run:
        v = run.log_artifact(dataset(tmp_path))
    digest = next(f["sha256"] for f in v.files() if f["path"] == "train.csv")
    blob = Store.local(store_dir).blobs.path(digest)
    os.chmod(blob, 0o644)
    Path(blob).write_text("a,b\n6,6\n")
    with pytest.raises(ArtifactError, match="damaged or was changed"):
        v.download(tmp_path / "out")
    assert not (tmp_path / "out" / "train.csv").exists()


def test_file_reference_is_recorded_not_copied_and_checked(store_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "big.bin"
    source.write_bytes(b"x" * 1000)
    art = cairn.Artifact("refs", type="dataset")
    art.add_reference(source.as_uri())
    with cairn.init(project="p") as run:
        v = run.log_artifact(art)
    assert v.files() == [
        {
            "path": "big.bin",
            "ref": source.as_uri(),
            "size": 1000,
            "sha256": hashlib.sha256(b"x" * 1000).hexdigest(),
        }
    ]
    assert blob_files(store_dir) == []
    assert (v.download(tmp_path / "out") / "big.bin").read_bytes() == b"x" * 1000
    source.write_bytes(b"y" * 1000)
    with pytest.raises(ArtifactError, match="damaged or was changed"):
        v.download(tmp_path / "other")


def test_names_and_aliases_are_validated(store_dir: Path, tmp_path: Path) -> None:
    for bad in ("", "a/b", "..", "a b", "x" * 129, "naïve"):
        with pytest.raises(ValueError, match="letters, digits"):
            cairn.Artifact(bad)
    art = dataset(tmp_path)
    with pytest.raises(ValueError, match="already has an entry"):
        art.add_file(tmp_path / "data" / "train.csv")
    with pytest.raises(ValueError, match="no NaN"):
        cairn.Artifact("m", metadata={"x": float("nan")})
    with cairn.init(project="p") as run:
        with pytest.raises(ValueError, match="alias 'v3' looks like a version"):
            run.log_artifact(art, aliases=["v3"])
        with pytest.raises(ValueError, match="is empty"):
            run.log_artifact(cairn.Artifact("empty"), wait=True)


def test_wait_false_returns_at_once_and_resolves_later(store_dir: Path, tmp_path: Path) -> None:
    with cairn.init(project="p") as run:
        pending = run.log_artifact(dataset(tmp_path), wait=False)
        assert pending.wait().version == "v0"


def test_offline_run_gets_its_version_when_synced(store_dir: Path, tmp_path: Path) -> None:
    from cairn.sync.syncer import sync_journal

    run = cairn.init(project="p", mode="offline")
    v = run.log_artifact(dataset(tmp_path))
    run.finish(quiet=True)
    assert v.version is None
    with pytest.raises(UsageError, match="cairn sync"):
        v.files()
    assert run.journal is not None
    store = Store.local(store_dir)
    sync_journal(run.journal, store)
    synced = cairn.Api().artifact("p/digits-train:latest")
    assert synced.version == "v0"
    assert (synced.download(tmp_path / "out") / "train.csv").read_text() == "a,b\n1,2\n"


def test_disabled_run_keeps_nothing(tmp_path: Path) -> None:
    run = cairn.init(project="p", mode="disabled")
    assert run.log_artifact(dataset(tmp_path)).version is None
    run.finish()


def test_finish_waits_for_an_artifact_still_staging(store_dir: Path, tmp_path: Path) -> None:
    run = cairn.init(project="p")
    run.log_artifact(dataset(tmp_path), wait=False)
    run.finish(quiet=True)
    assert [a.name for a in cairn.Api().artifacts("p")] == ["digits-train"]
