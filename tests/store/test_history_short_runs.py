"""A finished short run keeps its rows in the SQL tail (``history.seals_now``): every reader
returns exactly what it returns for the same run sealed into a Parquet segment, and a resumed
short run that logs past ``SEAL_ROWS`` seals every row once."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from tests.fakes.server import serve

import cairn
from cairn.cli.main import cli
from cairn.sdk.api import Api
from cairn.store import Store, history
from cairn.store.export import export_project
from cairn.store.local_reader import LocalReader
from cairn.store.schema import history_segments, history_tail
from cairn.store.series import series_of_keys

pytestmark = pytest.mark.usefixtures("no_open_run")

KEYS = ["acc", "loss", "sparse"]


def _log_short_run(folder: Path) -> tuple[str, Path]:
    """A short run with NaN, ±Inf, a key in one row only and a repeated step, its journal kept."""
    run = cairn.init(
        project="p", dir=folder, config={"lr": 0.1}, settings=cairn.Settings(keep_journal=True)
    )
    run.log({"loss": 1.0, "acc": math.nan}, step=0)
    run.log({"loss": math.inf, "acc": 0.5, "sparse": -math.inf}, step=1)
    run.log({"loss": 0.25}, step=1)
    run.log({"loss": 0.125, "acc": 0.75}, step=4)
    run.finish(quiet=True)
    assert run.journal is not None
    return run.id, run.journal


def _counts(folder: Path) -> tuple[int, int, int]:
    """(tail chunks, segments, blob files) of a store folder."""
    store = Store.local(folder)
    try:
        with store.engine.connect() as conn:
            tail = conn.execute(select(func.count()).select_from(history_tail)).scalar_one()
            segments = conn.execute(select(func.count()).select_from(history_segments)).scalar_one()
        return tail, segments, len(list(store.blobs.entries()))
    finally:
        store.close()


@pytest.fixture
def stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Path, Path]:
    """One short run in two stores: kept in the tail (``short``) and, from the same journal
    synced with sealing forced, sealed into a segment at finish as before (``sealed``)."""
    short, sealed = tmp_path / "short", tmp_path / "sealed"
    run_id, journal = _log_short_run(short)
    with monkeypatch.context() as patch:
        patch.setattr(history, "SHORT_TAIL_BYTES", 0)
        result = CliRunner().invoke(cli, ["sync", "--dir", str(sealed), str(journal)])
    assert result.exit_code == 0, result.output
    tail, segments, blobs = _counts(short)
    assert tail >= 1 and (segments, blobs) == (0, 0), "no segment and no blob at finish"
    assert _counts(sealed) == (0, 1, 1)
    return run_id, short, sealed


def _same(a: Any, b: Any) -> None:
    """Equal, NaN equal to NaN and None to None, column by column."""
    assert list(a) == list(b)
    for name in a:
        x, y = a[name], b[name]
        assert len(x) == len(y), name
        for u, v in zip(x, y, strict=True):
            assert (u is None and v is None) or u == v or (math.isnan(u) and math.isnan(v)), name


def test_the_api_reads_a_short_run_as_the_sealed_one(stores: tuple[str, Path, Path]) -> None:
    run_id, short, sealed = stores
    for keys in (None, ["loss"], ["sparse", "acc", "nope"]):
        a, b = Api(short).run(run_id), Api(sealed).run(run_id)
        _same(
            a.history(keys, format="arrow").to_pydict(), b.history(keys, format="arrow").to_pydict()
        )
        x, y = a.history(keys, format="numpy"), b.history(keys, format="numpy")
        assert list(x) == list(y)
        for name in x:
            assert np.array_equal(x[name], y[name], equal_nan=True), name
        assert a.history(keys).equals(b.history(keys))  # pandas, NaN equal to NaN
        assert a.series("loss").equals(b.series("loss"))
    rows = Api(short).run(run_id).history(format="arrow")
    assert rows.column("_step").to_pylist() == [0, 1, 1, 4]
    assert rows.column("sparse").to_pylist() == [None, -math.inf, None, None]


def test_the_cold_reader_and_the_store_read_a_short_run_as_the_sealed_one(
    stores: tuple[str, Path, Path],
) -> None:
    run_id, short, sealed = stores
    a, b = LocalReader(short), LocalReader(sealed)
    for keys in (None, KEYS):
        _same(
            a.history(a.find_run(run_id), keys).to_pydict(),
            b.history(b.find_run(run_id), keys).to_pydict(),
        )
    one, other = Store.local(short), Store.local(sealed)
    try:
        for kwargs in ({}, {"min_step": 1, "max_step": 1}, {"keys": ["loss"], "min_step": 2}):
            _same(
                one.history(run_id, **kwargs).to_pydict(),
                other.history(run_id, **kwargs).to_pydict(),
            )
        m4 = series_of_keys(one, one.run(run_id), KEYS, max_points=5)
        assert m4.keys() == series_of_keys(other, other.run(run_id), KEYS, max_points=5).keys()
        for key, (xs, ys) in series_of_keys(other, other.run(run_id), KEYS, max_points=5).items():
            assert np.array_equal(m4[key][0], xs) and np.array_equal(m4[key][1], ys, equal_nan=True)
        export_project(one, "p", short / "out")
        export_project(other, "p", sealed / "out")
    finally:
        one.close()
        other.close()
    _same(
        pq.read_table(short / "out" / "history.parquet").to_pydict(),
        pq.read_table(sealed / "out" / "history.parquet").to_pydict(),
    )


def test_the_servers_series_route_answers_the_same(stores: tuple[str, Path, Path]) -> None:
    run_id, short, sealed = stores
    body = {"run_ids": [run_id], "keys": KEYS}
    answers = []
    for folder in (short, sealed):
        with serve(folder) as server:
            response = httpx.post(f"{server.url}/api/v1/projects/p/series", json=body, timeout=30)
            assert response.status_code == 200, response.text
            answers.append(response.json())
    assert answers[0] == answers[1]
    assert [s["key"] for s in answers[0]["series"]] == KEYS


def test_a_resumed_short_run_that_logs_past_seal_rows_seals_every_row_once(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "SEAL_ROWS", 50)
    run = cairn.init(project="p")
    for step in range(3):
        run.log({"loss": float(step)})
    run.finish(quiet=True)
    tail, segments, _blobs = _counts(store_dir)
    assert tail >= 1 and segments == 0
    again = cairn.init(project="p", id=run.id, resume="must")
    for step in range(3, 123):
        again.log({"loss": float(step)})
    again.finish(quiet=True)
    tail, segments, _blobs = _counts(store_dir)
    assert tail == 0 and segments >= 1
    store = Store.local(store_dir)
    with store.engine.connect() as conn:
        assert conn.execute(select(func.sum(history_segments.c.rows))).scalar_one() == 123
    store.close()
    got = Api(store_dir).run(run.id).history(["loss"], format="numpy")
    assert got["_step"].tolist() == list(range(123))
    assert got["loss"].tolist() == [float(s) for s in range(123)]
