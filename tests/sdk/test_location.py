"""Where the store lives: ``dir=``, else ``$CAIRN_DIR``, else the nearest ``.cairn/`` walking up
from the current folder, else a new ``./.cairn/``."""

from __future__ import annotations

from pathlib import Path

import pytest

import cairn
from cairn.sdk.location import find_store_dir, journal_path, run_dir


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("CAIRN_DIR", raising=False)
    return monkeypatch


def test_explicit_dir_wins(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("CAIRN_DIR", str(tmp_path / "env"))
    (tmp_path / ".cairn").mkdir()
    clean_env.chdir(tmp_path)
    assert find_store_dir(tmp_path / "given") == (tmp_path / "given").resolve()
    assert (tmp_path / "given").is_dir()


def test_env_var_beats_nearest(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    (tmp_path / ".cairn").mkdir()
    clean_env.chdir(tmp_path)
    clean_env.setenv("CAIRN_DIR", str(tmp_path / "env"))
    assert find_store_dir() == (tmp_path / "env").resolve()


def test_empty_env_var_is_ignored(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("CAIRN_DIR", "")
    clean_env.chdir(tmp_path)
    assert find_store_dir() == (tmp_path / ".cairn").resolve()


def test_nearest_walking_up(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    (tmp_path / ".cairn").mkdir()
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    clean_env.chdir(deep)
    assert find_store_dir() == (tmp_path / ".cairn").resolve()
    assert not (deep / ".cairn").exists()


def test_nearest_is_the_closest(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    (tmp_path / ".cairn").mkdir()
    (tmp_path / "a" / ".cairn").mkdir(parents=True)
    (tmp_path / "a" / "b").mkdir()
    clean_env.chdir(tmp_path / "a" / "b")
    assert find_store_dir() == (tmp_path / "a" / ".cairn").resolve()


def test_a_file_named_cairn_is_not_a_store(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / ".cairn").write_text("not a folder")
    (tmp_path / ".cairn").mkdir()
    clean_env.chdir(tmp_path / "work")
    assert find_store_dir(create=False) == (tmp_path / ".cairn").resolve()


def test_new_folder_in_cwd(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.chdir(tmp_path)
    found = find_store_dir(create=False)
    assert found == (tmp_path / ".cairn").resolve()
    assert not found.exists()
    assert find_store_dir() == found
    assert found.is_dir()


def test_user_home_is_expanded(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("HOME", str(tmp_path))
    assert find_store_dir("~/store", create=False) == (tmp_path / "store").resolve()


def test_run_paths(tmp_path: Path) -> None:
    assert run_dir(tmp_path, "abc") == tmp_path / "runs" / "abc"
    assert journal_path(tmp_path, "abc") == tmp_path / "runs" / "abc" / "journal"


@pytest.mark.usefixtures("no_open_run")
def test_init_uses_the_nearest_store(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    (tmp_path / ".cairn").mkdir()
    (tmp_path / "src").mkdir()
    clean_env.chdir(tmp_path / "src")
    run = cairn.init(project="loc")
    assert run.dir == (tmp_path / ".cairn").resolve()
    assert run.journal == run.dir / "runs" / run.id / "journal"
    assert run.journal.exists()
    run.finish(quiet=True)
    assert not (tmp_path / "src" / ".cairn").exists()
    assert cairn.Api().run(run.path).state == "finished"


@pytest.mark.usefixtures("no_open_run")
def test_init_creates_a_store_in_cwd(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.chdir(tmp_path)
    run = cairn.init(project="loc")
    run.finish(quiet=True)
    assert run.dir == (tmp_path / ".cairn").resolve()
    assert (tmp_path / ".cairn" / "cairn.db").is_file()


@pytest.mark.usefixtures("no_open_run")
def test_init_with_dir_and_env(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("CAIRN_DIR", str(tmp_path / "env"))
    clean_env.chdir(tmp_path)
    run = cairn.init(project="loc")
    run.finish(quiet=True)
    assert run.dir == (tmp_path / "env").resolve()
    other = cairn.init(project="loc", dir=tmp_path / "given")
    other.finish(quiet=True)
    assert other.dir == (tmp_path / "given").resolve()
    assert not (tmp_path / ".cairn").exists()
