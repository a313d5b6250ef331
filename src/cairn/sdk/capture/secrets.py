"""Keeping secrets out of what a run captures: environment variable names, command-line flags and
URLs that carry credentials."""

from __future__ import annotations

import itertools
import re
from urllib.parse import urlsplit, urlunsplit

SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH", re.IGNORECASE)
"""A name matching this is never stored with its value, whatever list it is on."""

REDACTED = "<redacted>"

_SECRET_WORDS = {"token", "secret", "password", "passwd", "pwd", "credential", "credentials"}
_SECRET_WORDS |= {"auth", "apikey", "api_key"}
_KEY_OWNERS = {"api", "access", "private", "secret", "signing", "encryption"}


def is_secret_name(name: str) -> bool:
    return SECRET_NAME.search(name) is not None


def is_secret_flag(name: str) -> bool:
    """A command-line flag or override naming a secret, by its words: ``--api-key``,
    ``--hf-token``, ``db.password``; but not ``--key-dim`` or ``--tokenizer``, which are
    hyperparameters (flags are stored with their values, so this errs less eagerly than names
    of environment variables, which are only stored when allowlisted)."""
    words = [w for w in re.split(r"[-_.]+", name.lower().lstrip("-+~")) if w]
    if any(w in _SECRET_WORDS for w in words):
        return True
    return any(a in _KEY_OWNERS and b == "key" for a, b in itertools.pairwise(words))


def strip_url_credentials(url: str) -> str:
    """A remote URL without a user's password or token: ``https://tok@host/x`` → ``https://host/x``.

    An ssh user name (``ssh://git@host/x``, ``git@host:x``) is kept: it is not a credential.
    """
    if "://" not in url:
        return url  # scp-like "git@host:org/repo.git" or a local path: nothing secret
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    keep_user = parts.scheme in ("ssh", "git+ssh") and parts.password is None and parts.username
    netloc = f"{parts.username}@{host}" if keep_user else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def redact_args(args: list[str]) -> tuple[list[str], list[str]]:
    """Command-line arguments with the values of secret-looking flags replaced by ``<redacted>``
    (``--api-key=x``, ``--token x``, ``db.password=x``); also returns the flags redacted."""
    out: list[str] = []
    redacted: list[str] = []
    hide_next = False
    for arg in args:
        if hide_next and not arg.startswith("-"):
            out.append(REDACTED)
            hide_next = False
            continue
        hide_next = False
        name, eq, _value = arg.partition("=")
        if eq and is_secret_flag(name):
            out.append(f"{name}={REDACTED}")
            redacted.append(name)
        elif arg.startswith("-") and not eq and is_secret_flag(arg):
            out.append(arg)
            redacted.append(arg)
            hide_next = True
        else:
            out.append(arg)
    return out, redacted
