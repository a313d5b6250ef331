"""The team server's settings: flags, else environment variables, else the config file, else
defaults; every mistake named."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from cairn.errors import ConfigError
from cairn.server.settings import ServerSettings, load_settings


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "server.toml"
    path.write_text(text)
    return str(path)


def test_flags_win_over_variables_which_win_over_the_file(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        'db = "postgresql://file/db"\nblobs = "s3://file"\nport = 9000\nworkers = 3\n'
        'allowed_hosts = ["file.example"]\n',
    )
    env = {"CAIRN_DB": "postgresql://env/db", "CAIRN_PORT": "9100"}
    got = load_settings({"db": None, "port": 9200, "allowed_hosts": ()}, env, config)
    assert got == ServerSettings(
        db="postgresql://env/db",
        blobs="s3://file",
        host="127.0.0.1",
        port=9200,
        workers=3,
        allowed_hosts=["file.example"],
    )


def test_the_config_file_can_come_from_the_environment(tmp_path: Path) -> None:
    config = write(tmp_path, 'db = "cairn.db"\nblobs = "blobs"\n')
    got = load_settings({}, {"CAIRN_SERVER_CONFIG": config})
    assert (got.db, got.blobs, got.port, got.workers) == ("cairn.db", "blobs", 8080, 1)
    assert got.db_url == f"sqlite:///{Path('cairn.db').resolve()}"


def test_settings_round_trip_through_the_environment() -> None:
    settings = ServerSettings(
        "postgresql://h/db", "s3://b/p", "0.0.0.0", 81, 4, ["a.example"], ["10.0.0.0/24", "::1"]
    )
    assert load_settings({}, settings.environment()) == settings
    assert load_settings({}, replace(settings, appliers=3).environment()).appliers == 3


def test_appliers_default_to_one_and_come_from_flags_env_or_file(tmp_path: Path) -> None:
    postgres = {"db": "postgresql://h/db", "blobs": "s3://b", "workers": 3}
    assert load_settings(postgres, {}).appliers == 1  # not one per worker: no gain measured
    assert load_settings({**postgres, "appliers": 2}, {}).appliers == 2
    config = write(tmp_path, "appliers = 4\n")
    assert load_settings(postgres, {}, config).appliers == 4
    assert load_settings(postgres, {"CAIRN_APPLIERS": "2"}, config).appliers == 2


def test_ingest_concurrency_defaults_to_four_and_zero_means_no_limit(tmp_path: Path) -> None:
    flags = {"db": "x", "blobs": "y"}
    assert load_settings(flags, {}).ingest_concurrency == 4
    config = write(tmp_path, "ingest_concurrency = 0\n")
    assert load_settings(flags, {}, config).ingest_concurrency == 0
    env = {"CAIRN_INGEST_CONCURRENCY": "8"}
    assert load_settings(flags, env, config).ingest_concurrency == 8
    assert load_settings({**flags, "ingest_concurrency": 2}, env).ingest_concurrency == 2
    settings = replace(load_settings(flags, {}), ingest_concurrency=3)
    assert load_settings({}, settings.environment()).ingest_concurrency == 3


def test_trusted_proxies_default_to_loopback_and_take_networks(tmp_path: Path) -> None:
    flags = {"db": "x", "blobs": "y"}
    assert load_settings(flags, {}).trusted_proxies == ["127.0.0.1", "::1"]
    config = write(tmp_path, 'trusted_proxies = ["10.1.2.3", "fd00::/8"]\n')
    assert load_settings(flags, {}, config).trusted_proxies == ["10.1.2.3", "fd00::/8"]
    env = {"CAIRN_TRUSTED_PROXIES": "10.0.0.0/24, *"}
    assert load_settings(flags, env, config).trusted_proxies == ["10.0.0.0/24", "*"]


@pytest.mark.parametrize(
    ("flags", "text", "message"),
    [
        ({}, "", r"no db given: pass --db, set \$CAIRN_DB"),
        ({"db": "x"}, "", "no blobs given"),
        ({"db": "x", "blobs": "y", "port": 70000}, "", "port must be between 0 and 65535"),
        ({"db": "x", "blobs": "y"}, "workers = 'many'", "workers must be a whole number"),
        ({"db": "x", "blobs": "y", "appliers": 0}, "", "appliers must be between 1 and 256"),
        (
            {"db": "x", "blobs": "y", "ingest_concurrency": -1},
            "",
            "ingest_concurrency must be between 0 and 1024",
        ),
        ({"db": "x", "blobs": "y"}, "password = 'x'", "unknown setting password"),
        ({"db": "x", "blobs": "y"}, "db = ", "is not valid TOML"),
        ({"db": "x", "blobs": "y", "allowed_hosts": ("https://a/",)}, "", "not a host name"),
        (
            {"db": "x", "blobs": "y", "trusted_proxies": ("proxy.example",)},
            "",
            "'proxy.example' is not an address or a network",
        ),
    ],
)
def test_mistakes_are_named(
    tmp_path: Path, flags: dict[str, object], text: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(flags, {}, write(tmp_path, text))


def test_a_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no config file at"):
        load_settings({}, {}, str(tmp_path / "nope.toml"))


def test_db_upgrade_needs_no_blobs() -> None:
    assert load_settings({"db": "x"}, {}, need_blobs=False).db == "x"
