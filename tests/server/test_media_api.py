"""The media API of a real server process: keys, values, blobs, tables and histogram series."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator

import httpx
import pytest
from tests.fakes.media import MediaRuns, log_media_runs
from tests.fakes.server import serve


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, MediaRuns]]:
    runs = log_media_runs(tmp_path_factory.mktemp("media_api") / ".cairn")
    with (
        serve(runs.store_dir) as running,
        httpx.Client(base_url=f"{running.url}/api/v1", timeout=30) as client,
    ):
        yield client, runs


def test_keys_and_values(api: tuple[httpx.Client, MediaRuns]) -> None:
    client, runs = api
    body = client.post("/projects/media/media-keys", json={"run_ids": [runs.first, runs.second]})
    keys = {k["key"]: (k["kind"], k["count"]) for k in body.json()["keys"]}
    assert keys["samples"] == ("image", 10) and keys["gradients/fc1"] == ("histogram", 10)
    assert keys["confusion"] == ("plot", 2) and keys["predictions"] == ("table", 2)
    body = client.post(
        "/projects/media/media", json={"run_ids": [runs.second, "nope"], "key": "samples"}
    ).json()
    (run,) = body["runs"]
    assert run["run_id"] == runs.second and [v["step"] for v in run["values"]] == [0, 1, 2, 3, 4]
    assert run["values"][0]["meta"]["masks"]["predictions"]["class_labels"]["1"] == "ink"
    # A workspace showing many runs asks for all their keys at once (bounded).
    many = [runs.first, *(f"x{i}" for i in range(199))]
    body = client.post("/projects/media/media-keys", json={"run_ids": many}).json()
    assert {k["key"] for k in body["keys"]} >= {"samples", "gradients/fc1"}
    too_many = client.post("/projects/media/media-keys", json={"run_ids": ["x"] * 1001})
    assert too_many.status_code == 422


def test_run_detail_counts_media_keys(api: tuple[httpx.Client, MediaRuns]) -> None:
    client, runs = api
    assert client.get(f"/projects/media/runs/{runs.first}").json()["media_count"] == 7


def test_blob_bytes_type_and_caching(api: tuple[httpx.Client, MediaRuns]) -> None:
    client, runs = api
    body = client.post("/projects/media/media", json={"run_ids": [runs.first], "key": "samples"})
    digest = body.json()["runs"][0]["values"][0]["blob"]
    blob = client.get(f"/blobs/{digest}")
    assert blob.status_code == 200 and blob.headers["content-type"] == "image/png"
    assert hashlib.sha256(blob.content).hexdigest() == digest
    assert "immutable" in blob.headers["cache-control"]
    assert blob.headers["x-content-type-options"] == "nosniff"
    bad = client.get("/blobs/not-a-digest")
    assert bad.status_code == 400 and "64 lowercase hex" in bad.json()["detail"]
    assert client.get(f"/blobs/{'0' * 64}").status_code == 404


def test_table_pages_filter_sort_group_and_join(api: tuple[httpx.Client, MediaRuns]) -> None:
    client, runs = api
    url = f"/projects/media/runs/{runs.first}/media/table"
    page = client.get(
        url,
        params={"key": "predictions", "filter": 'label == "dog"', "sort": "score", "desc": True},
    ).json()
    assert page["total"] == 6 and page["matched"] == 3 and page["data"]["id"] == [5, 3, 1]
    assert page["types"]["img"] == "image" and page["data"]["img"][0]["_type"] == "image"
    grouped = client.get(url, params={"key": "predictions", "group": "label", "limit": 2}).json()
    assert [g["count"] for g in grouped["groups"]] == [3, 3] and len(grouped["data"]["id"]) == 2
    joined = client.get(
        url, params={"key": "predictions", "join_run": runs.second, "on": "id"}
    ).json()
    assert "score · media-a" in joined["columns"] and "score · media-b" in joined["columns"]
    plot = client.get(url, params={"key": "confusion"}).json()
    assert plot["spec"]["type"] == "confusion_matrix" and plot["total"] == 9


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"key": "predictions", "filter": "nope > 1"}, 400, "unknown column"),
        ({"key": "predictions", "sort": "nope"}, 400, "no column 'nope'"),
        ({"key": "samples"}, 400, "holds image values, not tables"),
        ({"key": "missing"}, 404, "logged no value"),
        ({"key": "predictions", "join_run": "x"}, 400, "needs on="),
        ({"key": "predictions", "limit": 0}, 422, ""),
    ],
)
def test_table_errors(
    api: tuple[httpx.Client, MediaRuns], params: dict[str, object], status: int, message: str
) -> None:
    client, runs = api
    response = client.get(f"/projects/media/runs/{runs.first}/media/table", params=params)  # type: ignore[arg-type]
    assert response.status_code == status
    assert message in str(response.json()["detail"])


def test_histogram_series(api: tuple[httpx.Client, MediaRuns]) -> None:
    client, runs = api
    body = client.get(
        f"/projects/media/runs/{runs.first}/media/histograms",
        params={"key": "gradients/fc1", "bins": 16},
    ).json()
    assert body["steps"] == [0, 1, 2, 3, 4] and len(body["edges"]) == 17
    assert [sum(row) for row in body["counts"]] == [500.0] * 5
    assert client.get("/projects/media/runs/nope/media/histograms?key=x").status_code == 404


def test_histograms_of_several_runs_share_one_range(api: tuple[httpx.Client, MediaRuns]) -> None:
    client, runs = api
    url = "/projects/media/media/histograms"
    body = client.post(
        url, json={"run_ids": [runs.second, "nope", runs.first], "key": "gradients/fc1", "bins": 8}
    ).json()
    assert [r["run_id"] for r in body["runs"]] == [runs.second, runs.first]
    assert len(body["edges"]) == 9
    for run in body["runs"]:
        assert run["steps"] == [0, 1, 2, 3, 4]
        assert [sum(row) for row in run["counts"]] == [500.0] * 5  # nothing falls off the range
    alone = client.get(
        f"/projects/media/runs/{runs.first}/media/histograms",
        params={"key": "gradients/fc1", "bins": 8},
    ).json()
    assert alone["edges"] != body["edges"]  # alone, a run's own range; together, the union
    many = client.post(url, json={"run_ids": [f"r{i}" for i in range(25)], "key": "x"})
    assert many.status_code == 422  # bounded: one panel's runs
    assert client.post(url, json={"run_ids": [], "key": "x"}).status_code == 422
    assert (
        client.post(
            "/projects/nope/media/histograms", json={"run_ids": ["a"], "key": "x"}
        ).status_code
        == 404
    )
    other = client.post(url, json={"run_ids": [runs.first], "key": "samples"}).json()
    assert other["runs"] == [{"run_id": runs.first, "steps": [], "counts": [], "nan": []}]


FILTER_TOKENS = [
    "id", "label", "score", "img", "col", '["label"]', "==", "!=", "<", ">=", "~", "in", "not",
    "and", "or", "is", "null", "true", "(", ")", "[", "]", ",", "'(a+)+$'", "'['", '"dog', "1e999",
    "-", "1", "0.5", "\x00", "ü", "\\", "NaN",
]  # fmt: skip


def test_garbage_filters_sorts_and_digests_are_never_a_500(
    api: tuple[httpx.Client, MediaRuns],
) -> None:
    client, runs = api
    rng = random.Random(5)
    url = f"/projects/media/runs/{runs.first}/media/table"
    for _ in range(150):
        text = " ".join(rng.choice(FILTER_TOKENS) for _ in range(rng.randint(1, 8)))
        params = {"key": rng.choice(["predictions", "confusion", "samples", text]), "filter": text}
        if rng.random() < 0.3:
            params["sort"] = rng.choice(FILTER_TOKENS)
        if rng.random() < 0.2:
            params["group"] = rng.choice(FILTER_TOKENS)
        response = client.get(url, params=params)
        assert response.status_code < 500, f"{params} -> {response.status_code}: {response.text}"
        if response.status_code >= 400:
            assert response.json()["detail"]
    for digest in ("", "A" * 64, "g" * 64, "0" * 63, "..%2F..%2Fcairn.db", "0" * 65):
        assert client.get(f"/blobs/{digest}").status_code in (400, 404, 405)
