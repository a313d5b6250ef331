"""``wandb.Run``: a Cairn run answering to W&B's attribute and method names.

Every call lands on ``cairn.Run``; what W&B does differently is translated here: ``log`` values
(``values.py``), ``define_metric``'s options, ``watch``'s signature, and the run files that
``save``/``log_code`` keep as artifacts (``files.py``).
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from cairn.compat.wandb import files, notices
from cairn.compat.wandb.run_config import Config
from cairn.compat.wandb.values import translate
from cairn.store.summary import SUMMARY_KINDS

if TYPE_CHECKING:
    from cairn.compat.wandb.artifacts import Artifact, LoggedArtifact
    from cairn.sdk.run import Run as CairnRun

LEVELS = ("INFO", "WARN", "ERROR")


class Run:
    """The run ``wandb.init()`` returns; ``.cairn`` is the ``cairn.Run`` underneath."""

    def __init__(self, run: CairnRun, *, entity: str | None, resumed: bool, quiet: bool) -> None:
        self.cairn = run
        self.entity = entity
        self.resumed = resumed
        """True when this process continues a run that existed (``resume=``)."""
        self._quiet = quiet
        self._saved: list[tuple[str, Path]] = []
        self._summary_rules: list[tuple[str, str]] = []
        """``(name, summary)`` of each ``define_metric`` that set a summary, in order."""
        self.config = Config.over(run.config)
        self.summary = run.summary
        self._tags: tuple[str, ...] = ()
        self._notes: str | None = None
        self.group: str | None = None
        self.job_type: str | None = None
        self.sweep_id: str | None = None

    # ---- identity ---------------------------------------------------------------------

    id = property(lambda self: self.cairn.id)
    project = property(lambda self: self.cairn.project)
    mode = property(lambda self: self.cairn.mode)
    url = property(lambda self: self.cairn.url)
    step = property(lambda self: self.cairn.step)
    start_time = property(lambda self: self.cairn.created_at)
    offline = property(lambda self: self.cairn.mode == "offline")
    disabled = property(lambda self: self.cairn.mode == "disabled")

    @property
    def name(self) -> str:
        return str(self.cairn.name)

    @name.setter
    def name(self, value: str) -> None:
        """Rename the run (kept in the store for an online run)."""
        self._edit(name=str(value))

    display_name = name

    @property
    def tags(self) -> tuple[str, ...]:
        return self._tags

    @tags.setter
    def tags(self, value: Any) -> None:
        self._edit(tags=[str(t) for t in value])

    @property
    def notes(self) -> str | None:
        return self._notes

    @notes.setter
    def notes(self, value: str | None) -> None:
        self._edit(notes=value or "")

    def _edit(self, **fields: Any) -> None:
        """Set the run's name, notes or tags after ``init``: the store gets them once it holds
        the run (online); an offline or disabled run keeps them only in this process."""
        run = self.cairn
        if "name" in fields:
            run.name = fields["name"]
        if "tags" in fields:
            self._tags = tuple(fields["tags"])
        if "notes" in fields:
            self._notes = fields["notes"]
        store = run._syncer.sink if run._syncer is not None else None
        if store is None or run._writer is None:
            notices.once(
                "edit-offline",
                "a name, notes or tags set after init() are kept only when the run is online",
            )
            return
        from cairn.sdk.run import FINISH_TIMEOUT

        run.flush()
        run._syncer.wait_synced(run._writer.written_seq, FINISH_TIMEOUT)  # type: ignore[union-attr]
        local = run._store
        if local is not None:
            local.update_run(run.id, **fields)

    def save(self, *args: Any, **kwargs: Any) -> Any:
        """``run.save()`` after renaming keeps the name (already kept); with a path, as
        ``wandb.save``."""
        return self.save_files(*args, **kwargs) if args or kwargs else True

    @property
    def path(self) -> str:
        """``entity/project/id`` (``project/id`` without an entity)."""
        return f"{self.entity}/{self.cairn.path}" if self.entity else self.cairn.path

    @property
    def dir(self) -> str:
        """A folder for the run's files: what is written here, or ``save``d, is kept with the
        run (as its ``run-<id>-files`` artifact) when it finishes."""
        return str(files.run_files_dir(self.cairn))

    def project_name(self) -> str:
        return str(self.cairn.project)

    def __repr__(self) -> str:
        return f"<wandb Run {self.path} {self.name!r} (cairn.compat)>"

    # ---- logging ----------------------------------------------------------------------

    def log(
        self,
        data: Mapping[str, Any],
        step: int | None = None,
        commit: bool | None = None,
        sync: bool | None = None,
    ) -> None:
        """``wandb.log``: strings, None, arrays and lists are accepted (see ``values.py``)."""
        strings: dict[str, str] = {}
        row = translate(data, strings)
        self.cairn.log(row, step=step, commit=True if commit is None else commit)
        if strings:
            self.summary.update(strings)

    def define_metric(
        self,
        name: str,
        step_metric: str | None = None,
        step_sync: bool | None = None,
        hidden: bool | None = None,
        summary: str | None = None,
        goal: str | None = None,
        overwrite: bool | None = None,
    ) -> None:
        """W&B's ``define_metric`` in its positional order. ``summary="best"`` follows ``goal``
        (``minimize`` → min, else max); of several (``"min,max"``) the first is kept."""
        if hidden:
            notices.once("hidden", "define_metric(hidden=True) is ignored: every metric is shown")
        if goal is not None and goal not in ("minimize", "maximize"):
            raise ValueError(f"goal={goal!r}: use 'minimize' or 'maximize'")
        kinds = [k.strip() for k in (summary or "").split(",") if k.strip()]
        kinds = [("min" if goal == "minimize" else "max") if k == "best" else k for k in kinds]
        for kind in kinds:
            if kind not in SUMMARY_KINDS:
                raise ValueError(
                    f"summary={summary!r}: use min, max, mean, last, best, first or none "
                    "(comma-separated)"
                )
        if len(kinds) > 1:
            notices.once(
                "summary-kinds",
                f"define_metric(summary={summary!r}): Cairn keeps one summary per key; "
                f"{kinds[0]!r} is kept (log the others under their own keys)",
            )
        if not kinds and goal is not None:
            kinds = ["min" if goal == "minimize" else "max"]
        if kinds:
            self.cairn.define_metric(name, kinds[0], step_metric)
            self._summary_rules.append((name, kinds[0]))
        elif step_metric is not None:
            # Cairn's latest matching rule sets a key's summary; in W&B a definition without
            # summary= changes none: the summaries defined so far are stated again after it.
            self.cairn.define_metric(name, "last", step_metric)
            for earlier, kind in self._summary_rules:
                self.cairn.define_metric(earlier, kind)

    def watch(
        self,
        models: Any,
        criterion: Any = None,
        log: str | None = "gradients",
        log_freq: int = 1000,
        idx: int | None = None,
        log_graph: bool = False,
    ) -> None:
        """``wandb.watch``: one model or a list of them; ``log=None`` watches nothing."""
        if log_graph:
            notices.once("log_graph", "watch(log_graph=True) is ignored: no graph is drawn")
        if log is None:
            return
        for model in models if isinstance(models, (list, tuple)) else [models]:
            self.cairn.watch(model, log=log, log_freq=log_freq)

    def unwatch(self, models: Any = None) -> None:
        for model in models if isinstance(models, (list, tuple)) else [models]:
            self.cairn.unwatch(model)

    def alert(
        self, title: str, text: str, level: str | None = None, wait_duration: Any = None
    ) -> None:
        """Printed to stderr (kept in the run's console log); Cairn sends no notifications."""
        notices.once("alert", "alerts are printed to the run's console, not sent anywhere")
        tag = str(getattr(level, "value", level) or "INFO").upper()
        print(f"cairn alert [{tag}] {title}: {text}", file=sys.stderr)

    def mark_preempting(self) -> None:
        """Accepted: a preempted run is resumed with ``resume="allow"`` and its id."""

    # ---- files and artifacts ----------------------------------------------------------

    def save_files(
        self,
        glob_str: str | Path | None = None,
        base_path: str | Path | None = None,
        policy: str = "live",
    ) -> bool | list[str]:
        """Keep files matching ``glob_str`` with the run (copied into ``run.dir`` now, and again at
        ``finish`` unless ``policy="now"``); returns the names kept."""
        if glob_str is None:
            return True
        if policy not in ("live", "now", "end"):
            raise ValueError(f"policy={policy!r}: use 'live', 'now' or 'end'")
        names = files.copy_matches(self.cairn, str(glob_str), base_path)
        if policy != "now":
            self._saved.append((str(glob_str), Path(base_path) if base_path else Path()))
        return names

    def restore(
        self,
        name: str,
        run_path: str | None = None,
        replace: bool = False,
        root: str | None = None,
    ) -> Any:
        """The file ``name`` saved by this run (or by ``run_path``), opened for reading."""
        return files.restore(name, run_path or self.cairn.path, replace, root or self.dir)

    def log_code(
        self,
        root: str | None = ".",
        name: str | None = None,
        include_fn: Any = None,
        exclude_fn: Any = None,
    ) -> LoggedArtifact | None:
        """Log the source files under ``root`` (``*.py`` unless ``include_fn`` says else) as a
        ``code`` artifact. Cairn also snapshots the repository at init (``Settings.save_code``)."""
        return files.log_code(self, root or ".", name, include_fn, exclude_fn)

    def log_artifact(
        self,
        artifact_or_path: Artifact | str | Path,
        name: str | None = None,
        type: str | None = None,
        aliases: list[str] | None = None,
        tags: list[str] | None = None,
    ) -> LoggedArtifact:
        """Log an artifact (or a file or folder path, made into one) as an output of this run."""
        from cairn.compat.wandb.artifacts import log_artifact

        return log_artifact(self.cairn, artifact_or_path, name, type, aliases)

    def use_artifact(
        self,
        artifact_or_name: Any,
        type: str | None = None,
        aliases: list[str] | None = None,
        use_as: str | None = None,
    ) -> LoggedArtifact:
        """Record that this run uses ``"[entity/][project/]name[:alias]"`` and return it."""
        from cairn.compat.wandb.artifacts import use_artifact

        return use_artifact(self.cairn, artifact_or_name, type)

    def link_artifact(self, artifact: Any, target_path: str, aliases: Any = None) -> None:
        notices.once("link", "link_artifact is ignored: Cairn has no model registry")

    # ---- the end ------------------------------------------------------------------------

    def finish(self, exit_code: int | None = None, quiet: bool | None = None) -> None:
        """Keep the run's files, then finish it (failed for a non-zero ``exit_code``)."""
        if self.cairn._closed:
            return
        from cairn.compat.wandb import session

        for glob_str, base in self._saved:
            files.copy_matches(self.cairn, glob_str, base)
        files.log_run_files(self.cairn)
        session.finished(self, exit_code or 0)
        self.cairn.finish(exit_code or 0, quiet=bool(quiet) or self._quiet)

    def __enter__(self) -> Run:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None and not isinstance(exc, SystemExit):
            self.cairn._fail("".join(traceback.format_exception(exc_type, exc, tb)))
        code = 0 if exc is None else 1
        if isinstance(exc, SystemExit):
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        self.finish(exit_code=code)
