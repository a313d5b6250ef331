"""Artifacts in SQL: versions assigned at apply time, aliases, and which runs logged or used them.

Version numbers are given by the store inside the transaction that applies a run's
``ArtifactLog`` record, so two runs logging the same name at the same moment get distinct versions
(SQLite serialises write transactions; PostgreSQL locks the artifact row). Logging contents an
artifact already has (same manifest digest) yields that existing version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from cairn.errors import ArtifactNotFoundError
from cairn.journal.records import ArtifactLog, ArtifactUse
from cairn.store.blob_refs import add_manifest_refs
from cairn.store.projects import insert_missing
from cairn.store.schema import (
    artifact_aliases,
    artifact_links,
    artifact_versions,
    artifacts,
    projects,
    runs,
)

if TYPE_CHECKING:
    from cairn.store.store import Store

LATEST = "latest"


@dataclass(frozen=True)
class VersionInfo:
    """One stored version of an artifact."""

    id: int
    project: str
    name: str
    type: str
    version: int
    digest: str
    description: str | None
    metadata: dict[str, Any]
    size: int
    file_count: int
    run_id: str | None
    """The run that produced it (logged it first), or None once that run is deleted."""
    created_at: float
    aliases: list[str] = field(default_factory=list)
    manifest: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{self.project}/{self.name}:v{self.version}"


@dataclass(frozen=True)
class ArtifactSummary:
    """An artifact name with its type, version count and latest version."""

    project: str
    name: str
    type: str
    versions: int
    latest: int | None
    size: int
    updated_at: float


# ---- applying journal records ------------------------------------------------------------


def apply_artifact_records(
    conn: Connection, run_id: str, project_id: int, records: Sequence[ArtifactLog | ArtifactUse]
) -> None:
    """Store a batch's artifact records, inside the batch's write transaction."""
    for record in records:
        if isinstance(record, ArtifactLog):
            version_id = _log_version(conn, run_id, project_id, record)
            kind = "logged"
        else:
            found = _find_version(conn, record.project, record.name, record.version)
            if found is None:  # used from a store this one has not seen: nothing to link
                continue
            version_id, kind = found, "used"
        conn.execute(
            insert(artifact_links).values(
                run_id=run_id,
                seq=record.seq,
                version_id=version_id,
                kind=kind,
                created_at=record.ts,
            )
        )


def _log_version(conn: Connection, run_id: str, project_id: int, record: ArtifactLog) -> int:
    # Created when missing, then locked: two runs logging versions of one (new) name at once
    # number them one after the other.
    insert_missing(
        conn,
        artifacts,
        ["project_id", "name"],
        project_id=project_id,
        name=record.name,
        type=record.artifact_type,
        created_at=record.ts,
        version_counter=0,
    )
    art = conn.execute(
        select(artifacts.c.id, artifacts.c.version_counter)
        .where((artifacts.c.project_id == project_id) & (artifacts.c.name == record.name))
        .with_for_update()
    ).one()
    art_id, counter = int(art.id), int(art.version_counter)
    existing = conn.execute(
        select(artifact_versions.c.id).where(
            (artifact_versions.c.artifact_id == art_id)
            & (artifact_versions.c.digest == record.digest)
        )
    ).scalar()
    if existing is not None:
        version_id = int(existing)
    else:
        entries = record.manifest.values()
        key = conn.execute(
            insert(artifact_versions).values(
                artifact_id=art_id,
                version=counter,
                digest=record.digest,
                manifest=record.manifest,
                description=record.description,
                meta=record.metadata,
                size=sum(int(e.get("size") or 0) for e in entries),
                file_count=len(record.manifest),
                run_id=run_id,
                created_at=record.ts,
            )
        ).inserted_primary_key
        assert key is not None
        version_id = int(key[0])
        add_manifest_refs(conn, version_id, record.manifest)
        conn.execute(
            update(artifacts).where(artifacts.c.id == art_id).values(version_counter=counter + 1)
        )
        _move_alias(conn, art_id, LATEST, version_id)
    for alias in record.aliases:
        _move_alias(conn, art_id, alias, version_id)
    return version_id


def _move_alias(conn: Connection, art_id: int, alias: str, version_id: int) -> None:
    where = (artifact_aliases.c.artifact_id == art_id) & (artifact_aliases.c.alias == alias)
    if conn.execute(select(artifact_aliases.c.alias).where(where)).first() is None:
        conn.execute(
            insert(artifact_aliases).values(artifact_id=art_id, alias=alias, version_id=version_id)
        )
    else:
        conn.execute(update(artifact_aliases).where(where).values(version_id=version_id))


def _find_version(conn: Connection, project: str, name: str, version: int) -> int | None:
    found = conn.execute(
        select(artifact_versions.c.id)
        .select_from(_joined())
        .where(
            (projects.c.name == project)
            & (artifacts.c.name == name)
            & (artifact_versions.c.version == version)
        )
    ).scalar()
    return None if found is None else int(found)


def _joined() -> Any:
    return artifact_versions.join(
        artifacts, artifacts.c.id == artifact_versions.c.artifact_id
    ).join(projects, projects.c.id == artifacts.c.project_id)


# ---- reading -------------------------------------------------------------------------------


def _version_select() -> Any:
    return select(
        artifact_versions,
        artifacts.c.name.label("artifact_name"),
        artifacts.c.type,
        projects.c.name.label("project"),
    ).select_from(_joined())


def _aliases(conn: Connection, version_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if not version_ids:
        return out
    query = select(artifact_aliases.c.version_id, artifact_aliases.c.alias).where(
        artifact_aliases.c.version_id.in_(version_ids)
    )
    for version_id, alias in conn.execute(query.order_by(artifact_aliases.c.alias)):
        out.setdefault(version_id, []).append(alias)
    return out


def _infos(conn: Connection, rows: Sequence[Any], manifest: bool = True) -> list[VersionInfo]:
    aliases = _aliases(conn, [r.id for r in rows])
    return [
        VersionInfo(
            id=r.id,
            project=r.project,
            name=r.artifact_name,
            type=r.type,
            version=r.version,
            digest=r.digest,
            description=r.description,
            metadata=r.meta,
            size=r.size,
            file_count=r.file_count,
            run_id=r.run_id,
            created_at=r.created_at,
            aliases=sorted(aliases.get(r.id, []), key=lambda a: (a != LATEST, a)),
            manifest=r.manifest if manifest else {},
        )
        for r in rows
    ]


def resolve(store: Store, project: str, name: str, selector: str) -> VersionInfo:
    """The version ``selector`` (``v3``, ``3``, or an alias) of ``project/name``."""
    query = _version_select().where((projects.c.name == project) & (artifacts.c.name == name))
    digits = selector[1:] if selector[:1] == "v" else selector
    if digits.isdigit():
        query = query.where(artifact_versions.c.version == int(digits))
    else:
        query = query.join(
            artifact_aliases,
            and_(
                artifact_aliases.c.version_id == artifact_versions.c.id,
                artifact_aliases.c.alias == selector,
            ),
        )
    with store._read() as conn:
        row = conn.execute(query).first()
        if row is None:
            raise ArtifactNotFoundError(_not_found(conn, project, name, selector))
        return _infos(conn, [row])[0]


def _not_found(conn: Connection, project: str, name: str, selector: str) -> str:
    has = conn.execute(
        select(artifacts.c.id)
        .join(projects, projects.c.id == artifacts.c.project_id)
        .where((projects.c.name == project) & (artifacts.c.name == name))
    ).first()
    if has is None:
        return (
            f"no artifact {name!r} in project {project!r}: `cairn artifact ls` lists the "
            "artifacts (give another project as 'project/name:alias')"
        )
    return (
        f"artifact {project}/{name} has no version or alias {selector!r}: "
        f"`cairn artifact ls` lists its versions and aliases"
    )


def version_by_id(store: Store, version_id: int) -> VersionInfo:
    with store._read() as conn:
        row = conn.execute(_version_select().where(artifact_versions.c.id == version_id)).first()
        if row is None:
            raise ArtifactNotFoundError(f"no artifact version with id {version_id}")
        return _infos(conn, [row])[0]


def logged_version(store: Store, run_id: str, seq: int) -> VersionInfo | None:
    """The version a run's ``ArtifactLog`` record at ``seq`` became, once applied."""
    with store._read() as conn:
        found = conn.execute(
            select(artifact_links.c.version_id).where(
                (artifact_links.c.run_id == run_id) & (artifact_links.c.seq == seq)
            )
        ).scalar()
    return None if found is None else version_by_id(store, int(found))


def versions(store: Store, project: str, name: str) -> list[VersionInfo]:
    """Every version of ``project/name``, newest first (manifests left out: ask per version)."""
    query = (
        _version_select()
        .where((projects.c.name == project) & (artifacts.c.name == name))
        .order_by(artifact_versions.c.version.desc())
    )
    with store._read() as conn:
        return _infos(conn, conn.execute(query).all(), manifest=False)


def list_artifacts(
    store: Store, project: str | None = None, type: str | None = None
) -> list[ArtifactSummary]:
    """Artifact names (of a project, or all), by type then name."""
    query = (
        select(
            projects.c.name.label("project"),
            artifacts.c.name,
            artifacts.c.type,
            func.count(artifact_versions.c.id).label("n_versions"),
            func.max(artifact_versions.c.version).label("latest"),
            func.coalesce(func.sum(artifact_versions.c.size), 0).label("size"),
            func.coalesce(func.max(artifact_versions.c.created_at), artifacts.c.created_at).label(
                "updated_at"
            ),
        )
        .select_from(
            artifacts.join(projects, projects.c.id == artifacts.c.project_id).outerjoin(
                artifact_versions, artifact_versions.c.artifact_id == artifacts.c.id
            )
        )
        .group_by(projects.c.name, artifacts.c.id, artifacts.c.name, artifacts.c.type)
        .order_by(projects.c.name, artifacts.c.type, artifacts.c.name)
    )
    if project is not None:
        query = query.where(projects.c.name == project)
    if type is not None:
        query = query.where(artifacts.c.type == type)
    with store._read() as conn:
        return [
            ArtifactSummary(
                r.project, r.name, r.type, r.n_versions, r.latest, int(r.size), r.updated_at
            )
            for r in conn.execute(query)
        ]


def linked_runs(store: Store, version_id: int, kind: str) -> list[str]:
    """Ids of the runs that ``logged`` or ``used`` a version, oldest first."""
    query = (
        select(artifact_links.c.run_id)
        .where((artifact_links.c.version_id == version_id) & (artifact_links.c.kind == kind))
        .group_by(artifact_links.c.run_id)
        .order_by(func.min(artifact_links.c.created_at))
    )
    with store._read() as conn:
        return [r.run_id for r in conn.execute(query)]


def run_artifacts(store: Store, run_id: str) -> dict[str, list[VersionInfo]]:
    """The versions a run ``logged`` and ``used``, each in the order it did so."""
    query = (
        _version_select()
        .add_columns(artifact_links.c.kind)
        .join(artifact_links, artifact_links.c.version_id == artifact_versions.c.id)
        .where(artifact_links.c.run_id == run_id)
        .order_by(artifact_links.c.seq)
    )
    out: dict[str, list[VersionInfo]] = {"logged": [], "used": []}
    with store._read() as conn:
        rows = conn.execute(query).all()
        seen: set[tuple[str, int]] = set()
        for row, info in zip(rows, _infos(conn, rows, manifest=False), strict=True):
            if (row.kind, info.id) not in seen:
                seen.add((row.kind, info.id))
                out[row.kind].append(info)
    return out


def used_refs(store: Store, run_ids: Sequence[str]) -> dict[str, list[str]]:
    """``{run_id: ["name:vN", ...]}``: the versions each run used, for the repro checklist."""
    if not run_ids:
        return {}
    query = (
        select(artifact_links.c.run_id, artifacts.c.name, artifact_versions.c.version)
        .join(artifact_versions, artifact_versions.c.id == artifact_links.c.version_id)
        .join(artifacts, artifacts.c.id == artifact_versions.c.artifact_id)
        .where((artifact_links.c.kind == "used") & artifact_links.c.run_id.in_(list(run_ids)))
        .order_by(artifact_links.c.seq)
    )
    out: dict[str, list[str]] = {}
    with store._read() as conn:
        for run_id, name, version in conn.execute(query):
            ref = f"{name}:v{version}"
            if ref not in out.setdefault(run_id, []):
                out[run_id].append(ref)
    return out


def links(store: Store, project: str) -> list[tuple[str, int, str]]:
    """Every ``(run_id, version_id, kind)`` edge of a project's lineage graph."""
    query = (
        select(artifact_links.c.run_id, artifact_links.c.version_id, artifact_links.c.kind)
        .join(artifact_versions, artifact_versions.c.id == artifact_links.c.version_id)
        .join(artifacts, artifacts.c.id == artifact_versions.c.artifact_id)
        .join(projects, projects.c.id == artifacts.c.project_id)
        .where(projects.c.name == project)
        .distinct()
    )
    with store._read() as conn:
        return [(r.run_id, r.version_id, r.kind) for r in conn.execute(query)]


def versions_by_ids(store: Store, ids: Sequence[int]) -> list[VersionInfo]:
    if not ids:
        return []
    with store._read() as conn:
        rows = conn.execute(_version_select().where(artifact_versions.c.id.in_(list(ids)))).all()
        return _infos(conn, rows, manifest=False)


# ---- editing -------------------------------------------------------------------------------


def set_aliases(store: Store, version_id: int, aliases: Sequence[str]) -> VersionInfo:
    """Make ``aliases`` exactly the user-set aliases of a version: each added one moves here from
    whichever version held it; ``latest`` is the store's and stays where it is."""
    with store._write() as conn:
        art_id = conn.execute(
            select(artifact_versions.c.artifact_id).where(artifact_versions.c.id == version_id)
        ).scalar()
        if art_id is None:
            raise ArtifactNotFoundError(f"no artifact version with id {version_id}")
        conn.execute(
            delete(artifact_aliases).where(
                (artifact_aliases.c.version_id == version_id) & (artifact_aliases.c.alias != LATEST)
            )
        )
        for alias in dict.fromkeys(aliases):
            if alias != LATEST:
                _move_alias(conn, int(art_id), alias, version_id)
    return version_by_id(store, version_id)


def delete_version(store: Store, version_id: int) -> None:
    """Delete a version (its aliases and lineage edges go too; ``latest`` moves to the newest
    version left). Its blobs stay until ``cairn gc`` finds nothing else references them."""
    with store._write() as conn:
        art_id = conn.execute(
            select(artifact_versions.c.artifact_id).where(artifact_versions.c.id == version_id)
        ).scalar()
        if art_id is None:
            raise ArtifactNotFoundError(f"no artifact version with id {version_id}")
        for table in (artifact_links, artifact_aliases):
            conn.execute(delete(table).where(table.c.version_id == version_id))
        conn.execute(delete(artifact_versions).where(artifact_versions.c.id == version_id))
        newest = conn.execute(
            select(artifact_versions.c.id)
            .where(artifact_versions.c.artifact_id == art_id)
            .order_by(artifact_versions.c.version.desc())
            .limit(1)
        ).scalar()
        if newest is not None:
            _move_alias(conn, int(art_id), LATEST, int(newest))


def run_names(store: Store, run_ids: Sequence[str]) -> dict[str, str]:
    """``{run_id: display name}`` of those runs that exist."""
    if not run_ids:
        return {}
    with store._read() as conn:
        rows = conn.execute(select(runs.c.id, runs.c.name).where(runs.c.id.in_(list(run_ids))))
        return {r.id: r.name for r in rows}
