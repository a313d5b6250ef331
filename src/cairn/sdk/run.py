"""``Run``: what a training script holds. ``log()`` is the hot path: validate, stamp, enqueue."""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
import traceback
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from cairn.errors import RunNotFoundError, TrialStopped, UsageError
from cairn.journal.file import JournalReader
from cairn.journal.records import Capture, ConfigUpdate, DefineMetric, RunFinish, SummaryUpdate
from cairn.sdk.config import Config
from cairn.sdk.location import run_url
from cairn.sdk.media.pending import PendingMedia
from cairn.sdk.resume import JournalFold
from cairn.sdk.summary import Summary
from cairn.sdk.values import flatten
from cairn.sdk.watch import Watcher
from cairn.sdk.writer import Writer
from cairn.store.summary import SUMMARY_KINDS
from cairn.sync.syncer import LiveSyncer

if TYPE_CHECKING:
    from cairn.artifacts.artifact import Artifact
    from cairn.artifacts.version import ArtifactVersion
    from cairn.sdk.capture import Capturer
    from cairn.sdk.console import ConsoleCapture
    from cairn.sdk.system import SystemSampler
    from cairn.server_login import Login
    from cairn.store.reader import Reader
    from cairn.store.store import Store
    from cairn.sync.local import LocalSink

FINISH_TIMEOUT = float(os.environ.get("CAIRN_FINISH_TIMEOUT", "30"))
"""Seconds ``finish()`` waits for the store before leaving the rest to ``cairn sync``."""


class Run:
    """One tracked run. Made by ``cairn.init()``; see its docstring for the arguments."""

    def __init__(
        self,
        *,
        id: str,
        name: str,
        project: str,
        mode: str,
        dir: Path | None,
        config: dict[str, Any],
        writer: Writer | None,
        syncer: LiveSyncer | None = None,
        journal: Path | None = None,
        created_at: float | None = None,
        fold: JournalFold | None = None,
        reader: JournalReader | None = None,
        resumed: bool = False,
    ) -> None:
        self.id = id
        self.name = name
        self.project = project
        self.mode = mode
        self.dir = dir
        """The store folder (``.cairn``) this run is kept in; None when disabled."""
        self.journal = journal
        self.resumed = resumed
        """True when this process continues a run that existed (``resume="allow"|"must"``)."""
        self.created_at = created_at or time.time()
        self._writer = writer
        self._syncer = syncer
        self._queue = writer.queue if writer else None
        self._fold = fold or JournalFold()
        self._reader = reader or (JournalReader(journal) if journal else None)
        self._step = self._fold.next_step
        self._pending: dict[str, float] | None = None
        self._known: set[str] = set()
        self._media: dict[str, Any] = {}
        """Media values of the ``log()`` call in progress (empty between calls)."""
        self._closed = False
        self._stop_reason: str | None = None
        """Set (from the agent's thread) when a sweep agent stops this in-process trial."""
        self._error: str | None = None
        self._fold_lock = threading.Lock()
        self._capturer: Capturer | None = None
        self._console: ConsoleCapture | None = None
        self._artifact_jobs: list[threading.Thread] = []
        self._artifact_reader: Reader | None = None
        """Where use_artifact reads when the run's own sink is not a store (cairn.artifacts)."""
        self._sampler: SystemSampler | None = None
        self._local: LocalSink | None = None
        """The local store an online run syncs to (set by ``init``), opened on first use."""
        self._keep_journal = False
        """Keep the journal once the store has applied all of it (``Settings.keep_journal``)."""
        self._summary_at_end: dict[str, Any] | None = None
        """The computed summary, read from the store once the journal is removed."""
        self._journal_removed = False
        """The store applied the whole journal, which is gone: the summary is the store's, read
        when first asked for (a loop creating runs need not read it back)."""
        self._aside_rows = 0
        """Rows of background readings queued (not the script's rows)."""
        self._watchers: list[Watcher] = []
        self.config = Config(config, self._config_changed)
        self.summary = Summary(self._computed_summary, self._summary_set)
        self.summary._explicit.update(self._fold.explicit_summary)

    @property
    def _store(self) -> Store | None:
        """The local store this run syncs to (opened now if the syncer has not yet); None for
        an offline or disabled run and one that logs to a team server."""
        return self._local.store() if self._local is not None else None

    # ---- identity ---------------------------------------------------------------------

    @property
    def path(self) -> str:
        """``project/id``, the reference ``cairn.Api().run()`` and the CLI take."""
        return f"{self.project}/{self.id}"

    @property
    def url(self) -> str | None:
        """The run's page in the dashboard: on the team server it logs to, else ``cairn ui``'s
        (``$CAIRN_UI_URL`` says where that is served, default http://127.0.0.1:8080). None for
        a disabled run, which is not kept."""
        if self.mode == "disabled":
            return None
        login = self._server_login
        return run_url(self.project, self.id, login.url if login is not None else None)

    @property
    def _server_login(self) -> Login | None:
        """The team server this run logs to and the key (a ``Login``); None for a local store."""
        return getattr(getattr(self._syncer, "sink", None), "login", None)  # an HttpSink's

    @property
    def step(self) -> int:
        """The step the next committed ``log()`` call without ``step=`` writes to."""
        return self._step

    def __repr__(self) -> str:
        return f"<cairn.Run {self.path} {self.name!r} mode={self.mode}>"

    def _repr_html_(self) -> str:
        """Jupyter: a card with the run's link, state, summary and sparklines of its metrics
        (from the store as far as it has synced; an offline run shows its summary only)."""
        from cairn.sdk.notebook import chart_keys, run_card

        series: dict[str, Any] = {}
        if self._store is not None:
            try:
                keys = chart_keys(self._store.run(self.id).history_keys)
            except RunNotFoundError:  # the syncer has not stored the run yet
                keys = []
            if keys:
                table = self._store.history(self.id, keys)
                series = {k: table.column(k).to_pylist() for k in keys}
        state = "finished" if self._closed else "running"
        return run_card(self.name, self.path, state, self.url, dict(self.summary), series)

    # ---- logging ----------------------------------------------------------------------

    def log(self, data: Mapping[str, Any], step: int | None = None, commit: bool = True) -> None:
        """Log a row of metrics. Returns in microseconds: the journal is written in the background.

        Without ``step`` each committed call is the next step; ``commit=False`` adds to a pending
        row that the next committed call (or a call at another step) completes. A step may repeat
        or go backwards: rows are kept in logging order and read back ordered by step. In a
        trial that a sweep agent stopped, it raises ``cairn.sweeps.TrialStopped``.
        """
        if self._closed:
            raise UsageError(
                f"run {self.path} is finished; call cairn.init() to start a new run "
                "(or pass id= and resume='allow' to continue this one)"
            )
        if self._stop_reason is not None:
            raise TrialStopped(self._stop_reason)
        if type(data) is not dict and not isinstance(data, Mapping):  # the ABC check is slow
            raise TypeError(f"run.log() takes a dict of metrics, not {type(data).__name__}")
        try:
            values = flatten(data, self._known, "", self._media)
        except BaseException:
            self._media.clear()
            raise
        queue = self._queue
        if queue is None:  # disabled
            self._media.clear()
            return
        if step is not None and (type(step) is not int or step != self._step):
            step = _check_step(step)
        if step is not None and step != self._step:
            if self._pending is not None:
                self._commit(self._pending)
                self._pending = None
            self._step = step
        if self._media:
            self._put_media()
        if self._pending is not None:
            self._pending.update(values)
            if not commit:
                return
            values, self._pending = self._pending, None
        elif not commit:
            self._pending = values
            return
        writer = self._writer
        if len(queue) >= writer.limit:  # type: ignore[union-attr]
            writer.wait_for_room()  # type: ignore[union-attr]
        # Step and time ride in the row under reserved keys: a dict of numbers is not tracked by
        # the cyclic GC (a tuple would be), so a long queue costs no garbage collections.
        values["_step"] = self._step
        values["_ts"] = time.time()
        queue.append(values)
        self._step += 1

    def _put_media(self) -> None:
        """Enqueue this call's media at the current step; the writer thread encodes them. Waits
        while the media already queued pass the writer's byte bound (back-pressure)."""
        now = time.time()
        media, self._media = self._media, {}
        for key, value in media.items():
            self._writer.put_media(PendingMedia(key, self._step, now, value))  # type: ignore[union-attr]

    def _log_aside(self, values: dict[str, float]) -> None:
        """A row of background readings (system metrics) at the last step logged (0 before the
        first), leaving the script's step and pending row alone; safe from any thread."""
        queue = self._queue
        if queue is None or self._closed:
            return
        if len(queue) >= self._writer.limit:  # type: ignore[union-attr]
            self._writer.wait_for_room()  # type: ignore[union-attr]
        values["_step"] = max(self._step - 1, 0)
        values["_ts"] = time.time()
        queue.append(values)
        self._aside_rows += 1

    def _exclude_from_summary(self, pattern: str) -> None:
        """Keys matching ``pattern`` stay out of the summary (readings, not results)."""
        if self._writer is not None and not self._closed:
            self._writer.put(DefineMetric(seq=0, name=pattern, summary="none", step_metric=None))

    def _stop_trial(self, reason: str) -> None:
        """A sweep agent stops this trial: every later ``log()`` raises ``TrialStopped(reason)``.
        Safe from any thread: one attribute, read by ``log()`` without a lock."""
        self._stop_reason = reason

    def _commit(self, values: dict[str, float]) -> None:
        assert self._queue is not None
        values["_step"] = self._step
        values["_ts"] = time.time()
        self._queue.append(values)
        self._step += 1

    def define_metric(
        self, name: str, summary: str = "last", step_metric: str | None = None
    ) -> None:
        """How the summary of keys matching ``name`` (a glob, e.g. ``"val/*"``) is computed:
        ``min``, ``max``, ``mean``, ``first``, ``last`` or ``none``; ``step_metric`` names the key
        charts use as their x-axis for it."""
        if summary not in SUMMARY_KINDS:
            raise ValueError(f"summary={summary!r}: use one of {', '.join(SUMMARY_KINDS)}")
        self._check_open()
        if self._writer:
            self._writer.put(
                DefineMetric(seq=0, name=name, summary=summary, step_metric=step_metric)
            )

    def flush(self) -> None:
        """Block until everything logged so far is in the journal and fsynced."""
        self._check_open()
        if self._pending is not None:
            self._commit(self._pending)
            self._pending = None
        if self._writer:
            self._writer.barrier(sync=True)

    # ---- model watching -----------------------------------------------------------------

    def watch(self, model: Any, log: str = "gradients", log_freq: int = 1000) -> None:
        """Log histograms of a PyTorch module's gradients (``log="gradients"``), parameters
        (``"parameters"``) or both (``"all"``) every ``log_freq`` training steps, with each
        layer's gradient norm, without advancing the step; see docs/watch.md. Needs torch."""
        self._check_open()
        watcher = Watcher(self, model, log=log, log_freq=log_freq)
        if self._writer is None:  # disabled: the arguments are checked, nothing is hooked
            watcher.remove()
            return
        self.unwatch(model)
        self._watchers.append(watcher)

    def unwatch(self, model: Any = None) -> None:
        """Stop watching ``model`` (every watched model when None): its hooks are removed."""
        keep = []
        for watcher in self._watchers:
            if model is None or watcher.model is model:
                watcher.remove()
            else:
                keep.append(watcher)
        self._watchers = keep

    # ---- config and summary -------------------------------------------------------------

    def _config_changed(self, config: dict[str, Any]) -> None:
        self._check_open()
        if self._writer:
            self._writer.put(ConfigUpdate(seq=0, config=config))

    def _summary_set(self, values: dict[str, Any], removed: list[str]) -> None:
        self._check_open()
        if self._writer:
            self._writer.put(SummaryUpdate(seq=0, set=values, remove=removed))

    def _stored_summary(self) -> dict[str, Any]:
        """The summary aggregates the store holds: a finished run's, once its journal is gone."""
        store = self._store
        if store is not None:
            return store.summary_state(self.id)[0].computed()
        from cairn.sdk.resume import stored_on_server
        from cairn.sync.http import HttpSink

        sink = self._syncer.sink if self._syncer is not None else None
        if not isinstance(sink, HttpSink):  # only an online run's journal is removed
            return {}
        stored = stored_on_server(sink, self.id)
        return stored.summary.computed() if stored is not None else {}

    def _computed_summary(self) -> dict[str, Any]:
        """The summary of everything logged so far, folded from the journal on demand."""
        if self._summary_at_end is None and self._journal_removed:
            self._summary_at_end = self._stored_summary()
        if self._summary_at_end is not None:
            return self._summary_at_end
        if self._writer is None or self._reader is None:
            return {}
        if not self._closed:
            self._writer.barrier(sync=False)
        with self._fold_lock:
            while records := self._reader.read():
                self._fold.add(records)
            return self._fold.summary.computed()

    def _capture_section(self, section: str, data: dict[str, Any]) -> None:
        """Journal one section of what the run needs to be re-run (see ``cairn.sdk.capture``)."""
        if self._writer is not None and not self._closed:
            self._writer.put(Capture(seq=0, section=section, data=data))

    def _check_open(self) -> None:
        if self._closed:
            raise UsageError(f"run {self.path} is finished; changes after finish() are not kept")

    # ---- artifacts ----------------------------------------------------------------------

    def log_artifact(
        self, artifact: Artifact, aliases: list[str] | tuple[str, ...] = (), wait: bool = True
    ) -> ArtifactVersion:
        """Log a version of ``artifact`` as an output of this run; ``latest`` and ``aliases``
        point at it. Identical contents give the existing version. Waits until the contents are
        stored and the version assigned (``wait=False``: returns at once; ``.wait()`` later)."""
        from cairn.artifacts import tracking  # the store's artifact tables: loaded when used

        return tracking.log_artifact(self, artifact, aliases, wait)

    def use_artifact(self, ref: str, type: str | None = None) -> ArtifactVersion:
        """Record that this run uses an artifact version, ``"name:alias"``, ``"name:v3"`` or
        ``"project/name:alias"``, and return it (``.download()`` fetches the files). With
        ``type``, a version of another type is an error."""
        from cairn.artifacts import tracking

        return tracking.use_artifact(self, ref, type)

    # ---- the end ------------------------------------------------------------------------

    def finish(self, exit_code: int = 0, *, quiet: bool = False) -> None:
        """Mark the run finished (or failed, for a non-zero ``exit_code``) and make it durable.

        Bounded: it waits at most ``$CAIRN_FINISH_TIMEOUT`` (30 s) for the store; whatever the
        store has not taken by then stays in the journal, for ``cairn sync``.
        """
        if self._closed:
            return
        if self._pending is not None:
            self._commit(self._pending)
            self._pending = None
        if self._sampler is not None:  # before closing: a sample taken meanwhile still lands
            self._sampler.stop()
        self._closed = True
        self.unwatch()
        from cairn.sdk import session

        session.forget(self)
        writer = self._writer
        if writer is None:
            return
        if self._capturer is not None and not self._capturer.wait(FINISH_TIMEOUT):
            print(
                f"cairn: capturing the code and environment of {self.path} took longer than "
                f"{FINISH_TIMEOUT:g} s; what was not gathered is missing from the run",
                file=sys.stderr,
            )
        if self._console is not None:
            self._console.stop()
        for job in self._artifact_jobs:  # artifacts still being staged go in before the end
            job.join()
        state = "finished" if exit_code == 0 and self._error is None else "failed"
        writer.put(
            RunFinish(seq=0, ts=time.time(), exit_code=exit_code, state=state, error=self._error)
        )
        # A journal the store will take whole is removed under the lock its writer took: no
        # second lock, and no other process continues the run in between.
        removable = self._syncer is not None and not self._keep_journal
        try:
            writer.close(timeout=FINISH_TIMEOUT, release=not removable)
            synced = True
            helper: int | None = None
            if self._syncer is not None:
                synced = self._syncer.wait_synced(writer.written_seq, FINISH_TIMEOUT)
                self._syncer.stop(timeout=2.0)
                if synced and removable:
                    if self._local is None:  # a server's: it took the staged files before
                        shutil.rmtree(writer.journal.path.parent / "files", ignore_errors=True)
                    self._journal_removed = writer.journal.remove()
        finally:
            writer.release_journal()
        if not synced and self._local is not None and self.journal is not None:
            helper = self._apply_afterwards(self.journal)
        if not quiet:
            self._report(state, synced, helper)

    def _apply_afterwards(self, journal: Path) -> int | None:
        """Hand the rest of the journal to a process that applies it after this one is gone
        (``cairn.sync.afterwards``); its pid, or None when that is turned off or fails to start."""
        from cairn.sync import afterwards

        if not afterwards.enabled() or self.dir is None:
            return None
        try:
            return afterwards.hand_over(journal, Path(self.dir), self._keep_journal)
        except OSError as exc:
            print(
                f"cairn: could not start applying the rest in the background: {exc}",
                file=sys.stderr,
            )
            return None

    def _report(self, state: str, synced: bool, helper: int | None = None) -> None:
        rows = self._writer.rows_written - self._aside_rows if self._writer else 0
        say = f"cairn: run {self.name} ({self.path}) {state}, {rows} rows logged."
        if helper is not None:
            say += (
                f"\ncairn: the store had not taken all of it after {FINISH_TIMEOUT:g} s; "
                f"process {helper} applies the rest now (its log: "
                f"{Path(str(self.journal)).with_name('sync.log')}). Should it stop, the journal "
                f"{self.journal} has everything: `cairn sync {self.journal}`"
            )
        elif self.mode == "offline" or not synced:
            why = "offline" if self.mode == "offline" else self._why_not_synced()
            say += (
                f"\ncairn: {why}; the journal {self.journal} has everything: "
                f"upload it with `cairn sync {self.journal}`"
            )
        elif self._server_login is not None:
            say += f"\ncairn: see it at {self.url}"
        else:
            say += f"\ncairn: stored in {self.dir}; see it with `cairn runs show {self.path}`"
        print(say, file=sys.stderr)

    def _why_not_synced(self) -> str:
        refused = self._syncer.refused() if self._syncer is not None else None
        login = self._server_login
        if refused is None or login is None:
            return "the store did not take it in time"
        from cairn.server_client import refusal

        return str(refusal(refused, login.url, self.project, "it"))

    def _fail(self, error: str) -> None:
        self._error = error

    def __enter__(self) -> Run:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if isinstance(exc, TrialStopped):  # stopped by a sweep agent: not a failure
            self.finish(exit_code=TrialStopped.exit_code)
        elif isinstance(exc, SystemExit):  # sys.exit() in the block, or a SIGTERM under an agent
            code = exc.code
            self.finish(exit_code=code if isinstance(code, int) else 0 if code is None else 1)
        elif exc is not None:
            self._fail("".join(traceback.format_exception(exc_type, exc, tb)))
            self.finish(exit_code=1)
        else:
            self.finish()


def _check_step(step: Any) -> int:
    if type(step) is not int:
        if isinstance(step, bool) or not hasattr(step, "__index__"):
            raise TypeError(f"step must be an integer, not {type(step).__name__} ({step!r})")
        step = int(step.__index__())
    if step < 0:
        raise ValueError(f"step must be a non-negative integer, got {step}")
    if step >= 2**63:
        raise ValueError(f"step {step} does not fit in 64 bits")
    return int(step)
