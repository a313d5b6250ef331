"""What ``cairn.Api`` reads through: a ``Reader``. ``StoreReader`` reads a store directly (a
``.cairn/`` folder, or a team server's database); ``cairn.server_reader.HttpReader`` reads the same
things from a Cairn server over HTTP. ``Api``, ``ApiRun``, ``ApiSweep`` and ``ArtifactVersion``
are written once, over this interface, so both behave alike (one test suite runs against both).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

    from cairn.store.artifacts import ArtifactSummary, VersionInfo
    from cairn.store.console import ConsoleLine
    from cairn.store.media import MediaEntry
    from cairn.store.models import ProjectInfo, RunInfo, RunPage
    from cairn.store.reproductions import Comparison
    from cairn.store.store import Store
    from cairn.store.sweeps import SweepRow, TrialRow


class BlobReader(Protocol):
    """Content-addressed bytes by sha256: a ``BlobStore``, or a server's ``/blobs``."""

    def get(self, digest: str) -> bytes: ...

    def open(self, digest: str) -> BinaryIO: ...


class Reader(Protocol):
    """Everything ``cairn.Api`` reads (and the few edits it makes)."""

    @property
    def url(self) -> str | None:
        """The server read, or None for a store."""
        ...

    @property
    def blobs(self) -> BlobReader: ...

    def projects(self) -> list[ProjectInfo]: ...

    def runs(
        self,
        project: str | None,
        *,
        filter: str | None = None,
        order: str | None = None,
        limit: int | None = None,
    ) -> list[RunInfo]: ...

    def runs_page(
        self,
        project: str | None,
        *,
        filter: str | None,
        order: str | None,
        limit: int,
        offset: int = 0,
        after: str | None = None,
    ) -> RunPage:
        """``limit`` runs from ``offset`` on, after the cursor ``after`` (a page's ``next``);
        its ``total`` is its own length (``count_runs`` counts)."""
        ...

    def count_runs(self, project: str | None, *, filter: str | None) -> int: ...

    def pages(
        self,
        project: str | None,
        *,
        filter: str | None,
        order: str | None,
        limit: int | None,
        per_page: int,
    ) -> Iterator[list[RunInfo]]:
        """Every matching run (at most ``limit``), in order, ``per_page`` at a time."""
        ...

    def find_run(self, ref: str) -> RunInfo:
        """A run by ``project/id``, ``id`` or a unique display name; RunNotFoundError else."""
        ...

    def history(self, run: RunInfo, keys: Sequence[str] | None) -> pa.Table:
        """``_step``, ``_seq``, ``_timestamp`` and the keys' columns, as ``Store.history``."""
        ...

    def series(
        self,
        run: RunInfo,
        key: str,
        *,
        x: str,
        max_points: int,
        x_min: float | None,
        x_max: float | None,
    ) -> tuple[np.ndarray, np.ndarray]: ...

    def capture(self, run: RunInfo) -> dict[str, Any]: ...

    def console(
        self,
        run: RunInfo,
        *,
        after: int | None,
        limit: int | None,
        search: str | None,
        stream: str | None,
    ) -> list[ConsoleLine]: ...

    def reproductions(self, run: RunInfo) -> list[RunInfo]: ...

    def comparisons(self, run: RunInfo) -> list[Comparison]: ...

    def update_summary(self, run: RunInfo, values: dict[str, Any], remove: list[str]) -> None:
        """One summary record after the run's last, applied."""
        ...

    def edit_run(
        self, run: RunInfo, *, name: str | None, notes: str | None, tags: list[str] | None
    ) -> RunInfo:
        """Change the run's name, notes or tags (None: unchanged); the run as it is now."""
        ...

    def media_keys(self, run: RunInfo) -> list[dict[str, Any]]:
        """``[{key, kind, count}]`` sorted by key."""
        ...

    def media_entries(self, run: RunInfo, key: str) -> list[MediaEntry]: ...

    def run_artifacts(self, run: RunInfo) -> dict[str, list[VersionInfo]]:
        """``{"logged": [...], "used": [...]}``, each version with its manifest."""
        ...

    def sweep(self, sweep_id: str) -> SweepRow: ...

    def sweeps(self, project: str | None) -> list[SweepRow]: ...

    def trials(self, sweep: SweepRow) -> list[TrialRow]: ...

    def artifacts(self, project: str | None, type: str | None) -> list[ArtifactSummary]: ...

    def artifact(self, project: str, name: str, selector: str) -> VersionInfo:
        """One version (``v3``, ``3``, an alias or ``latest``) with its manifest."""
        ...

    def artifact_versions(self, project: str, name: str) -> list[VersionInfo]:
        """Every version, newest first, each with its manifest."""
        ...

    def linked_runs(self, version: VersionInfo, kind: str) -> list[str]:
        """Ids of the runs that ``logged`` or ``used`` the version."""
        ...

    def set_aliases(self, version: VersionInfo, aliases: Sequence[str]) -> VersionInfo: ...

    def delete_version(self, version: VersionInfo) -> None: ...


class StoreReader:
    """A ``Reader`` on a store."""

    url: str | None = None

    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def store(self) -> Store:
        return self._store

    @property
    def blobs(self) -> BlobReader:
        return self.store.blobs

    def projects(self) -> list[ProjectInfo]:
        return self.store.projects()

    def runs(
        self,
        project: str | None,
        *,
        filter: str | None = None,
        order: str | None = None,
        limit: int | None = None,
    ) -> list[RunInfo]:
        return self.store.runs(project, filter=filter, order=order, limit=limit)

    def runs_page(
        self,
        project: str | None,
        *,
        filter: str | None,
        order: str | None,
        limit: int,
        offset: int = 0,
        after: str | None = None,
    ) -> RunPage:
        return self.store.runs_page(
            project,
            filter=filter,
            order=order,
            limit=limit,
            offset=offset,
            after=after,
            count=False,
        )

    def count_runs(self, project: str | None, *, filter: str | None) -> int:
        return self.store.count_runs(project, filter=filter)

    def pages(
        self,
        project: str | None,
        *,
        filter: str | None,
        order: str | None,
        limit: int | None,
        per_page: int,
    ) -> Iterator[list[RunInfo]]:
        # The ids first (one scan and sort), then the runs by id: a keyset page under a filter
        # and a sort on JSON values re-scans every match (bench_runs_pages.py).
        ids = self.store.run_ids(project, filter=filter, order=order, limit=limit)
        numbers = self.store.run_numbers(project) if len(ids) > per_page else None
        for start in range(0, len(ids), per_page):
            yield self.store.runs_by_id(ids[start : start + per_page], numbers)

    def find_run(self, ref: str) -> RunInfo:
        return self.store.find_run(ref)

    def history(self, run: RunInfo, keys: Sequence[str] | None) -> pa.Table:
        return self.store.history(run.id, keys)

    def series(
        self,
        run: RunInfo,
        key: str,
        *,
        x: str,
        max_points: int,
        x_min: float | None,
        x_max: float | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        from cairn.store.series import series

        return series(self.store, run, key, x=x, max_points=max_points, x_min=x_min, x_max=x_max)

    def capture(self, run: RunInfo) -> dict[str, Any]:
        from cairn.store.capture import get_capture

        return get_capture(self.store, run.id)

    def console(
        self,
        run: RunInfo,
        *,
        after: int | None,
        limit: int | None,
        search: str | None,
        stream: str | None,
    ) -> list[ConsoleLine]:
        from cairn.store.console import console_lines

        return console_lines(
            self.store, run.id, after=after, limit=limit, search=search, stream=stream
        )

    def reproductions(self, run: RunInfo) -> list[RunInfo]:
        from cairn.store.capture import reproductions_of

        ids = reproductions_of(self.store, run.project, run.id)
        infos = {info.id: info for info in self.store.runs(ids=ids)}
        return [infos[i] for i in ids if i in infos]

    def comparisons(self, run: RunInfo) -> list[Comparison]:
        from cairn.store.reproductions import list_reproductions

        return list_reproductions(self.store, run.id)

    def update_summary(self, run: RunInfo, values: dict[str, Any], remove: list[str]) -> None:
        from cairn.journal.records import SummaryUpdate

        seq = self.store.last_seq(run.id) + 1
        self.store.apply(run.id, [SummaryUpdate(seq=seq, set=values, remove=remove)])

    def edit_run(
        self, run: RunInfo, *, name: str | None, notes: str | None, tags: list[str] | None
    ) -> RunInfo:
        return self.store.update_run(run.id, name=name, notes=notes, tags=tags)

    def media_keys(self, run: RunInfo) -> list[dict[str, Any]]:
        from cairn.store.media import media_keys

        return media_keys(self.store, [run.id])

    def media_entries(self, run: RunInfo, key: str) -> list[MediaEntry]:
        from cairn.store.media import media_entries

        return media_entries(self.store, run.id, key)

    def run_artifacts(self, run: RunInfo) -> dict[str, list[VersionInfo]]:
        from cairn.store import artifacts as sql

        found = sql.run_artifacts(self.store, run.id)
        return {
            kind: [sql.version_by_id(self.store, v.id) for v in versions]
            for kind, versions in found.items()
        }

    def sweep(self, sweep_id: str) -> SweepRow:
        from cairn.store.sweeps import get_sweep

        return get_sweep(self.store, sweep_id)

    def sweeps(self, project: str | None) -> list[SweepRow]:
        from cairn.store.sweeps import list_sweeps

        return list_sweeps(self.store, project)

    def trials(self, sweep: SweepRow) -> list[TrialRow]:
        from cairn.store.sweeps import list_trials

        return list_trials(self.store, sweep.id)

    def artifacts(self, project: str | None, type: str | None) -> list[ArtifactSummary]:
        from cairn.store.artifacts import list_artifacts

        return list_artifacts(self.store, project, type)

    def artifact(self, project: str, name: str, selector: str) -> VersionInfo:
        from cairn.store.artifacts import resolve

        return resolve(self.store, project, name, selector)

    def artifact_versions(self, project: str, name: str) -> list[VersionInfo]:
        from cairn.store import artifacts as sql

        return [
            sql.version_by_id(self.store, v.id) for v in sql.versions(self.store, project, name)
        ]

    def linked_runs(self, version: VersionInfo, kind: str) -> list[str]:
        from cairn.store.artifacts import linked_runs

        return linked_runs(self.store, version.id, kind)

    def set_aliases(self, version: VersionInfo, aliases: Sequence[str]) -> VersionInfo:
        from cairn.store.artifacts import set_aliases

        return set_aliases(self.store, version.id, aliases)

    def delete_version(self, version: VersionInfo) -> None:
        from cairn.store.artifacts import delete_version

        delete_version(self.store, version.id)
