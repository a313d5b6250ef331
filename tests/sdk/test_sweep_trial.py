"""``cairn.init()`` inside a sweep trial: parameters into the config (locked), sweep_id recorded."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import msgspec
import pytest

import cairn
from cairn.errors import ConfigError
from cairn.journal.records import RunStart, decode
from cairn.sdk.sweep_trial import sweep_trial_from_env


@pytest.fixture
def trial_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAIRN_SWEEP_ID", "sw1")
    monkeypatch.setenv("CAIRN_SWEEP_TRIAL", "4")
    monkeypatch.setenv("CAIRN_SWEEP_PARAMS", json.dumps({"lr": 0.01, "model": {"width": 64}}))
    monkeypatch.setenv("CAIRN_PROJECT", "swept")


def test_init_takes_the_trial_into_config_and_records_the_sweep(
    store_dir: Path, trial_env: None, no_open_run: None
) -> None:
    with pytest.warns(
        UserWarning, match=r"'model.width': sweep sw1 sets it to 64, so the script's 8"
    ):
        run = cairn.init(config={"lr": 0.01, "epochs": 3, "model": {"width": 8, "depth": 2}})
    assert run.project == "swept"
    assert run.config.as_dict() == {"lr": 0.01, "epochs": 3, "model": {"width": 64, "depth": 2}}
    run.finish(quiet=True)
    stored = cairn.Api().run(run.path)
    assert stored.sweep_id == "sw1" and stored.config["model"]["width"] == 64
    second = cairn.init(project="plain")  # only the process's first run is the trial
    second.finish(quiet=True)
    assert cairn.Api().run(second.path).sweep_id is None


def test_a_trial_ignores_another_project_with_a_warning(
    store_dir: Path, trial_env: None, no_open_run: None
) -> None:
    with pytest.warns(
        UserWarning, match="project='mine' ignored: this run is a trial of sweep sw1"
    ):
        run = cairn.init(project="mine")
    assert run.project == "swept"
    run.finish(quiet=True)


def test_the_same_value_gives_no_warning(trial_env: None) -> None:
    trial = sweep_trial_from_env()
    assert trial is not None and trial.number == 4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert trial.apply_to({"lr": 0.01}) == {"lr": 0.01, "model": {"width": 64}}


def test_bad_params_say_where_they_come_from(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAIRN_SWEEP_ID", "sw1")
    monkeypatch.setenv("CAIRN_SWEEP_PARAMS", "{not json")
    with pytest.raises(ConfigError, match="CAIRN_SWEEP_PARAMS or \\$CAIRN_SWEEP_TRIAL"):
        sweep_trial_from_env()
    monkeypatch.setenv("CAIRN_SWEEP_ID", "sw1")
    monkeypatch.setenv("CAIRN_SWEEP_PARAMS", "[1, 2]")
    with pytest.raises(ConfigError, match="must be a JSON object"):
        sweep_trial_from_env()


def test_a_journal_written_before_sweeps_still_reads() -> None:
    class OldRunStart(msgspec.Struct, tag="start", kw_only=True):
        seq: int
        run_id: str
        project: str
        name: str
        created_at: float

    payload = msgspec.msgpack.encode(
        OldRunStart(seq=1, run_id="r", project="p", name="n", created_at=1.0)
    )
    record = decode(payload)
    assert isinstance(record, RunStart) and record.sweep_id is None
