"""The store suite runs on both deployments: SQLite with a blob folder (the local store) and
PostgreSQL with S3 blobs (the team server's), the same tests on each."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cairn.store import Store
from cairn.store.blobs import BlobStore

MakeStore = Callable[..., Store]


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_store(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeStore]:
    """Makes new, empty stores on the test's backend; ``name`` keeps local ones apart."""
    made: list[Store] = []

    def make(name: str = "store") -> Store:
        if backend == "sqlite":
            store = Store.local(tmp_path / name)
        else:
            url = request.getfixturevalue("postgres").database()
            store = Store(url, BlobStore(request.getfixturevalue("s3").bucket()))
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


@pytest.fixture
def store(make_store: MakeStore) -> Store:
    return make_store()


def reopen(store: Store) -> Store:
    """The same store opened again, as another process would."""
    if store.url.startswith("sqlite:///"):
        return Store.local(Path(store.url.removeprefix("sqlite:///")).parent)
    return Store(store.url, BlobStore(store.blobs.url))


def at_once(store: Store, work: Callable[[Store, int], object], workers: int = 8) -> list[object]:
    """Runs ``work(store_of_its_own, i)`` in ``workers`` threads released together; their results."""
    stores = [reopen(store) for _ in range(workers)]
    barrier = threading.Barrier(workers)
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            got = work(stores[i], i)
            with lock:
                results.append(got)
        except BaseException as exc:
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for s in stores:
        s.close()
    assert not errors, errors
    return results
