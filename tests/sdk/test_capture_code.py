"""The code section: the entry script, a content-addressed snapshot, staged once."""

from __future__ import annotations

import hashlib
import sys
import types
import warnings
from pathlib import Path

import pytest
from tests.fakes.planted import PLANTED, PRIVATE_KEY, PRIVATE_KEY_BODY, lines
from tests.fakes.repos import make_repo

from cairn.sdk.capture.code import code_section
from cairn.sdk.capture.stager import Stager


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_snapshot_of_the_tracked_files(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"train.py": "print('hi')\n", "lib/m.py": "M = 1\n"})
    (repo / "lib" / "m.py").write_text("M = 2\n")  # the working tree's bytes are snapshotted
    (repo / "untracked.py").write_text("secret = 1\n")
    stager = Stager(tmp_path / "files", None)
    section, blobs = code_section(
        repo / "train.py", repo, save_code=True, limit=10**6, stager=stager
    )
    assert section["entry"]["path"] == "train.py"
    assert section["entry"]["content"] == "print('hi')\n"
    files = section["snapshot"]["files"]
    assert files == {
        "lib/m.py": {"sha256": sha(b"M = 2\n"), "size": 6},
        "train.py": {"sha256": sha(b"print('hi')\n"), "size": 12},
    }
    assert sorted(blobs) == sorted(f["sha256"] for f in files.values())
    for digest in blobs:
        assert sha((tmp_path / "files" / digest).read_bytes()) == digest


def test_files_the_store_has_are_linked_not_copied_offline(tmp_path: Path) -> None:
    """Offline, the store's copy may be removed by ``cairn gc`` before the run syncs: the run
    keeps its own name for the bytes (a hard link, so nothing is copied)."""
    repo = make_repo(tmp_path / "r", {"a.py": "A = 1\n", "b.py": "B = 1\n"})
    store_blobs = tmp_path / "blobs"
    known = sha(b"A = 1\n")
    (store_blobs / known[:2] / known[2:4]).mkdir(parents=True)
    stored = store_blobs / known[:2] / known[2:4] / known
    stored.write_bytes(b"A = 1\n")
    stager = Stager(tmp_path / "files", store_blobs)
    code_section(repo / "a.py", repo, save_code=True, limit=10**6, stager=stager)
    files = tmp_path / "files"
    assert sorted(p.name for p in files.iterdir()) == sorted([known, sha(b"B = 1\n")])
    assert (files / known).stat().st_ino == stored.stat().st_ino
    assert stager.staged == len(b"B = 1\n"), "the known file's bytes are not written again"
    stored.unlink()  # gc removes the store's copy: the run's stays
    assert (files / known).read_bytes() == b"A = 1\n"
    again = Stager(tmp_path / "files", store_blobs)
    code_section(repo / "a.py", repo, save_code=True, limit=10**6, stager=again)
    assert again.staged == 0, "a second run with the same code stages nothing"


def test_files_the_store_has_are_not_staged_online(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": "A = 1\n"})
    store_blobs = tmp_path / "blobs"
    known = sha(b"A = 1\n")
    (store_blobs / known[:2] / known[2:4]).mkdir(parents=True)
    (store_blobs / known[:2] / known[2:4] / known).write_bytes(b"A = 1\n")
    stager = Stager(tmp_path / "files", store_blobs, direct=True)
    code_section(repo / "a.py", repo, save_code=True, limit=10**6, stager=stager)
    assert stager.staged == 0 and not (tmp_path / "files").exists()


def test_the_snapshot_stops_at_the_limit_and_says_so(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": "a" * 60, "b.py": "b" * 60})
    section, _ = code_section(
        None, repo, save_code=True, limit=100, stager=Stager(tmp_path / "f", None)
    )
    snapshot = section["snapshot"]
    assert list(snapshot["files"]) == ["a.py"] and snapshot["skipped"] == ["b.py"]
    assert "1 files were left out" in snapshot["note"]


def test_without_save_code_only_the_entry_script(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"train.py": "x = 1\n"})
    section, blobs = code_section(
        repo / "train.py", repo, save_code=False, limit=10**6, stager=Stager(tmp_path / "f", None)
    )
    assert section["snapshot"] is None and blobs == []
    assert section["entry"]["content"] == "x = 1\n"


def test_outside_a_repository_the_source_files_beside_the_script(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    (folder / "models").mkdir(parents=True)
    (folder / "train.py").write_text("import models\n")
    (folder / "models" / "net.py").write_text("NET = 1\n")
    (folder / "conf.yaml").write_text("lr: 0.1\n")
    (folder / "data.bin").write_bytes(b"\0" * 100)
    (folder / ".venv" / "lib").mkdir(parents=True)
    (folder / ".venv" / "lib" / "x.py").write_text("")
    (folder / "env" / "lib").mkdir(parents=True)
    (folder / "env" / "pyvenv.cfg").write_text("")
    (folder / "env" / "lib" / "y.py").write_text("")
    section, _ = code_section(
        folder / "train.py", None, save_code=True, limit=10**6, stager=Stager(tmp_path / "f", None)
    )
    assert section["entry"]["path"] == "train.py"
    assert section["snapshot"]["source"] == "folder"
    assert sorted(section["snapshot"]["files"]) == ["conf.yaml", "models/net.py", "train.py"]


def test_an_online_run_writes_into_the_store_not_the_staging_folder(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": "A = 1\n"})
    stager = Stager(tmp_path / "files", tmp_path / "blobs", direct=True)
    _, blobs = code_section(repo / "a.py", repo, save_code=True, limit=10**6, stager=stager)
    digest = blobs[0]
    assert (tmp_path / "blobs" / digest[:2] / digest[2:4] / digest).read_bytes() == b"A = 1\n"
    assert not (tmp_path / "files").exists()


class FakeShell:
    """Stands in for IPython's ZMQInteractiveShell: a user namespace with ``In``."""

    def __init__(self, namespace: dict[str, object]) -> None:
        self.user_ns = namespace


def _in_a_kernel(monkeypatch: pytest.MonkeyPatch, shell: FakeShell | None) -> None:
    module = types.ModuleType("IPython")
    module.get_ipython = lambda: shell  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", module)


def test_in_a_notebook_the_executed_cells_and_the_notebook_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notebook = tmp_path / "explore.ipynb"
    notebook.write_text('{"cells": [], "nbformat": 4}')
    cells = ["", "import cairn", "run = cairn.init(project='nb')", "x = 1"]
    _in_a_kernel(monkeypatch, FakeShell({"In": cells}))
    monkeypatch.setenv("JPY_SESSION_NAME", str(notebook))
    stager = Stager(tmp_path / "files", None)
    section, digests = code_section(None, None, save_code=False, limit=10**6, stager=stager)
    nb = section["notebook"]
    assert nb["cells"] == cells[1:] and nb["executed_cells"] == 3
    assert nb["kernel"] == "FakeShell" and nb["path"] == str(notebook)
    assert nb["sha256"] == hashlib.sha256(notebook.read_bytes()).hexdigest()
    assert digests == [nb["sha256"]], "the notebook file is uploaded like the snapshot"
    assert (tmp_path / "files" / nb["sha256"]).read_bytes() == notebook.read_bytes()


def test_outside_ipython_there_is_no_notebook_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    section, _ = code_section(
        None, None, save_code=False, limit=10**6, stager=Stager(tmp_path, None)
    )
    assert "notebook" not in section
    _in_a_kernel(monkeypatch, None)  # IPython imported, but not running a shell
    section, _ = code_section(
        None, None, save_code=False, limit=10**6, stager=Stager(tmp_path, None)
    )
    assert "notebook" not in section


# ---- credentials are left out ----------------------------------------------------------------


def test_the_warning_about_files_left_out_is_said_once_per_store_for_the_same_files(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "train.py").write_text("import json\n")
    (folder / "credentials.json").write_text("{}")
    (tmp_path / ".cairn").mkdir()
    warned = tmp_path / ".cairn" / "warned"

    def snapshot(into: Path) -> list[str]:
        stager = Stager(into, None)
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            section, _ = code_section(
                folder / "train.py",
                None,
                save_code=True,
                limit=10**6,
                stager=stager,
                warned=warned,
            )
        assert section["snapshot"]["secrets_skipped"] == {
            **{"credentials.json": "name matches *credentials*"},
            **({"client_secret.json": "name matches *secret*"} if extra.exists() else {}),
        }  # every run lists them, warned or not
        return [str(w.message) for w in said if "look like credentials" in str(w.message)]

    extra = folder / "client_secret.json"
    assert len(snapshot(tmp_path / "run1")) == 1
    assert snapshot(tmp_path / "run2") == []  # the next run (a new process alike): quiet
    extra.write_text("{}")
    (again,) = snapshot(tmp_path / "run3")  # other files: said again
    assert "2 files" in again and "client_secret.json" in again
    assert snapshot(tmp_path / "run4") == []


def test_outside_a_repository_credential_files_are_left_out_by_name_and_contents(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "train.py").write_text("import json\n")
    (folder / "conf.yaml").write_text("lr: 0.1\nmax_tokens: 512\n")
    (folder / "credentials.json").write_text('{"user": "me", "pin": "quiet-pin-4"}')
    (folder / "client_secret.json").write_text("{}")
    by_kind = {p.kind: p for p in PLANTED}
    (folder / "env.sh").write_text(f"export AWS_KEY_ID={by_kind['aws-access-key-id'].secret}\n")
    (folder / "hub.yaml").write_text(f"hub: {by_kind['huggingface-token'].secret}\n")
    (folder / "db.ini").write_text("[db]\npassword = quiet-pass-5\n")
    (folder / "sa.json").write_text('{"private_key": "' + PRIVATE_KEY.replace("\n", "\\n") + '"}')
    stager = Stager(tmp_path / "files", None)
    with pytest.warns(
        UserWarning, match=r"6 files that look like credentials .* credentials\.json"
    ):
        section, blobs = code_section(
            folder / "train.py", None, save_code=True, limit=10**6, stager=stager
        )
    snapshot = section["snapshot"]
    assert sorted(snapshot["files"]) == ["conf.yaml", "train.py"]
    assert snapshot["secrets_skipped"] == {
        "client_secret.json": "name matches *secret*",
        "credentials.json": "name matches *credentials*",
        "db.ini": "contents: assignment",
        "env.sh": "contents: aws-access-key-id",
        "hub.yaml": "contents: huggingface-token",
        "sa.json": "contents: private-key",
    }
    staged = b"".join(p.read_bytes() for p in (tmp_path / "files").iterdir())
    for secret in ("quiet-pin-4", "quiet-pass-5", PRIVATE_KEY_BODY, *(p.secret for p in PLANTED)):
        assert secret.encode() not in staged
    assert len(blobs) == 2


def test_in_a_repository_tracked_credential_files_are_left_out_too(tmp_path: Path) -> None:
    token = PLANTED[2].secret
    repo = make_repo(
        tmp_path / "r",
        {
            "train.py": "print(1)\n",
            ".env": "DB=quiet-db-6\n",
            "deploy/server.pem": PRIVATE_KEY,
            "lib/hub.py": f"TOKEN = {token!r}\n",
            "lib/ok.py": "token = get_token()\n",
        },
    )
    with pytest.warns(UserWarning, match=r"3 files .* untrack the file"):
        section, _ = code_section(
            repo / "train.py",
            repo,
            save_code=True,
            limit=10**6,
            stager=Stager(tmp_path / "f", None),
        )
    assert sorted(section["snapshot"]["files"]) == ["lib/ok.py", "train.py"]
    assert section["snapshot"]["secrets_skipped"] == {
        ".env": "name matches .env",
        "deploy/server.pem": "name matches *.pem",
        "lib/hub.py": "contents: github-token",
    }


def test_the_entry_scripts_text_is_kept_with_its_secrets_redacted(tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_text("\n".join(lines()) + "\nlr = 0.1\n")
    stager = Stager(tmp_path / "files", None)
    with pytest.warns(UserWarning, match="train.py"):
        section, _ = code_section(script, None, save_code=True, limit=10**6, stager=stager)
    entry = section["entry"]
    assert entry["content"].endswith("\nlr = 0.1\n")
    assert not [p.secret for p in PLANTED if p.secret in entry["content"]]
    assert entry["redacted"] == sorted({p.kind for p in PLANTED})
    assert entry["sha256"] == sha(script.read_bytes()), "the hash is of the script that ran"
    assert section["snapshot"]["files"] == {} and not (tmp_path / "files").exists()


def test_an_entry_script_changed_between_runs_is_captured_as_it_is_now(tmp_path: Path) -> None:
    """The redacted text is kept for the same bytes only: a script rewritten between two runs of
    one process (same size, same second) is read, hashed and redacted again."""
    script = tmp_path / "train.py"
    stager = Stager(tmp_path / "files", None)
    sections = []
    for text in ('token = "hunter2hunter2"\nlr = 0.1\n', 'token = "hunter2hunter2"\nlr = 0.2\n'):
        script.write_text(text)
        for _ in range(2):
            section, _ = code_section(script, None, save_code=False, limit=10**6, stager=stager)
            sections.append(section["entry"])
    assert sections[0] == sections[1] and sections[2] == sections[3]
    assert sections[0]["content"] == 'token = "[REDACTED:assignment]"\nlr = 0.1\n'
    assert sections[2]["content"] == 'token = "[REDACTED:assignment]"\nlr = 0.2\n'
    assert sections[2]["sha256"] == sha(script.read_bytes())
    assert sections[0]["redacted"] == sections[2]["redacted"] == ["assignment"]


def test_notebook_cells_are_redacted_and_a_notebook_holding_secrets_is_not_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = PLANTED[5].secret
    notebook = tmp_path / "explore.ipynb"
    notebook.write_text('{"cells": [{"source": ["key = \\"' + token + '\\""]}]}')
    _in_a_kernel(monkeypatch, FakeShell({"In": ["", f"key = {token!r}", "x = 1"]}))
    monkeypatch.setenv("JPY_SESSION_NAME", str(notebook))
    stager = Stager(tmp_path / "files", None)
    section, digests = code_section(None, None, save_code=False, limit=10**6, stager=stager)
    nb = section["notebook"]
    assert nb["cells"] == ["key = '[REDACTED:openai-key]'", "x = 1"]
    assert "sha256" not in nb and digests == [] and "openai-key" in nb["note"]
