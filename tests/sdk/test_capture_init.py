"""How ``cairn.init`` captures: opt-outs, the environment variables ``cairn reproduce`` sets,
resumed and disabled runs."""

from __future__ import annotations

from pathlib import Path

import pytest

import cairn

pytestmark = pytest.mark.usefixtures("no_open_run")
OFF = cairn.Settings(capture_git=False, save_code=False, capture_env=False, capture_console=False)


def test_opting_out_leaves_only_the_cheap_sections(store_dir: Path) -> None:
    run = cairn.init(project="p", settings=OFF)
    run.finish(quiet=True)
    capture = cairn.Api(store_dir).run(run.path).capture
    assert capture["git"] is None and capture["environment"] is None
    assert capture["code"]["snapshot"] is None  # save_code off: the entry script only
    assert capture["command"]["cwd"]


def test_environment_variables_opt_out_too(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAIRN_CAPTURE_ENV", "0")
    run = cairn.init(project="p")
    run.finish(quiet=True)
    assert cairn.Api(store_dir).run(run.path).capture["environment"] is None


def test_a_reproduction_is_linked_and_takes_its_id(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = cairn.init(project="p", settings=OFF)
    original.finish(quiet=True)
    monkeypatch.setenv("CAIRN_REPRODUCTION_OF", original.path)
    monkeypatch.setenv("CAIRN_RUN_ID", "again1")
    run = cairn.init(project="p", settings=OFF)
    assert run.id == "again1"
    run.finish(quiet=True)
    api = cairn.Api(store_dir)
    assert api.run("p/again1").reproduction_of == original.path
    assert [r.id for r in api.run(original.path).reproductions()] == ["again1"]
    nxt = cairn.init(project="p", settings=OFF)  # $CAIRN_RUN_ID names the first run only
    assert nxt.id != "again1"
    nxt.finish(quiet=True)


def test_a_resumed_run_keeps_its_first_capture(store_dir: Path) -> None:
    run = cairn.init(project="p", id="keep1", settings=OFF)
    run.finish(quiet=True)
    first = cairn.Api(store_dir).run("p/keep1").capture["command"]
    again = cairn.init(project="p", id="keep1", resume="allow", settings=OFF)
    again.finish(quiet=True)
    assert cairn.Api(store_dir).run("p/keep1").capture["command"] == first


def test_a_disabled_run_captures_nothing(tmp_path: Path) -> None:
    run = cairn.init(project="p", mode="disabled", dir=tmp_path / "nowhere")
    run.finish(quiet=True)
    assert not (tmp_path / "nowhere").exists()
