"""``run.log_artifact`` and ``run.use_artifact``: stage contents, journal the record, and (online)
wait for the store to assign the version.

Contents are hashed and staged in a background thread: straight into the local store's blob folder
when the run syncs to it, else as ``runs/<id>/files/<sha256>`` for ``cairn sync`` to ship. The
``ArtifactLog`` record follows in the journal, which stays the source of truth.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cairn.artifacts.artifact import Artifact
from cairn.artifacts.names import check_alias, parse_ref
from cairn.artifacts.version import ArtifactVersion
from cairn.errors import UsageError
from cairn.journal.records import ArtifactLog, ArtifactUse
from cairn.store import artifacts as sql
from cairn.store.reader import Reader, StoreReader
from cairn.store.store import DB_NAME, Store

if TYPE_CHECKING:
    from cairn.sdk.run import Run

WAIT_TIMEOUT = 600.0
"""Seconds ``log_artifact`` waits for the store to take the record before returning unresolved."""


class _Job:
    """Staging one artifact in the background; ``record`` is set once it is journaled."""

    def __init__(self, run: Run, artifact: Artifact, aliases: list[str]) -> None:
        self.run = run
        self.artifact = artifact
        self.aliases = aliases
        self.record: ArtifactLog | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._stage, name="cairn-artifact", daemon=True)

    def _stage(self) -> None:
        run = self.run
        try:
            store = _local_store(run)
            assert run.dir is not None
            if store is not None:
                folder, nested = run.dir / "blobs", True
            else:
                folder, nested = run.dir / "runs" / run.id / "files", False
            manifest, blobs = self.artifact.build(folder, nested=nested)
            art = self.artifact
            self.record = ArtifactLog(
                seq=0,
                name=art.name,
                artifact_type=art.type,
                digest=Artifact.digest_of(manifest),
                manifest=manifest,
                description=art.description,
                metadata=art.metadata,
                aliases=self.aliases,
                blobs=blobs,
                ts=time.time(),
            )
            assert run._writer is not None
            run._writer.put(self.record)
        except BaseException as exc:
            self.error = exc

    def resolve(self) -> sql.VersionInfo | None:
        self.thread.join()
        if self.error is not None:  # staging failed (a missing file, an unreachable reference)
            raise self.error
        assert self.record is not None
        run = self.run
        reader = _sink_reader(run)
        if reader is None or run._writer is None or run._syncer is None:
            return None
        if not run._closed:
            run._writer.barrier(sync=False)
        if not run._syncer.wait_synced(self.record.seq, WAIT_TIMEOUT):
            return None
        if isinstance(reader, StoreReader):
            return sql.logged_version(reader.store, run.id, self.record.seq)
        # on a team server, once it applied the record (it acknowledges batches once queued):
        # the version of these contents among those the run logged
        from cairn.server_reader import HttpReader

        assert isinstance(reader, HttpReader)
        if not reader.wait_applied(run.project, run.id, self.record.seq, WAIT_TIMEOUT):
            return None
        logged = reader.run_artifacts(reader.find_run(f"{run.project}/{run.id}"))["logged"]
        record = self.record
        return next((v for v in logged if (v.name, v.digest) == (record.name, record.digest)), None)


def log_artifact(
    run: Run, artifact: Artifact, aliases: Sequence[str] = (), wait: bool = True
) -> ArtifactVersion:
    if not isinstance(artifact, Artifact):
        raise TypeError(f"log_artifact takes a cairn.Artifact, not {type(artifact).__name__}")
    run._check_open()
    checked = [check_alias(a) for a in aliases]
    if not artifact.entries:
        raise ValueError(
            f"artifact {artifact.name!r} is empty: add_file, add_dir or add_reference first"
        )
    if run._writer is None:  # disabled: nothing is kept
        return ArtifactVersion(None, None, name=artifact.name)
    job = _Job(run, artifact, checked)
    run._artifact_jobs.append(job.thread)
    job.thread.start()
    version = ArtifactVersion(_sink_reader(run), run.dir, resolve=job.resolve, name=artifact.name)
    return version.wait() if wait else version


def use_artifact(run: Run, ref: str, type: str | None = None) -> ArtifactVersion:
    """Resolve ``[project/]name[:alias|:vN]`` in the store and record that the run used it."""
    run._check_open()
    project, name, selector = parse_ref(ref, run.project)
    reader = _sink_reader(run) or _folder_reader(run)
    if reader is None:
        raise UsageError(
            f"use_artifact({ref!r}): there is no store to find it in; log it first, or run "
            "online (mode='online') against the store that holds it"
        )
    info = reader.artifact(project, name, selector)
    if type is not None and info.type != type:
        raise ValueError(
            f"use_artifact({ref!r}, type={type!r}): {info.ref} is of type {info.type!r}; "
            "pass its type, or leave type= out"
        )
    if run._writer is not None:
        run._writer.put(
            ArtifactUse(
                seq=0,
                project=info.project,
                name=info.name,
                version=info.version,
                digest=info.digest,
                ts=time.time(),
            )
        )
    return ArtifactVersion(reader, run.dir, info)


def _local_store(run: Run) -> Store | None:
    return run._store


def _sink_reader(run: Run) -> Reader | None:
    """The store the run logs to, or the team server it logs to; None: it logs to neither."""
    store = run._store
    if store is not None:
        return StoreReader(store)
    sink = run._syncer.sink if run._syncer is not None else None
    from cairn.sync.http import HttpSink

    if not isinstance(sink, HttpSink):
        return None
    if run._artifact_reader is None:
        from cairn.server_reader import HttpReader

        run._artifact_reader = HttpReader(sink.login.url, sink.login.key)
    return run._artifact_reader


def _folder_reader(run: Run) -> Reader | None:
    """The store in the run's folder (an offline run's), when there is one."""
    if run.dir is None or not (run.dir / DB_NAME).exists():
        return None
    if run._artifact_reader is None:
        run._artifact_reader = StoreReader(Store.local(run.dir))
    return run._artifact_reader
