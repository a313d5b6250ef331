"""``wandb.Artifact`` and the versions ``log_artifact``/``use_artifact`` return, on Cairn's
artifacts: the same contents, versions and aliases; W&B's names for the calls."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from cairn.artifacts.artifact import Artifact as CairnArtifact
from cairn.compat.wandb import notices

if TYPE_CHECKING:
    from cairn.artifacts.version import ArtifactVersion
    from cairn.sdk.run import Run as CairnRun


class Artifact(CairnArtifact):
    """``wandb.Artifact(name, type, description=, metadata=)`` with W&B's keyword names."""

    def __init__(
        self,
        name: str,
        type: str,
        description: str | None = None,
        metadata: dict[str, Any] | None = None,
        incremental: bool = False,
        use_as: str | None = None,
    ) -> None:
        super().__init__(name, type=type, description=description, metadata=metadata)
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    def add_file(  # type: ignore[override]  # W&B's keyword names
        self,
        local_path: str | Path,
        name: str | None = None,
        is_tmp: bool = False,
        skip_cache: bool | None = False,
        policy: str | None = "mutable",
        overwrite: bool = False,
    ) -> None:
        """Add ``local_path`` as ``name`` (default: its file name)."""
        if overwrite:
            self._files.pop(name or Path(local_path).name, None)
        super().add_file(local_path, name)

    def add_dir(  # type: ignore[override]
        self,
        local_path: str | Path,
        name: str | None = None,
        skip_cache: bool | None = False,
        policy: str | None = "mutable",
    ) -> None:
        """Add every file under ``local_path``, under ``name/`` (default: at the top)."""
        super().add_dir(local_path, name)

    def add_reference(
        self,
        uri: str,
        name: str | None = None,
        checksum: bool = True,
        max_objects: int | None = None,
    ) -> None:
        """Point at ``uri`` (``file://``, ``s3://``, ``http(s)://``) without copying it."""
        super().add_reference(uri, name)

    @contextlib.contextmanager
    def new_file(
        self, name: str, mode: str = "x", encoding: str | None = None
    ) -> Iterator[IO[Any]]:
        """Write a new file ``name`` into the artifact: ``with art.new_file("a.txt") as f:``."""
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="cairn-artifact-")
        path = Path(self._tmp.name) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, mode, encoding=encoding) as handle:
            yield handle
        super().add_file(path, name)


class Entry:
    """One file of a logged version: ``name``, ``size``, ``digest``, ``download(root)``."""

    def __init__(self, version: LoggedArtifact, entry: dict[str, Any]) -> None:
        self._version = version
        self.name = self.path = str(entry["path"])
        self.size = entry.get("size")
        self.digest = entry.get("sha256") or entry.get("etag")
        self.ref = entry.get("ref")

    def download(self, root: str | None = None, replace: bool = False) -> str:
        """Write this file under ``root`` (default: the version's download folder); its path."""
        folder = self._version.download(root)
        return str(Path(folder) / self.name)

    def __repr__(self) -> str:
        return f"<ArtifactEntry {self.name}>"


class LoggedArtifact:
    """A logged (or used) version with W&B's names: ``name`` is ``name:vN``; ``download()``,
    ``file()``, ``get_path(name)``, ``files()``, ``wait()``. ``.cairn`` is the
    ``cairn.ArtifactVersion``."""

    def __init__(self, version: ArtifactVersion, entity: str | None = None) -> None:
        self.cairn = version
        self.entity = entity

    source_name = property(lambda self: self.cairn.name)
    version = property(lambda self: self.cairn.version)
    aliases = property(lambda self: self.cairn.aliases)
    type = property(lambda self: self.cairn.type)
    metadata = property(lambda self: self.cairn.metadata)
    description = property(lambda self: self.cairn.description)
    digest = property(lambda self: self.cairn.digest)
    size = property(lambda self: self.cairn.size)
    project = property(lambda self: self.cairn.project)
    file_count = property(lambda self: self.cairn.file_count)

    @property
    def name(self) -> str:
        """``name:vN`` as W&B names a version (just ``name`` until it is stored)."""
        version = self.cairn.version
        return f"{self.cairn.name}:{version}" if version else str(self.cairn.name)

    @property
    def qualified_name(self) -> str:
        base = f"{self.project}/{self.name}"
        return f"{self.entity}/{base}" if self.entity else base

    def __repr__(self) -> str:
        return f"<wandb Artifact {self.name} (cairn.compat)>"

    def wait(self, timeout: int | None = None) -> LoggedArtifact:
        """Block until the version is stored; returns self."""
        self.cairn.wait()
        return self

    def download(self, root: str | Path | None = None, **_: Any) -> str:
        """Write the files into ``root`` (default ``./artifacts/<name>:<vN>``, as W&B does);
        the folder holds exactly the artifact's files. Returns the folder."""
        target = Path(root) if root is not None else Path("artifacts") / self.name
        return str(self.cairn.download(target))

    def file(self, root: str | Path | None = None) -> str:
        """The path of the artifact's one file, downloaded."""
        entries = self.cairn.files()
        if len(entries) != 1:
            raise ValueError(
                f"artifact {self.name} holds {len(entries)} files; file() needs exactly one: "
                "use download() or get_path(name).download()"
            )
        return str(Path(self.download(root)) / entries[0]["path"])

    def files(self, names: list[str] | None = None, per_page: int = 50) -> list[Entry]:
        """The version's files (those named in ``names`` when given)."""
        return [Entry(self, e) for e in self.cairn.files() if names is None or e["path"] in names]

    def get_path(self, name: str) -> Entry:
        """The file ``name`` of the version; ``.download()`` writes it."""
        for entry in self.files():
            if entry.name == name:
                return entry
        raise KeyError(f"artifact {self.name} has no file {name!r}")

    get_entry = get_path

    def logged_by(self) -> list[str]:
        """Ids of the runs that logged these contents (Cairn returns ids, W&B runs)."""
        return self.cairn.logged_by()

    def used_by(self) -> list[str]:
        """Ids of the runs that used this version (Cairn returns ids, W&B runs)."""
        return self.cairn.used_by()


def reference(ref: str) -> str:
    """``entity/project/name:alias`` as Cairn's ``project/name:alias`` (the entity dropped)."""
    head, sep, selector = ref.rpartition(":")
    if not sep or "/" in selector:
        head, sep, selector = ref, "", ""
    parts = head.split("/")
    if len(parts) > 2:
        parts = parts[-2:]
    return "/".join(parts) + (f":{selector}" if sep else "")


def log_artifact(
    run: CairnRun,
    artifact_or_path: CairnArtifact | str | Path,
    name: str | None,
    type: str | None,
    aliases: list[str] | None,
) -> LoggedArtifact:
    """Log an artifact, or a file or folder path made into one, as an output of ``run``."""
    artifact = artifact_or_path
    if not isinstance(artifact, CairnArtifact):
        path = Path(artifact)
        artifact = Artifact(name or path.name, type=type or "unspecified")
        if path.is_dir():
            artifact.add_dir(path)
        else:
            artifact.add_file(path)
    keep = [a for a in (aliases or []) if a != "latest"]
    return LoggedArtifact(run.log_artifact(artifact, keep, wait=False))


def use_artifact(run: CairnRun, artifact_or_name: Any, type: str | None) -> LoggedArtifact:
    """Record that ``run`` uses a version (by reference, or one logged earlier); return it."""
    if isinstance(artifact_or_name, LoggedArtifact):
        ref = artifact_or_name.cairn.ref
    elif isinstance(artifact_or_name, CairnArtifact):
        notices.once(
            "use-unlogged",
            "use_artifact(Artifact) logs it first: Cairn records uses of stored versions",
        )
        ref = run.log_artifact(artifact_or_name).ref
    else:
        ref = reference(str(artifact_or_name))
    return LoggedArtifact(run.use_artifact(ref, type=type))
