"""A cold read of a local store through ``sqlite3`` (``store.local_reader``): the same runs and
the same history as the ``Store`` reads, in every shape a run's history takes, without loading
SQLAlchemy, fsspec or (but for a DataFrame) pandas."""

from __future__ import annotations

import json
import math
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.fakes.journals import same

import cairn
from cairn.errors import RunNotFoundError, StoreError
from cairn.journal.records import History, Record, RunFinish, RunStart, SummaryUpdate
from cairn.store import Store, history
from cairn.store.local_reader import LocalReader, open_local
from cairn.store.numbering import DB_NAME

T0 = 1_700_000_000.0


def start(seq: int = 1, resumed: bool = False, name: str = "calm-owl-1") -> RunStart:
    return RunStart(
        seq=seq,
        run_id="r1",
        project="p",
        name=name,
        created_at=T0,
        config={"lr": 0.1, "model": {"width": 64}},
        tags=["b", "a"],
        resumed=resumed,
    )


def rows(first_seq: int, steps: list[int], keys: list[list[str]]) -> list[History]:
    return [
        History(seq=first_seq + i, step=step, ts=T0 + first_seq + i, values=_values(i, names))
        for i, (step, names) in enumerate(zip(steps, keys, strict=True))
    ]


def _values(i: int, names: list[str]) -> dict[str, float]:
    special = {3: math.nan, 4: math.inf, 5: -math.inf}  # logged values, not missing ones
    return {k: special.get(i, i + j / 10) for j, k in enumerate(names)}


AB = [["a", "b"]] * 12
SPARSE = [["a"], ["b"], ["a", "b"], ["a"], ["b"], ["a"], ["a", "b"], ["b"], ["a"], ["b"]]

SCENARIOS: dict[str, list[Record]] = {
    # sealed every 5 rows (SEAL_ROWS below), then the rest at finish: segments only
    "finished": [start(), *rows(2, list(range(12)), AB), RunFinish(seq=14, ts=T0 + 14)],
    # still logging: two segments and a tail of two unsealed rows
    "logging": [start(), *rows(2, list(range(12)), AB)],
    # crashed, then resumed in a new process from step 8 (steps 8 and 9 logged twice)
    "resumed": [
        start(),
        *rows(2, list(range(10)), AB[:10]),
        start(seq=12, resumed=True),
        *rows(13, [8, 9, 10], AB[:3]),
    ],
    # keys missing in some rows, in segments and in the tail
    "sparse": [start(), *rows(2, list(range(10)), SPARSE)],
    # a summary with non-finite values and one key logged in no row of history
    "summary": [
        start(),
        *rows(2, [0, 1, 2], [["a"], ["a"], ["a"]]),
        SummaryUpdate(seq=5, set={"best": math.inf, "note": "ok"}, remove=[]),
    ],
}
KEYS: list[list[str] | None] = [
    ["a"],
    ["b"],
    ["a", "b"],
    ["b", "a"],
    ["never"],
    ["a", "never"],
    None,
]


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("CAIRN_HEARTBEAT_TIMEOUT", "inf")
    monkeypatch.setattr(history, "SEAL_ROWS", 5)
    yield tmp_path / ".cairn"


def made(root: Path, scenario: str) -> Store:
    """A store holding run r1 of ``scenario``, applied 5 records a batch as a syncer would."""
    store = Store.local(root)
    records = SCENARIOS[scenario]
    for first in range(0, len(records), 5):
        store.apply("r1", records[first : first + 5])
    return store


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_run_and_its_history_are_the_stores(root: Path, scenario: str) -> None:
    store = made(root, scenario)
    reader = LocalReader(root)
    for ref in ("p/r1", "r1", "calm-owl-1", "p/calm-owl-1"):
        assert reader.find_run(ref) == store.find_run(ref)
    info = reader.find_run("p/r1")
    assert info.tags == ["a", "b"] and info.config["model"] == {"width": 64}
    for keys in KEYS:
        local, stored = reader.history(info, keys), store.history("r1", keys)
        assert local.schema == stored.schema, keys
        assert same(local.to_pydict(), stored.to_pydict()), keys  # nulls as None, NaN as NaN
    assert reader._opened is None, "read without opening the Store"


def test_the_store_holds_what_each_scenario_claims(root: Path) -> None:
    """The scenarios above read the shapes they are named after (else the comparisons prove
    less than they say)."""
    for scenario in SCENARIOS:
        store = made(root / scenario, scenario)
        with store._read() as conn:
            tails = conn.exec_driver_sql("SELECT count(*) FROM history_tail").scalar()
            segments = conn.exec_driver_sql("SELECT count(*) FROM history_segments").scalar()
        assert (segments > 0, tails > 0) == {
            "finished": (True, False),
            "logging": (True, True),
            "resumed": (True, True),
            "sparse": (True, True),
            "summary": (False, True),
        }[scenario], scenario
        steps = store.history("r1", ["a"]).column("_step").to_pylist()
        if scenario == "resumed":
            assert steps == [0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 9, 9, 10]


def test_a_crashed_run_an_ambiguous_name_and_a_missing_run_read_as_the_store_says(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = made(root, "logging")
    store.apply("r2", [RunStart(seq=1, run_id="r2", project="q", name="calm-owl-1", created_at=T0)])
    store.apply("r3", [RunStart(seq=1, run_id="r3", project="p", name="r3", created_at=T0 + 1)])
    reader = LocalReader(root)
    monkeypatch.setenv("CAIRN_HEARTBEAT_TIMEOUT", "100")  # r1's last beat is long past
    store.heartbeat_timeout = 100
    assert reader.find_run("p/r1").state == store.find_run("p/r1").state == "crashed"
    for ref in ("calm-owl-1", "p/nothing", "nothing", "q/r1"):
        with pytest.raises(RunNotFoundError) as local:
            reader.find_run(ref)
        with pytest.raises(RunNotFoundError) as stored:
            store.find_run(ref)
        assert str(local.value) == str(stored.value)
    assert reader.find_run("q/calm-owl-1") == store.find_run("q/calm-owl-1")
    assert reader.find_run("r3") == store.find_run("r3")
    assert [reader.find_run(r).number for r in ("q/calm-owl-1", "r1", "r3")] == [1, 1, 2]


@pytest.mark.parametrize("scenario", ["logging", "resumed", "sparse"])
def test_every_format_of_the_api_is_the_stores(root: Path, scenario: str) -> None:
    """``Api(dir)`` reads through the LocalReader until something else opens the Store; the
    same reads through the Store give the same DataFrame, Arrow table and arrays."""
    made(root, scenario)
    for keys in (["a"], ["b", "a"], ["never"], None):
        cold = cairn.Api(root)
        assert isinstance(cold.reader, LocalReader)
        run = cold.run("p/r1")
        frame, table, arrays = (run.history(keys, format=f) for f in ("pandas", "arrow", "numpy"))
        assert cold.reader._opened is None
        opened = cairn.Api(root)
        assert opened.store  # opens it: history and find_run then go through the Store
        through = opened.run("p/r1")
        assert through.info == run.info
        pd.testing.assert_frame_equal(frame, through.history(keys, format="pandas"))
        arrow = through.history(keys, format="arrow")
        assert table.schema == arrow.schema and same(table.to_pydict(), arrow.to_pydict())
        expected = through.history(keys, format="numpy")
        assert list(arrays) == list(expected)
        for name, values in arrays.items():
            assert values.dtype == expected[name].dtype
            np.testing.assert_array_equal(values, expected[name])


def test_anything_else_opens_the_store(root: Path) -> None:
    made(root, "finished")
    api = cairn.Api(root)
    assert isinstance(api.reader, LocalReader) and api.reader._opened is None
    assert [r.id for r in api.runs("p")] == ["r1"]
    assert api.reader._opened is not None
    assert api.run("r1").history(["a"], format="arrow").num_rows == 12


READ = """
import json, sys
import cairn
run = cairn.Api(sys.argv[1]).run("p/r1")
found = run.history(json.loads(sys.argv[2]), format=sys.argv[3])
heavy = ("sqlalchemy", "fsspec", "pandas", "cairn.store.store", "cairn.artifacts")
print(json.dumps({"rows": len(found) if sys.argv[3] != "numpy" else len(found["_step"]),
                  "loaded": [m for m in heavy if m in sys.modules]}))
"""


FORMATS = ("numpy", "arrow", "pandas")
COLD_READS = [
    *(("sparse", keys, format) for keys in (["a"], ["b"], None) for format in FORMATS),
    ("resumed", None, "numpy"),  # rows out of order: sorted by step, then logging order
]


@pytest.mark.parametrize(("scenario", "keys", "format"), COLD_READS)
def test_a_cold_read_in_a_fresh_process_loads_no_sqlalchemy(
    root: Path, scenario: str, keys: list[str] | None, format: str
) -> None:
    """Keys logged in every row and in some (``b`` in the sparse run drops rows), or every key;
    pandas only for a DataFrame."""
    made(root, scenario)
    out = subprocess.run(
        [sys.executable, "-c", READ, str(root), json.dumps(keys), format],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    found = json.loads(out.splitlines()[-1])
    expected = {"a": 6, "b": 6, None: 10} if scenario == "sparse" else {None: 13}
    assert found["rows"] == expected[keys[0] if keys else None]
    assert found["loaded"] == (["pandas"] if format == "pandas" else [])


def test_a_store_at_another_schema_opens_the_store_as_before(root: Path) -> None:
    """Only a database at this Cairn's revision is read through sqlite3: a newer one is refused
    with the Store's own message, at ``Api(dir)`` as before."""
    made(root, "finished").close()
    with sqlite3.connect(root / DB_NAME) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreError, match="written by a newer Cairn; upgrade"):
        cairn.Api(root)
    with pytest.raises(StoreError, match="written by a newer Cairn; upgrade"):
        open_local(root)


def test_a_store_behind_is_migrated_by_the_store_then_read(root: Path) -> None:
    """An older database: ``Api(dir)`` opens the Store, which migrates it (as it always did)."""
    from alembic import command
    from alembic.config import Config

    from cairn.store.engine import MIGRATIONS, create_store_engine, current_revision

    root.mkdir(parents=True)
    engine = create_store_engine(f"sqlite:///{root / DB_NAME}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0017")
        conn.commit()
    assert current_revision(engine) == "0017"
    api = cairn.Api(root)
    assert not isinstance(api.reader, LocalReader)
    assert current_revision(engine) != "0017"
    engine.dispose()
    api.store.apply("r1", SCENARIOS["finished"])
    assert cairn.Api(root).run("p/r1").history(["a"], format="arrow").num_rows == 12
