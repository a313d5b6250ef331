"""Users, API keys and project roles as rows, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest

from cairn.errors import AccountError, AccountNotFoundError, ProjectNotFoundError
from cairn.store import Store
from cairn.store.accounts import (
    TOUCH_EVERY,
    add_key,
    add_session,
    create_team,
    create_user,
    end_session,
    end_sessions,
    failed_logins,
    found_project,
    get_session,
    get_user,
    key_use,
    list_keys,
    list_teams,
    list_users,
    readable_projects,
    record_failed_login,
    revoke_key,
    role_on,
    roles,
    set_member,
    set_password_hash,
    set_role,
    set_team_role,
    set_visibility,
    user_of_key,
)
from cairn.store.members import Member, Members, project_members


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


def test_key_use_counts_live_keys_and_the_last_use_of_any(store: Store) -> None:
    """What the admin's users page shows of each user's keys, in one statement."""
    for name in ("ada", "bob", "cy"):
        create_user(store, name)
    old = add_key(store, "ada", name="old", prefix="cairn_o", digest="c1" * 32)
    add_key(store, "ada", name="new", prefix="cairn_n", digest="c2" * 32)
    add_key(store, "bob", name="ci", prefix="cairn_b", digest="c3" * 32)
    user_of_key(store, "c1" * 32, now=2000.0)
    user_of_key(store, "c2" * 32, now=1500.0)
    revoke_key(store, old.id)
    use = key_use(store)
    assert (use["ada"].live, use["ada"].last_used_at) == (1, 2000.0)  # the revoked key's use
    assert (use["bob"].live, use["bob"].last_used_at) == (1, None)
    assert "cy" not in use  # never had a key


def test_a_users_own_keys_are_bounded_and_revoked_only_by_them(store: Store) -> None:
    create_user(store, "ada")
    create_user(store, "bob")
    bobs = add_key(store, "bob", name="ci", prefix="cairn_bbbbbb", digest="b1" * 32)
    for bad in ["", "   ", "x" * 101, "a\nb", "tab\there"]:
        with pytest.raises(AccountError, match="not a key name"):
            add_key(store, "ada", name=bad, prefix="cairn_x", digest="e1" * 32)
    first = add_key(store, "ada", name="  laptop  ", prefix="cairn_a1", digest="a1" * 32, at_most=2)
    assert first.name == "laptop"
    add_key(store, "ada", name="ci", prefix="cairn_a2", digest="a2" * 32, at_most=2)
    with pytest.raises(AccountError, match="ada has 2 API keys, the most"):
        add_key(store, "ada", name="third", prefix="cairn_a3", digest="a3" * 32, at_most=2)
    with pytest.raises(AccountError, match=f"no API key with id {bobs.id}"):
        revoke_key(store, bobs.id, user="ada")  # bob's: as if missing
    for beyond in (0, 2**31, 2**63, 10**30):  # beyond an SQL INTEGER: missing, not an SQL error
        with pytest.raises(AccountError, match="no API key with id"):
            revoke_key(store, beyond)
    assert user_of_key(store, "b1" * 32) is not None
    revoke_key(store, first.id, user="ada")
    assert [k.name for k in list_keys(store, "ada", live=True)] == ["ci"]
    assert [k.name for k in list_keys(store, "ada")] == ["laptop", "ci"]
    add_key(store, "ada", name="third", prefix="cairn_a3", digest="a3" * 32, at_most=2)


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


def test_what_a_user_may_do_on_a_project(store: Store) -> None:
    root = create_user(store, "root", is_admin=True)
    ann = create_user(store, "ann")
    bob = create_user(store, "bob")
    set_role(store, "shared", "ann", "editor")
    set_role(store, "secret", "bob", "viewer")
    assert role_on(store, ann, "shared") == "editor"
    assert role_on(store, ann, "secret") is None  # hidden: not even a viewer
    assert role_on(store, None, "shared") is None
    assert role_on(store, root, "secret") == "admin"
    assert role_on(store, ann, "missing") is None
    assert readable_projects(store, ann) == {"shared"}
    assert readable_projects(store, None) == set()
    assert readable_projects(store, root) is None  # all of them

    set_visibility(store, "secret", "public")
    assert role_on(store, None, "secret") == "viewer"  # anyone reads a public project
    assert role_on(store, ann, "secret") == "viewer"
    assert role_on(store, bob, "secret") == "viewer"
    assert readable_projects(store, None) == {"secret"}
    assert readable_projects(store, ann) == {"shared", "secret"}
    set_visibility(store, "secret", "team")  # every signed-in user reads it, nobody else
    assert role_on(store, None, "secret") is None
    assert role_on(store, ann, "secret") == "viewer"
    assert role_on(store, bob, "secret") == "viewer"  # his own role, no higher
    assert readable_projects(store, None) == set()
    assert readable_projects(store, ann) == {"shared", "secret"}
    set_visibility(store, "secret", "private")
    assert role_on(store, None, "secret") is None
    assert role_on(store, ann, "secret") is None
    with pytest.raises(AccountError, match="not a visibility"):
        set_visibility(store, "secret", "internal")


def test_sessions_live_until_they_end_or_expire(store: Store) -> None:
    ann = create_user(store, "ann")
    later = time.time() + 3600
    add_session(store, ann, digest="a" * 64, csrf="tok", expires_at=later)
    add_session(store, ann, digest="b" * 64, csrf="tok2", expires_at=later)
    add_session(store, ann, digest="c" * 64, csrf="tok3", expires_at=time.time() - 1)
    found = get_session(store, "a" * 64)
    assert found is not None and (found.user.name, found.csrf) == ("ann", "tok")
    assert get_session(store, "c" * 64) is None  # expired
    assert get_session(store, "d" * 64) is None
    assert get_session(store, "a" * 64, now=later + 1) is None
    end_session(store, "a" * 64)
    assert get_session(store, "a" * 64) is None
    assert get_session(store, "b" * 64) is not None
    end_sessions(store, "ann")
    assert get_session(store, "b" * 64) is None


def test_failed_logins_are_counted_by_name_and_address(store: Store) -> None:
    start = time.time()
    for _ in range(3):
        record_failed_login(store, "ann", "10.0.0.1")
    record_failed_login(store, "bob", "10.0.0.1")
    record_failed_login(store, "ann", "10.0.0.2")
    assert failed_logins(store, name="ann", address="10.0.0.1", since=start - 1) == (4, 4)
    assert failed_logins(store, name="bob", address="10.0.0.2", since=start - 1) == (1, 1)
    assert failed_logins(store, name="ann", address="10.0.0.1", since=time.time() + 1) == (0, 0)
    record_failed_login(store, "x" * 500, "y" * 500)  # cut to the columns, on PostgreSQL too
    assert failed_logins(store, name="x" * 500, address="y" * 500, since=start - 1) == (1, 1)


def test_a_team_role_is_every_members_role(store: Store) -> None:
    ann = create_user(store, "ann")
    bob = create_user(store, "bob")
    create_team(store, "lab")
    set_member(store, "lab", "ann", True)
    set_team_role(store, "shared", "lab", "viewer")
    assert role_on(store, ann, "shared") == "viewer"
    assert role_on(store, bob, "shared") is None
    assert readable_projects(store, ann) == {"shared"}
    set_role(store, "shared", "ann", "editor")
    assert role_on(store, ann, "shared") == "editor"  # the higher of hers and the team's
    set_team_role(store, "shared", "lab", "admin")
    assert role_on(store, ann, "shared") == "admin"
    create_user(store, "cy")
    set_role(store, "shared", "cy", "admin")  # another admin: ann may leave lab
    set_member(store, "lab", "ann", False)
    assert role_on(store, ann, "shared") == "editor"
    set_team_role(store, "shared", "lab", None)
    set_member(store, "lab", "bob", True)
    assert role_on(store, bob, "shared") is None
    with pytest.raises(AccountError, match="not a role"):
        set_team_role(store, "shared", "lab", "owner")
    with pytest.raises(AccountError, match="no team named"):
        set_member(store, "nope", "ann", True)
    with pytest.raises(AccountError, match="not a team name"):
        create_team(store, "<b>")


def test_grants_make_projects_only_with_names_the_sdk_would_take(store: Store) -> None:
    create_user(store, "ann")
    create_team(store, "lab")
    for bad in ["..", "a/b", "x" * 256, ""]:
        with pytest.raises(AccountError, match="project="):
            set_role(store, bad, "ann", "viewer")
        with pytest.raises(AccountError, match="project="):
            set_team_role(store, bad, "lab", "viewer")
        with pytest.raises(AccountError, match="project="):
            set_visibility(store, bad, "public")


def test_a_project_is_its_first_loggers(store: Store) -> None:
    """``found_project`` makes the project and its admin once; a second caller, even a
    moment later, changes nothing (the server then reads their role, here none)."""
    ann, bob = create_user(store, "ann"), create_user(store, "bob")
    assert found_project(store, "fresh", "ann")
    assert not found_project(store, "fresh", "bob")
    assert not found_project(store, "fresh", "ann")
    assert role_on(store, ann, "fresh") == "admin" and role_on(store, bob, "fresh") is None
    with pytest.raises(AccountError):
        found_project(store, "../up", "ann")


def test_a_project_that_has_an_admin_keeps_one(store: Store) -> None:
    """Demoting or removing the last admin is refused, changing nothing; an admin through a
    team with members counts, an admin team without members does not."""
    create_user(store, "ann")
    create_user(store, "bob")
    create_team(store, "lab")
    set_role(store, "p", "ann", "admin")
    set_role(store, "p", "bob", "viewer")
    for role in ("editor", None):
        with pytest.raises(AccountError, match="without an admin: give another"):
            set_role(store, "p", "ann", role)
    assert roles(store, "ann") == {"p": "admin"}  # the refused change was rolled back
    set_team_role(store, "p", "lab", "admin")  # no members: not an admin yet
    with pytest.raises(AccountError, match="without an admin"):
        set_role(store, "p", "ann", None)
    set_member(store, "lab", "bob", True)
    set_role(store, "p", "ann", None)  # bob, through lab, is an admin now
    with pytest.raises(AccountError, match="leave project 'p' without an admin"):
        set_member(store, "lab", "bob", False)
    assert list_teams(store)[0].members == ["bob"]
    with pytest.raises(AccountError, match="without an admin"):
        set_team_role(store, "p", "lab", "editor")
    set_role(store, "p", "bob", "admin")
    set_team_role(store, "p", "lab", None)
    members = project_members(store, "p")
    assert members == Members("private", [Member("bob", "admin")], [])
    set_role(store, "q", "ann", "viewer")  # a project without an admin may still change
    set_role(store, "q", "ann", None)
    with pytest.raises(ProjectNotFoundError):
        project_members(store, "missing")


def test_members_are_listed_by_name(store: Store) -> None:
    for name in ("zoe", "ann"):
        create_user(store, name)
        set_role(store, "p", name, "editor" if name == "zoe" else "admin")
    create_team(store, "lab")
    set_team_role(store, "p", "lab", "viewer")
    set_visibility(store, "p", "team")
    assert project_members(store, "p") == Members(
        "team", [Member("ann", "admin"), Member("zoe", "editor")], [Member("lab", "viewer")]
    )
    with pytest.raises(AccountNotFoundError, match="no user named 'nobody'"):
        set_role(store, "p", "nobody", "viewer")
    with pytest.raises(AccountNotFoundError, match="no team named 'nope'"):
        set_team_role(store, "p", "nope", "viewer")


def test_two_admins_demoting_each_other_at_once_leave_one(store: Store) -> None:
    """Each change reads whether an admin is left inside its own transaction: on PostgreSQL
    the project's row is locked, or both would see the other still admin and both commit."""
    create_user(store, "ann")
    create_user(store, "bob")

    def demote(project: str, user: str, gate: threading.Barrier, refused: list[str]) -> None:
        gate.wait()
        try:
            set_role(store, project, user, "viewer")
        except AccountError:
            refused.append(user)

    for round_ in range(5):
        project, gate, refused = f"p{round_}", threading.Barrier(2), []
        set_role(store, project, "ann", "admin")
        set_role(store, project, "bob", "admin")
        threads = [
            threading.Thread(target=demote, args=(project, user, gate, refused))
            for user in ("ann", "bob")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        admins = [m.name for m in project_members(store, project).users if m.role == "admin"]
        assert len(refused) == 1 and admins == refused, (round_, refused, admins)
