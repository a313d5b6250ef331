"""``cairn db upgrade`` and ``cairn db current`` on a real PostgreSQL database and a local store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cairn.cli.main import cli
from cairn.store.blobs import BlobStore
from cairn.store.engine import SCHEMA_REVISION
from cairn.store.store import Store


def test_upgrade_creates_the_schema_once_and_the_server_store_then_opens(
    postgres: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres.empty_database()
    monkeypatch.setenv("CAIRN_DB", url)  # as docs/server.md says: no password on a command line
    runner = CliRunner()
    before = runner.invoke(cli, ["db", "current"])
    assert (
        before.exit_code == 0 and "(empty)" in before.output and "cairn db upgrade" in before.output
    )
    first = runner.invoke(cli, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert f"(empty) -> {SCHEMA_REVISION}" in first.output
    again = runner.invoke(cli, ["db", "upgrade"])
    assert f"already at schema revision {SCHEMA_REVISION}" in again.output
    assert "current)" in runner.invoke(cli, ["db", "current"]).output
    Store(url, BlobStore(tmp_path / "blobs"), migrate=False).close()


def test_a_plain_postgresql_url_works(postgres: Any) -> None:
    url = postgres.empty_database().replace("postgresql+psycopg://", "postgresql://")
    result = CliRunner().invoke(cli, ["db", "upgrade", "--db", url])
    assert result.exit_code == 0, result.output


def test_an_unreachable_database_is_a_clear_error_without_its_password() -> None:
    url = "postgresql://cairn:hunter2-pw@127.0.0.1:1/nothing"
    result = CliRunner().invoke(cli, ["db", "upgrade", "--db", url])
    assert result.exit_code == 1
    assert "cannot upgrade postgresql+psycopg://cairn:***@127.0.0.1:1/nothing" in result.output
    assert "hunter2-pw" not in result.output


def test_upgrade_of_the_local_store(store_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert (store_dir / "cairn.db").exists()
    assert str(store_dir / "cairn.db") in result.output


def test_current_without_a_store_says_so_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CAIRN_DB", raising=False)
    missing = tmp_path / "nothing-here"
    result = CliRunner().invoke(cli, ["db", "current", "--dir", str(missing)])
    assert result.exit_code == 1 and "no Cairn store at" in result.output
    assert not missing.exists()


def test_upgrade_reads_the_database_from_the_servers_config_file(
    postgres: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CAIRN_DB", raising=False)
    monkeypatch.delenv("CAIRN_SERVER_CONFIG", raising=False)
    url = postgres.empty_database()
    config = tmp_path / "cairn-server.toml"
    config.write_text(f'db = "{url}"\nblobs = "{tmp_path / "blobs"}"\n')
    runner = CliRunner()
    done = runner.invoke(cli, ["db", "upgrade", "--config", str(config)])
    assert done.exit_code == 0, done.output
    assert f"(empty) -> {SCHEMA_REVISION}" in done.output
    monkeypatch.setenv("CAIRN_SERVER_CONFIG", str(config))  # the variable does the same
    assert "current)" in runner.invoke(cli, ["db", "current"]).output
    wrong = runner.invoke(cli, ["db", "upgrade", "--config", str(tmp_path / "missing.toml")])
    assert wrong.exit_code == 1 and "no config file at" in wrong.output
