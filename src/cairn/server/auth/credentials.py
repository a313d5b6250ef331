"""Passwords and API keys: made, hashed and checked. Nothing here keeps or logs a secret.

- Passwords are hashed with Argon2id (argon2-cffi's defaults, which follow RFC 9106).
- API keys are 32 random bytes (``secrets``), shown once as ``cairn_`` + 43 URL-safe characters.
  The store keeps their sha256: a key has the entropy of a hash input no one can guess, so a
  slow hash would add nothing but latency to every request. The first characters are kept in
  clear too (``prefix``), for people to tell their keys apart in a list.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher

KEY_PREFIX = "cairn_"
PREFIX_CHARS = len(KEY_PREFIX) + 6
MIN_PASSWORD = 10


@cache
def _hasher() -> PasswordHasher:
    try:
        from argon2 import PasswordHasher
    except ImportError:
        raise RuntimeError("passwords need argon2-cffi: pip install 'cairn[server]'") from None
    return PasswordHasher()


@dataclass(frozen=True)
class NewKey:
    secret: str
    """The key itself: shown once, never stored."""
    prefix: str
    digest: str


def new_key() -> NewKey:
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    return NewKey(secret, secret[:PREFIX_CHARS], key_digest(secret))


def key_digest(secret: str) -> str:
    """What the store keeps of a key, and looks it up by."""
    return hashlib.sha256(secret.encode()).hexdigest()


def looks_like_key(text: str) -> bool:
    return text.startswith(KEY_PREFIX) and len(text) > PREFIX_CHARS


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password needs at least {MIN_PASSWORD} characters")
    return _hasher().hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; False for a user without a password."""
    if password_hash is None:
        _hasher().hash(password)  # the same work either way: timing does not tell who has one
        return False
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
