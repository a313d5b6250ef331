"""``store.report_images``: an image belongs to the projects it was uploaded into, is stored once,
and ``cairn gc`` keeps it; on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

import pytest
from tests.store.conftest import MakeStore

from cairn.errors import ReportNotFoundError
from cairn.store import gc
from cairn.store.report_images import ReportImage, find_image, keep_image

DATA = b"pretend these are a PNG's checked bytes"
IMAGE = ReportImage(hashlib.sha256(DATA).hexdigest(), "image/png", 4, 3)


def test_an_image_is_found_only_in_the_projects_it_was_uploaded_into(
    make_store: MakeStore,
) -> None:
    store = make_store()
    assert keep_image(store, "p", IMAGE, DATA) == IMAGE.digest
    assert keep_image(store, "p", IMAGE, DATA) == IMAGE.digest  # again: nothing changes
    assert find_image(store, "p", IMAGE.digest) == IMAGE
    with pytest.raises(ReportNotFoundError, match="project 'q' has no report image"):
        find_image(store, "q", IMAGE.digest)
    keep_image(store, "q", IMAGE, DATA)  # the same bytes uploaded into another project
    assert find_image(store, "q", IMAGE.digest) == IMAGE
    assert [d for d, _, _ in store.blobs.entries()] == [IMAGE.digest]  # stored once
    assert gc.collect(store, grace=0).removed == 0
    assert store.blobs.get(IMAGE.digest) == DATA
