"""Every route of the OpenAPI spec, called through a real ``cairn server`` by six callers.

The callers: nobody (no key), a server admin, and on project ``p`` a viewer, an editor, an
editor through a team ("teamed") and an admin, plus the admin of another project ``q``.
``EXPECTED`` says what each route needs; a route
of the spec without an entry fails the test, so a new route cannot ship unchecked.

What each need means for each caller:

| need | nobody | other-project admin | viewer | editor | project admin | server admin |
| --- | --- | --- | --- | --- | --- | --- |
| open | ok | ok | ok | ok | ok | ok |
| signed in | 401 | ok | ok | ok | ok | ok |
| read | 401 | 404 | ok | ok | ok | ok |
| write | 401 | 404 | 403 | ok | ok | ok |
| manage | 401 | 404 | 403 | 403 | ok | ok |
| server admin | 401 | 403 | 403 | 403 | 403 | ok |
| session, server admin session | 401 | 403 | 403 | 403 | 403 | 403 (a key) |
| blob read | 404 | 404 | ok | ok | ok | ok |
| blob known (HEAD) | 404 | ok | ok | ok | ok | ok |

("teamed" is answered as the editor is.)

"ok" is any answer that shows the caller got past the check: under 500, neither 401 nor 403,
and not the 404 that hides a project. A route a caller may use is also called with a body the
route accepts, so most "ok"s are 2xx (checked for every GET of the server admin).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image as PILImage
from tests.fakes import commands
from tests.fakes.server import serve_command

import cairn
from cairn.journal.batches import RECORDS_TYPE
from cairn.store.accounts import create_team, create_user, list_keys, roles
from cairn.store.store import Store
from cairn.sweeps.controller import new_sweep

OPEN, SIGNED_IN, READ, WRITE, MANAGE = "open", "signed in", "read", "write", "manage"
SESSION = "session"
"""Signed in on a browser session: every caller of the walk comes with an API key, refused."""
SERVER, ADMIN_SESSION = "server admin", "server admin session"
"""A server admin (root); on a browser session besides (every caller of the walk: refused)."""
BLOB_READ, BLOB_KNOW = "blob read", "blob known"
"""A blob: read by whoever may read a project that refers to it; whether the server holds it
known to them and to editors of any project; 404 to anyone else (the answer of a blob that is
not there)."""
TOKEN = "token"
"""Decided by a one-time token in the body, for every caller alike (the walk's is not valid)."""
CALLERS = ("nobody", "other", "viewer", "editor", "teamed", "admin", "root")
"""In the order the walk calls them: the ones refused first, so deletions come last."""

EXPECTED: dict[str, str] = {
    "GET /api/v1/health": OPEN,
    "POST /api/v1/auth/login": OPEN,
    "POST /api/v1/auth/setup": TOKEN,
    "POST /api/v1/auth/logout": OPEN,
    "GET /api/v1/auth/me": OPEN,
    # one's own keys; the walk's key id is a spare key of root's (others: 404, not theirs)
    "GET /api/v1/auth/keys": SIGNED_IN,
    "POST /api/v1/auth/keys": SESSION,
    "DELETE /api/v1/auth/keys/{key_id}": SIGNED_IN,
    # users and their keys (the walk's user is walker; the spare key is root's: 404 there)
    "GET /api/v1/admin/users": SERVER,
    "POST /api/v1/admin/users": ADMIN_SESSION,
    "GET /api/v1/admin/users/{user}/keys": SERVER,
    "POST /api/v1/admin/users/{user}/keys": ADMIN_SESSION,
    "DELETE /api/v1/admin/users/{user}/keys/{key_id}": SERVER,
    "PUT /api/v1/admin/users/{user}/password": ADMIN_SESSION,
    "GET /api/v1/projects": OPEN,
    "GET /api/v1/runs": OPEN,
    "GET /api/v1/run": OPEN,
    "GET /api/v1/blobs/{digest}": BLOB_READ,  # a blob of p
    "HEAD /api/v1/blobs/{digest}": BLOB_KNOW,
    "PUT /api/v1/blobs/{digest}": SIGNED_IN,
    "POST /api/v1/blobs/{digest}/uploads": SIGNED_IN,
    "POST /api/v1/blobs/{digest}/uploads/{upload}": SIGNED_IN,
    # multipart uploads (a folder store offers none: 404 for the signed in)
    "POST /api/v1/blobs/{digest}/multipart": SIGNED_IN,
    "POST /api/v1/blobs/{digest}/multipart/{upload}/parts": SIGNED_IN,
    "POST /api/v1/blobs/{digest}/multipart/{upload}/complete": SIGNED_IN,
    # chunked uploads through the server (the walk's upload was never started: 404)
    "POST /api/v1/blobs/{digest}/chunked": SIGNED_IN,
    "HEAD /api/v1/blobs/{digest}/chunked/{upload}": SIGNED_IN,
    "PUT /api/v1/blobs/{digest}/chunked/{upload}": SIGNED_IN,
    "POST /api/v1/blobs/{digest}/chunked/{upload}/complete": SIGNED_IN,
    "GET /api/v1/projects/{project}/runs/{run_id}/last-seq": WRITE,
    "GET /api/v1/projects/{project}/runs/{run_id}/stored": WRITE,
    "POST /api/v1/projects/{project}/runs/{run_id}/records": WRITE,
    "POST /api/v1/projects/{project}/runs/{run_id}/heartbeat": WRITE,
    "POST /api/v1/projects/{project}/run-numbers": WRITE,
    "GET /api/v1/projects/{project}/columns": READ,
    "GET /api/v1/projects/{project}/runs": READ,
    "GET /api/v1/projects/{project}/runs/{run_id}": READ,
    "POST /api/v1/projects/{project}/runs/{run_id}/history": READ,
    "PATCH /api/v1/projects/{project}/runs/{run_id}": WRITE,
    "DELETE /api/v1/projects/{project}/runs/{run_id}": WRITE,
    "POST /api/v1/projects/{project}/runs/delete": WRITE,
    "POST /api/v1/projects/{project}/metric-keys": READ,
    "POST /api/v1/projects/{project}/series": READ,
    "GET /api/v1/projects/{project}/workspace": READ,
    "PUT /api/v1/projects/{project}/workspace": WRITE,
    "GET /api/v1/projects/{project}/views": READ,
    "POST /api/v1/projects/{project}/views": WRITE,
    "PATCH /api/v1/projects/{project}/views/{name}": WRITE,
    "DELETE /api/v1/projects/{project}/views/{name}": WRITE,
    "GET /api/v1/projects/{project}/runs/{run_id}/capture": READ,
    "GET /api/v1/projects/{project}/runs/{run_id}/console": READ,
    "GET /api/v1/projects/{project}/runs/{run_id}/reproductions": READ,
    "POST /api/v1/projects/{project}/importance": READ,
    "GET /api/v1/projects/{project}/sweeps": READ,
    "POST /api/v1/projects/{project}/sweeps": WRITE,
    "GET /api/v1/projects/{project}/sweeps/{sweep_id}": READ,
    "GET /api/v1/projects/{project}/sweeps/{sweep_id}/runs": READ,
    "POST /api/v1/projects/{project}/sweeps/{sweep_id}/state": WRITE,
    "POST /api/v1/projects/{project}/sweeps/{sweep_id}/claim": WRITE,
    "POST /api/v1/projects/{project}/sweeps/{sweep_id}/trials/{number}/end": WRITE,
    "GET /api/v1/projects/{project}/sweeps/{sweep_id}/verdict/{run_id}": READ,
    "GET /api/v1/projects/{project}/artifacts": READ,
    "GET /api/v1/projects/{project}/artifacts/{name}/versions": READ,
    "GET /api/v1/projects/{project}/artifacts/{name}/versions/{selector}": READ,
    "DELETE /api/v1/projects/{project}/artifacts/{name}/versions/{selector}": MANAGE,
    "PUT /api/v1/projects/{project}/artifacts/{name}/versions/{selector}/aliases": WRITE,
    "GET /api/v1/projects/{project}/artifacts/{name}/versions/{selector}/files/{path}": READ,
    "GET /api/v1/projects/{project}/artifacts/{name}/versions/{selector}/preview/{path}": READ,
    "GET /api/v1/projects/{project}/runs/{run_id}/artifacts": READ,
    "GET /api/v1/projects/{project}/lineage": READ,
    "GET /api/v1/projects/{project}/reports": READ,
    "POST /api/v1/projects/{project}/reports": WRITE,
    "POST /api/v1/projects/{project}/reports/templates/reproducibility": WRITE,
    "GET /api/v1/projects/{project}/reports/{report_id}": READ,
    "PUT /api/v1/projects/{project}/reports/{report_id}": WRITE,
    "GET /api/v1/projects/{project}/reports/{report_id}/versions": READ,
    "GET /api/v1/projects/{project}/reports/{report_id}/diff": READ,
    "POST /api/v1/projects/{project}/reports/{report_id}/versions/{number}/restore": WRITE,
    "POST /api/v1/projects/{project}/reports/render/markdown": READ,
    "POST /api/v1/projects/{project}/reports/render/panel": READ,
    "POST /api/v1/projects/{project}/reports/images": WRITE,
    "GET /api/v1/projects/{project}/reports/images/{image}": READ,
    "POST /api/v1/projects/{project}/media-keys": READ,
    "POST /api/v1/projects/{project}/media": READ,
    "GET /api/v1/projects/{project}/runs/{run_id}/media/table": READ,
    "GET /api/v1/projects/{project}/runs/{run_id}/media/histograms": READ,
    "POST /api/v1/projects/{project}/media/histograms": READ,
    # members and visibility (the walk's user and team are in no other test)
    "GET /api/v1/projects/{project}/members": READ,
    "PUT /api/v1/projects/{project}/members/users/{user}": MANAGE,
    "DELETE /api/v1/projects/{project}/members/users/{user}": MANAGE,
    "PUT /api/v1/projects/{project}/members/teams/{team}": MANAGE,
    "DELETE /api/v1/projects/{project}/members/teams/{team}": MANAGE,
    "PUT /api/v1/projects/{project}/visibility": MANAGE,
}

REFUSED = {
    OPEN: {},
    SIGNED_IN: {"nobody": 401},
    SESSION: {caller: 401 if caller == "nobody" else 403 for caller in CALLERS},
    SERVER: {caller: 401 if caller == "nobody" else 403 for caller in CALLERS if caller != "root"},
    ADMIN_SESSION: {caller: 401 if caller == "nobody" else 403 for caller in CALLERS},
    READ: {"nobody": 401, "other": 404},
    WRITE: {"nobody": 401, "other": 404, "viewer": 403},
    MANAGE: {"nobody": 401, "other": 404, "viewer": 403, "editor": 403, "teamed": 403},
    BLOB_READ: {"nobody": 404, "other": 404},
    BLOB_KNOW: {"nobody": 404},
    TOKEN: dict.fromkeys(CALLERS, 403),
}


@dataclass
class Deployment:
    url: str
    keys: dict[str, dict[str, str]]
    """Caller → headers ({} for nobody)."""
    params: dict[str, str]
    """Path parameter → the value the walk uses (objects that exist in project p)."""
    bodies: dict[str, Any]
    store_dir: Path
    client: httpx.Client
    """One connection for the walk's calls (a new client a call spent most of its time loading
    certificates); ``call`` drops the cookies an answer sets, so no caller inherits a session."""


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """A store logged with the SDK, served by ``cairn server`` on its SQLite file and folder."""
    store_dir = tmp_path_factory.mktemp("team") / ".cairn"
    image = tmp_path_factory.mktemp("files") / "data.txt"
    image.write_text("a line\n")
    run = cairn.init(project="p", dir=store_dir, config={"lr": 0.1, "depth": 2})
    for step in range(5):
        run.log({"loss": 1 / (step + 1), "acc": step / 5})
    import numpy as np

    run.log(
        {
            "picture": cairn.Image(np.zeros((4, 4, 3), dtype=np.uint8)),
            "h": cairn.Histogram([1, 2, 3]),
        }
    )
    run.log({"table": cairn.Table(columns=["a"], data=[[1]])})
    artifact = cairn.Artifact("data", type="dataset")
    artifact.add_file(image)
    run.log_artifact(artifact)
    run.finish(quiet=True)
    other = cairn.init(project="q", dir=store_dir)
    other.finish(quiet=True)
    report = cairn.Report("p", title="walked", dir=store_dir)
    report.add_markdown("# hello")
    picture = report.add_image(PILImage.new("RGB", (3, 2), "red"), caption="walked")
    report.save()
    report.close()
    store = Store.local(store_dir)
    sweep = new_sweep(store, {"method": "grid", "parameters": {"x": {"values": [1, 2]}}}, "p")
    create_user(store, "walker")  # given a role, and taken it, by the walk
    create_team(store, "walkers")
    store.close()
    with sqlite3.connect(store_dir / "cairn.db") as db:
        (digest,) = db.execute("SELECT blob FROM media WHERE blob IS NOT NULL").fetchone()

    def admin(*args: str, stdin: str | None = None) -> str:
        return commands.cairn("admin", *args, "--dir", str(store_dir), stdin=stdin).stdout.strip()

    users = {
        "root": None,
        "viewer": "viewer",
        "editor": "editor",
        "admin": "admin",
        "other": None,
        "teamed": None,
    }
    for user in users:
        admin("user", "create", user, *(["--admin"] if user == "root" else []))
    for user, role in users.items():
        if role is not None:
            admin("user", "grant", user, "p", role)
    admin("user", "grant", "other", "q", "admin")
    admin("team", "create", "lab")
    admin("team", "add", "lab", "teamed")
    admin("team", "grant", "lab", "p", "editor")
    admin("user", "password", "viewer", stdin="a good long password\n")
    keys: dict[str, dict[str, str]] = {"nobody": {}}
    for user in users:
        secret = admin("key", "create", user)
        keys[user] = {"Authorization": f"Bearer {secret}"}
    admin("key", "create", "root", "--name", "spare")  # the one the walk revokes
    spare = Store.local(store_dir)
    spare_id = next(k.id for k in list_keys(spare, "root") if k.name == "spare")
    spare.close()

    command = ["server", "--db", str(store_dir / "cairn.db"), "--blobs", str(store_dir / "blobs")]
    with serve_command(command) as server, httpx.Client(timeout=60) as client:
        view = httpx.post(
            f"{server.url}/api/v1/projects/p/views",
            json={"name": "mine", "workspace": {}},
            headers=keys["root"],
        )
        assert view.status_code in (200, 201), view.text
        yield Deployment(
            store_dir=store_dir,
            client=client,
            url=server.url,
            keys=keys,
            params={
                "project": "p",
                "run_id": run.id,
                "sweep_id": sweep.id,
                "name": "mine",
                "selector": "v0",
                "path": "data.txt",
                "digest": digest,
                "upload": "never-started-upload",
                "number": "0",
                "q_run": other.id,
                "report_id": str(report.id),
                "image": picture.blob,
                "key_id": str(spare_id),
                "user": "walker",
                "team": "walkers",
            },
            bodies={
                "/auth/login": {"name": "viewer", "password": "a good long password"},
                "/auth/setup": {"token": "guess", "name": "x", "password": "a good long password"},
                "/auth/keys": {"name": "walked"},
                "/admin/users": {"name": "walked", "password": "a good long password"},
                "/users/{user}/keys": {"name": "walked"},
                "/password": {"password": "a good long password"},
                "/runs/{run_id}": {"notes": "seen"},
                "/runs/delete": {"ids": ["zzzzzzzz"]},
                "/metric-keys": {"run_ids": [run.id]},
                "/series": {"run_ids": [run.id], "keys": ["loss"]},
                "/workspace": {},
                "/views": {"name": "another", "workspace": {}},
                "/views/{name}": {"default": True},
                "/importance": {"metric": "loss"},
                "/sweeps": {"method": "random", "parameters": {"x": {"min": 0, "max": 1}}},
                "/state": {"action": "pause"},
                "/claim": {"agent": "walker"},
                "/end": {"status": "finished"},
                "/aliases": {"aliases": ["best"]},
                "/media-keys": {"run_ids": [run.id]},
                "/history": {"keys": ["loss"]},
                "/media": {"run_ids": [run.id], "key": "picture"},
                "/media/histograms": {"run_ids": [run.id], "key": "h"},
                "/reports": {"title": "walk"},
                "/reports/{report_id}": {"base_version": 1, "blocks": []},
                "/restore": {},
                "/render/markdown": {"text": "*hi*"},
                "/render/panel": {"panel": {"kind": "line", "keys": ["loss"]}},
                "/users/{user}": {"role": "viewer"},
                "/teams/{team}": {"role": "viewer"},
                "/visibility": {"visibility": "private"},
                # multipart uploads
                "/multipart/{upload}/parts": {"upload_id": "never-started", "numbers": [1]},
                "/multipart/{upload}/complete": {"upload_id": "never-started"},
            },
        )


def test_every_route_of_the_spec_has_an_expected_need(deployment: Deployment) -> None:
    spec = httpx.get(f"{deployment.url}/api/v1/openapi.json").json()
    routes = {f"{method.upper()} {path}" for path, ops in spec["paths"].items() for method in ops}
    assert routes - set(EXPECTED) == set(), "new routes: say who may call them in EXPECTED"
    assert set(EXPECTED) - routes == set(), "routes gone: remove them from EXPECTED"


QUERIES = {
    "/api/v1/runs": "project={project}",
    "/api/v1/run": "ref={project}/{run_id}",
    "/lineage": "node=run:{run_id}",
    "/media/table": "key=table",
    "/media/histograms": "key=h",
    "/diff": "a=1&b=1",
    "/chunked/{upload}": "offset=0",
}


def call(deployment: Deployment, route: str, caller: str) -> httpx.Response:
    method, template = route.split(" ", 1)
    params = dict(deployment.params)
    if "/artifacts/" in template:
        params["name"] = "data"  # not the view's name
    path = template.format(**params)
    body = next((b for suffix, b in deployment.bodies.items() if template.endswith(suffix)), None)
    query = next((q for suffix, q in QUERIES.items() if template.endswith(suffix)), "")
    response = deployment.client.request(
        method,
        f"{deployment.url}{path}?{query.format(**params)}",
        json=None if method in ("GET", "DELETE") else body,
        headers=deployment.keys[caller],
    )
    deployment.client.cookies.clear()  # a login's session is not the next caller's
    return response


def destroys(route: str) -> bool:
    return route.startswith("DELETE ") or route.endswith("/runs/delete")


def test_the_python_api_lists_and_finds_only_runs_the_caller_may_read(
    deployment: Deployment,
) -> None:
    def listed(caller: str, query: str = "") -> set[str]:
        url = f"{deployment.url}/api/v1/runs{query}"
        response = httpx.get(url, headers=deployment.keys[caller])
        assert response.status_code == 200, response.text
        return {r["project"] for r in response.json()["runs"]}

    def found(caller: str, ref: str) -> int:
        url = f"{deployment.url}/api/v1/run"
        return httpx.get(url, params={"ref": ref}, headers=deployment.keys[caller]).status_code

    run_id = deployment.params["run_id"]
    assert listed("root") == {"p", "q"}
    assert listed("viewer") == {"p"} == listed("teamed")
    assert listed("other") == {"q"}
    assert listed("nobody") == set()  # no public project
    assert listed("other", "?project=p") == set()  # the same answer as a project that is not there
    assert listed("other", "?filter=config.lr%20%3E%200") == set()
    assert found("viewer", f"p/{run_id}") == found("viewer", run_id) == 200
    assert found("other", f"p/{run_id}") == found("other", run_id) == 404
    assert found("nobody", run_id) == 404


def test_a_run_of_another_project_is_charted_only_for_its_readers(
    deployment: Deployment,
) -> None:
    """The charts' routes take runs of other projects as ``project/id``: each project is
    checked, and a caller who may not read it gets the project's 404, never its lines."""
    p_run, q_run = deployment.params["run_id"], deployment.params["q_run"]

    def post(caller: str, project: str, route: str, body: dict[str, Any]) -> httpx.Response:
        url = f"{deployment.url}/api/v1/projects/{project}/{route}"
        return httpx.post(url, json=body, headers=deployment.keys[caller], timeout=60)

    lines = post("root", "q", "series", {"run_ids": [q_run, f"p/{p_run}"], "keys": ["loss"]})
    assert lines.status_code == 200, lines.text
    assert [s["run_id"] for s in lines.json()["series"]] == [f"p/{p_run}"]
    keys = post("root", "q", "metric-keys", {"run_ids": [q_run, f"p/{p_run}"]})
    assert keys.json()["keys"] == ["acc", "loss"]
    for caller, project, run, other in (
        ("other", "q", q_run, "p"),  # admin of q, nothing on p
        ("viewer", "p", p_run, "q"),  # viewer of p, nothing on q
    ):
        alien = f"{other}/{p_run if other == 'p' else q_run}"
        for route, body in (
            ("series", {"run_ids": [run, alien], "keys": ["loss", "acc"]}),
            ("metric-keys", {"run_ids": [run, alien]}),
        ):
            response = post(caller, project, route, body)
            assert response.status_code == 404, (caller, route, response.text)
            assert "not shared" in response.text
            assert "loss" not in response.text
    signed_out = post("nobody", "p", "series", {"run_ids": [f"q/{q_run}"], "keys": ["loss"]})
    assert signed_out.status_code == 401


def test_each_caller_gets_what_each_route_needs(deployment: Deployment) -> None:
    wrong = []
    # every caller on every route, deletions last (so that the objects exist for the others)
    walk = [
        (caller, route)
        for last in (False, True)
        for caller in CALLERS
        for route in EXPECTED
        if destroys(route) == last
    ]
    for caller, route in walk:
        need = EXPECTED[route]
        response = call(deployment, route, caller)
        refused = REFUSED[need].get(caller)
        got = response.status_code
        if refused is not None:
            if got != refused:
                wrong.append(f"{caller} {route}: {got}, expected {refused}")
            elif refused == 404 and need in (BLOB_READ, BLOB_KNOW):
                pass  # a blob's 404 is the answer of a missing blob (HEAD: no body)
            elif refused == 404 and "not shared" not in response.text:
                wrong.append(f"{caller} {route}: a 404 that is not the project's: {response.text}")
        elif got >= 500 or got in (401, 403) or "not shared" in response.text:
            wrong.append(f"{caller} {route}: {got} {response.text[:200]}")
        elif caller == "root" and route.startswith("GET ") and got != 200:
            wrong.append(f"root {route}: {got} {response.text[:200]}")
    assert wrong == [], "\n".join(wrong)


def test_no_answer_tells_a_secret(deployment: Deployment) -> None:
    me = httpx.get(f"{deployment.url}/api/v1/auth/me", headers=deployment.keys["editor"]).json()
    assert me == {"accounts": True, "user": "editor", "is_admin": False}
    secret = deployment.keys["editor"]["Authorization"].removeprefix("Bearer ")
    for route in EXPECTED:
        if route.startswith("GET "):
            assert secret not in call(deployment, route, "root").text


def test_a_revoked_or_forged_key_is_refused(deployment: Deployment, tmp_path: Path) -> None:
    url = f"{deployment.url}/api/v1/projects/p/runs"
    forged = {"Authorization": "Bearer cairn_" + "A" * 43}
    assert httpx.get(url, headers=forged).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer"}).status_code == 401


def test_mlflow_endpoints_check_project_roles(deployment: Deployment) -> None:
    base = f"{deployment.url}/api/2.0/mlflow"

    def call(caller: str, method: str, path: str, body: dict[str, Any]) -> httpx.Response:
        kwargs: dict[str, Any] = {"params": body} if method == "GET" else {"json": body}
        return httpx.request(method, f"{base}/{path}", headers=deployment.keys[caller], **kwargs)

    def listed(caller: str) -> set[str]:
        found = call(caller, "POST", "experiments/search", {})
        assert found.status_code == 200, found.text
        return {e["name"] for e in found.json()["experiments"]}

    assert call("nobody", "POST", "experiments/search", {}).status_code == 401
    assert {"p", "q"} <= listed("root")
    assert "p" in listed("viewer") and "q" not in listed("viewer")
    assert "q" in listed("other") and "p" not in listed("other")
    assert call("viewer", "GET", "experiments/get-by-name", {"experiment_name": "p"}).is_success
    hidden = call("other", "GET", "experiments/get-by-name", {"experiment_name": "p"})
    assert (hidden.status_code, hidden.json()["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")

    made = call("editor", "POST", "runs/create", {"experiment_id": "p", "run_name": "via-mlflow"})
    assert made.status_code == 200, made.text
    run_id = made.json()["run"]["info"]["run_id"]
    metric = {"run_id": run_id, "key": "loss", "value": 0.5, "timestamp": 0, "step": 1}
    assert call("editor", "POST", "runs/log-metric", metric).is_success
    refused = call("viewer", "POST", "runs/log-metric", metric)
    assert (refused.status_code, refused.json()["error_code"]) == (403, "PERMISSION_DENIED")
    assert call("viewer", "GET", "runs/get", {"run_id": run_id}).is_success
    unseen = call("other", "GET", "runs/get", {"run_id": run_id})
    assert (unseen.status_code, unseen.json()["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")
    assert call("other", "POST", "runs/log-metric", metric).status_code == 404
    search = call("other", "POST", "runs/search", {"experiment_ids": ["p", "q"]}).json()
    assert all(r["info"]["experiment_id"] == "q" for r in search.get("runs", []))
    assert call("viewer", "POST", "runs/create", {"experiment_id": "p"}).status_code == 403
    # a first write to a new experiment makes the caller its admin, as with the JSON API
    assert call("viewer", "POST", "experiments/create", {"name": "viewers-own"}).is_success
    own = call("viewer", "POST", "runs/create", {"experiment_id": "viewers-own"})
    assert own.status_code == 200, own.text

    artifact = f"{deployment.url}/api/2.0/mlflow-artifacts/artifacts/p/{run_id}/artifacts/a.txt"
    put = httpx.put(artifact, content=b"hi", headers=deployment.keys["viewer"])
    assert put.status_code == 403
    assert httpx.put(artifact, content=b"hi", headers=deployment.keys["editor"]).is_success
    assert httpx.get(artifact, headers=deployment.keys["viewer"]).content == b"hi"
    assert httpx.get(artifact, headers=deployment.keys["other"]).status_code == 404
    root = httpx.get(
        f"{deployment.url}/api/2.0/mlflow-artifacts/artifacts", headers=deployment.keys["other"]
    )
    assert "p" not in {f["path"] for f in root.json().get("files", [])}


TRAVERSALS = [
    "../cairn.db",
    "..%2fcairn.db",
    "%2e%2e%2f%2e%2e%2fsecret.txt",
    "..%5c..%5csecret.txt",
    "%2e%2e/%2e%2e/secret.txt",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "a%00b",
    "x" * 300,
]


def test_no_path_or_digest_leaves_the_store(deployment: Deployment) -> None:
    """Every route of ``cairn server`` that takes a path or a digest, tried with traversals as
    a server admin: never a 500, never a file read or written outside the store's folders."""
    marker = "TOP SECRET, outside the store"
    (deployment.store_dir.parent / "secret.txt").write_text(marker)
    (deployment.store_dir / "secret.txt").write_text(marker)
    version = "/api/v1/projects/p/artifacts/data/versions/v0"
    templates = [
        "/api/v1/blobs/{x}",
        f"{version}/files/{{x}}",
        f"{version}/preview/{{x}}",
        "/api/v1/projects/{x}/runs",
        "/api/v1/projects/p/runs/{x}",
        "/api/2.0/mlflow-artifacts/artifacts/{x}",
        "/api/2.0/mlflow-artifacts/artifacts/p/{x}",
        "/api/2.0/mlflow/artifacts/{x}",
    ]
    headers = deployment.keys["root"]
    before = {p for p in deployment.store_dir.parent.rglob("*") if p.is_file()}
    wrong = []
    for template in templates:
        for bad in TRAVERSALS:
            url = deployment.url + template.format(x=bad)
            for method in ("GET", "HEAD", "PUT"):
                if method == "PUT" and ("/files/" in template or "/preview/" in template):
                    continue  # read-only routes: 405 is the router's answer
                got = deployment.client.request(
                    method, url, headers=headers, content=b"x", timeout=30
                )
                if got.status_code >= 500 or marker in got.text:
                    wrong.append(f"{method} {template.format(x=bad)}: {got.status_code}")
    assert wrong == [], "\n".join(wrong)
    assert (deployment.store_dir.parent / "secret.txt").read_text() == marker  # not overwritten
    # what the PUTs wrote (httpx resolves "p/../x" to "x" before sending) stays in MLflow's folder
    made = {p for p in deployment.store_dir.parent.rglob("*") if p.is_file()} - before
    artifacts = deployment.store_dir / "mlflow-artifacts"
    assert all(artifacts in p.parents or p.name.startswith("cairn.db") for p in made), made


def test_a_report_version_names_who_saved_it(deployment: Deployment) -> None:
    base = f"{deployment.url}/api/v1/projects/p/reports"
    made = httpx.post(base, json={"title": "By editor"}, headers=deployment.keys["editor"])
    assert made.status_code == 201, made.text
    assert made.json()["author"] == "editor"
    url = f"{base}/{made.json()['id']}"
    body = {"base_version": 1, "blocks": [{"kind": "markdown", "text": "x"}]}
    assert httpx.put(url, json=body, headers=deployment.keys["viewer"]).status_code == 403
    assert httpx.put(url, json=body, headers=deployment.keys["teamed"]).status_code == 200
    versions = httpx.get(f"{url}/versions", headers=deployment.keys["viewer"]).json()
    assert [(v["version"], v["author"]) for v in versions] == [(2, "teamed"), (1, "editor")]
    assert httpx.get(url, headers=deployment.keys["other"]).status_code == 404


def test_a_report_image_is_read_only_through_its_own_project(deployment: Deployment) -> None:
    """An admin of q who learnt the digest of an image of p's reports reads it through neither
    project: q has no such image, and p is not shared with them."""
    digest = deployment.params["image"]

    def get(caller: str, project: str) -> httpx.Response:
        url = f"{deployment.url}/api/v1/projects/{project}/reports/images/{digest}"
        return httpx.get(url, headers=deployment.keys[caller])

    assert get("viewer", "p").status_code == 200
    assert get("viewer", "p").headers["content-type"] == "image/png"
    through_q = get("other", "q")
    assert through_q.status_code == 404 and "no report image" in through_q.text
    assert get("other", "p").status_code == 404
    assert get("nobody", "p").status_code == 401


def test_a_project_logged_to_first_by_many_processes_at_once_is_created_once(
    deployment: Deployment,
) -> None:
    """A sweep's agents start at the same moment on a new project: each asks for a run number.
    The project is the first logger's; a request that found it missing and then found it made
    by another request of the same user goes on (it answered 404 before, and the run logged to
    its journal only)."""
    callers = 12
    gate = threading.Barrier(callers)
    answers: list[httpx.Response] = []

    def first_run() -> None:
        with httpx.Client(base_url=deployment.url, headers=deployment.keys["other"]) as client:
            gate.wait()
            answers.append(client.post("/api/v1/projects/fresh/run-numbers"))

    threads = [threading.Thread(target=first_run) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200] * callers, [a.text for a in answers]
    assert sorted(a.json()["number"] for a in answers) == list(range(1, callers + 1))
    store = Store.local(deployment.store_dir)
    try:
        assert roles(store, "other")["fresh"] == "admin"
    finally:
        store.close()


def test_a_refused_first_write_makes_no_project(deployment: Deployment) -> None:
    """A first write to a new project that the route refuses (a batch that is not a batch, a
    sweep config that is not valid, a bad project name) or that writes nothing (a heartbeat of
    a run the store never saw) leaves no empty project behind, owned by whoever sent it; the
    first write taken makes it, its sender the admin."""
    base = f"{deployment.url}/api/v1/projects"
    with httpx.Client(base_url=base, headers=deployment.keys["other"]) as client:
        garbage = client.post(
            "/unmade/runs/r1/records",
            content=b"not a gzip-compressed msgpack array",
            headers={"content-type": RECORDS_TYPE},
        )
        assert garbage.status_code == 400, garbage.text
        bad_config = client.post("/unmade/sweeps", json={"method": "sideways"})
        assert bad_config.status_code == 400, bad_config.text
        assert client.post("/unmade/runs/r1/heartbeat").status_code == 204
        assert client.post("/%20/run-numbers").status_code == 400
        store = Store.local(deployment.store_dir)
        try:
            assert "unmade" not in {p.name for p in store.projects()}
            assert "unmade" not in roles(store, "other")
        finally:
            store.close()

        sweep = {"method": "grid", "parameters": {"x": {"values": [1, 2]}}}
        assert client.post("/unmade/sweeps", json=sweep).status_code == 201
    store = Store.local(deployment.store_dir)
    try:
        assert roles(store, "other")["unmade"] == "admin"
    finally:
        store.close()


def test_a_project_admin_manages_its_members_and_visibility(deployment: Deployment) -> None:
    """On project ``m`` (its first logger, ``viewer``, is its admin): the attacks are refused
    (an editor making themselves admin, a viewer changing visibility, another project's
    admin, removing the last admin, a cookie write without the CSRF token); ``team``
    visibility lets every signed-in user read, never a signed-out caller."""
    base = f"{deployment.url}/api/v1/projects/m"

    def call(caller: str, method: str, path: str = "", body: Any = None) -> httpx.Response:
        headers = deployment.keys[caller]
        return httpx.request(method, f"{base}{path}", json=body, headers=headers, timeout=30)

    def members(response: httpx.Response) -> tuple[str, list[tuple[str, str]], list[Any]]:
        assert response.status_code == 200, response.text
        found = response.json()
        users = [(u["name"], u["role"]) for u in found["users"]]
        return found["visibility"], users, [(t["name"], t["role"]) for t in found["teams"]]

    assert call("viewer", "POST", "/run-numbers").status_code == 200  # m made, viewer its admin
    assert members(call("viewer", "GET", "/members")) == ("private", [("viewer", "admin")], [])
    assert call("viewer", "GET", "/members").json()["role"] == "admin"
    assert call("admin", "PUT", "/visibility", {"visibility": "public"}).status_code == 404
    assert call("other", "PUT", "/members/users/other", {"role": "admin"}).status_code == 404

    granted = call("viewer", "PUT", "/members/users/editor", {"role": "editor"})
    assert members(granted)[1] == [("editor", "editor"), ("viewer", "admin")]
    assert granted.json()["role"] == "admin"  # the caller's own
    promoted = call("editor", "PUT", "/members/users/editor", {"role": "admin"})
    assert promoted.status_code == 403 and "this needs admin" in promoted.text
    assert call("editor", "DELETE", "/members/users/viewer").status_code == 403
    assert call("viewer", "PUT", "/members/teams/lab", {"role": "viewer"}).status_code == 200
    assert call("teamed", "GET", "/members").json()["role"] == "viewer"
    assert call("teamed", "PUT", "/visibility", {"visibility": "public"}).status_code == 403

    for method, body in (("DELETE", None), ("PUT", {"role": "editor"})):
        last = call("viewer", method, "/members/users/viewer", body)
        assert last.status_code == 400 and "without an admin" in last.text, last.text
    ghost = call("viewer", "PUT", "/members/users/ghost", {"role": "viewer"})
    assert ghost.status_code == 404 and "no user 'ghost' on this server" in ghost.text
    assert call("viewer", "DELETE", "/members/teams/ghosts").status_code == 404
    assert call("viewer", "PUT", "/members/users/editor", {"role": "owner"}).status_code == 422
    assert call("viewer", "PUT", "/visibility", {"visibility": "internal"}).status_code == 422
    nowhere = httpx.put(
        f"{deployment.url}/api/v1/projects/nowhere/visibility",
        json={"visibility": "public"},
        headers=deployment.keys["root"],
    )
    assert nowhere.status_code == 404 and "no project named 'nowhere'" in nowhere.text

    # a browser session of m's admin: its writes need the CSRF token
    browser = httpx.Client(base_url=deployment.url)
    login = {"name": "viewer", "password": "a good long password"}
    assert browser.post("/api/v1/auth/login", json=login).status_code == 204
    forged = browser.put("/api/v1/projects/m/visibility", json={"visibility": "team"})
    assert forged.status_code == 403 and "X-CSRF-Token" in forged.text
    assert call("other", "GET", "/runs").status_code == 404  # still private
    token = {"X-CSRF-Token": browser.cookies["cairn_csrf"]}
    made = browser.put("/api/v1/projects/m/visibility", json={"visibility": "team"}, headers=token)
    assert members(made)[0] == "team"

    assert call("other", "GET", "/runs").status_code == 200  # signed in, no role: reads
    assert call("other", "GET", "/members").json()["role"] == "viewer"
    assert call("other", "PUT", "/visibility", {"visibility": "public"}).status_code == 403
    assert call("other", "POST", "/run-numbers").status_code == 403  # reads, never writes
    assert call("nobody", "GET", "/runs").status_code == 401
    listed = httpx.get(f"{deployment.url}/api/v1/projects", headers=deployment.keys["other"])
    assert "m" in {p["name"] for p in listed.json()}
    assert "m" not in {p["name"] for p in httpx.get(f"{deployment.url}/api/v1/projects").json()}

    assert call("viewer", "PUT", "/visibility", {"visibility": "public"}).status_code == 200
    assert call("nobody", "GET", "/runs").status_code == 200
    hidden = call("nobody", "GET", "/members")  # people's names are not published
    assert hidden.status_code == 401 and "sign in" in hidden.text
    # another admin, then the first may step down
    call("viewer", "PUT", "/members/users/editor", {"role": "admin"})
    assert members(call("viewer", "DELETE", "/members/users/viewer"))[1] == [("editor", "admin")]
    call("editor", "PUT", "/visibility", {"visibility": "private"})
    assert call("viewer", "GET", "/runs").status_code == 404
