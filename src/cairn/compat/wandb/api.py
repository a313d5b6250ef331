"""``wandb.Api()``: W&B's public API over ``cairn.Api`` (runs, history, summary edits, files,
artifacts, sweeps). Paths may carry an entity (``entity/project/id``); it is dropped."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, overload

from cairn.compat.wandb import filters as mongo
from cairn.compat.wandb.artifacts import LoggedArtifact, reference
from cairn.compat.wandb.files import files_artifact_name

if TYPE_CHECKING:
    import pandas as pd

    from cairn.sdk.api import Api as CairnApi
    from cairn.sdk.api import ApiRun
    from cairn.sdk.run_list import RunList
    from cairn.sweeps.public import ApiSweep


def _last(path: str, parts: int) -> list[str]:
    """The last ``parts`` pieces of ``entity/project/...`` (the entity dropped)."""
    pieces = [p for p in str(path).replace(":", "/").split("/") if p]
    return pieces[-parts:]


class Api:
    """``wandb.Api(overrides=, timeout=, api_key=)`` reading the Cairn store (``$CAIRN_DIR`` or
    ``$WANDB_DIR``, else the nearest ``.cairn/``)."""

    def __init__(
        self,
        overrides: dict[str, Any] | None = None,
        timeout: int | None = None,
        api_key: Any = None,
    ) -> None:
        from cairn.compat.wandb import env
        from cairn.sdk.api import Api as CairnApi

        env.apply_twins()
        self.cairn: CairnApi = CairnApi()
        self.overrides = dict(overrides or {})

    def runs(
        self,
        path: str | None = None,
        filters: dict[str, Any] | None = None,
        order: str = "+created_at",
        per_page: int = 50,
        include_sweeps: bool = True,
        lazy: bool = True,
    ) -> Runs:
        """The runs of ``"entity/project"`` or ``"project"`` matching W&B's ``filters``
        (MongoDB-style, see ``filters.py``), in ``order``: read ``per_page`` at a time."""
        project = _last(path, 1)[0] if path else self.overrides.get("project")
        filter, ordered = mongo.translate(filters), mongo.order(order)
        found = self.cairn.runs(project, filter=filter, order=ordered, per_page=per_page)
        return Runs(self.cairn, found)

    def run(self, path: str) -> Run:
        """One run by ``"entity/project/id"``, ``"project/id"`` or ``"project/runs/id"``."""
        pieces = [p for p in path.split("/") if p and p != "runs"]
        ref = "/".join(pieces[-2:])
        return Run(self.cairn, self.cairn.run(ref))

    def artifact(self, name: str, type: str | None = None) -> LoggedArtifact:
        """``"entity/project/name:alias"`` (or ``project/name:vN``, ``name:alias``)."""
        version = self.cairn.artifact(reference(name))
        if type is not None and version.type != type:
            raise ValueError(f"artifact {name!r} is of type {version.type!r}, not {type!r}")
        return LoggedArtifact(version)

    def sweep(self, path: str) -> Sweep:
        """``"entity/project/id"``, ``"project/id"`` or ``"id"``."""
        return Sweep(self.cairn, self.cairn.sweep(_last(path, 1)[0]))

    def projects(self, entity: str | None = None, per_page: int = 200) -> list[Any]:
        return self.cairn.projects()


class Runs(Sequence["Run"]):
    """W&B's lazy ``Runs``: ``len()``, indexing and iteration read the runs a page at a time
    (``cairn.Api().runs()``, a ``RunList``, underneath)."""

    def __init__(self, api: CairnApi, found: RunList) -> None:
        self._api, self._found = api, found

    def __len__(self) -> int:
        return len(self._found)

    @overload
    def __getitem__(self, index: int) -> Run: ...

    @overload
    def __getitem__(self, index: slice) -> list[Run]: ...

    def __getitem__(self, index: int | slice) -> Run | list[Run]:
        if isinstance(index, slice):
            return [Run(self._api, r) for r in self._found[index]]
        return Run(self._api, self._found[index])

    def __iter__(self) -> Iterator[Run]:
        return (Run(self._api, r) for r in self._found)

    def __bool__(self) -> bool:
        return bool(self._found)


class Summary(MutableMapping[str, Any]):
    """A stored run's summary: read it, set keys, then ``run.update()`` (or ``update(d)``) saves."""

    def __init__(self, run: Run) -> None:
        self._run = run
        self._json_dict: dict[str, Any] = dict(run.cairn.summary or {})
        self._edits: dict[str, Any] = {}
        self._removed: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        return self._json_dict[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._json_dict[key] = value
        self._edits[key] = value
        self._removed.discard(key)

    def __delitem__(self, key: str) -> None:
        del self._json_dict[key]
        self._edits.pop(key, None)
        self._removed.add(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._json_dict)

    def __len__(self) -> int:
        return len(self._json_dict)

    def update(self, other: Any = (), /, **kwargs: Any) -> None:
        """Set keys and save them at once (as W&B's summary ``update`` does)."""
        for key, value in dict(other, **kwargs).items():
            self[key] = value
        self._run.update()

    def save(self) -> None:
        self._run.update()

    def _take_edits(self) -> tuple[dict[str, Any], list[str]]:
        edits, removed = self._edits, sorted(self._removed)
        self._edits, self._removed = {}, set()
        return edits, removed

    def __repr__(self) -> str:
        return repr(self._json_dict)


class File:
    """A file kept with a run (``wandb.save``): ``name``, ``size``, ``download(root, replace)``."""

    def __init__(self, version: LoggedArtifact, entry: Any) -> None:
        self._version = version
        self._entry = entry
        self.name = entry.name
        self.size = entry.size

    def download(self, root: str = ".", replace: bool = False, exist_ok: bool = False) -> IO[str]:
        """Write the file under ``root`` and return it opened for reading."""
        target = Path(root) / self.name
        if target.exists() and not (replace or exist_ok):
            raise FileExistsError(f"{target} exists: pass replace=True")
        if replace or not target.exists():
            self._version.cairn.download(Path(root))
        return open(target)  # W&B returns the open file


class Run:
    """A stored run with W&B's names: ``id``, ``name``, ``state``, ``config``, ``summary``,
    ``history()``, ``scan_history()``, ``files()``, ``update()``. ``.cairn`` is the ``cairn.ApiRun``."""

    def __init__(self, api: CairnApi, run: ApiRun) -> None:
        self._api = api
        self.cairn = run
        self.summary = Summary(self)
        self.name: str = run.name
        self.notes: str | None = run.notes
        self.tags: list[str] = list(run.tags)

    id = property(lambda self: self.cairn.id)
    project = property(lambda self: self.cairn.project)
    state = property(lambda self: self.cairn.state)
    config = property(lambda self: dict(self.cairn.config))
    group = property(lambda self: self.cairn.group)
    job_type = property(lambda self: self.cairn.job_type)
    sweep_id = property(lambda self: self.cairn.sweep_id)
    entity = property(lambda self: (self.cairn.capture.get("wandb") or {}).get("entity"))

    @property
    def display_name(self) -> str:
        return self.name

    @property
    def path(self) -> list[str]:
        """``[entity, project, id]`` (entity as recorded at init, else ``""``)."""
        return [self.entity or "", self.project, self.id]

    @property
    def created_at(self) -> str:
        """ISO 8601 in UTC, as W&B gives it."""
        moment = datetime.fromtimestamp(self.cairn.created_at, tz=timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def lastHistoryStep(self) -> int:  # W&B's name
        step = self.cairn.info.last_step
        return -1 if step is None else int(step)

    def __repr__(self) -> str:
        return f"<wandb Run {self.project}/{self.id} ({self.state}) (cairn.compat)>"

    def history(
        self,
        samples: int = 500,
        keys: list[str] | None = None,
        x_axis: str = "_step",
        pandas: bool = True,
        stream: str = "default",
    ) -> pd.DataFrame | list[dict[str, Any]]:
        """At most ``samples`` rows, evenly picked from every row (W&B samples too); a DataFrame,
        or a list of dicts with ``pandas=False``. ``stream="system"`` is not kept apart."""
        frame = self.cairn.history(keys)
        if len(frame) > samples:
            step = len(frame) / samples
            frame = frame.iloc[[int(i * step) for i in range(samples)]].reset_index(drop=True)
        if pandas:
            return frame
        return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]

    def scan_history(
        self,
        keys: list[str] | None = None,
        page_size: int = 1000,
        min_step: int | None = None,
        max_step: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every row, one by one, with the keys it logged (``keys``: rows holding them)."""
        for row in self.cairn.scan_history(keys):
            step = row.get("_step", 0)
            if (min_step is None or step >= min_step) and (max_step is None or step < max_step):
                yield row

    def update(self) -> None:
        """Save summary edits, and the name, notes and tags if changed, to the store."""
        values, removed = self.summary._take_edits()
        if values or removed:
            self.cairn.update_summary(values, removed)
        info = self.cairn.info
        if (self.name, self.notes, list(self.tags)) != (info.name, info.notes, list(info.tags)):
            self.cairn.info = self._api.reader.edit_run(
                info, name=self.name, notes=self.notes, tags=list(self.tags)
            )
        self.cairn.refresh()

    def _files_version(self) -> LoggedArtifact | None:
        for version in self.cairn.logged_artifacts():
            if version.name == files_artifact_name(self.id):
                return LoggedArtifact(version)
        return None

    def files(self, names: list[str] | None = None, per_page: int = 50) -> list[File]:
        """The files kept with the run (``wandb.save``, ``run.dir``)."""
        version = self._files_version()
        if version is None:
            return []
        return [File(version, e) for e in version.files(names)]

    def file(self, name: str) -> File:
        version = self._files_version()
        if version is None:
            raise KeyError(f"run {self.project}/{self.id} kept no files (wandb.save)")
        return File(version, version.get_path(name))

    def logged_artifacts(self, per_page: int = 100) -> list[LoggedArtifact]:
        return [LoggedArtifact(v) for v in self.cairn.logged_artifacts()]

    def used_artifacts(self, per_page: int = 100) -> list[LoggedArtifact]:
        return [LoggedArtifact(v) for v in self.cairn.used_artifacts()]


class Sweep:
    """A sweep with W&B's names: ``id``, ``config``, ``state``, ``runs`` (a property),
    ``best_run(order=)``."""

    def __init__(self, api: CairnApi, sweep: ApiSweep) -> None:
        self._api = api
        self.cairn = sweep

    id = property(lambda self: self.cairn.id)
    name = property(lambda self: self.cairn.name)
    config = property(lambda self: self.cairn.config)
    project = property(lambda self: self.cairn.project)

    @property
    def state(self) -> str:
        return str(self.cairn.state).upper()

    @property
    def runs(self) -> list[Run]:
        return [Run(self._api, r) for r in self.cairn.runs()]

    def best_run(self, order: str | None = None) -> Run | None:
        """The best run by the sweep's metric (or by ``order``, e.g. ``"-summary_metrics.acc"``)."""
        if order is not None:
            found = self._api.runs(
                self.project, filter=f'sweep_id == "{self.id}"', order=mongo.order(order), limit=1
            )
            return Run(self._api, found[0]) if found else None
        best = self.cairn.best_run()
        return Run(self._api, best) if best is not None else None
