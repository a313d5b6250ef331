"""Passwords hashed with Argon2id, API keys random and stored as their sha256."""

from __future__ import annotations

import hashlib

import pytest

from cairn.server.auth.credentials import (
    KEY_PREFIX,
    check_password,
    hash_password,
    key_digest,
    looks_like_key,
    new_key,
)


def test_passwords_hash_with_argon2id_and_check() -> None:
    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$") and "correct" not in hashed
    assert hash_password("correct horse battery") != hashed  # salted
    assert check_password(hashed, "correct horse battery")
    assert not check_password(hashed, "correct horse battery!")
    assert not check_password(None, "correct horse battery")
    assert not check_password("not a hash", "correct horse battery")
    with pytest.raises(ValueError, match="at least 10"):
        hash_password("short")


def test_keys_are_random_and_only_their_digest_identifies_them() -> None:
    keys = [new_key() for _ in range(50)]
    assert len({k.secret for k in keys}) == 50
    for k in keys:
        assert k.secret.startswith(KEY_PREFIX) and len(k.secret) == len(KEY_PREFIX) + 43
        assert k.digest == hashlib.sha256(k.secret.encode()).hexdigest() == key_digest(k.secret)
        assert k.secret.startswith(k.prefix) and len(k.prefix) < len(k.secret) // 3
        assert looks_like_key(k.secret)
    assert not looks_like_key("cairn_") and not looks_like_key("Bearer x")
