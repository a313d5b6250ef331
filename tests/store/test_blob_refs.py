"""Who may read a blob, on both backends: a blob is readable by whoever may read one project
that refers to it (media, their masks, capture sections, artifact files), by nobody else; the
references follow their documents (a capture section replaced, a run or a version deleted); the
one statement reads indexes only."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import select

from cairn.journal.records import ArtifactLog, Capture, MediaLog, RunStart
from cairn.store import blob_refs, schema
from cairn.store.accounts import (
    create_team,
    create_user,
    set_member,
    set_role,
    set_team_role,
    set_visibility,
)
from cairn.store.artifacts import delete_version, versions
from cairn.store.engine import MIGRATIONS, WRITE
from cairn.store.store import Store

IMG, MASK, CODE, WEIGHTS, EXT, PUB = (c * 64 for c in "abcdef")


def _image(seq: int, blob: str, *blobs: str) -> MediaLog:
    return MediaLog(
        seq=seq, step=0, ts=1.0, key="img", kind="image", data={}, blob=blob, blobs=list(blobs)
    )


def _start(run_id: str, project: str) -> RunStart:
    return RunStart(seq=1, run_id=run_id, project=project, name=run_id, created_at=0.0)


def _code(seq: int, *files: str) -> Capture:
    snapshot = {"files": {f"f{i}.py": {"sha256": d, "size": 1} for i, d in enumerate(files)}}
    return Capture(seq=seq, section="code", data={"snapshot": snapshot})


@pytest.fixture
def seeded(store: Store) -> Store:
    """``secret`` holds an image with a mask, a code file and an artifact; ``shared`` holds
    the same image; ``open`` is public."""
    manifest = {
        "w.bin": {"sha256": WEIGHTS, "size": 3},
        "elsewhere": {"ref": "s3://bucket/x", "size": 1, "sha256": EXT},
    }
    artifact = ArtifactLog(
        seq=4, name="model", artifact_type="model", digest="9" * 64, manifest=manifest
    )
    store.apply("r1", [_start("r1", "secret"), _image(2, IMG, MASK), _code(3, CODE), artifact])
    store.apply("r2", [_start("r2", "shared"), _image(2, IMG)])
    store.apply("r3", [_start("r3", "open"), _image(2, PUB)])
    set_visibility(store, "open", "public")
    for name in ("vic", "sam", "tim", "nob", "ed"):
        create_user(store, name)
    set_role(store, "secret", "vic", "viewer")
    set_role(store, "shared", "sam", "viewer")
    set_role(store, "open", "ed", "editor")
    create_team(store, "lab")
    set_member(store, "lab", "tim", True)
    set_team_role(store, "secret", "lab", "viewer")
    return store


def _reads(store: Store, user: str | None) -> set[str]:
    ids = {"vic": 1, "sam": 2, "tim": 3, "nob": 4, "ed": 5}
    user_id = None if user is None else ids[user]
    return {
        d for d in (IMG, MASK, CODE, WEIGHTS, EXT, PUB) if blob_refs.may_read(store, user_id, d)
    }


def test_a_blob_is_read_by_the_readers_of_a_project_that_refers_to_it(seeded: Store) -> None:
    assert _reads(seeded, "vic") == {IMG, MASK, CODE, WEIGHTS, PUB}  # EXT is not a blob here
    assert _reads(seeded, "tim") == {IMG, MASK, CODE, WEIGHTS, PUB}  # through the team
    assert _reads(seeded, "sam") == {IMG, PUB}  # the same bytes, in the project sam reads
    assert _reads(seeded, "nob") == {PUB} == _reads(seeded, None)  # public only


def test_a_blob_of_a_team_project_is_read_by_every_signed_in_user(seeded: Store) -> None:
    set_visibility(seeded, "shared", "team")
    assert _reads(seeded, "nob") == {IMG, PUB}  # signed in, no role anywhere
    assert _reads(seeded, None) == {PUB}  # signed out: public only
    assert blob_refs.may_know(seeded, 4, IMG)
    set_visibility(seeded, "shared", "private")
    assert _reads(seeded, "nob") == {PUB}


def test_editors_of_some_project_may_know_what_the_store_holds(seeded: Store) -> None:
    assert blob_refs.may_know(seeded, 5, MASK)  # ed edits "open", not "secret"
    assert not blob_refs.may_know(seeded, 4, MASK)  # nob edits nothing
    assert blob_refs.may_know(seeded, 4, PUB)  # but may read it
    assert not blob_refs.may_know(seeded, 2, MASK)  # sam only views


def test_references_follow_their_documents(seeded: Store) -> None:
    seeded.apply("r1", [_code(5, "7" * 64)])  # the code section replaced
    assert _reads(seeded, "vic") == {IMG, MASK, WEIGHTS, PUB}
    with seeded._read() as conn:
        assert blob_refs.referenced(conn) == {IMG, MASK, "7" * 64, WEIGHTS, PUB}
    (version,) = versions(seeded, "secret", "model")
    delete_version(seeded, version.id)
    assert _reads(seeded, "vic") == {IMG, MASK, PUB}
    seeded.delete_run("r1")
    assert _reads(seeded, "vic") == {PUB}
    assert _reads(seeded, "sam") == {IMG, PUB}  # shared still refers to the image
    with seeded._read() as conn:
        assert blob_refs.referenced(conn) == {IMG, PUB}


BIG = ("media", "history_segments", "report_images", "blob_refs")


def test_the_check_reads_indexes_only(seeded: Store) -> None:
    """One statement; no table that grows with the store is scanned (PostgreSQL: with
    sequential scans priced out, so that a missing index shows as a scan)."""
    engine = seeded.engine
    bound = blob_refs._READABLE.params(digest=IMG, user=1)
    sql = str(bound.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)
            plan = "\n".join(str(r[-1]) for r in rows)
            scans = [t for t in BIG if f"SCAN {t}" in plan and f"SCAN {t} USING" not in plan]
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql))
            scans = [t for t in BIG if f"Seq Scan on {t}" in plan]
    assert scans == [], plan


def _migrate(store: Store, direction: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.connect().execution_options(**{WRITE: True}) as conn:
        config.attributes["connection"] = conn
        getattr(command, direction)(config, revision)
        conn.commit()


def test_the_migration_fills_the_references_of_what_is_stored(seeded: Store) -> None:
    """A store from before revision 0020 (its documents already hold digests): the upgrade
    copies them out, so its readers keep reading what they read."""
    seeded.apply("r2", [_code(3, CODE)])  # a digest held twice
    with seeded._read() as conn:
        before = sorted(conn.execute(select(schema.blob_refs.c.digest, schema.blob_refs.c.origin)))
    _migrate(seeded, "downgrade", "0019")
    _migrate(seeded, "upgrade", "0020")
    with seeded._read() as conn:
        after = sorted(conn.execute(select(schema.blob_refs.c.digest, schema.blob_refs.c.origin)))
    assert after == before and len(after) == 4  # MASK; CODE twice; WEIGHTS (not EXT)
    assert _reads(seeded, "vic") == {IMG, MASK, CODE, WEIGHTS, PUB}
    assert _reads(seeded, "sam") == {IMG, CODE, PUB}
