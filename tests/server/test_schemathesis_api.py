"""Schemathesis over the OpenAPI spec of a real ``cairn server`` on PostgreSQL and S3, signed in
as a server admin and as a viewer: every request it makes from the spec, valid or not, gets an
answer under 500."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import S3, Postgres
from tests.fakes.journals import every_record
from tests.fakes.server import serve_command

from cairn.server.auth.credentials import new_key
from cairn.store.accounts import add_key, create_user, set_role
from cairn.store.blobs import BlobStore
from cairn.store.store import Store

schemathesis = pytest.importorskip("schemathesis")


@schemathesis.serializer("application/x-cairn-records")
def _records(_context: Any, value: Any) -> bytes:
    """The records route's body as generated (any bytes): the server must refuse what is not a
    gzip-compressed batch with a 4xx."""
    return value if isinstance(value, bytes) else str(value).encode()


EXAMPLES = 16
"""Requests per route and caller: 45 routes x 2 callers x 16 = about 1,400 requests."""
REAL = {"project": "p", "run_id": "run1"}
"""Path parameters that name objects that exist, put in half of the cases, so that requests
reach the routes' code and not only the 404 of a project that is not there."""


@dataclass
class Deployment:
    url: str
    keys: dict[str, dict[str, str]]
    spare: dict[str, int]
    """Caller → the id of a key of theirs that no request uses: the only one they may revoke
    (the fuzz must go on signed in)."""


@pytest.fixture(scope="module")
def deployment(postgres: Postgres, s3: S3) -> Iterator[Deployment]:
    db, blobs = postgres.database(), s3.bucket()
    store = Store(db, BlobStore(blobs), migrate=False)
    store.apply("run1", every_record("run1", "p"))
    keys, spare = {}, {}
    for name, is_admin in (("root", True), ("vic", False)):
        create_user(store, name, is_admin=is_admin)
        made, unused = new_key(), new_key()
        add_key(store, name, name="fuzz", prefix=made.prefix, digest=made.digest)
        keys[name] = {"Authorization": f"Bearer {made.secret}"}
        spare[name] = add_key(
            store, name, name="spare", prefix=unused.prefix, digest=unused.digest
        ).id
    set_role(store, "p", "vic", "viewer")
    store.close()
    env = {**s3.environment, "CAIRN_DB": db, "CAIRN_BLOBS": blobs}
    with serve_command(["server"], env=env) as server:
        yield Deployment(server.url, keys, spare)


@pytest.mark.parametrize("caller", ["root", "vic"])
def test_no_request_from_the_spec_gets_a_server_error(deployment: Deployment, caller: str) -> None:
    schema = schemathesis.openapi.from_url(f"{deployment.url}/api/v1/openapi.json")
    errors: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40

    for operation in operations:
        fuzz(operation, deployment.url, deployment.keys[caller], errors, deployment.spare[caller])
    assert errors == []


def fuzz(
    operation: Any, url: str, headers: dict[str, str], errors: list[str], spare_key: int
) -> None:
    """Send ``EXAMPLES`` requests schemathesis makes for ``operation``; note each 5xx. A key id
    is always ``spare_key``: revoking the caller's own key would end the fuzz in 401s."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), real=st.booleans())
    def call(case: Any, real: bool) -> None:
        path = case.path_parameters
        if real and path:
            path.update({k: v for k, v in REAL.items() if k in path})
        if "key_id" in path:
            path["key_id"] = spare_key
        response = case.call(base_url=url, headers=headers, timeout=30)
        if response.status_code >= 500:
            errors.append(f"{operation.label}: {response.status_code} {response.text[:300]}")

    call()
