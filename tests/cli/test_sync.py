"""``cairn sync``: journals of offline runs (made with the real SDK) applied to the store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from tests.fakes.runs import make_run

import cairn
from cairn.cli.main import cli
from cairn.journal.file import JournalDamageWarning, read_journal
from cairn.journal.records import History
from cairn.store.store import Store


def invoke(*args: str) -> Result:
    return CliRunner(env={"COLUMNS": "250"}).invoke(cli, ["sync", *args])


def stored(store_dir: Path, run_id: str) -> tuple[int, str, int]:
    """(last seq, state, history rows) of a run in the store, (0, "", 0) when it is not there."""
    store = Store.local(store_dir)
    try:
        if store.last_seq(run_id) == 0:
            return 0, "", 0
        info = store.run(run_id)
        return info.last_seq, info.state, info.history_rows
    finally:
        store.close()


def records_in(journal: Path) -> int:
    return len(read_journal(journal).records)


def test_sync_a_run_folder(store_dir: Path) -> None:
    run = make_run(store_dir, "p", mode="offline", steps=4)
    folder = store_dir / "runs" / run.id
    assert stored(store_dir, run.id) == (0, "", 0)  # offline: only the journal has it
    n = records_in(folder / "journal")  # start, capture sections, 4 rows, finish
    result = invoke(str(folder))
    assert result.exit_code == 0, result.output
    assert f"{run.id}: {n} new of {n} records applied (store at seq {n})" in result.output
    assert stored(store_dir, run.id) == (n, "finished", 4)


def test_sync_a_journal_file_twice(store_dir: Path) -> None:
    run = make_run(store_dir, "p", mode="offline")
    assert run.journal is not None
    n = records_in(run.journal)
    first = invoke(str(run.journal))
    assert first.exit_code == 0, first.output
    assert f"{run.id}: {n} new of {n} records applied" in first.output
    before = stored(store_dir, run.id)
    second = invoke(str(run.journal))
    assert second.exit_code == 0, second.output
    assert f"{run.id}: 0 new of {n} records applied (store at seq {n})" in second.output
    assert stored(store_dir, run.id) == before == (n, "finished", 3)


def test_sync_all(store_dir: Path) -> None:
    runs = [make_run(store_dir, p, mode="offline", steps=2) for p in ("p", "q", "q")]
    online = make_run(store_dir, "p")
    assert online.journal is not None and not online.journal.exists()  # applied, so removed
    result = invoke("--all")
    assert result.exit_code == 0, result.output
    for run in runs:
        assert run.journal is not None
        n = records_in(run.journal)
        assert f"{run.id}: {n} new of {n} records applied" in result.output
        assert stored(store_dir, run.id) == (n, "finished", 2)
    assert online.id not in result.output
    again = invoke("--all")
    assert again.exit_code == 0, again.output
    assert again.output.count(" 0 new of ") == 3 and "records applied" in again.output


def test_sync_all_includes_a_kept_online_journal(store_dir: Path, keep_journal: None) -> None:
    online = make_run(store_dir, "p")
    assert online.journal is not None
    result = invoke("--all")
    assert result.exit_code == 0, result.output
    assert f"{online.id}: 0 new of {records_in(online.journal)} records applied" in result.output


def test_a_torn_journal_exits_1_naming_the_byte_and_the_reason(store_dir: Path) -> None:
    run = make_run(store_dir, "p", mode="offline", steps=5)
    assert run.journal is not None
    good = read_journal(run.journal).valid_bytes
    with open(run.journal, "r+b") as f:
        f.truncate(good - 4)  # tear the finish record
    torn = read_journal(run.journal)
    result = invoke(str(run.journal))
    assert result.exit_code == 1, result.output
    out = " ".join(result.output.split())
    assert f"stopped at byte {torn.stopped_at}" in out
    assert "torn frame" in out and "everything before it was synced" in out
    n = len(torn.records)
    assert f"{run.id}: {n} new of {n} records applied" in out
    assert stored(store_dir, run.id) == (n, "running", 5)


def test_a_corrupt_journal_exits_1_with_a_crc_message(store_dir: Path) -> None:
    run = make_run(store_dir, "p", mode="offline", steps=5)
    assert run.journal is not None
    data = bytearray(run.journal.read_bytes())
    data[-20] ^= 0xFF
    run.journal.write_bytes(bytes(data))
    result = invoke(str(run.journal))
    assert result.exit_code == 1
    assert "CRC mismatch" in result.output and "everything before it was synced" in result.output


def test_a_file_that_is_not_a_journal_is_a_clean_error(store_dir: Path, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("[red]not a journal[/] at all, just text\n")
    result = invoke(str(bogus))
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    out = "".join(result.output.split())
    assert "notaCairnjournal" in out and "notes.txt" in out


def test_other_journals_still_sync_when_one_fails(store_dir: Path, tmp_path: Path) -> None:
    bogus = tmp_path / "journal"
    bogus.write_text("garbage that is long enough to have a header")
    run = make_run(store_dir, "p", mode="offline")
    result = invoke(str(bogus), str(store_dir / "runs" / run.id))
    assert result.exit_code == 1
    assert run.journal is not None
    assert stored(store_dir, run.id)[0] == records_in(run.journal)


def test_a_run_folder_without_a_journal_is_a_clean_error(store_dir: Path) -> None:
    folder = store_dir / "runs" / "empty"
    folder.mkdir(parents=True)
    result = invoke(str(folder))
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "journal" in result.output


def test_no_arguments_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAIRN_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    result = invoke()
    assert result.exit_code == 2
    assert "Usage:" in result.output and "--all" in result.output
    assert os.listdir(tmp_path) == []  # a usage error creates no store


def test_a_path_that_does_not_exist_is_a_usage_error(store_dir: Path, tmp_path: Path) -> None:
    result = invoke(str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_dir_option_picks_the_store(store_dir: Path, tmp_path: Path) -> None:
    run = make_run(store_dir, "p", mode="offline")
    other = tmp_path / "other"
    result = invoke(str(store_dir / "runs" / run.id), "--dir", str(other))
    assert result.exit_code == 0, result.output
    assert run.journal is not None
    assert stored(other, run.id)[0] == records_in(run.journal)
    assert stored(store_dir, run.id)[0] == 0


def test_sync_all_with_no_runs_says_there_is_nothing_to_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_dir = tmp_path / "never-made"
    monkeypatch.setenv("CAIRN_DIR", str(store_dir))
    result = invoke("--all")
    assert result.exit_code == 0, result.output
    assert "nothing to sync" in result.output
    assert not store_dir.exists()


def test_brackets_in_paths_are_printed_as_they_are(store_dir: Path, tmp_path: Path) -> None:
    bogus = tmp_path / "[bold]run" / "journal"
    bogus.parent.mkdir()
    bogus.write_text("not a journal, but long enough")
    result = invoke(str(bogus.parent))
    assert result.exit_code == 1
    assert "[bold]run" in "".join(result.output.split())


def test_a_journal_is_synced_into_the_store_it_sits_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "project" / ".cairn"
    run = make_run(home, "p", mode="offline", steps=4)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("CAIRN_DIR", raising=False)
    result = invoke(str(home / "runs" / run.id))
    assert result.exit_code == 0, result.output
    assert run.journal is not None
    assert stored(home, run.id) == (records_in(run.journal), "finished", 4)
    assert not (elsewhere / ".cairn").exists(), "no stray store where the command ran"


def test_damage_in_the_middle_is_skipped_reported_and_exits_1(store_dir: Path) -> None:
    run = make_run(store_dir, "p", mode="offline", steps=200)
    assert run.journal is not None
    before = read_journal(run.journal)
    data = bytearray(run.journal.read_bytes())
    data[len(data) // 2] ^= 0xFF
    run.journal.write_bytes(bytes(data))
    with pytest.warns(JournalDamageWarning):
        damaged = read_journal(run.journal)
    (damage,) = damaged.damaged
    result = invoke(str(run.journal))
    assert result.exit_code == 1, result.output
    out = " ".join(result.output.split())
    # the flipped byte may land in a frame's length or in its payload: the reason says which
    assert f"{damage.length} bytes at byte {damage.offset}" in out and damage.reason in out
    n = len(before.records) - 1
    assert f"{run.id}: {n} new of {n} records applied" in out
    kept = {r.seq for r in damaged.records}
    (lost,) = [r for r in before.records if r.seq not in kept]
    rows = 200 - isinstance(lost, History)
    assert stored(store_dir, run.id) == (len(before.records), "finished", rows)


def test_a_live_runs_journal_syncs_while_the_run_holds_its_lock(store_dir: Path) -> None:
    run = cairn.init(project="p", mode="offline")
    for step in range(5):
        run.log({"loss": 1.0 / (step + 1)})
    run.flush()
    assert run.journal is not None and run.journal.with_name("journal.lock").exists()
    result = invoke(str(run.journal))
    assert result.exit_code == 0, result.output
    assert stored(store_dir, run.id)[1:] == ("running", 5)
    run.finish(quiet=True)
    assert invoke(str(run.journal)).exit_code == 0
    assert stored(store_dir, run.id)[1:] == ("finished", 5)
