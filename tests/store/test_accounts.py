"""Users, API keys and project roles as rows, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from cairn.errors import AccountError
from cairn.store import Store
from cairn.store.accounts import (
    TOUCH_EVERY,
    add_key,
    create_user,
    get_user,
    list_keys,
    list_users,
    revoke_key,
    roles,
    set_password_hash,
    set_role,
    user_of_key,
)


def test_users_are_created_once_with_safe_names(store: Store) -> None:
    made = create_user(store, "ada", is_admin=True)
    assert (made.name, made.is_admin, made.password_hash) == ("ada", True, None)
    create_user(store, "bob.smith-2", password_hash="$argon2id$fake")
    assert [u.name for u in list_users(store)] == ["ada", "bob.smith-2"]
    with pytest.raises(AccountError, match="already"):
        create_user(store, "ada")
    for bad in ["", "-x", "a b", "<script>", "x" * 65, "../etc", "ü"]:
        with pytest.raises(AccountError, match="not a user name"):
            create_user(store, bad)
    with pytest.raises(AccountError, match="no user named 'nobody'"):
        get_user(store, "nobody")
    set_password_hash(store, "ada", "$argon2id$other")
    assert get_user(store, "ada").password_hash == "$argon2id$other"
    with pytest.raises(AccountError):
        set_password_hash(store, "nobody", None)


def test_a_key_finds_its_user_until_it_is_revoked(store: Store) -> None:
    create_user(store, "ada")
    create_user(store, "bob")
    first = add_key(store, "ada", name="laptop", prefix="cairn_abcdef", digest="d1" * 32)
    add_key(store, "bob", name="ci", prefix="cairn_123456", digest="d2" * 32)
    assert first.last_used_at is None and first.revoked_at is None
    user = user_of_key(store, "d1" * 32, now=1000.0)
    assert user is not None and user.name == "ada"
    assert list_keys(store, "ada")[0].last_used_at == 1000.0
    user_of_key(store, "d1" * 32, now=1000.0 + TOUCH_EVERY / 2)  # not a write per request
    assert list_keys(store, "ada")[0].last_used_at == 1000.0
    user_of_key(store, "d1" * 32, now=1000.0 + TOUCH_EVERY)
    assert list_keys(store, "ada")[0].last_used_at == 1000.0 + TOUCH_EVERY
    assert user_of_key(store, "ff" * 32) is None
    assert [k.user for k in list_keys(store)] == ["ada", "bob"]
    revoked = revoke_key(store, first.id)
    assert revoked.revoked_at is not None
    assert user_of_key(store, "d1" * 32) is None
    assert user_of_key(store, "d2" * 32) is not None  # the other key lives on
    with pytest.raises(AccountError, match="revoked already"):
        revoke_key(store, first.id)
    with pytest.raises(AccountError, match="no API key with id 999"):
        revoke_key(store, 999)
    with pytest.raises(AccountError, match="no user named"):
        add_key(store, "nobody", name="x", prefix="cairn_x", digest="d3" * 32)


def test_roles_are_given_changed_and_taken_away(store: Store) -> None:
    create_user(store, "ada")
    set_role(store, "vision", "ada", "viewer")
    set_role(store, "nlp", "ada", "editor")
    set_role(store, "vision", "ada", "admin")
    assert roles(store, "ada") == {"vision": "admin", "nlp": "editor"}
    set_role(store, "nlp", "ada", None)
    assert roles(store, "ada") == {"vision": "admin"}
    with pytest.raises(AccountError, match="not a role"):
        set_role(store, "vision", "ada", "owner")
    assert [p.name for p in store.projects()] == ["nlp", "vision"]  # created on first grant
