"""The team server the upload tests share: one ``cairn server`` on moto's S3 for the session (a
server start costs seconds); each test sends blobs of its own, so they never meet."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.conftest import S3
from tests.fakes.uploads import Server, serve


@pytest.fixture(scope="session")
def on_s3(s3: S3, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from serve(tmp_path_factory.mktemp("server"), s3.bucket())
