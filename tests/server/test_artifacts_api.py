"""The artifact endpoints, from a real server process over a lineage logged by the SDK."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.fakes.artifacts import Lineage, log_lineage
from tests.fakes.server import serve

P = "/projects/lineage"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, Lineage]]:
    lineage = log_lineage(tmp_path_factory.mktemp("artifacts_api") / ".cairn")
    with (
        serve(lineage.store_dir) as running,
        httpx.Client(base_url=f"{running.url}/api/v1", timeout=30) as client,
    ):
        yield client, lineage


def test_artifacts_and_versions(served: tuple[httpx.Client, Lineage]) -> None:
    api, lineage = served
    listed = api.get(f"{P}/artifacts").json()
    assert [(a["name"], a["type"], a["versions"], a["latest"]) for a in listed] == [
        ("digits", "dataset", 1, 0),
        ("mlp", "model", 2, 1),
    ]
    assert [a["name"] for a in api.get(f"{P}/artifacts", params={"type": "model"}).json()] == [
        "mlp"
    ]
    versions = api.get(f"{P}/artifacts/mlp/versions").json()
    assert [(v["version"], v["aliases"]) for v in versions] == [(1, ["latest", "best"]), (0, [])]
    assert versions[0]["producer"] == {"id": lineage.train[1], "name": "train-1"}
    detail = api.get(f"{P}/artifacts/digits/versions/latest").json()
    assert [f["path"] for f in detail["files"]] == [
        "README.txt", "images/digit0.png", "train.csv", "val.parquet"
    ]  # fmt: skip
    assert [r["id"] for r in detail["used_by"]] == [*lineage.train, lineage.evaluate]
    assert [r["id"] for r in detail["logged_by"]] == [lineage.prepare]
    assert detail["metadata"] == {"rows": 3}


def test_previews_and_files(served: tuple[httpx.Client, Lineage]) -> None:
    api, _ = served
    base = f"{P}/artifacts/digits/versions/v0"
    table = api.get(f"{base}/preview/train.csv").json()
    assert table["kind"] == "table"
    assert table["columns"] == ["pixel0", "pixel1", "label"]
    assert table["rows"][0] == ["0", "16", "3"] and table["total_rows"] == 3
    parquet = api.get(f"{base}/preview/val.parquet").json()
    assert parquet["columns"] == ["label", "weight"] and parquet["rows"][2] == [1, 2.0]
    assert api.get(f"{base}/preview/README.txt").json()["text"].startswith("Digits")
    assert api.get(f"{base}/preview/images/digit0.png").json() == {
        "kind": "image", "text": None, "columns": None, "rows": None, "total_rows": None,
        "truncated": False,
    }  # fmt: skip
    image = api.get(f"{base}/files/images/digit0.png")
    assert image.headers["content-type"] == "image/png" and image.content[:4] == b"\x89PNG"
    attachment = api.get(f"{base}/files/train.csv", params={"download": "true"})
    assert attachment.headers["content-disposition"] == 'attachment; filename="train.csv"'
    assert attachment.text.startswith("pixel0")
    missing = api.get(f"{base}/files/nope.txt")
    assert missing.status_code == 404 and "no file 'nope.txt'" in missing.json()["detail"]


def test_run_artifacts_and_lineage(served: tuple[httpx.Client, Lineage]) -> None:
    api, lineage = served
    body = api.get(f"{P}/runs/{lineage.evaluate}/artifacts").json()
    assert [(v["name"], v["version"]) for v in body["used"]] == [("mlp", 1), ("digits", 0)]
    assert body["logged"] == []
    graph = api.get(f"{P}/lineage", params={"node": f"run:{lineage.evaluate}", "hops": 2}).json()
    layers = {n["label"]: n["layer"] for n in graph["nodes"]}
    assert layers["evaluate"] > layers["mlp:v1"] > layers["train-1"]
    assert layers["digits:v0"] < layers["evaluate"]
    assert {
        "source": f"run:{lineage.train[1]}",
        "target": next(n["id"] for n in graph["nodes"] if n["label"] == "mlp:v1"),
        "kind": "produced",
    } in graph["edges"]
    far = api.get(f"{P}/lineage", params={"node": f"run:{lineage.evaluate}", "hops": 4}).json()
    assert {n["label"] for n in far["nodes"]} >= {"prepare-data", "train-0", "mlp:v0"}


def test_bad_requests_are_4xx(served: tuple[httpx.Client, Lineage]) -> None:
    api, _ = served
    assert api.get(f"{P}/artifacts/nope/versions").status_code == 404
    assert api.get(f"{P}/artifacts/mlp/versions/v9").status_code == 404
    assert api.get(f"{P}/lineage", params={"node": "run:../x"}).status_code == 422
    assert api.get(f"{P}/lineage", params={"node": "version:abc"}).status_code == 400
    assert api.get(f"{P}/lineage", params={"node": "run:nope"}).status_code == 404
    assert api.get("/projects/none/artifacts").status_code == 404
    bad = api.put(f"{P}/artifacts/mlp/versions/v0/aliases", json={"aliases": ["a b"]})
    assert bad.status_code == 422


def test_alias_edit_and_delete(tmp_path: Path) -> None:
    lineage = log_lineage(tmp_path / ".cairn")
    with (
        serve(lineage.store_dir) as running,
        httpx.Client(base_url=f"{running.url}/api/v1", timeout=30) as api,
    ):
        moved = api.put(
            f"{P}/artifacts/mlp/versions/v0/aliases", json={"aliases": ["best", "prod"]}
        )
        assert moved.status_code == 200 and moved.json()["aliases"] == ["best", "prod"]
        versions = api.get(f"{P}/artifacts/mlp/versions").json()
        assert [v["aliases"] for v in versions] == [["latest"], ["best", "prod"]]
        assert (
            api.put(f"{P}/artifacts/mlp/versions/v0/aliases", json={"aliases": ["v2"]}).status_code
            == 400
        )
        assert api.delete(f"{P}/artifacts/mlp/versions/v1").json() == {"deleted": 1}
        assert [v["aliases"] for v in api.get(f"{P}/artifacts/mlp/versions").json()] == [
            ["latest", "best", "prod"]
        ]
