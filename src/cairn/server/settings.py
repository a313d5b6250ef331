"""The team server's settings: from the command line, else environment variables, else a TOML
config file, else defaults (in that order of precedence).

Secrets (the database password, S3 keys) belong in the environment or a file only its owner can
read (the config file, ``~/.pgpass``, ``~/.aws/credentials``), never on a long-running process's
command line, where every user of the machine can read it (``ps``).

| setting | flag | variable | file key | default |
| --- | --- | --- | --- | --- |
| database | ``--db`` | ``CAIRN_DB`` | ``db`` | required |
| blobs | ``--blobs`` | ``CAIRN_BLOBS`` | ``blobs`` | required |
| address | ``--host`` | ``CAIRN_HOST`` | ``host`` | 127.0.0.1 |
| port | ``--port`` | ``CAIRN_PORT`` | ``port`` | 8080 |
| processes | ``--workers`` | ``CAIRN_WORKERS`` | ``workers`` | 1 |
| appliers | ``--appliers`` | ``CAIRN_APPLIERS`` | ``appliers`` | 1 |
| batches at once | ``--ingest-concurrency`` | ``CAIRN_INGEST_CONCURRENCY`` | ``ingest_concurrency`` | 4 |
| public names | ``--allowed-host`` | ``CAIRN_ALLOWED_HOSTS`` | ``allowed_hosts`` | none |
| proxies | ``--trusted-proxy`` | ``CAIRN_TRUSTED_PROXIES`` | ``trusted_proxies`` | 127.0.0.1, ::1 |
| config file | ``--config`` | ``CAIRN_SERVER_CONFIG`` | | none |
"""

from __future__ import annotations

import ipaddress
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cairn.errors import ConfigError
from cairn.server.security import host_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_ENV = "CAIRN_SERVER_CONFIG"
ENV = {
    "db": "CAIRN_DB",
    "blobs": "CAIRN_BLOBS",
    "host": "CAIRN_HOST",
    "port": "CAIRN_PORT",
    "workers": "CAIRN_WORKERS",
    "appliers": "CAIRN_APPLIERS",
    "ingest_concurrency": "CAIRN_INGEST_CONCURRENCY",
    "allowed_hosts": "CAIRN_ALLOWED_HOSTS",
    "trusted_proxies": "CAIRN_TRUSTED_PROXIES",
}
"""Setting → the environment variable that gives it."""
LOOPBACK_PROXIES = ["127.0.0.1", "::1"]
"""A reverse proxy on the same machine: the clients trusted by default to say, in
``X-Forwarded-For`` and ``X-Forwarded-Proto``, who the client is and whether it came over HTTPS."""
DEFAULTS: dict[str, Any] = {
    "host": "127.0.0.1",
    "port": 8080,
    "workers": 1,
    "appliers": 1,
    "ingest_concurrency": 4,
    "allowed_hosts": [],
    "trusted_proxies": LOOPBACK_PROXIES,
}


@dataclass(frozen=True)
class ServerSettings:
    db: str
    """A SQLAlchemy URL (``postgresql://user@host/db``), or a SQLite file's path."""
    blobs: str
    """``s3://bucket/prefix``, or a folder."""
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1
    allowed_hosts: list[str] = field(default_factory=list)
    trusted_proxies: list[str] = field(default_factory=lambda: list(LOOPBACK_PROXIES))
    """Addresses or networks (``10.0.0.0/24``) of the proxies whose ``X-Forwarded-*`` headers
    are believed (the session cookie is Secure when they say HTTPS); ``*``: every client."""
    appliers: int = 1
    """Applier processes (``server.applier``): on PostgreSQL each applies other runs at once; on
    SQLite more than one would take turns (one write transaction at a time). One by default: a
    second showed no gain on a 2-core machine shared with its clients (docs/server.md) and costs
    about 215 MB."""
    ingest_concurrency: int = 4
    """Batches of records a worker takes at once; the others are told when to send again
    (``server.ingest_gate``). 0: no limit."""

    @property
    def db_url(self) -> str:
        """``db`` as a SQLAlchemy URL: a plain path becomes a SQLite URL."""
        if "://" in self.db:
            return self.db
        return f"sqlite:///{Path(self.db).expanduser().resolve()}"

    def environment(self) -> dict[str, str]:
        """The settings as environment variables, for the server's worker processes."""
        values = {
            "db": self.db,
            "blobs": self.blobs,
            "host": self.host,
            "port": str(self.port),
            "workers": str(self.workers),
            "allowed_hosts": ",".join(self.allowed_hosts),
            "trusted_proxies": ",".join(self.trusted_proxies),
            "appliers": str(self.appliers),
            "ingest_concurrency": str(self.ingest_concurrency),
        }
        return {ENV[name]: value for name, value in values.items()}


def load_settings(
    flags: Mapping[str, Any],
    env: Mapping[str, str],
    config: str | None = None,
    *,
    need_blobs: bool = True,
) -> ServerSettings:
    """Settings from ``flags`` (None: not given), else ``env``, else the config file (``config``
    or ``$CAIRN_SERVER_CONFIG``), else defaults. ConfigError names what is missing or wrong;
    ``need_blobs=False``: only the database is required (``cairn db upgrade``)."""
    path = config or env.get(CONFIG_ENV)
    from_file = _read_file(Path(path)) if path else {}
    values: dict[str, Any] = {}
    for name in ENV:
        flag = flags.get(name)
        if flag is not None and flag != ():
            values[name] = flag
        elif env.get(ENV[name]):
            values[name] = env[ENV[name]]
        elif name in from_file:
            values[name] = from_file[name]
        elif name in DEFAULTS:
            values[name] = DEFAULTS[name]
    for name in ("db", "blobs") if need_blobs else ("db",):
        if not values.get(name):
            raise ConfigError(
                f"no {name} given: pass --{name}, set ${ENV[name]}, or set {name} in the config "
                f"file (--config or ${CONFIG_ENV})"
            )
    return ServerSettings(
        db=str(values["db"]),
        blobs=str(values.get("blobs", "")),
        host=str(values["host"]),
        port=_integer(values["port"], "port", 0, 65535),
        workers=_integer(values["workers"], "workers", 1, 256),
        allowed_hosts=_hosts(values["allowed_hosts"]),
        trusted_proxies=_proxies(values["trusted_proxies"]),
        appliers=_integer(values["appliers"], "appliers", 1, 256),
        ingest_concurrency=_integer(values["ingest_concurrency"], "ingest_concurrency", 0, 1024),
    )


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"no config file at {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    unknown = sorted(set(data) - set(ENV))
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting {', '.join(unknown)}; the settings are {', '.join(ENV)}"
        )
    return data


def _integer(value: Any, name: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None
    if not low <= number <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, not {number}")
    return number


def _listed(value: Any) -> list[str]:
    """A list setting: a TOML list, the flag's values, or a comma- or space-separated string."""
    names = re.split(r"[,\s]+", value) if isinstance(value, str) else list(value)
    return [str(name) for name in names if name]


def _hosts(value: Any) -> list[str]:
    try:
        return [host_name(name) for name in _listed(value)]
    except ValueError as exc:
        raise ConfigError(f"allowed_hosts: {exc}") from None


def _proxies(value: Any) -> list[str]:
    proxies = _listed(value)
    for proxy in proxies:
        try:
            if proxy != "*":
                ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise ConfigError(
                f"trusted_proxies: {proxy!r} is not an address or a network; give the reverse "
                "proxy's, e.g. 10.0.0.5 or 10.0.0.0/24 (or * to trust every client, only when "
                "nothing but the proxy can reach the server)"
            ) from None
    return proxies
