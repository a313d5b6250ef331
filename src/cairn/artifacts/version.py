"""``ArtifactVersion``: one stored version of an artifact, as ``log_artifact``, ``use_artifact``
and ``cairn.Api().artifact()`` return it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cairn.artifacts.download import download
from cairn.artifacts.names import check_alias
from cairn.errors import ArtifactError, UsageError

if TYPE_CHECKING:
    from cairn.store.artifacts import VersionInfo
    from cairn.store.reader import Reader


class ArtifactVersion:
    """A version: ``.name``, ``.version`` ("v0"), ``.aliases``, ``.digest``, ``.files()``,
    ``.download()``, and its lineage, ``.logged_by()`` and ``.used_by()`` (run ids).

    One that ``log_artifact(wait=False)`` returned resolves on first use (or ``.wait()``); logged
    offline, it has no version number until ``cairn sync`` stores it (``.version`` is None).
    """

    def __init__(
        self,
        reader: Reader | None,
        dir: Path | None,
        info: VersionInfo | None = None,
        *,
        resolve: Callable[[], VersionInfo | None] | None = None,
        name: str = "",
        digest: str = "",
    ) -> None:
        self._reader = reader
        self._dir = dir
        self._info = info
        self._resolve = resolve
        self._lock = threading.Lock()
        self._name = info.name if info else name
        self._digest = info.digest if info else digest

    def wait(self) -> ArtifactVersion:
        """Block until the contents are stored and the version assigned; returns self."""
        self._get(required=False)
        return self

    def _get(self, required: bool = True) -> VersionInfo | None:
        with self._lock:
            if self._info is None and self._resolve is not None:
                self._info = self._resolve()
                if self._info is not None:
                    self._resolve = None
                    self._digest = self._info.digest
        if self._info is None and required:
            raise UsageError(
                f"artifact {self._name} is not in the store yet (logged offline, or the store did "
                "not take it in time): run `cairn sync` and read it with cairn.Api().artifact()"
            )
        return self._info

    @property
    def info(self) -> VersionInfo:
        info = self._get()
        assert info is not None
        return info

    name = property(lambda self: self._name)

    @property
    def digest(self) -> str:
        """sha256 of the canonical manifest: equal digests, equal contents."""
        self._get(required=False)
        return self._digest

    type = property(lambda self: self.info.type)
    project = property(lambda self: self.info.project)
    description = property(lambda self: self.info.description)
    metadata = property(lambda self: self.info.metadata)
    size = property(lambda self: self.info.size)
    file_count = property(lambda self: self.info.file_count)
    created_at = property(lambda self: self.info.created_at)

    @property
    def version(self) -> str | None:
        """``"v0"``, ``"v1"``, …; None while the version is not stored."""
        info = self._get(required=False)
        return None if info is None else f"v{info.version}"

    @property
    def aliases(self) -> list[str]:
        info = self._get(required=False)
        if info is None:
            return []
        return self._need_reader().artifact(info.project, info.name, f"v{info.version}").aliases

    @property
    def ref(self) -> str:
        """``project/name:vN``, which ``use_artifact`` and the CLI take."""
        return self.info.ref

    def __repr__(self) -> str:
        return f"<ArtifactVersion {self._name}:{self.version or '(pending)'}>"

    def files(self) -> list[dict[str, Any]]:
        """Each entry: ``path``, ``size``, and ``sha256`` (or ``ref`` and ``etag`` for a reference)."""
        return [{"path": p, **e} for p, e in sorted(self.info.manifest.items())]

    def download(self, root: str | Path | None = None) -> Path:
        """Write the files into ``root`` (default ``<store>/artifacts/<project>/<name>/vN``),
        each verified against its logged hash; files already verified there are not copied again."""
        info = self.info
        if root is None:
            if self._dir is None:
                raise UsageError("pass root= to download an artifact of a store without a folder")
            root = self._dir / "artifacts" / info.project / info.name / f"v{info.version}"
        return download(self._need_reader().blobs, info.manifest, Path(root), info.ref)

    def logged_by(self) -> list[str]:
        """Ids of the runs that logged these contents (the first is the producer)."""
        return self._need_reader().linked_runs(self.info, "logged")

    def used_by(self) -> list[str]:
        """Ids of the runs that used this version (``use_artifact``)."""
        return self._need_reader().linked_runs(self.info, "used")

    def versions(self) -> list[ArtifactVersion]:
        """Every version of this artifact, newest first."""
        reader = self._need_reader()
        return [
            ArtifactVersion(reader, self._dir, v)
            for v in reader.artifact_versions(self.info.project, self.info.name)
        ]

    def set_aliases(self, aliases: Sequence[str]) -> None:
        """Make ``aliases`` the version's aliases (each moves here from any other version)."""
        self._info = self._need_reader().set_aliases(self.info, [check_alias(a) for a in aliases])

    def delete(self) -> None:
        """Delete the version; `cairn gc` then frees the contents nothing else holds."""
        self._need_reader().delete_version(self.info)

    def _need_reader(self) -> Reader:
        if self._reader is None:
            raise ArtifactError("this artifact version has no store to read from (offline run)")
        return self._reader
