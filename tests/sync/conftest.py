"""The team servers the upload tests share: one ``cairn server`` on moto's S3 and one on a folder
for the session (a server start costs seconds); each test sends blobs of its own, so they never
meet."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.conftest import S3
from tests.fakes.uploads import Server, serve


@pytest.fixture(scope="session")
def on_s3(s3: S3, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from serve(tmp_path_factory.mktemp("server"), s3.bucket())


CHUNK_LIMIT = 1024 * 1024
"""The folder server's request size limit, so its chunks of a large upload are 1 MiB."""


@pytest.fixture(scope="session")
def on_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    store_dir = tmp_path_factory.mktemp("folder-server")
    env = {"CAIRN_MAX_REQUEST_BYTES": str(CHUNK_LIMIT)}
    yield from serve(store_dir, str(store_dir / "blobs"), env)
