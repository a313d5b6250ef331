"""A manifest entry never writes outside the download root: ``..``, absolute paths, symlinks."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import cairn
from cairn.artifacts.artifact import Artifact
from cairn.errors import ArtifactError
from cairn.journal.records import ArtifactLog, RunStart
from cairn.store.store import Store

BAD_PATHS = ["../escape.txt", "a/../../escape.txt", "/etc/escape.txt", "a\\..\\x", "a//b", "./a"]


def log_raw(store: Store, manifest: dict[str, dict[str, object]]) -> None:
    """Apply a hand-made record, as a malicious or corrupted journal would carry it."""
    digest = store.put_blob(b"payload")
    for entry in manifest.values():
        entry.setdefault("sha256", digest)
        entry.setdefault("size", 7)
    store.apply(
        "evil",
        [
            RunStart(seq=1, run_id="evil", project="p", name="evil", created_at=time.time()),
            ArtifactLog(
                seq=2,
                name="bad",
                artifact_type="dataset",
                digest=Artifact.digest_of(manifest),  # type: ignore[arg-type]
                manifest=manifest,  # type: ignore[arg-type]
                ts=time.time(),
            ),
        ],
    )


@pytest.mark.parametrize("path", BAD_PATHS)
def test_traversal_paths_are_refused_on_download(
    store_dir: Path, tmp_path: Path, path: str
) -> None:
    log_raw(Store.local(store_dir), {path: {}})
    root = tmp_path / "deep" / "root"
    with pytest.raises(ArtifactError, match="not a safe relative path"):
        cairn.Api().artifact("p/bad:latest").download(root)
    assert not (tmp_path / "deep" / "escape.txt").exists()
    assert not (tmp_path / "escape.txt").exists()


@pytest.mark.parametrize("path", BAD_PATHS)
def test_traversal_names_are_refused_when_adding(tmp_path: Path, path: str) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(ArtifactError, match="not a safe relative path"):
        cairn.Artifact("a").add_file(tmp_path / "f", name=path)


def test_a_symlinked_folder_in_the_root_cannot_lead_out(store_dir: Path, tmp_path: Path) -> None:
    log_raw(Store.local(store_dir), {"sub/x.txt": {}})
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "root"
    root.mkdir()
    (root / "sub").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ArtifactError, match="leads outside"):
        cairn.Api().artifact("p/bad:latest").download(root)
    assert list(outside.iterdir()) == []


def test_a_symlinked_file_in_the_root_is_replaced_not_followed(
    store_dir: Path, tmp_path: Path
) -> None:
    log_raw(Store.local(store_dir), {"x.txt": {}})
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    root = tmp_path / "root"
    root.mkdir()
    (root / "x.txt").symlink_to(victim)
    cairn.Api().artifact("p/bad:latest").download(root)
    assert victim.read_text() == "keep me"
    assert not (root / "x.txt").is_symlink()
    assert (root / "x.txt").read_bytes() == b"payload"
