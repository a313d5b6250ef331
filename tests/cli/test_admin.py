"""``cairn admin``: users, keys and roles straight in a team server's PostgreSQL database (and in
a local store), as provisioning scripts use it."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from cairn.cli.main import cli
from cairn.server.auth.credentials import check_password, key_digest
from cairn.store.accounts import get_user, list_keys, roles, user_of_key
from cairn.store.blobs import BlobStore
from cairn.store.store import Store


@pytest.fixture
def database(postgres: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    url: str = postgres.database()
    monkeypatch.setenv("CAIRN_DB", url)
    return url


def _store(url: str) -> Store:
    return Store(url, BlobStore("memory://cairn-test-admin"), migrate=False)


def test_provisioning_a_user_with_a_password_a_role_and_a_key(database: str) -> None:
    runner = CliRunner()
    made = runner.invoke(
        cli,
        ["admin", "user", "create", "ada", "--admin", "--password-stdin"],
        input="a long passphrase\n",
    )
    assert made.exit_code == 0, made.output
    assert "a long passphrase" not in made.output
    assert runner.invoke(cli, ["admin", "user", "grant", "ada", "vision", "editor"]).exit_code == 0
    created = runner.invoke(cli, ["admin", "key", "create", "ada", "--name", "ci"])
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[-1]
    assert secret.startswith("cairn_")
    store = _store(database)
    try:
        ada = get_user(store, "ada")
        assert ada.is_admin and check_password(ada.password_hash, "a long passphrase")
        assert roles(store, "ada") == {"vision": "editor"}
        found = user_of_key(store, key_digest(secret))
        assert found is not None and found.name == "ada"
        with store.engine.connect() as conn:  # the key itself is nowhere in the database
            dump = " ".join(
                str(row)
                for table in ("api_keys", "users")
                for row in conn.exec_driver_sql(f"SELECT * FROM {table}")
            )
        assert secret not in dump and secret[len("cairn_") + 6 :] not in dump
        listed = runner.invoke(cli, ["admin", "key", "ls", "ada"])
        assert "ci" in listed.output and secret not in listed.output and "live" in listed.output
        key_id = list_keys(store, "ada")[0].id
        revoked = runner.invoke(cli, ["admin", "key", "revoke", str(key_id)])
        assert revoked.exit_code == 0 and user_of_key(store, key_digest(secret)) is None
    finally:
        store.close()
    users = runner.invoke(cli, ["admin", "user", "ls"])
    assert "ada\tadmin\tpassword" in users.output


def test_mistakes_are_clear_errors(database: str) -> None:
    runner = CliRunner()
    short = runner.invoke(cli, ["admin", "user", "create", "bob", "--password-stdin"], input="x\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    assert runner.invoke(cli, ["admin", "user", "create", "bob"]).exit_code == 0
    again = runner.invoke(cli, ["admin", "user", "create", "bob"])
    assert again.exit_code == 1 and "already" in again.output
    nobody = runner.invoke(cli, ["admin", "key", "create", "nobody"])
    assert nobody.exit_code == 1 and "no user named 'nobody'" in nobody.output
    bad_role = runner.invoke(cli, ["admin", "user", "grant", "bob", "p", "owner"])
    assert bad_role.exit_code == 2
    missing = runner.invoke(cli, ["admin", "key", "revoke", "42"])
    assert missing.exit_code == 1 and "no API key with id 42" in missing.output


def test_a_database_behind_the_schema_is_refused_with_the_command(
    postgres: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAIRN_DB", postgres.empty_database())
    result = CliRunner().invoke(cli, ["admin", "user", "ls"])
    assert result.exit_code == 1 and "cairn db upgrade" in result.output


def test_the_local_store_has_accounts_too(store_dir: Any) -> None:
    result = CliRunner().invoke(cli, ["admin", "user", "create", "solo"])
    assert result.exit_code == 0, result.output
    assert "solo" in CliRunner().invoke(cli, ["admin", "user", "ls"]).output


def test_teams_give_their_members_a_role(database: str) -> None:
    runner = CliRunner()
    for args in (
        ["user", "create", "ann"],
        ["user", "create", "bob"],
        ["team", "create", "vision-lab"],
        ["team", "add", "vision-lab", "ann", "bob"],
        ["team", "grant", "vision-lab", "segmentation", "editor"],
        ["user", "grant", "bob", "segmentation", "admin"],
        ["project", "visibility", "segmentation", "public"],
    ):
        done = runner.invoke(cli, ["admin", *args])
        assert done.exit_code == 0, done.output
    listed = runner.invoke(cli, ["admin", "team", "ls"]).output
    assert "vision-lab\tann, bob\tsegmentation:editor" in listed
    store = _store(database)
    try:
        from cairn.store.accounts import role_on

        assert role_on(store, get_user(store, "ann"), "segmentation") == "editor"
        assert role_on(store, get_user(store, "bob"), "segmentation") == "admin"  # the highest
        assert runner.invoke(cli, ["admin", "team", "remove", "vision-lab", "ann"]).exit_code == 0
        assert role_on(store, get_user(store, "ann"), "segmentation") == "viewer"  # public
        done = runner.invoke(cli, ["admin", "project", "visibility", "segmentation", "team"])
        assert done.exit_code == 0, done.output
        assert role_on(store, get_user(store, "ann"), "segmentation") == "viewer"  # signed in
        assert role_on(store, None, "segmentation") is None
    finally:
        store.close()
    last = runner.invoke(cli, ["admin", "user", "grant", "bob", "segmentation", "editor"])
    assert last.exit_code == 1 and "without an admin" in last.output
    again = runner.invoke(cli, ["admin", "team", "create", "vision-lab"])
    assert again.exit_code == 1 and "already" in again.output
    missing = runner.invoke(cli, ["admin", "team", "add", "nobody-team", "ann"])
    assert missing.exit_code == 1 and "no team named 'nobody-team'" in missing.output
