"""Malformed requests get a 4xx with a message, never a 500: a bounded, seeded fuzz loop.

Runs on a store of its own, since some garbage is valid enough to edit or delete something.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from tests.fakes.runs import make_run
from tests.fakes.server import Server, serve

ROUNDS = 120
TOKENS = [
    "config", "summary", "tags", "state", "name", "created_at", "runtime", ".", "lr", "val/acc",
    "[", "]", "(", ")", "'x'", '"y', "1e-3", "1e999", "-", "+", "99999999999999999999999", "0",
    "==", "!=", "<", ">=", "~", "'(a+)+$'", "'['", "in", "not", "and", "or", "is", "null", "true",
    ",", "=", "&&", "\\", "\x00", "ü", "%", "_", "NaN", "inf", "\n", "'\\u12'", "[0]", "::",
]  # fmt: skip


def garbage_text(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return " ".join(rng.choice(TOKENS) for _ in range(rng.randint(0, 9)))
    alphabet = "abc.[]()'\"\\<>=!~-+,%_ \x00\x7fé中\U0001f600\ud800"
    text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
    return text.encode("utf-8", "replace").decode("utf-8", "replace")


def garbage_json(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(9 if depth < 4 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.choice([0, -1, 5, 2**31, 2**63, 10**30, 1.5, -0.0, 1e308])
    if kind in (3, 4, 5):
        return garbage_text(rng)
    if kind in (6, 7):
        return [garbage_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = ["run_ids", "keys", "x", "max_points", "x_min", "x_max", "ids", "name", "tags"]
    return {
        rng.choice([*keys, garbage_text(rng)]): garbage_json(rng, depth + 1)
        for _ in range(rng.randint(0, 5))
    }


def garbage_body(rng: random.Random) -> tuple[bytes, str]:
    """A request body and its content type: mostly JSON of the wrong shape, some not JSON."""
    roll = rng.random()
    if roll < 0.7:
        return json.dumps(garbage_json(rng)).encode(), "application/json"
    if roll < 0.8:
        return rng.choice([b"{", b"[" * 5000, b"NaN", b'{"x": NaN}', b"\xff\xfe"]), (
            "application/json"
        )
    if roll < 0.9:
        return garbage_text(rng).encode(), "text/plain"
    return b"", "application/json"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    store_dir: Path = tmp_path_factory.mktemp("fuzz") / ".cairn"
    make_run(store_dir, "fuzz", name="target", tags=["t"])
    with serve(store_dir) as running:
        yield running


def check(response: httpx.Response) -> None:
    request = f"{response.request.method} {response.request.url}"
    assert response.status_code < 500, f"{request} -> {response.status_code}: {response.text}"
    if response.status_code >= 400:
        assert response.json()["detail"], request


def test_garbage_queries_are_never_a_500(server: Server) -> None:
    rng = random.Random(1)
    run_id = httpx.get(f"{server.url}/api/v1/projects/fuzz/runs").json()["runs"][0]["id"]
    with httpx.Client(base_url=f"{server.url}/api/v1", timeout=30) as client:
        for _ in range(ROUNDS):
            params = {
                name: garbage_text(rng)
                for name in ("filter", "order", "search", "columns", "limit", "offset")
                if rng.random() < 0.5
            }
            if rng.random() < 0.3:
                params["limit"] = rng.choice(["-1", "0", "1", "1001", "1e3", "9" * 30, ""])
            check(client.get("/projects/fuzz/runs", params=params))
            project = rng.choice(["fuzz", quote(garbage_text(rng), safe="") or "x"])
            some_run = rng.choice([run_id, quote(garbage_text(rng), safe="") or "x"])
            check(client.get(f"/projects/{project}/runs/{some_run}"))
            check(client.get(f"/projects/{project}/columns"))


def test_garbage_bodies_are_never_a_500(server: Server) -> None:
    rng = random.Random(2)
    with httpx.Client(base_url=f"{server.url}/api/v1", timeout=30) as client:
        run_id = client.get("/projects/fuzz/runs").json()["runs"][0]["id"]
        targets = [
            ("POST", "/projects/fuzz/series"),
            ("POST", "/projects/fuzz/metric-keys"),
            ("POST", "/projects/fuzz/runs/delete"),
            ("PATCH", f"/projects/fuzz/runs/{run_id}"),
            ("PUT", "/projects/fuzz/workspace"),
            ("POST", "/projects/fuzz/sweeps"),
        ]
        for _ in range(ROUNDS):
            method, path = rng.choice(targets)
            body, content_type = garbage_body(rng)
            check(
                client.request(method, path, content=body, headers={"content-type": content_type})
            )
        # Almost valid series requests: real ids and keys, wild numbers and axes.
        for _ in range(ROUNDS // 2):
            body_json = {
                "run_ids": [run_id, garbage_text(rng)],
                "keys": ["loss", rng.choice(["acc", garbage_text(rng) or "k"])],
                "x": rng.choice(["_step", "_runtime", "_timestamp", "acc", "loss", "_x", "?"]),
                "max_points": rng.choice([5, 6, 7, 1500, 10_000]),
                "x_min": rng.choice([None, -1e308, -1.0, 0, 1.5, 2, 1e308]),
                "x_max": rng.choice([None, -1e308, 0, 1, 2.5, 1e18, 1e308]),
            }
            check(client.post("/projects/fuzz/series", json=body_json))
        # Almost valid sweep configs: one key, parameter or setting at a time made wild.
        for _ in range(ROUNDS):
            config: dict[str, Any] = {
                "method": rng.choice(["grid", "random", "bayes"]),
                "metric": {"name": "loss", "goal": "minimize"},
                "parameters": {
                    "lr": {"min": 0.001, "max": 0.1, "distribution": "log_uniform_values"},
                    "width": {"values": [16, 64]},
                },
            }
            where = rng.choice([config, config["metric"], config["parameters"]])
            where = rng.choice([where, config["parameters"]["lr"], config["parameters"]["width"]])
            key = rng.choice([*where, garbage_text(rng), "early_terminate", "run_cap", "command"])
            where[key] = garbage_json(rng)
            check(client.post("/projects/fuzz/sweeps", json=config))
        assert client.get("/projects").status_code == 200  # still serving
