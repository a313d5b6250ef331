"""``cairn ui`` has no accounts: the members and visibility routes say so, with a 400 (the
team server's are tested with its callers in ``tests/server/auth/test_access.py``)."""

from __future__ import annotations

import httpx


def test_a_local_server_has_no_members(api: httpx.Client) -> None:
    for method, path, body in (
        ("GET", "/projects/demo/members", None),
        ("PUT", "/projects/demo/members/users/ann", {"role": "viewer"}),
        ("DELETE", "/projects/demo/members/teams/lab", None),
        ("PUT", "/projects/demo/visibility", {"visibility": "public"}),
    ):
        response = api.request(method, path, json=body)
        assert response.status_code == 400, (path, response.text)
        assert "no accounts (cairn ui)" in response.json()["detail"]
