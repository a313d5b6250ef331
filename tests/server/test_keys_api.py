"""A user's own API keys over HTTP (``/auth/keys``), through a real ``cairn server``: made and
shown once, listed without the key, revoked; another user's key, a signed-out caller and a
write without the session's CSRF token refused; ``cairn ui`` answers 400."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from tests.fakes.team import Team, csrf, signed_in, store_key

import cairn
from cairn.cli.login import login
from cairn.server.auth.credentials import key_digest, new_key
from cairn.server.routes.keys import MAX_KEYS
from cairn.server_client import ServerError
from cairn.store import Store
from cairn.store.accounts import add_key, list_keys


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_a_key_made_on_the_server_logs_runs_until_it_is_revoked(
    team: Team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann = signed_in(team, "ann")
    before = ann.get("/auth/keys").json()
    forged = ann.post("/auth/keys", json={"name": "laptop"})  # a cross-site form's request
    assert forged.status_code == 403 and "X-CSRF-Token" in forged.text
    assert ann.get("/auth/keys").json() == before

    made = ann.post("/auth/keys", json={"name": "laptop <b>"}, headers=csrf(ann))
    assert made.status_code == 201, made.text
    key = made.json()["key"]
    assert key.startswith("cairn_") and made.json()["prefix"] == key[:12]
    assert made.json()["name"] == "laptop <b>"  # text, escaped where it is shown

    listed = ann.get("/auth/keys")
    mine = [k for k in listed.json() if k["id"] == made.json()["id"]]
    assert mine == [{k: v for k, v in made.json().items() if k != "key"}]
    assert mine[0]["last_used_at"] is None
    assert key not in listed.text and key_digest(key) not in listed.text

    # the user signs in with it (`cairn login URL`, pasting the key), and a script logs a run
    monkeypatch.chdir(tmp_path)  # no code snapshot of this repository
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("CAIRN_DIR", str(tmp_path / ".cairn"))
    monkeypatch.delenv("CAIRN_URL", raising=False)
    monkeypatch.delenv("CAIRN_API_KEY", raising=False)
    signing_in = CliRunner().invoke(login, [team.url], input=key + "\n")
    assert signing_in.exit_code == 0, signing_in.output
    assert f"API key (make one at {team.url}/settings/keys" in signing_in.output  # the prompt
    assert f"signed in to {team.url} as ann" in signing_in.output and key not in signing_in.output
    run = cairn.init(project="p", name="with-a-new-key")
    run.log({"loss": 0.5})
    run.finish(quiet=True)
    team.server.applied()
    logged = httpx.get(f"{team.url}/api/v1/projects/p/runs/{run.id}", headers=bearer(key))
    assert logged.status_code == 200 and logged.json()["name"] == "with-a-new-key"
    used = next(k for k in ann.get("/auth/keys").json() if k["id"] == made.json()["id"])
    assert used["last_used_at"] is not None

    gone = ann.delete(f"/auth/keys/{made.json()['id']}", headers=csrf(ann))
    assert gone.status_code == 200, gone.text
    assert made.json()["id"] not in [k["id"] for k in ann.get("/auth/keys").json()]
    assert httpx.get(f"{team.url}/api/v1/auth/me", headers=bearer(key)).status_code == 401
    with pytest.raises(ServerError, match="401"):
        cairn.init(project="p", name="after-revoking")
    again = ann.delete(f"/auth/keys/{made.json()['id']}", headers=csrf(ann))
    assert again.status_code == 404
    assert key not in team.server.output()


def test_another_users_key_is_answered_as_a_missing_one(team: Team) -> None:
    bobs_id, bobs_key = store_key(team, "bob")
    ann = signed_in(team, "ann")
    assert bobs_id not in [k["id"] for k in ann.get("/auth/keys").json()]
    theirs = ann.delete(f"/auth/keys/{bobs_id}", headers=csrf(ann))
    missing = ann.delete(f"/auth/keys/{bobs_id + 10_000}", headers=csrf(ann))
    assert theirs.status_code == missing.status_code == 404
    assert theirs.text.replace(str(bobs_id), "N") == missing.text.replace(
        str(bobs_id + 10_000), "N"
    )
    me = httpx.get(f"{team.url}/api/v1/auth/me", headers=bearer(bobs_key))
    assert me.json()["user"] == "bob"  # still works

    url = f"{team.url}/api/v1/auth/keys"
    assert httpx.get(url).status_code == 401
    assert httpx.post(url, json={"name": "x"}).status_code == 401
    assert httpx.delete(f"{url}/{bobs_id}").status_code == 401
    stolen_session = {"cairn_session": ann.cookies["cairn_session"]}  # without the CSRF header
    assert httpx.delete(f"{url}/{bobs_id}", cookies=stolen_session).status_code == 403


def test_a_key_cannot_make_keys_but_may_revoke_itself(team: Team) -> None:
    """A key that leaked cannot make keys that outlive it; a script may still revoke the key
    it came with (its id found in the listing by its first characters)."""
    _, old = store_key(team, "bob")
    url = f"{team.url}/api/v1/auth/keys"
    listed = httpx.get(url, headers=bearer(old)).json()
    refused = httpx.post(url, json={"name": "more"}, headers=bearer(old))
    assert refused.status_code == 403 and "/settings/keys" in refused.text, refused.text
    assert httpx.get(url, headers=bearer(old)).json() == listed  # nothing made
    old_id = next(k["id"] for k in listed if k["prefix"] == old[:12])
    assert httpx.delete(f"{url}/{old_id}", headers=bearer(old)).status_code == 200
    assert httpx.get(url, headers=bearer(old)).status_code == 401


def test_names_and_the_number_of_keys_are_bounded(team: Team) -> None:
    cy = signed_in(team, "cy")
    for bad, status in (("x" * 101, 422), ("", 422), ("   ", 400), ("a\nb", 400)):
        answer = cy.post("/auth/keys", json={"name": bad}, headers=csrf(cy))
        assert answer.status_code == status, (bad, answer.text)
    extra = cy.post("/auth/keys", json={"name": "x", "extra": 1}, headers=csrf(cy))
    assert extra.status_code == 422
    assert cy.delete("/auth/keys/not-a-number", headers=csrf(cy)).status_code == 422
    for bad_id in ("0", "-1", str(2**31), str(2**63), "9" * 30):  # 2**63 was a 500 on SQLite
        assert cy.delete(f"/auth/keys/{bad_id}", headers=csrf(cy)).status_code == 404, bad_id

    store = Store.local(team.store_dir)
    try:
        live = len(list_keys(store, "cy", live=True))
        for _ in range(MAX_KEYS - live):
            made = new_key()
            add_key(store, "cy", name="many", prefix=made.prefix, digest=made.digest)
    finally:
        store.close()
    full = cy.post("/auth/keys", json={"name": "one more"}, headers=csrf(cy))
    assert full.status_code == 400 and f"{MAX_KEYS} API keys" in full.text
    assert "revoke one" in full.text
    newest = cy.get("/auth/keys").json()[-1]["id"]
    assert cy.delete(f"/auth/keys/{newest}", headers=csrf(cy)).status_code == 200
    assert cy.post("/auth/keys", json={"name": "one more"}, headers=csrf(cy)).status_code == 201


def test_cairn_ui_has_no_keys_to_manage(api: httpx.Client) -> None:
    for method, path in (("GET", "/auth/keys"), ("POST", "/auth/keys"), ("DELETE", "/auth/keys/1")):
        body = {"name": "x"} if method == "POST" else None
        answer = api.request(method, path, json=body)
        assert answer.status_code == 400 and "no accounts" in answer.text, answer.text
