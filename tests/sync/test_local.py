"""The runs of one process share the Store of their folder, and a folder deleted or replaced
between two runs is opened again: the second run lands in the new store, nothing in a deleted
file."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cairn
from cairn.store.store import Store
from cairn.sync import local

pytestmark = pytest.mark.usefixtures("no_open_run")


def _one_run(store: Path, name: str) -> None:
    with cairn.init(project="p", dir=store, name=name) as run:
        run.log({"loss": 1.0})


def test_runs_of_a_process_open_their_store_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Path] = []
    real = Store.local.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Store], root: Path) -> Store:
        opened.append(Path(root))
        return real(cls, root)

    monkeypatch.setattr(Store, "local", classmethod(counting))
    for name in ("a", "b", "c"):
        _one_run(tmp_path / ".cairn", name)
    assert opened == [tmp_path / ".cairn"]
    assert sorted(r.name for r in cairn.Api(tmp_path / ".cairn").runs("p")) == ["a", "b", "c"]


def test_a_store_deleted_between_two_runs_is_opened_again(tmp_path: Path) -> None:
    store = tmp_path / ".cairn"
    _one_run(store, "before")
    shutil.rmtree(store)
    _one_run(store, "after")
    assert [r.name for r in cairn.Api(store).runs("p")] == ["after"]


def test_a_process_keeps_a_few_stores_open_at_most(tmp_path: Path) -> None:
    for i in range(local.SHARED_MOST + 3):
        _one_run(tmp_path / f"s{i}", "r")
    mine = [root for pid, root in local._SHARED if pid == multiprocessing.current_process().pid]
    assert len(mine) <= local.SHARED_MOST
    assert (tmp_path / f"s{local.SHARED_MOST + 2}").resolve() in mine  # the last used stays


def _child(store: str) -> None:
    _one_run(Path(store), "child")


def test_a_forked_child_opens_its_own_store(tmp_path: Path) -> None:
    store = tmp_path / ".cairn"
    _one_run(store, "parent")
    child = multiprocessing.get_context("fork").Process(target=_child, args=(str(store),))
    child.start()
    child.join(60)
    assert child.exitcode == 0
    _one_run(store, "parent again")
    names = sorted(r.name for r in cairn.Api(store).runs("p"))
    assert names == ["child", "parent", "parent again"]


def test_a_script_leaves_its_store_whole_when_it_exits(tmp_path: Path) -> None:
    """No write-ahead log is left beside the database: the process closed its store at exit."""
    script = (
        "import cairn\n"
        "run = cairn.init(project='p', settings=cairn.Settings(capture_git=False, "
        "save_code=False, capture_env=False, capture_console=False, system_metrics=False))\n"
        "for i in range(5000):\n"
        "    run.log({f'k{j}': i + j for j in range(10)})\n"
        "run.finish(quiet=True)\n"
    )
    env = {**os.environ, "CAIRN_DIR": str(tmp_path / ".cairn")}
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120)
    assert not (tmp_path / ".cairn" / "cairn.db-wal").exists()
    store = Store.local(tmp_path / ".cairn")
    try:
        [run] = store.runs("p")
        assert run.state == "finished" and run.history_rows == 5000
    finally:
        store.close()


ARROW_SETTING = """
import os, sys
if sys.argv[3] == "pyarrow first":
    import pyarrow
import cairn
run = cairn.init(project="p", dir=sys.argv[1], mode=sys.argv[2])
run.log({"loss": 1.0})
setting = os.environ.get("MIMALLOC_ARENA_EAGER_COMMIT")
run.finish(quiet=True)
import pyarrow
print(setting, pyarrow.default_memory_pool().backend_name)
"""


@pytest.mark.parametrize(
    ("mode", "before", "preset", "expected"),
    [
        ("online", "", None, "0"),
        ("online", "", "1", "1"),
        ("online", "pyarrow first", None, "None"),
        ("offline", "", None, "None"),
    ],
)
def test_a_local_run_has_pyarrows_allocator_commit_memory_as_used(
    tmp_path: Path, mode: str, before: str, preset: str | None, expected: str
) -> None:
    """Set before the syncer loads pyarrow (mimalloc commits a whole arena at its first
    allocation otherwise); never over the user's own setting, nor once pyarrow is loaded (too
    late to count), nor for an offline run, which loads no pyarrow."""
    env = {k: v for k, v in os.environ.items() if k != local.ARROW_EAGER_COMMIT}
    if preset is not None:
        env[local.ARROW_EAGER_COMMIT] = preset
    out = subprocess.run(
        [sys.executable, "-c", ARROW_SETTING, str(tmp_path / ".cairn"), mode, before],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=120,
    ).stdout
    setting, allocator = out.split()
    assert setting == expected
    assert allocator == "mimalloc"  # the allocator the setting is for
