"""``cairn.Api``: projects, runs, one run's metadata, history, and downsampled series.

Every test that takes ``reading`` runs twice: reading the store directly (``Api(dir)``), and
through a ``cairn server`` serving that store (``Api(url=…)``); both must answer alike."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from tests.fakes.reading import Reading

import cairn
from cairn.journal.records import RunStart, SummaryUpdate
from cairn.store import Store
from cairn.store.models import RunPage
from cairn.store.reader import Reader

pytestmark = pytest.mark.usefixtures("no_open_run")


def _run(project: str, **kwargs: object) -> cairn.Run:
    return cairn.init(project=project, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def three_runs(reading: Reading) -> list[cairn.Run]:
    made = []
    for project, lr, acc, tags in (
        ("digits", 0.1, 0.7, ["baseline"]),
        ("digits", 0.001, 0.9, ["best", "cnn"]),
        ("faces", 0.01, 0.8, []),
    ):
        run = reading.log(project, config={"lr": lr}, tags=tags)
        run.log({"acc": acc})
        run.finish(quiet=True)
        made.append(run)
    return made


@pytest.fixture
def api(reading: Reading) -> cairn.Api:
    return reading.api()


def test_no_store_is_a_store_error_that_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(cairn.StoreError, match=r"no Cairn store.*cairn\.init\(\).*dir="):
        cairn.Api(tmp_path)
    with pytest.raises(cairn.StoreError):
        cairn.Api(tmp_path / "missing")
    assert not (tmp_path / "missing").exists()


def test_api_finds_the_store_like_init(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _run("p").finish(quiet=True)
    assert cairn.Api().dir == store_dir.resolve()
    monkeypatch.delenv("CAIRN_DIR")
    monkeypatch.chdir(store_dir.parent)
    assert cairn.Api().dir == store_dir.resolve()
    assert len(cairn.Api().runs()) == 1
    assert cairn.Api().url is None


def test_api_without_env_or_store_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CAIRN_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(cairn.StoreError):
        cairn.Api()
    assert list(tmp_path.iterdir()) == []


def test_projects_with_run_counts(three_runs: list[cairn.Run], api: cairn.Api) -> None:
    projects = {p.name: p for p in api.projects()}  # other tests of the module add projects
    assert (projects["digits"].run_count, projects["faces"].run_count) == (2, 1)
    assert all(p.last_activity is not None for p in projects.values())
    assert [p.name for p in api.projects()] == sorted(projects)


def test_runs_of_a_project_newest_first(three_runs: list[cairn.Run], api: cairn.Api) -> None:
    assert [r.id for r in api.runs("digits")] == [three_runs[1].id, three_runs[0].id]
    every = api.runs()
    assert {r.id for r in three_runs} <= {r.id for r in every}
    assert [r.created_at for r in every] == sorted((r.created_at for r in every), reverse=True)
    assert api.runs("nobody") == []
    assert len(api.runs(limit=1)) == 1
    assert [r.id for r in api.runs("digits", limit=1)] == [three_runs[1].id]


def test_runs_filter_and_order(three_runs: list[cairn.Run], api: cairn.Api) -> None:
    assert [r.id for r in api.runs("digits", filter="config.lr < 0.01")] == [three_runs[1].id]
    assert [r.id for r in api.runs(filter='"best" in tags')] == [three_runs[1].id]
    by_acc = [r.summary["acc"] for r in api.runs(filter="config.lr > 0", order="summary.acc")]
    assert by_acc == [0.7, 0.8, 0.9]
    by_acc_desc = [r.summary["acc"] for r in api.runs(filter="config.lr > 0", order="-summary.acc")]
    assert by_acc_desc == [0.9, 0.8, 0.7]
    assert [r.project for r in api.runs(filter="config.lr > 0", order="config.lr")] == [
        "digits",
        "faces",
        "digits",
    ]


def test_a_filter_that_does_not_parse_says_where(
    three_runs: list[cairn.Run], api: cairn.Api
) -> None:
    with pytest.raises(ValueError, match="position") as caught:  # a FilterError
        api.runs("digits", filter="config.lr <")
    assert getattr(caught.value, "position", 0) > 0


def test_one_run(three_runs: list[cairn.Run], reading: Reading, api: cairn.Api) -> None:
    made = three_runs[1]
    run = api.run(made.path)
    assert run.id == made.id
    assert run.name == made.name
    assert run.project == "digits"
    assert run.path == made.path
    assert run.state == "finished"
    assert run.config == {"lr": 0.001}
    assert run.summary == {"acc": 0.9}
    assert run.tags == ["best", "cnn"]
    assert run.created_at == pytest.approx(made.created_at)
    assert run.keys == ["acc"]
    assert run.runtime >= 0
    assert made.id in repr(run)
    assert api.run(made.id).id == made.id
    assert api.run(made.name).id == made.id
    assert api.run(f"digits/{made.name}").id == made.id
    assert run.info == cairn.Api(reading.dir).run(made.path).info  # every field, as stored


def test_unknown_runs(three_runs: list[cairn.Run], api: cairn.Api) -> None:
    with pytest.raises(cairn.RunNotFoundError, match="project/run_id"):
        api.run("digits/nope")
    with pytest.raises(cairn.RunNotFoundError):
        api.run(f"faces/{three_runs[0].id}")  # the id exists, in another project


def test_refresh_sees_later_changes(reading: Reading, api: cairn.Api) -> None:
    live = reading.log("p")
    live.log({"a": 1.0})
    live.flush()
    assert live._syncer is not None and live._syncer.wait_synced(2, timeout=30.0)
    seen = api.run(live.path)
    assert seen.state == "running"
    live.finish(quiet=True)
    assert seen.state == "running"
    assert seen.refresh() is seen
    assert seen.state == "finished"


@pytest.fixture(scope="module")
def mixed_path(reading: Reading) -> str:
    run = reading.log("h")
    run.log({"loss": 3.0, "lr": 0.1})
    run.log({"loss": float("nan")})
    run.log({"acc": 0.5}, step=0)
    run.log({"loss": math.inf, "val": {"acc": 0.25}}, step=5)
    run.log({"loss": -math.inf})
    run.finish(quiet=True)
    return run.path


@pytest.fixture
def mixed(mixed_path: str, api: cairn.Api) -> cairn.ApiRun:
    return api.run(mixed_path)


def test_history_is_a_full_fidelity_frame(mixed: cairn.ApiRun) -> None:
    frame = mixed.history()
    assert isinstance(frame, pd.DataFrame)
    assert frame.columns.tolist()[:3] == ["_step", "_timestamp", "_runtime"]
    assert set(frame.columns[3:]) == {"loss", "lr", "acc", "val/acc"}
    assert frame["_step"].tolist() == [0, 0, 1, 5, 6]
    loss = frame["loss"].tolist()
    assert loss[0] == 3.0 and math.isnan(loss[1]) and math.isnan(loss[2])
    assert loss[3:] == [math.inf, -math.inf]
    assert frame["acc"].isna().tolist() == [True, False, True, True, True]
    assert frame["val/acc"].tolist()[3] == 0.25
    assert (frame["_runtime"] >= 0).all()
    assert np.allclose(frame["_runtime"], frame["_timestamp"] - mixed.created_at)
    assert frame["_timestamp"].iloc[1] > frame["_timestamp"].iloc[2]  # step 0 logged after 1


def test_history_of_some_keys(mixed: cairn.ApiRun) -> None:
    frame = mixed.history(keys=["acc", "lr"])
    assert frame.columns.tolist() == ["_step", "_timestamp", "_runtime", "acc", "lr"]
    assert frame["acc"].dropna().tolist() == [0.5]
    assert frame["lr"].dropna().tolist() == [0.1]


def test_history_of_some_keys_leaves_out_rows_that_logged_none_of_them(
    mixed: cairn.ApiRun,
) -> None:
    everything = mixed.history()
    some = mixed.history(keys=["acc"])
    assert len(some) == everything["acc"].notna().sum() < len(everything)
    assert some["acc"].notna().all()


def test_history_as_arrow_and_numpy_holds_what_the_frame_holds(mixed: cairn.ApiRun) -> None:
    frame = mixed.history(keys=["loss", "acc"])
    table = mixed.history(keys=["loss", "acc"], format="arrow")
    assert isinstance(table, pa.Table)
    assert table.column_names == frame.columns.tolist()
    assert table.column("acc").null_count == frame["acc"].isna().sum()  # not logged: null
    arrays = mixed.history(keys=["loss", "acc"], format="numpy")
    assert list(arrays) == frame.columns.tolist()
    assert arrays["_step"].dtype == np.int64 and arrays["_step"].tolist() == frame["_step"].tolist()
    for name in ("_timestamp", "_runtime", "loss", "acc"):
        assert np.array_equal(arrays[name], frame[name].to_numpy(), equal_nan=True), name
    with pytest.raises(ValueError, match="format"):
        mixed.history(format="polars")  # type: ignore[call-overload]


def test_history_of_a_run_without_rows(reading: Reading, api: cairn.Api) -> None:
    run = reading.log("h")
    run.finish(quiet=True)
    stored = api.run(run.path)
    frame = stored.history()
    assert len(frame) == 0
    assert frame.columns.tolist() == ["_step", "_timestamp", "_runtime"]
    assert list(stored.scan_history()) == []


def test_scan_history_rows_hold_only_their_keys(mixed: cairn.ApiRun) -> None:
    rows = list(mixed.scan_history())
    keys = [set(row) - {"_step", "_timestamp", "_runtime"} for row in rows]
    assert keys == [{"loss", "lr"}, {"acc"}, {"loss"}, {"loss", "val/acc"}, {"loss"}]
    assert math.isnan(rows[2]["loss"])  # a logged NaN is kept, not mistaken for "not logged"
    assert [row["_step"] for row in rows] == [0, 0, 1, 5, 6]
    assert all(row["_runtime"] >= 0 for row in rows)


@pytest.fixture(scope="module")
def long_path(reading: Reading) -> str:
    rng = np.random.default_rng(0)
    values = rng.normal(size=20_000).cumsum()
    values[7_777] = 1e6  # a spike a naive decimation would miss
    values[12_345] = -1e6
    run = reading.log("long")
    for i, v in enumerate(values):
        run.log({"y": float(v), "epoch": i / 100, "sparse": float(i)} if i % 10 == 0 else {"y": v})
    run.finish(quiet=True)
    return run.path


@pytest.fixture
def long_run(long_path: str, api: cairn.Api) -> cairn.ApiRun:
    return api.run(long_path)


def test_series_keeps_extremes_and_ends(long_run: cairn.ApiRun) -> None:
    full = long_run.history(keys=["y"])
    points = long_run.series("y", max_points=500)
    assert points.columns.tolist() == ["_step", "y"]
    assert 0 < len(points) <= 500
    assert points["_step"].is_monotonic_increasing
    assert points["y"].max() == 1e6 == full["y"].max()
    assert points["y"].min() == -1e6 == full["y"].min()
    assert points["_step"].iloc[0] == 0 and points["y"].iloc[0] == full["y"].iloc[0]
    assert points["_step"].iloc[-1] == 19_999 and points["y"].iloc[-1] == full["y"].iloc[-1]
    merged = points.merge(full, on="_step", suffixes=("", "_full"))
    assert len(merged) == len(points)
    assert (merged["y"] == merged["y_full"]).all()  # every point is a real point


def test_series_of_a_short_run_is_everything(mixed: cairn.ApiRun) -> None:
    points = mixed.series("loss")
    assert points["_step"].tolist() == [0, 1, 5, 6]
    ys = points["loss"].tolist()
    assert ys[0] == 3.0 and math.isnan(ys[1]) and ys[2:] == [math.inf, -math.inf]


def test_series_range(long_run: cairn.ApiRun) -> None:
    points = long_run.series("y", max_points=100, x_min=5_000, x_max=9_000)
    assert len(points) <= 100
    assert points["_step"].min() >= 5_000 and points["_step"].max() <= 9_000
    assert 1e6 in points["y"].tolist()
    assert points["_step"].iloc[0] == 5_000 and points["_step"].iloc[-1] == 9_000


@pytest.mark.parametrize("x", ["_runtime", "_timestamp"])
def test_series_against_time(long_run: cairn.ApiRun, x: str) -> None:
    points = long_run.series("y", x=x, max_points=300)
    assert points.columns.tolist() == [x, "y"]
    assert len(points) <= 300
    assert points[x].is_monotonic_increasing
    assert points["y"].max() == 1e6 and points["y"].min() == -1e6
    if x == "_runtime":
        assert points[x].iloc[0] >= 0


def test_series_against_another_metric(long_run: cairn.ApiRun) -> None:
    points = long_run.series("sparse", x="epoch", max_points=100)
    assert points.columns.tolist() == ["epoch", "sparse"]
    assert len(points) <= 100
    assert points["epoch"].is_monotonic_increasing
    assert points["sparse"].iloc[0] == 0.0 and points["sparse"].iloc[-1] == 19_990.0
    assert np.allclose(points["epoch"] * 10, points["sparse"] / 10)  # rows stay paired


def test_series_of_an_unknown_key_is_empty(long_run: cairn.ApiRun) -> None:
    points = long_run.series("nope")
    assert points.columns.tolist() == ["_step", "nope"]
    assert len(points) == 0


def test_series_while_the_run_is_live(reading: Reading, api: cairn.Api) -> None:
    run = reading.log("live")
    for i in range(3_000):
        run.log({"y": float(i % 7)})
    run.flush()
    assert run._syncer is not None and run._syncer.wait_synced(3_001, timeout=30.0)
    points = api.run(run.path).series("y", max_points=50)
    assert len(points) <= 50
    assert points["y"].max() == 6.0 and points["y"].min() == 0.0
    run.finish(quiet=True)


def test_a_summary_edit_is_saved_to_the_store(reading: Reading) -> None:
    made = reading.log("edits")
    made.log({"acc": 0.5})
    made.finish(quiet=True)
    run = reading.api().run(made.path)
    run.update_summary({"acc": 0.75, "note": "checked"})
    assert run.summary["acc"] == 0.75 and run.summary["note"] == "checked"
    again = reading.api().run(made.path)
    assert again.summary["acc"] == 0.75
    again.update_summary({}, ["note"])
    assert "note" not in reading.api().run(made.path).summary
    assert cairn.Api(reading.dir).run(made.path).summary == {"acc": 0.75}  # in the store


def test_runs_to_arrow_is_the_runs_table(reading: Reading, api: cairn.Api) -> None:
    run = reading.log("arrow", name="arrow", config={"model": {"width": 8}})
    run.log({"loss": 0.5})
    run.finish(quiet=True)
    table = api.runs("arrow").to_arrow()
    [row] = table.to_pylist()
    assert row["name"] == "arrow" and row["config.model.width"] == 8.0
    assert row["summary.loss"] == 0.5


@pytest.fixture(scope="module")
def traced(reading: Reading) -> str:
    """A run with its console captured, an original of two reproductions with a comparison."""
    from cairn.store import Store
    from cairn.store.reproductions import save_reproduction

    with pytest.MonkeyPatch.context() as env:
        env.setenv("CAIRN_CAPTURE_CONSOLE", "1")
        run = reading.log("traced", config={"seed": 3})
        for i in range(5):
            print(f"epoch {i} loss {1 / (i + 1):.3f}")
        print("warning: slow", file=sys.stderr)
        run.finish(quiet=True)
    made = []
    for _ in range(2):
        with pytest.MonkeyPatch.context() as env:
            env.setenv("CAIRN_REPRODUCTION_OF", run.path)
            again = reading.log("traced")
            again.log({"loss": 0.2})
            again.finish(quiet=True)
        made.append(again.id)
    store = Store.local(reading.dir)
    try:
        save_reproduction(
            store,
            run.id,
            verdict="reproduced",
            runs=made,
            metrics=[{"key": "loss", "original": 0.2, "values": [0.2, 0.2], "status": "ok"}],
            details={"rtol": 0.05, "spread": math.nan},
            report="# Reproduced\n\nAll within 5 %.",
        )
    finally:
        store.close()
    return run.path


def test_console_lines_with_search_stream_and_pages(traced: str, api: cairn.Api) -> None:
    run = api.run(traced)
    lines = run.console()
    assert [x.text for x in lines if x.stream == "stdout"][:2] == [
        "epoch 0 loss 1.000",
        "epoch 1 loss 0.500",
    ]
    assert [x.line for x in lines] == list(range(len(lines)))
    assert [x.text for x in run.console(stream="stderr")] == ["warning: slow"]
    assert [x.text for x in run.console(search="EPOCH 4")] == ["epoch 4 loss 0.200"]
    assert [x.line for x in run.console(after=2, limit=2)] == [3, 4]


def test_console_reads_as_stored(traced: str, reading: Reading, api: cairn.Api) -> None:
    assert api.run(traced).console() == cairn.Api(reading.dir).run(traced).console()


def test_capture_reads_as_stored(traced: str, reading: Reading, api: cairn.Api) -> None:
    capture = api.run(traced).capture
    assert set(capture) >= {"git", "code", "environment", "command", "seeds", "config_sources"}
    assert capture == cairn.Api(reading.dir).run(traced).capture


def test_reproductions_and_their_comparison(traced: str, api: cairn.Api) -> None:
    run = api.run(traced)
    made = run.reproductions()
    assert len(made) == 2 and all(r.reproduction_of == traced for r in made)
    assert made[0].created_at <= made[1].created_at
    [comparison] = run.comparisons()
    assert comparison.verdict == "reproduced" and comparison.runs == [r.id for r in made]
    assert comparison.metrics[0]["values"] == [0.2, 0.2]
    assert comparison.details["rtol"] == 0.05 and math.isnan(comparison.details["spread"])
    assert comparison.report.startswith("# Reproduced")


# ---- Api().runs() is a lazy list (sdk/run_list.py): here to share this module's server -------
# ``len`` counts, a loop reads page after page by keyset, indexing and slicing read only the
# pages they need, ``to_arrow`` builds a table page by page.

T0 = 1_700_000_000.0
ACCS: list[Any] = [0.5, None, 0.5, 0.9, 0.1, None, 0.5, 0.3, 0.9]


@pytest.fixture(scope="module")
def paged(reading: Reading) -> list[str]:
    """Nine runs of "paged" (three created in the same second; two without an acc), their ids
    newest first (ties by id)."""
    store = Store.local(reading.dir)
    try:
        for i, acc in enumerate(ACCS):
            created = T0 + min(i, 6)
            store.apply(
                f"pg{i}",
                [
                    RunStart(
                        seq=1, run_id=f"pg{i}", project="paged", name=f"n{i}", created_at=created
                    ),
                    SummaryUpdate(seq=2, set={} if acc is None else {"acc": acc, "i": i}),
                ],
            )
    finally:
        store.close()
    return ["pg6", "pg7", "pg8", "pg5", "pg4", "pg3", "pg2", "pg1", "pg0"]


class Counted:
    """A reader that counts the runs it was asked for (the real reader does the reading)."""

    def __init__(self, reader: Reader) -> None:
        self.reader, self.counts = reader, 0
        self.asked: list[dict[str, Any]] = []

    def runs_page(self, project: str | None, **query: Any) -> RunPage:
        self.asked.append(query)
        return self.reader.runs_page(project, **query)

    def pages(self, project: str | None, **query: Any) -> Any:
        self.asked.append({"pages": True, **query})
        return self.reader.pages(project, **query)

    def count_runs(self, project: str | None, **query: Any) -> int:
        self.counts += 1
        return self.reader.count_runs(project, **query)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.reader, name)


def counted(reading: Reading) -> tuple[cairn.Api, Counted]:
    api = reading.api()
    spy = Counted(api.reader)
    api.reader = spy  # type: ignore[assignment]
    return api, spy


def ids(runs: Any) -> list[str]:
    return [run.id for run in runs]


def test_a_loop_reads_every_run_page_after_page(reading: Reading, paged: list[str]) -> None:
    api, spy = counted(reading)
    runs = api.runs("paged", per_page=2)
    assert len(spy.asked) == 1  # the first page at once: a bad filter fails at the call
    assert [len(page) for page in runs.pages()] == [2, 2, 2, 2, 1]
    assert ids(runs) == paged and ids(runs) == paged  # a second loop reads again
    assert spy.counts == 0 and len(spy.asked) == 4
    whole = api.runs("paged")  # one page holds them all: a loop reads nothing more
    assert ids(whole) == paged and len(whole) == 9 and len(spy.asked) == 5
    assert len(runs) == 9 and spy.counts == 1 and len(runs) == 9 and spy.counts == 1
    ordered = api.runs("paged", order="-summary.acc,id", per_page=4)
    expected = ["pg3", "pg8", "pg0", "pg2", "pg6", "pg7", "pg4", "pg1", "pg5"]
    assert ids(ordered) == expected and len(ordered) == 9
    filtered = api.runs("paged", filter="summary.acc >= 0.5", order="id", per_page=2)
    assert ids(filtered) == ["pg0", "pg2", "pg3", "pg6", "pg8"] and len(filtered) == 5
    assert ids(api.runs("paged", per_page=500)) == ids(api.runs("paged", per_page=1))


def test_indexing_and_slicing_read_only_the_pages_they_need(
    reading: Reading, paged: list[str]
) -> None:
    api, spy = counted(reading)
    runs = api.runs("paged", per_page=2)
    assert runs[0].id == paged[0] and runs[1].id == paged[1] and len(spy.asked) == 1
    assert runs[6].id == paged[6]  # one page, from offset 6
    assert spy.asked[-1] == {**spy.asked[-1], "offset": 6, "limit": 2} and len(spy.asked) == 2
    assert runs[7].id == paged[7] and len(spy.asked) == 2  # the same page
    assert runs[8].id == paged[8] and spy.asked[-1].get("after")  # the next page, by keyset
    assert ids(runs[2:5]) == paged[2:5] and ids(runs[:3]) == paged[:3]
    assert spy.counts == 0  # none of these needed a count
    assert runs[-1].id == paged[-1] and spy.counts == 1
    assert ids(runs[::-3]) == paged[::-3] and ids(runs[-4:]) == paged[-4:]
    assert runs[9:] == [] and runs[5:100] and ids(runs[5:100]) == paged[5:]
    for missing in (9, -10):
        with pytest.raises(IndexError):
            runs[missing]


def test_a_limit_stops_the_listing(reading: Reading, paged: list[str]) -> None:
    runs = reading.api().runs("paged", limit=5, per_page=2)
    assert ids(runs) == paged[:5] and len(runs) == 5
    assert ids(runs[3:9]) == paged[3:5]
    with pytest.raises(IndexError):
        runs[5]
    assert ids(reading.api().runs("paged", limit=2, per_page=500)) == paged[:2]
    assert reading.api().runs("paged", limit=0) == [] and not reading.api().runs("nobody")
    with pytest.raises(ValueError, match="per_page"):
        reading.api().runs("paged", per_page=0)


def test_to_arrow_and_to_pandas_join_the_pages(reading: Reading, paged: list[str]) -> None:
    runs = reading.api().runs("paged", per_page=2)
    table = runs.to_arrow()
    assert table.column("id").to_pylist() == paged
    whole = reading.api().runs("paged", per_page=500).to_arrow()
    assert table.equals(whole)  # the same columns and types as one page of all runs
    assert table.column("summary.acc").to_pylist()[:4] == [0.5, 0.3, 0.9, None]
    frame = runs.to_pandas()
    assert list(frame["id"]) == paged and len(frame.columns) == table.num_columns
    assert reading.api().runs("nobody").to_arrow().num_rows == 0
