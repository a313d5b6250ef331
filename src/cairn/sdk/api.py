"""``cairn.Api``: read projects, runs and history back from a store, in Python."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np
import pyarrow as pa

from cairn.errors import ArtifactNotFoundError, StoreError, SweepNotFoundError, UsageError
from cairn.sdk.location import find_store_dir
from cairn.sdk.run_list import PER_PAGE, RunList
from cairn.store.local_reader import open_local
from cairn.store.models import ProjectInfo, RunInfo
from cairn.store.numbering import DB_NAME
from cairn.store.reader import Reader, StoreReader

if TYPE_CHECKING:
    import pandas as pd

    from cairn.artifacts.version import ArtifactVersion
    from cairn.reports.remote import RemoteReports
    from cairn.reports.report import Report
    from cairn.sdk.api_media import HistogramStep, MediaEntry, MediaKey
    from cairn.store.artifacts import ArtifactSummary
    from cairn.store.console import ConsoleLine
    from cairn.store.reproductions import Comparison
    from cairn.store.store import Store
    from cairn.sweeps.public import ApiSweep


class Api:
    """Reads runs back: ``Api().runs("digits", filter='config.lr < 1e-3', order="-summary.acc")``.

    It reads where ``cairn.init`` logs: a team server when one is configured (``$CAIRN_URL`` or
    ``cairn login``), else the store ``cairn.init`` finds (``$CAIRN_DIR``, else the nearest
    ``.cairn/``). ``dir=`` reads that store folder; ``url=`` (with ``key=``, else the key saved
    by ``cairn login`` for that URL, else ``$CAIRN_API_KEY``) reads a Cairn server over HTTP,
    with the same methods and results.
    """

    def __init__(
        self,
        dir: str | os.PathLike[str] | None = None,
        *,
        url: str | None = None,
        key: str | None = None,
        timeout: float = 60.0,
    ) -> None:
        if url is not None and dir is not None:
            raise UsageError("pass dir= (a store folder) or url= (a Cairn server), not both")
        if url is None and dir is None and key is None:
            from cairn.server_login import current_login

            login = current_login()
            if login is not None:
                url, key = login.url, login.key
        self.dir: Path | None = None
        """The store folder read, or None when reading a server."""
        self.url: str | None = None
        """The server read (``url=``), or None when reading a store folder."""
        self.reader: Reader
        if url is not None:
            from cairn.server_reader import HttpReader

            self.reader = HttpReader(url, key, timeout=timeout)
            self.url = self.reader.url
            return
        self.dir = find_store_dir(dir, create=False)
        if not (self.dir / DB_NAME).exists():
            raise StoreError(
                f"no Cairn store at {self.dir}: log a run with cairn.init() first, or pass dir= "
                "(or set $CAIRN_DIR) to the folder that holds cairn.db"
            )
        # A run and its history are read without opening the Store (and loading SQLAlchemy):
        # anything else opens it (store.local_reader).
        self.reader = open_local(self.dir)

    @property
    def store(self) -> Store:
        """The local store read (an ``Api(url=...)`` has none: it reads through the server)."""
        if not isinstance(self.reader, StoreReader):
            raise UsageError(
                f"this Api reads the server {self.url} over HTTP and has no local store; "
                "run this on the server's machine with Api(dir=...)"
            )
        return self.reader.store

    def projects(self) -> list[ProjectInfo]:
        """Every project with its run count and last activity (on a server: those you may read)."""
        return self.reader.projects()

    def runs(
        self,
        project: str | None = None,
        filter: str | None = None,
        order: str | None = None,
        limit: int | None = None,
        per_page: int = PER_PAGE,
    ) -> RunList:
        """Runs of ``project`` (all projects when None), newest first unless ``order`` says else:
        a lazy list read ``per_page`` runs at a time (``len``, indexing, slicing, ``to_arrow()``;
        in Jupyter a table).

        ``filter`` is an expression such as ``config.lr < 1e-3 and "baseline" in tags``;
        ``order`` a comma-separated list of fields, ``-`` for descending (docs/api.md).
        """
        reader = self.reader
        return RunList(
            reader, lambda info: ApiRun(reader, info), project, filter, order, limit, per_page
        )

    def run(self, ref: str) -> ApiRun:
        """One run by ``"project/run_id"`` (or a bare id, or a unique display name)."""
        return ApiRun(self.reader, self.reader.find_run(ref))

    def sweep(self, ref: str) -> ApiSweep:
        """One sweep by ``"project/sweep_id"`` or id: its state, config, trials, runs and best run."""
        from cairn.sweeps.public import ApiSweep

        project, _, sweep_id = ref.rpartition("/")
        row = self.reader.sweep(sweep_id)
        if project and row.project != project:
            raise SweepNotFoundError(
                f"sweep {sweep_id} is in project {row.project!r}, not {project!r}"
            )
        return ApiSweep(self.reader, row)

    def sweeps(self, project: str | None = None) -> list[ApiSweep]:
        """The sweeps of ``project`` (of every project when None), newest first."""
        from cairn.sweeps.public import ApiSweep

        return [ApiSweep(self.reader, row) for row in self.reader.sweeps(project)]

    def artifact(self, ref: str, project: str | None = None) -> ArtifactVersion:
        """An artifact version by ``"project/name:alias"`` (or ``name:v3``, ``name``: latest).

        Without a project in ``ref`` or ``project=``, the one project that has the name is used.
        """
        from cairn.artifacts.names import parse_ref
        from cairn.artifacts.version import ArtifactVersion

        head = ref.partition(":")[0]
        if project is None and "/" not in head:
            found = {a.project for a in self.reader.artifacts(None, None) if a.name == head}
            if len(found) > 1:
                raise ArtifactNotFoundError(
                    f"artifact {head!r} is in projects {', '.join(sorted(found))}: "
                    "give 'project/name:alias'"
                )
            project = found.pop() if found else "uncategorized"
        proj, name, selector = parse_ref(ref, project or "uncategorized")
        return ArtifactVersion(self.reader, self.dir, self.reader.artifact(proj, name, selector))

    def artifacts(
        self, project: str | None = None, type: str | None = None
    ) -> list[ArtifactSummary]:
        """Artifact names with their type, version count and latest version, by type and name."""
        return self.reader.artifacts(project, type)

    def reports(self, project: str) -> list[Report]:
        """The reports of ``project``, the most recently saved first (each with ``title``,
        ``id``, ``blocks``, ``versions()``, ``save()`` and ``export()``; from a server, ``url=``,
        saved by it under your key)."""
        from cairn.reports.report import project_reports, remote_reports

        remote = self._remote_reports()
        if remote is not None:
            return remote_reports(remote, project)
        return project_reports(self.store, project)

    def report(self, project: str, ref: str) -> Report:
        """The report of ``project`` whose id or title is ``ref``, at its latest version."""
        from cairn.reports.report import open_remote_report, open_report

        remote = self._remote_reports()
        if remote is not None:
            return open_remote_report(remote, project, ref)
        return open_report(self.store, project, ref)

    def new_report(
        self, project: str, title: str = "Untitled report", description: str = ""
    ) -> Report:
        """A new report on ``project`` where this Api reads (its store, or its server: there
        your key must be an editor's); add blocks, then ``save()`` creates it."""
        from cairn.reports.report import Report

        if not project:
            raise ValueError("a report needs a project: api.new_report('digits', title=...)")
        remote = self._remote_reports()
        report = Report._attached(None if remote else self.store, project, title, None, remote)
        report.description = description
        return report

    def _remote_reports(self) -> RemoteReports | None:
        from cairn.reports.remote import RemoteReports
        from cairn.server_reader import HttpReader

        return RemoteReports(self.reader) if isinstance(self.reader, HttpReader) else None


class ApiRun:
    """A run as stored, with its history."""

    def __init__(self, reader: Reader, info: RunInfo) -> None:
        self._reader = reader
        self.info = info

    id = property(lambda self: self.info.id)
    name = property(lambda self: self.info.name)
    project = property(lambda self: self.info.project)
    state = property(lambda self: self.info.state)
    config = property(lambda self: self.info.config)
    summary = property(lambda self: self.info.summary)
    tags = property(lambda self: self.info.tags)
    notes = property(lambda self: self.info.notes)
    group = property(lambda self: self.info.group)
    job_type = property(lambda self: self.info.job_type)
    created_at = property(lambda self: self.info.created_at)
    finished_at = property(lambda self: self.info.finished_at)
    exit_code = property(lambda self: self.info.exit_code)
    error = property(lambda self: self.info.error)
    """The traceback of a failed run, or None."""
    runtime = property(lambda self: self.info.runtime)
    path = property(lambda self: self.info.path)
    keys = property(lambda self: self.info.history_keys)
    reproduction_of = property(lambda self: self.info.reproduction_of)
    """``project/id`` of the run this one reproduces (made by ``cairn reproduce``), or None."""
    sweep_id = property(lambda self: self.info.sweep_id)
    """The id of the sweep whose trial this run is, or None."""

    def __repr__(self) -> str:
        return f"<ApiRun {self.path} {self.name!r} {self.state}>"

    @property
    def url(self) -> str:
        """The run's page in the dashboard: on the server read, else ``cairn ui``'s."""
        from cairn.sdk.location import run_url

        return run_url(self.project, self.id, self._reader.url)

    def _repr_html_(self) -> str:
        """Jupyter: a card with the run's dashboard link, state, summary and sparklines."""
        from cairn.sdk.notebook import chart_keys, run_card

        keys = chart_keys(self.info.history_keys)
        series = self.history(keys, format="numpy") if keys else {}
        lines = {k: series[k].tolist() for k in keys}
        return run_card(self.name, self.path, self.state, self.url, self.summary, lines)

    @property
    def capture(self) -> dict[str, Any]:
        """What the run captured to be re-run: ``git``, ``code``, ``environment``, ``command``,
        ``seeds`` and ``config_sources`` (each present once gathered; see docs/reproducibility.md)."""
        from cairn.store.capture import SECTIONS

        found = self._reader.capture(self.info)
        return {**{name: None for name in SECTIONS}, **found}

    def console(
        self,
        search: str | None = None,
        stream: str | None = None,
        after: int | None = None,
        limit: int | None = None,
    ) -> list[ConsoleLine]:
        """The lines the run's process printed, in order, each with ``line`` (its number from 0),
        ``stream`` (``stdout``/``stderr``), ``ts`` and ``text``; ``search`` keeps those holding it
        (ignoring case), ``after`` those numbered above it."""
        return self._reader.console(
            self.info, after=after, limit=limit, search=search, stream=stream
        )

    def reproductions(self) -> list[ApiRun]:
        """The runs ``cairn reproduce`` made of this run, oldest first."""
        return [ApiRun(self._reader, info) for info in self._reader.reproductions(self.info)]

    def comparisons(self) -> list[Comparison]:
        """Stored results of ``cairn reproduce`` for this run, newest first."""
        return self._reader.comparisons(self.info)

    def logged_artifacts(self) -> list[ArtifactVersion]:
        """The artifact versions this run logged (its outputs), in order."""
        from cairn.artifacts.version import ArtifactVersion

        found = self._reader.run_artifacts(self.info)["logged"]
        return [ArtifactVersion(self._reader, None, v) for v in found]

    def used_artifacts(self) -> list[ArtifactVersion]:
        """The artifact versions this run used (its inputs), in order."""
        from cairn.artifacts.version import ArtifactVersion

        found = self._reader.run_artifacts(self.info)["used"]
        return [ArtifactVersion(self._reader, None, v) for v in found]

    def media_keys(self) -> list[MediaKey]:
        """The keys the run logged media under, sorted, each with its ``kind`` and ``count``."""
        from cairn.sdk import api_media

        return api_media.media_keys(self._reader, self.info)

    def media(self, key: str) -> list[MediaEntry]:
        """Every media value logged under ``key``, by step: ``step``, ``kind``, ``caption``,
        ``meta`` (masks, boxes...), ``.bytes()``, and for an image ``.image()`` and ``.mask(name)``."""
        from cairn.sdk import api_media

        return api_media.media(self._reader, self.info, key)

    def table(self, key: str, step: int | None = None) -> pd.DataFrame:
        """The ``cairn.Table`` logged under ``key`` as a DataFrame: the latest version, or the one
        logged at ``step``. Media cells are their reference dicts (``{"_type": "image", "blob"...}``)."""
        from cairn.sdk import api_media

        return api_media.table(self._reader, self.info, key, step)

    def histograms(self, key: str) -> list[HistogramStep]:
        """Every histogram logged under ``key``, by step: ``step``, ``counts``, ``edges``."""
        from cairn.sdk import api_media

        return api_media.histograms(self._reader, self.info, key)

    def update_summary(
        self, values: dict[str, Any], remove: list[str] | tuple[str, ...] = ()
    ) -> None:
        """Set (and remove) summary keys of the stored run, as ``run.summary[k] = v`` in the
        script would have: one record after the run's last, applied to the store."""
        from cairn.sdk.config import json_safe

        clean = {str(k): json_safe(v, f"summary[{k!r}]") for k, v in values.items()}
        self._reader.update_summary(self.info, clean, list(remove))
        self.refresh()

    def refresh(self) -> ApiRun:
        """Read the run's metadata again (state, summary) and return self."""
        self.info = self._reader.find_run(self.path)
        return self

    def _table(self, keys: list[str] | None) -> pa.Table:
        # numpy over the columns' buffers, not pyarrow.compute: its first call imports pandas
        # (about 0.2 s), which a read asking for Arrow or numpy should not pay.
        from cairn.store.arrow import as_numpy, flags, numbers, valid

        table = self._reader.history(self.info, keys)
        # Only the rows that logged at least one of the keys: a key with no null was logged in
        # every row, and then no row is dropped.
        if keys and all(table.column(key).null_count for key in keys):
            logged = np.zeros(table.num_rows, bool)
            for key in keys:
                logged |= valid(table.column(key))
            if not logged.all():
                table = table.filter(flags(logged))
        # Chunk by chunk: one array of 10 million seconds would be a copy of 80 MB to no end.
        stamps = table.column("_timestamp")
        seconds = [
            numbers(as_numpy(chunk, np.float64) - self.info.created_at, np.float64)
            for chunk in stamps.chunks
        ]
        after = table.column_names.index("_timestamp") + 1
        table = table.add_column(after, "_runtime", pa.chunked_array(seconds, pa.float64()))
        return table.drop_columns(["_seq"])

    @overload
    def history(
        self, keys: list[str] | None = None, *, format: Literal["pandas"] = "pandas"
    ) -> pd.DataFrame: ...
    @overload
    def history(self, keys: list[str] | None = None, *, format: Literal["arrow"]) -> pa.Table: ...
    @overload
    def history(
        self, keys: list[str] | None = None, *, format: Literal["numpy"]
    ) -> dict[str, np.ndarray]: ...

    def history(
        self, keys: list[str] | None = None, *, format: str = "pandas"
    ) -> pd.DataFrame | pa.Table | dict[str, np.ndarray]:
        """Every row, full fidelity: ``_step``, ``_timestamp``, ``_runtime`` and a column per key
        (NaN where a row did not log the key), ordered by step, then logging order. With ``keys``
        only those columns are read (and only the rows that logged one of them).

        ``format``: ``"pandas"`` (a DataFrame), ``"arrow"`` (a ``pyarrow.Table``, nulls where a
        row did not log a key) or ``"numpy"`` (a dict of column name to array, NaN for those);
        the last two never import pandas, which makes a cold read in a fresh process faster."""
        table = self._table(keys)
        if format == "arrow":
            return table
        if format == "numpy":
            from cairn.store.arrow import as_numpy

            return {
                name: as_numpy(table.column(name), np.int64)
                if name == "_step"
                else as_numpy(table.column(name), np.float64, nulls=math.nan)
                for name in table.column_names
            }
        if format != "pandas":
            raise ValueError(f'format={format!r}: use "pandas", "arrow" or "numpy"')
        frame: pd.DataFrame = table.to_pandas()
        return frame

    def scan_history(self, keys: list[str] | None = None) -> Iterator[dict[str, Any]]:
        """The rows one by one, each holding only the keys that row logged."""
        table = self._table(keys)
        for batch in table.to_batches(max_chunksize=10_000):
            for row in batch.to_pylist():
                yield {k: v for k, v in row.items() if v is not None}

    def series(
        self,
        key: str,
        x: str = "_step",
        max_points: int = 1500,
        x_min: float | None = None,
        x_max: float | None = None,
    ) -> pd.DataFrame:
        """At most ``max_points`` points of ``key`` against ``x``, M4-downsampled so they draw the
        same line as the full data; a DataFrame with columns ``[x, key]``."""
        import pandas as pd

        xs, ys = self._reader.series(
            self.info, key, x=x, max_points=max_points, x_min=x_min, x_max=x_max
        )
        return pd.DataFrame({x: xs, key: ys})
