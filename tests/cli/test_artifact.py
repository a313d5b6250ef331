"""``cairn artifact put|get|ls`` and ``cairn gc`` on a real store."""

from __future__ import annotations

import os
import time
from pathlib import Path

from click.testing import CliRunner, Result

from cairn.cli.main import cli


def invoke(*args: str) -> Result:
    return CliRunner(env={"COLUMNS": "250"}).invoke(cli, list(args))


def test_put_ls_get(store_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "train.csv").write_text("a,b\n1,2\n")
    (data / "val.csv").write_text("a,b\n3,4\n")
    put = invoke(
        "artifact",
        "put",
        str(data),
        "--name",
        "digits",
        "--type",
        "dataset",
        "--alias",
        "prod",
        "--project",
        "p",
    )
    assert put.exit_code == 0, put.output
    assert "p/digits:v0  2 files" in put.output
    assert "latest, prod" in put.output
    (data / "val.csv").write_text("a,b\n5,6\n")
    assert (
        "p/digits:v1"
        in invoke("artifact", "put", str(data), "--name", "digits", "--project", "p").output
    )

    listing = invoke("artifact", "ls", "--type", "dataset")
    assert listing.exit_code == 0, listing.output
    assert "digits" in listing.output and "v1" in listing.output
    assert "no artifacts" in invoke("artifact", "ls", "--type", "model").output
    versions = invoke("artifact", "ls", "p/digits")
    assert "v0" in versions.output and "prod" in versions.output

    got = invoke("artifact", "get", "p/digits:prod", "--root", str(tmp_path / "out"))
    assert got.exit_code == 0, got.output
    assert (tmp_path / "out" / "val.csv").read_text() == "a,b\n3,4\n"


def test_errors_are_clean(store_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    bad = invoke("artifact", "put", str(tmp_path / "f"), "--name", "no/slash")
    assert bad.exit_code != 0 and "letters, digits" in bad.output
    assert "Traceback" not in bad.output
    invoke("artifact", "put", str(tmp_path / "f"), "--name", "ok", "--project", "p")
    missing = invoke("artifact", "get", "p/ok:nope")
    assert missing.exit_code != 0 and "no version or alias 'nope'" in missing.output


def test_gc_dry_run_then_real(store_dir: Path, tmp_path: Path) -> None:
    import cairn

    (tmp_path / "f").write_text("x" * 2048)
    invoke("artifact", "put", str(tmp_path / "f"), "--name", "m", "--project", "p")
    cairn.Api().artifact("p/m:v0").delete()
    past = time.time() - 7200
    for root, _dirs, files in os.walk(store_dir / "blobs"):
        for name in files:
            os.utime(os.path.join(root, name), (past, past))
    dry = invoke("gc", "--dry-run")
    assert "would free 2.0 KB in 1 blobs" in dry.output, dry.output
    assert "freed 2.0 KB in 1 blobs" in invoke("gc").output
    assert "freed 0 B in 0 blobs" in invoke("gc").output
