"""What a training script's own thread loads: ``init`` and ``log`` leave the heavy libraries to
the run's background threads (the syncer applies with pyarrow) or to first use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "sqlalchemy",
    "fsspec",
    "pyarrow",
    "pandas",
    "pyarrow.compute",
    "numpy",
    "PIL",
    "fastapi",
    "uvicorn",
    "cairn.store.store",
    "cairn.server",
    "cairn.sweeps",
    "cairn.artifacts",
    "sqlalchemy.dialects.postgresql",
    # the media types, loaded at first use: a run that logs numbers needs none of them
    "cairn.sdk.media.image",
    "cairn.sdk.media.table",
    "cairn.sdk.media.plot",
    "cairn.sdk.media.other",
)

# A finder that notes which thread first imports each heavy module, then lets the import go on.
PROBE = """
import json, sys, threading
HEAVY = set(sys.argv[3].split(","))
by_main = []
class Note:
    def find_spec(self, name, path=None, target=None):
        if name in HEAVY and threading.current_thread() is threading.main_thread():
            by_main.append(name)
        return None
sys.meta_path.insert(0, Note())
import cairn
after_import = list(by_main)
off = cairn.Settings(capture_git=False, save_code=False, capture_env=False,
                     capture_console=False, system_metrics=False)
run = cairn.init(project="p", dir=sys.argv[1], mode=sys.argv[2], settings=off)
for step in range(100):
    run.log({"loss": 1.0 / (step + 1), "acc": step / 100})
after_log = list(by_main)
run.finish(quiet=True)
print(json.dumps({"import": after_import, "init_and_log": after_log,
                  "anywhere": sorted(name for name in HEAVY if name in sys.modules)}))
"""


def _imported_by_main_thread(store: Path, mode: str) -> dict[str, list[str]]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(store), mode, ",".join(HEAVY)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    return json.loads(out.splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.parametrize("mode", ["online", "offline"])
def test_import_loads_no_heavy_module(tmp_path: Path, mode: str) -> None:
    assert _imported_by_main_thread(tmp_path / ".cairn", mode)["import"] == []


@pytest.mark.parametrize("runs_before", [0, 1])
def test_online_init_and_log_load_no_heavy_module_on_the_calling_thread(
    tmp_path: Path, runs_before: int
) -> None:
    """An online run takes its number from the SQLite file with the stdlib (a new store gets its
    schema the same way); the run's background threads open the store, with SQLAlchemy, fsspec
    and pyarrow. Both in a new store and in one that already holds a run."""
    for _ in range(runs_before):
        _imported_by_main_thread(tmp_path / ".cairn", "online")
    assert _imported_by_main_thread(tmp_path / ".cairn", "online")["init_and_log"] == []


def test_offline_init_and_log_load_no_heavy_module(tmp_path: Path) -> None:
    assert _imported_by_main_thread(tmp_path / ".cairn", "offline")["init_and_log"] == []


def test_a_run_logged_and_finished_loads_neither_pandas_nor_fsspec(tmp_path: Path) -> None:
    """The syncer applies the rows (and ``finish()`` seals those of a run past a short tail)
    with pyarrow's arrays, IPC and Parquet alone: pandas (about 0.2 s to import) loads only when someone reads a history as a
    DataFrame, and pyarrow.compute (about 35 ms) when a read filters or sorts. The segment goes
    into the local blob folder through ``os``: fsspec loads for a remote blob store only, and
    SQLAlchemy's PostgreSQL dialect for a PostgreSQL store."""
    loaded = _imported_by_main_thread(tmp_path / ".cairn", "online")["anywhere"]
    assert "pyarrow" in loaded and "cairn.store.store" in loaded
    assert "pandas" not in loaded and "pyarrow.compute" not in loaded
    assert "fsspec" not in loaded and "sqlalchemy.dialects.postgresql" not in loaded
