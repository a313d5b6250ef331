"""Where the store refers to a blob, and which projects do: one list that ``cairn gc`` (keep
what something refers to) and the team server's ``GET /blobs/{digest}`` (serve a blob only to
a caller who may read a project that refers to it) both read.

A digest is referred to by (``REFERENCES``, each with the project that holds it):

- ``media.blob``: a logged image's PNG, a table's Parquet, a WAV...;
- ``history_segments.blob``: sealed Parquet segments of run history;
- ``report_images.digest``: images uploaded into a project's reports;
- ``blob_refs``: digests named inside JSON documents, copied out when the document is written,
  so that asking about one digest reads an index instead of every document: a media row's
  ``meta["blobs"]`` (masks, table-cell images, gallery items) and a capture section's values
  under keys ending in ``sha256`` (the code snapshot's files, the notebook, the git diff), both
  owned by their run; an artifact version's manifest (each file's ``sha256``; references to
  files elsewhere hold no blob), owned by the version. Deleting the owner deletes its rows
  (foreign keys), as it deletes the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    Select,
    and_,
    bindparam,
    delete,
    exists,
    insert,
    literal,
    or_,
    select,
    union_all,
)

from cairn.store.schema import (
    artifact_versions,
    artifacts,
    blob_refs,
    history_segments,
    media,
    project_roles,
    projects,
    report_images,
    runs,
    team_members,
    team_roles,
)

if TYPE_CHECKING:
    from cairn.store.store import Store

_DIGEST = re.compile(r"^[0-9a-f]{64}$")
MEDIA = "media"
MANIFEST = "manifest"
CAPTURE = "capture:"
"""``origin`` of a capture section's rows: ``capture:`` and the section's name."""


@dataclass(frozen=True)
class Reference:
    """A column that names blobs, and how to reach the project of its row."""

    digest: Column[Any]
    projects: Select[Any]
    """``(digest, project_id)`` of every row of ``digest``'s table."""


REFERENCES: tuple[Reference, ...] = (
    Reference(
        media.c.blob,
        select(media.c.blob, runs.c.project_id).join(runs, runs.c.id == media.c.run_id),
    ),
    Reference(
        history_segments.c.blob,
        select(history_segments.c.blob, runs.c.project_id).join(
            runs, runs.c.id == history_segments.c.run_id
        ),
    ),
    Reference(report_images.c.digest, select(report_images.c.digest, report_images.c.project_id)),
    Reference(
        blob_refs.c.digest,
        select(blob_refs.c.digest, runs.c.project_id).join(runs, runs.c.id == blob_refs.c.run_id),
    ),
    Reference(
        blob_refs.c.digest,
        select(blob_refs.c.digest, artifacts.c.project_id)
        .join(artifact_versions, artifact_versions.c.id == blob_refs.c.version_id)
        .join(artifacts, artifacts.c.id == artifact_versions.c.artifact_id),
    ),
)
"""Every place a blob digest is stored (``blob_refs`` twice: its run rows, its version rows)."""


def referenced(conn: Connection) -> set[str]:
    """Every blob digest something in the store refers to."""
    found: set[str] = set()
    for column in dict.fromkeys(r.digest for r in REFERENCES):  # blob_refs once
        found.update(d for d in conn.execute(select(column).distinct()).scalars() if d)
    return found


def _project_ids() -> Any:
    return union_all(*(r.projects.where(r.digest == bindparam("digest")) for r in REFERENCES))


NOBODY = -1
"""The user id of a signed-out caller: no user has it, so only public projects count
(not ``team`` ones, which every signed-in user reads)."""

_HOLDERS = _project_ids().subquery("holders")
_PROJECT = _HOLDERS.c.project_id
_READABLE = (
    select(literal(1))
    .select_from(_HOLDERS)
    .where(
        or_(
            exists().where(
                (projects.c.id == _PROJECT)
                & (
                    (projects.c.visibility == "public")
                    | (
                        (projects.c.visibility == "team")
                        & (bindparam("user", type_=Integer) != NOBODY)
                    )
                )
            ),
            exists().where(
                (project_roles.c.project_id == _PROJECT)
                & (project_roles.c.user_id == bindparam("user"))
            ),
            exists().where(
                and_(
                    team_roles.c.project_id == _PROJECT,
                    team_members.c.team_id == team_roles.c.team_id,
                    team_members.c.user_id == bindparam("user"),
                )
            ),
        )
    )
    .limit(1)
)
"""One row when a project that refers to the digest is public, ``team`` and the user signed
in, or shared with the user (one statement: every reference column is indexed, each project
found is checked by its keys)."""

_EDITS_SOMEWHERE = or_(
    exists().where(
        (project_roles.c.user_id == bindparam("user"))
        & project_roles.c.role.in_(("editor", "admin"))
    ),
    exists().where(
        and_(
            team_members.c.user_id == bindparam("user"),
            team_roles.c.team_id == team_members.c.team_id,
            team_roles.c.role.in_(("editor", "admin")),
        )
    ),
)
_MAY_KNOW = select(or_(exists(_READABLE), _EDITS_SOMEWHERE))
"""True when the user may read the digest, or is an editor (or admin) of some project."""


def may_read(store: Store, user_id: int | None, digest: str) -> bool:
    """Whether a project that refers to ``digest`` is public, ``team`` (to a signed-in user),
    or shared with the user (None: signed out). Server admins read everything: the caller
    skips the question."""
    params = {"digest": digest, "user": NOBODY if user_id is None else user_id}
    with store._lookup() as conn:
        return conn.execute(_READABLE, params).first() is not None


def may_know(store: Store, user_id: int, digest: str) -> bool:
    """Whether the user may learn that the store holds ``digest``: they may read it, or they
    edit some project (a logger that would upload the bytes anyway; see docs/security.md)."""
    with store._lookup() as conn:
        return bool(conn.execute(_MAY_KNOW, {"digest": digest, "user": user_id}).scalar())


def sha256_values(value: Any, key: str = "") -> Iterator[str]:
    """The digests in a JSON document: string values under a key ending in ``sha256``."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from sha256_values(v, str(k))
    elif isinstance(value, list):
        for item in value:
            yield from sha256_values(item, key)
    elif isinstance(value, str) and key.endswith("sha256") and _DIGEST.match(value):
        yield value


def manifest_digests(manifest: Mapping[str, Any]) -> set[str]:
    """The blobs of an artifact manifest's files (references point elsewhere: no blob)."""
    return {
        e["sha256"]
        for e in manifest.values()
        if "ref" not in e and isinstance(e.get("sha256"), str)
    }


def add_run_refs(conn: Connection, run_id: str, origin: str, digests: Iterable[str]) -> None:
    """Record the digests a run's document ``origin`` names (inside the caller's transaction)."""
    _insert(conn, [{"run_id": run_id, "origin": origin, "digest": d} for d in set(digests)])


def replace_capture_refs(conn: Connection, run_id: str, sections: Mapping[str, Any]) -> None:
    """Record what capture ``sections`` name, instead of what their earlier versions named."""
    origins = [CAPTURE + s for s in sections]
    conn.execute(
        delete(blob_refs).where((blob_refs.c.run_id == run_id) & blob_refs.c.origin.in_(origins))
    )
    _insert(
        conn,
        [
            {"run_id": run_id, "origin": CAPTURE + section, "digest": d}
            for section, data in sections.items()
            for d in set(sha256_values(data))
        ],
    )


def add_manifest_refs(conn: Connection, version_id: int, manifest: Mapping[str, Any]) -> None:
    """Record the blobs of a new artifact version's files."""
    _insert(
        conn,
        [
            {"version_id": version_id, "origin": MANIFEST, "digest": d}
            for d in manifest_digests(manifest)
        ],
    )


def _insert(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(blob_refs), list(rows))
