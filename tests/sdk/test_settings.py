"""``cairn.Settings``: defaults from ``$CAIRN_*``, explicit values win, bad values are named."""

from __future__ import annotations

import pytest

import cairn
from cairn.errors import ConfigError


def test_defaults_capture_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CAIRN_CAPTURE_GIT", "CAIRN_SAVE_CODE", "CAIRN_CAPTURE_CONSOLE"):
        monkeypatch.delenv(name, raising=False)
    s = cairn.Settings()
    assert (s.capture_git, s.save_code, s.capture_env, s.capture_console) == (True,) * 4
    assert s.diff_limit_bytes == 1_000_000 and s.code_limit_bytes == 20_000_000


@pytest.mark.parametrize("value", ["0", "false", "No", "OFF"])
def test_environment_turns_a_capture_off(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CAIRN_SAVE_CODE", value)
    monkeypatch.setenv("CAIRN_CAPTURE_ENV", value)
    monkeypatch.setenv("CAIRN_DIFF_LIMIT_BYTES", "123")
    s = cairn.Settings()
    assert s.save_code is False and s.capture_env is False and s.diff_limit_bytes == 123


def test_an_explicit_value_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAIRN_SAVE_CODE", "0")
    assert cairn.Settings(save_code=True).save_code is True


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CAIRN_CAPTURE_GIT", "maybe", r"\$CAIRN_CAPTURE_GIT='maybe': use 1/true/yes/on"),
        ("CAIRN_CODE_LIMIT_BYTES", "lots", r"give a number of bytes"),
        ("CAIRN_DIFF_LIMIT_BYTES", "-1", r"at least 0"),
        ("CAIRN_SYSTEM_METRICS", "sometimes", r"\$CAIRN_SYSTEM_METRICS='sometimes'"),
        ("CAIRN_SYSTEM_INTERVAL", "often", r"give a number of seconds, e.g. 10"),
        ("CAIRN_SYSTEM_INTERVAL", "0", r"above 0"),
        ("CAIRN_SYSTEM_INTERVAL", "inf", r"above 0"),
    ],
)
def test_bad_values_say_what_to_use(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        cairn.Settings()


@pytest.mark.usefixtures("no_open_run")
def test_init_refuses_something_that_is_not_settings(store_dir: object) -> None:
    with pytest.raises(TypeError, match=r"cairn\.Settings"):
        cairn.init(project="p", settings={"save_code": False})  # type: ignore[arg-type]


def test_system_metrics_every_ten_seconds_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAIRN_SYSTEM_METRICS", raising=False)
    monkeypatch.delenv("CAIRN_SYSTEM_INTERVAL", raising=False)
    s = cairn.Settings()
    assert s.system_metrics is True and s.system_interval == 10.0
    monkeypatch.setenv("CAIRN_SYSTEM_INTERVAL", "2.5")
    assert cairn.Settings().system_interval == 2.5


@pytest.mark.parametrize("interval", [0, -1.0, float("nan"), "10", True])
def test_a_bad_explicit_interval_is_named(interval: object) -> None:
    with pytest.raises(ConfigError, match=r"Settings\(system_interval="):
        cairn.Settings(system_interval=interval)  # type: ignore[arg-type]
