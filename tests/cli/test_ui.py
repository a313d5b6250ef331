"""``cairn ui``: finds the store, says where it serves, and fails clearly instead of tracebacks."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest
import uvicorn
from click.testing import CliRunner
from tests.fakes.runs import make_run
from tests.fakes.server import serve

from cairn.cli.main import cli


@pytest.fixture(autouse=True)
def no_logging_setup(monkeypatch: pytest.MonkeyPatch) -> None:
    """``cairn ui`` runs in pytest's process here, where uvicorn.Config's logging setup
    (``logging.config.dictConfig``) would close every logging handler of the test session.
    absl's handler (imported with keras) then closes the stream it was made with, pytest's
    captured stderr, because CliRunner has swapped sys.stderr: pytest dies ('lost sys.stderr')."""
    monkeypatch.setattr(uvicorn.Config, "configure_logging", lambda self: None)


def test_without_a_store_it_says_so_and_exits_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["ui", "--dir", str(tmp_path / "nothing")])
    assert result.exit_code == 1
    assert "no Cairn store at" in result.output and "cairn.init()" in result.output
    assert not (tmp_path / "nothing").exists()  # nothing created


def test_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    make_run(tmp_path / ".cairn")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            cli, ["ui", "--dir", str(tmp_path / ".cairn"), "--port", str(port)]
        )
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is in use" in result.output
    assert "Traceback" not in result.output


def test_open_prints_the_url_and_opens_a_browser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_run(tmp_path / ".cairn")
    opened: list[str] = []
    served: list[int] = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets: served.append(len(sockets)))
    result = CliRunner().invoke(
        cli, ["ui", "--dir", str(tmp_path / ".cairn"), "--port", "0", "--open"]
    )
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("Cairn dashboard: http://127.0.0.1:")
    assert opened == [first.removeprefix("Cairn dashboard: ")]
    assert served == [1]


def test_the_store_is_found_through_cairn_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_run(tmp_path / ".cairn", "found")
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets: None)
    monkeypatch.setenv("CAIRN_DIR", str(tmp_path / ".cairn"))
    result = CliRunner().invoke(cli, ["ui", "--port", "0"])
    assert result.exit_code == 0, result.output
    assert str(tmp_path / ".cairn") in result.output


def test_python_m_cairn_ui_serves_the_api(tmp_path: Path) -> None:
    make_run(tmp_path / ".cairn", "served")
    with serve(tmp_path / ".cairn") as server:
        assert server.output().startswith(f"Cairn dashboard: {server.url}\n")
        projects = httpx.get(f"{server.url}/api/v1/projects").json()
        assert [p["name"] for p in projects] == ["served"]
        assert httpx.get(server.url).status_code == 200


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_a_non_loopback_address_without_auth_needs_a_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, host: str
) -> None:
    make_run(tmp_path / ".cairn")
    served: list[int] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets: served.append(1))
    result = CliRunner().invoke(
        cli, ["ui", "--dir", str(tmp_path / ".cairn"), "--host", host, "--port", "0"]
    )
    assert result.exit_code == 1
    assert f"--host {host} has no login" in result.output
    assert "--insecure-no-auth" in result.output and "127.0.0.1" in result.output
    assert "Traceback" not in result.output and not served


def test_insecure_no_auth_serves_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_run(tmp_path / ".cairn")
    apps: list[object] = []

    def run(self: uvicorn.Server, sockets: list[socket.socket]) -> None:
        apps.append(self.config.app)

    monkeypatch.setattr(uvicorn.Server, "run", run)
    result = CliRunner().invoke(
        cli,
        [
            "ui",
            "--dir",
            str(tmp_path / ".cairn"),
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--insecure-no-auth",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "WARNING" in result.output and "without authentication" in result.output
    assert len(apps) == 1


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.5", "localhost", "::1"])
def test_loopback_addresses_need_no_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, host: str
) -> None:
    make_run(tmp_path / ".cairn")
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets: None)
    result = CliRunner().invoke(
        cli, ["ui", "--dir", str(tmp_path / ".cairn"), "--host", host, "--port", "0"]
    )
    if result.exit_code == 1 and "cannot listen" in result.output:
        pytest.skip(f"{host} is not available on this machine")
    assert result.exit_code == 0, result.output
    assert "WARNING" not in result.output


def test_an_allowed_host_must_be_a_host_name(tmp_path: Path) -> None:
    make_run(tmp_path / ".cairn")
    result = CliRunner().invoke(
        cli, ["ui", "--dir", str(tmp_path / ".cairn"), "--allowed-host", "http://x.example/"]
    )
    assert result.exit_code == 2
    assert "'http://x.example/' is not a host name" in result.output


def test_cairn_web_dir_serves_another_build(tmp_path: Path) -> None:
    make_run(tmp_path / ".cairn", "served")
    build = tmp_path / "old-build"
    (build / "assets").mkdir(parents=True)
    (build / "index.html").write_text("<!doctype html><title>the old build</title>")
    (build / "assets" / "app-1.js").write_text("console.log('old')")
    with serve(tmp_path / ".cairn", env={"CAIRN_WEB_DIR": str(build)}) as server:
        assert "the old build" in httpx.get(f"{server.url}/p/served").text
        assert httpx.get(f"{server.url}/assets/app-1.js").text == "console.log('old')"
        assert httpx.get(f"{server.url}/api/v1/projects").json()[0]["name"] == "served"


def test_cairn_web_dir_without_a_build_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_run(tmp_path / ".cairn")
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets: None)
    monkeypatch.setenv("CAIRN_WEB_DIR", str(tmp_path / "empty"))
    result = CliRunner().invoke(cli, ["ui", "--dir", str(tmp_path / ".cairn"), "--port", "0"])
    assert result.exit_code == 1
    assert f"$CAIRN_WEB_DIR={tmp_path / 'empty'} holds no build" in result.output
    assert "Traceback" not in result.output
