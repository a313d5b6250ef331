"""Which team server a script logs to: ``$CAIRN_URL`` and ``$CAIRN_API_KEY``, else what
``cairn login`` saved in the user's config file (``~/.config/cairn/login.toml``, mode 0600)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

URL_ENV = "CAIRN_URL"
KEY_ENV = "CAIRN_API_KEY"
FILE_NAME = "login.toml"


@dataclass(frozen=True)
class Login:
    url: str
    """The server's base URL, e.g. ``https://cairn.example.com``."""
    key: str
    """An API key (``cairn_…``); never printed."""

    def __repr__(self) -> str:
        return f"Login(url={self.url!r}, key='{self.key[:12]}…')"


def config_dir() -> Path:
    """``$XDG_CONFIG_HOME/cairn``, else ``~/.config/cairn``."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "cairn"


def current_login() -> Login | None:
    """The server to log to: the environment's, else the saved one; None: log locally."""
    url, key = os.environ.get(URL_ENV), os.environ.get(KEY_ENV)
    saved = saved_login()
    if url:
        if not key and saved is not None and saved.url == url.rstrip("/"):
            key = saved.key
        if not key:
            raise ValueError(
                f"${URL_ENV} is set but no API key: set ${KEY_ENV}, or run `cairn login {url}`"
            )
        return Login(url.rstrip("/"), key)
    if key and saved is not None:
        return Login(saved.url, key)
    return saved


def saved_login() -> Login | None:
    path = config_dir() / FILE_NAME
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        return None  # the usual case: init() then loads no TOML parser
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc}; run `cairn login` again") from None
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"cannot read {path}: {exc}; run `cairn login` again") from None
    url, key = data.get("url"), data.get("api_key")
    if not isinstance(url, str) or not isinstance(key, str):
        raise ValueError(f"{path} lacks url or api_key; run `cairn login` again")
    return Login(url.rstrip("/"), key)


def save_login(login: Login) -> Path:
    """Write the login for later runs, readable by this user only (0600 in a 0700 folder)."""
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / FILE_NAME
    tmp = folder / f".{FILE_NAME}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f"url = {_toml_string(login.url)}\napi_key = {_toml_string(login.key)}\n")
    os.chmod(tmp, 0o600)  # an older file's mode, or a umask, does not widen it
    os.replace(tmp, path)
    return path


def forget_login() -> bool:
    """Remove the saved login; whether there was one."""
    try:
        (config_dir() / FILE_NAME).unlink()
    except FileNotFoundError:
        return False
    return True


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def check_login(login: Login, timeout: float = 15.0) -> str:
    """The user name the server knows the key as; ValueError saying what is wrong otherwise
    (the server cannot be reached, refuses the key, or is a ``cairn ui`` without accounts)."""
    import httpx

    if not login.url.startswith(("http://", "https://")):
        raise ValueError(f"{login.url!r}: give the server's URL, e.g. https://cairn.example.com")
    try:
        response = httpx.get(
            f"{login.url}/api/v1/auth/me",
            headers={"Authorization": f"Bearer {login.key}"},
            timeout=timeout,
        )
    except httpx.HTTPError as exc:
        raise ValueError(f"cannot reach {login.url}: {exc}") from None
    if response.status_code == 401:
        raise ValueError(f"{login.url} refused the key: it was revoked, or mistyped")
    if not response.is_success:
        raise ValueError(f"{login.url} answered {response.status_code}: is it a Cairn server?")
    me = response.json()
    if not me.get("accounts"):
        raise ValueError(
            f"{login.url} is a `cairn ui` (no accounts): log to its store with cairn.init(dir=...)"
        )
    return str(me["user"])
