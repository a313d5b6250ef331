"""``cairn.init()`` and the process's current run: module-level ``cairn.log`` and friends, the run
left open at exit, the uncaught exception that fails it."""

from __future__ import annotations

import atexit
import os
import re
import signal
import sys
import threading
import time
import traceback
import warnings
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, NoReturn

from cairn.errors import UsageError
from cairn.journal.file import JournalDamageWarning, JournalWriter, keep_damaged_copy
from cairn.journal.lock import JournalLock
from cairn.journal.records import Capture, RunStart
from cairn.names import check_project, display_name, new_run_id
from cairn.sdk.capture import Capturer, settings_from
from cairn.sdk.config import config_to_dict, journaled
from cairn.sdk.console import ConsoleCapture
from cairn.sdk.location import find_store_dir, journal_path, run_dir
from cairn.sdk.resume import (
    JournalFold,
    Resumed,
    StoredRun,
    find_resumable,
    stored_locally,
    stored_on_server,
)
from cairn.sdk.run import Run
from cairn.sdk.settings import Settings
from cairn.sdk.sweep_trial import sweep_trial_from_env
from cairn.sdk.writer import Writer
from cairn.sync.local import LocalSink, commit_arrow_memory_as_used

if TYPE_CHECKING:
    from cairn.sdk.system import SystemSampler
    from cairn.server_login import Login
    from cairn.store.store import Store
    from cairn.sync.http import HttpSink
    from cairn.sync.sink import Sink

MODES = ("online", "offline", "disabled")
RESUME = ("allow", "must", "never")
HEARTBEAT_INTERVAL = 15.0
RUN_NUMBER_TIMEOUT = 5.0
"""Seconds init() waits for a team server to number a new run before numbering it locally."""
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

_lock = threading.Lock()
_current: Run | None = None
_hooks_installed = False
_exit_status: object = None
_seeding: dict[str, Any] | None = None
"""What ``seed_everything`` did before any run was active: recorded in the next run started."""


def current() -> Run | None:
    """The run ``cairn.init()`` last started in this process and that is not finished yet."""
    return _current


def forget(run: Run) -> None:
    global _current
    with _lock:
        if _current is run:
            _current = None


def init(
    project: str | None = None,
    name: str | None = None,
    config: Any = None,
    tags: tuple[str, ...] | list[str] = (),
    notes: str | None = None,
    group: str | None = None,
    job_type: str | None = None,
    dir: str | os.PathLike[str] | None = None,
    mode: str | None = None,
    id: str | None = None,
    resume: str | bool | None = None,
    settings: Settings | None = None,
) -> Run:
    """Start a run (or continue one) and return it.

    - ``project``: defaults to ``$CAIRN_PROJECT``, else ``"uncategorized"``.
    - ``config``: a dict, argparse.Namespace, dataclass, pydantic model, OmegaConf DictConfig, or a
      YAML/JSON path.
    - ``dir``: the store folder; default ``$CAIRN_DIR``, else the nearest ``.cairn/`` up from here,
      else a new ``./.cairn/``.
    - ``mode``: ``"online"`` (the default, or ``$CAIRN_MODE``) writes the journal and the store as it
      goes; ``"offline"`` writes only the journal (``cairn sync`` later); ``"disabled"`` makes every
      call a cheap no-op.
    - ``id`` + ``resume``: ``"allow"`` continues run ``id`` if it exists, else starts it; ``"must"``
      requires it to exist; ``"never"`` (and the default) requires it not to. Steps continue after
      the last one logged. ``resume=True`` is ``"allow"``, ``False`` is None; ``run.resumed`` says
      whether a run was continued.
    - ``settings``: what is captured besides the metrics (git, code, environment, console); see
      ``cairn.Settings``. A new run's capture is gathered in the background.
    """
    global _current, _seeding
    if isinstance(resume, bool):
        resume = "allow" if resume else None
    mode = mode or os.environ.get("CAIRN_MODE") or "online"
    if mode not in MODES:
        raise ValueError(f"mode={mode!r}: use one of {', '.join(MODES)}")
    if resume is not None and resume not in RESUME:
        raise ValueError(f"resume={resume!r}: use one of {', '.join(RESUME)}, or leave it None")
    if resume in ("allow", "must") and id is None:
        raise ValueError(f"resume={resume!r} needs the id= of the run to continue")
    trial = sweep_trial_from_env()
    if trial is not None and project and project != os.environ.get("CAIRN_PROJECT", project):
        warnings.warn(
            f"project={project!r} ignored: this run is a trial of sweep {trial.sweep_id}, which "
            f"logs to project {os.environ['CAIRN_PROJECT']!r}",
            stacklevel=2,
        )
        project = None
    project = check_project(project or os.environ.get("CAIRN_PROJECT") or "uncategorized")
    settings = settings_from(settings)
    if id is None and os.environ.get("CAIRN_RUN_ID"):
        id = os.environ.pop("CAIRN_RUN_ID")  # for the first run of the process only
    if id is not None and not _ID.match(id):
        raise ValueError(
            f"id={id!r}: run ids are 1-64 lower-case letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    tags = [_check_tag(t) for t in tags]
    cfg = config_to_dict(config)
    if trial is not None:
        cfg = trial.apply_to(cfg)
    previous = _current
    if previous is not None:
        warnings.warn(
            f"cairn.init() while run {previous.path} is open: finishing it first", stacklevel=2
        )
        previous.finish()
    if mode == "disabled":
        run = Run(
            id=id or new_run_id(),
            name=name or "disabled",
            project=project,
            mode=mode,
            dir=None,
            config=cfg,
            writer=None,
        )
        _current = run
        return run
    store_dir = find_store_dir(dir)
    login = _server_login() if mode == "online" else None
    # Online without a team server: the local store, which the run's background threads open
    # (a new run's number comes from its SQLite file directly). With one: the server, over HTTP.
    local = LocalSink(store_dir) if mode == "online" and login is None else None
    counter: int | None = None
    if local is not None:
        _import_before_shutdown()
        commit_arrow_memory_as_used()  # here, not on the syncer's thread: os.environ is shared
        if id is None:
            counter = local.reserve_run_number(project)
        else:
            local.store()  # a run named by its id may exist: the store says (or fails here)
    sink: HttpSink | None = None
    run_id = id or new_run_id()
    path = journal_path(store_dir, run_id)
    # Locked before reading where the run stands: a second process resuming it gets
    # RunLockedError, and one that starts after this run finished reads its last seq.
    lock = JournalLock.acquire(path, what=f"run {run_id!r}")
    try:
        resumed = None
        where = login.url if login is not None else str(store_dir)
        if id is not None:
            # Offline too, a run the local store (or the server) already has must be continued,
            # not restarted at seq 1 (a later sync would skip every record the store has).
            if login is not None:
                sink = _http_sink(login, project)
                stored = _stored_on_server(sink, id, resume)
            else:
                known = local.store() if local else _open_store(store_dir, only_if_exists=True)
                stored = stored_locally(known, id)
            resumed = find_resumable(store_dir, id, stored)
        if resumed is not None and resume not in ("allow", "must"):
            raise UsageError(
                f"run {id!r} already exists in {where}: pass resume='allow' to continue it, "
                "or leave id= out for a new run"
            )
        if resumed is None and resume == "must":
            raise UsageError(f"resume='must' but there is no run {id!r} in {where}")
        if resumed is None:
            if login is not None:
                sink = sink or _http_sink(login, project)
                counter = _server_run_number(sink, project) or _offline_counter(store_dir, run_id)
            elif local is not None:
                counter = counter if counter is not None else local.reserve_run_number(project)
            else:
                counter = _offline_counter(store_dir, run_id)
            name = name or display_name(counter)
            created_at = time.time()
            fold = JournalFold()
        else:
            project = resumed.project
            name = name or resumed.name
            created_at = resumed.created_at
            fold = resumed.fold
            cfg = {**fold.config, **cfg}
            tags = tags or fold.tags
        journal = _open_journal(path, resumed, lock)
    except BaseException:
        lock.release()
        raise
    if login is not None and sink is None:
        sink = _http_sink(login, project)
    target: Sink | None = sink if sink is not None else local
    syncer = None
    if target is not None:
        from cairn.sync.syncer import LiveSyncer

        syncer = LiveSyncer(
            path,
            target,
            run_id,
            from_writer=resumed is None or _has_up_to(target, run_id, fold.next_seq - 1),
            heartbeat_interval=HEARTBEAT_INTERVAL,
            beat_at_start=resumed is not None,
        )
    writer = Writer(
        journal,
        next_seq=fold.next_seq,
        on_written=syncer.offer if syncer else None,
        direct_blobs=local is not None,
    )
    writer.put(
        RunStart(
            seq=0,
            run_id=run_id,
            project=project,
            name=name,
            created_at=created_at,
            config=journaled(cfg),
            tags=tags,
            notes=notes,
            group=group,
            job_type=job_type,
            host=os.uname().nodename,  # socket.gethostname(), without importing socket
            program=sys.argv[0] if sys.argv and sys.argv[0] else None,
            resumed=resumed is not None,
            reproduction_of=None if resumed else os.environ.get("CAIRN_REPRODUCTION_OF") or None,
            sweep_id=trial.sweep_id if trial is not None else None,
        )
    )
    capturer = None
    if resumed is None:  # a resumed run keeps what its first process captured
        capturer = Capturer(
            writer.put,
            settings,
            run_dir=run_dir(store_dir, run_id),
            store_dir=store_dir,
            config_source=config,
            online=local is not None,
        )
        capturer.start()
        with _lock:
            seeding, _seeding = _seeding, None
        if seeding is not None:
            writer.put(Capture(seq=0, section="seeds", data=seeding))
    console = ConsoleCapture(writer.put) if settings.capture_console else None
    if console is not None:
        console.start()
    run = Run(
        id=run_id,
        name=name,
        project=project,
        mode=mode,
        dir=store_dir,
        config=cfg,
        writer=writer,
        syncer=syncer,
        journal=path,
        created_at=created_at,
        fold=fold,
        reader=resumed.reader if resumed else None,
        resumed=resumed is not None,
    )
    run._capturer, run._console = capturer, console
    run._local, run._keep_journal = local, settings.keep_journal
    if settings.system_metrics:
        run._sampler = _start_sampler(run, settings.system_interval, store_dir)
    with _lock:
        _current = run
    _install_hooks()
    if trial is not None:
        _stop_on_sigterm()
    if syncer is not None:  # last: its threads load the store, and would slow init() down
        syncer.start()
    return run


def _server_login() -> Login | None:
    """The team server this process logs to ($CAIRN_URL, or `cairn login`), or None."""
    from cairn.server_login import current_login

    return current_login()


def _http_sink(login: Login, project: str) -> HttpSink:
    from cairn.sync.http import HttpSink  # httpx loads only for runs that log to a server

    return HttpSink(login, project)


def _stored_on_server(sink: HttpSink, run_id: str, resume: str | None) -> StoredRun | None:
    """What the server holds of run ``run_id``. A run to continue (``resume="allow"`` or
    ``"must"``) needs the answer: without it, the run could restart at seq 1 and every record
    the server holds would be skipped, so init() stops with ServerError. A run that must be new
    starts anyway when the server does not answer (as a new run does)."""
    from cairn.server_client import ServerError, refusal

    try:
        return stored_on_server(sink, run_id)
    except ServerError as exc:
        if exc.refused:
            raise refusal(exc, sink.login.url, sink.project, f"run {run_id!r}") from None
        if resume in ("allow", "must"):
            raise ServerError(
                f"cannot continue run {run_id!r}: {exc}. Without the server's answer it could "
                "start again from its first step; run it again once the server answers (on the "
                "machine that logged it, its journal is enough: mode='offline')",
                exc.status,
            ) from None
        print(f"cairn: {exc}; run {run_id!r} starts as a new run", file=sys.stderr)
        return None


def _server_run_number(sink: HttpSink, project: str) -> int | None:
    """The project's next run number from the server; None when it does not answer in time
    (the run starts anyway, numbered from this machine's journals, and syncs later).
    ServerError when it refuses (an unknown key, no right to log to the project): that does
    not pass by waiting, so the script stops here, before it trains, as W&B's and MLflow's
    clients do."""
    from cairn.server_client import ServerError, refusal

    try:
        return sink.reserve_run_number(project, timeout=RUN_NUMBER_TIMEOUT)
    except Exception as exc:  # a server that is down must not stop a training script
        if isinstance(exc, ServerError) and exc.refused:
            raise refusal(exc, sink.login.url, project, "a new run") from None
        print(
            f"cairn: the server {sink.login.url} did not answer ({exc}); logging to the journal, "
            "which is sent when it answers (or with `cairn sync`)",
            file=sys.stderr,
        )
        return None


def _has_up_to(sink: Sink, run_id: str, seq: int) -> bool:
    """Whether the sink holds the run's records up to ``seq`` exactly (False when it cannot
    say: the syncer then reads the journal from where the sink stands)."""
    try:
        return sink.last_seq(run_id) == seq
    except Exception:
        return False


def _open_store(store_dir: Path, only_if_exists: bool = False) -> Store | None:
    """The local store (None if ``only_if_exists`` and there is none yet). Imported here: an
    offline run never loads SQLAlchemy."""
    from cairn.store.store import DB_NAME, Store

    if only_if_exists and not (store_dir / DB_NAME).exists():
        return None
    return Store.local(store_dir)


def _import_before_shutdown() -> None:
    """Import now what the background threads opening the store need and cannot import once the
    interpreter shuts down, as it may before they do: a script that ends right after a short
    loop has its run finished at exit. ``concurrent.futures.thread`` (which fsspec imports)
    refuses to load then ("can't register atexit after shutdown"); it takes about 2 ms."""
    import concurrent.futures.thread  # noqa: F401


def _stop_on_sigterm() -> None:
    """An agent stops a trial with SIGTERM: exit through ``sys.exit`` so the run is finished
    (exit code 143) instead of left running."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(128 + signal.SIGTERM))


def _start_sampler(run: Run, interval: float, store_dir: Path) -> SystemSampler | None:
    """The system-metrics thread of ``run``; None (and one line why) if it cannot start."""
    from cairn.sdk.system import SystemSampler  # psutil: loaded only for a run that samples

    try:
        return SystemSampler.for_machine(run, interval, str(store_dir)).start()
    except Exception as exc:  # system metrics are a nicety: never fail init() over them
        print(f"cairn: system metrics are off for this run: {exc!r}", file=sys.stderr)
        return None


def _check_tag(tag: Any) -> str:
    if not isinstance(tag, str) or not tag or len(tag) > 255:
        raise ValueError(f"tag {tag!r}: tags are strings of 1-255 characters")
    return tag


def _offline_counter(store_dir: Path, run_id: str) -> int:
    runs = store_dir / "runs"
    return sum(1 for d in runs.iterdir() if d.name != run_id) + 1 if runs.is_dir() else 1


def _open_journal(path: Path, resumed: Resumed | None, lock: JournalLock) -> JournalWriter:
    """The run's journal, for appending. A resumed journal's bad tail is cut off; if it had
    damage in the middle (the reader warned), a copy of it as it was is kept aside first."""
    reader = resumed.reader if resumed else None
    if reader is not None and reader.damaged:
        copy = keep_damaged_copy(path)
        lost = sum(d.length for d in reader.damaged)
        warnings.warn(
            f"cairn: the journal {path} had {lost} damaged bytes in {len(reader.damaged)} "
            f"place(s), skipped (the records after them are kept); a copy of it as it was is "
            f"at {copy}",
            JournalDamageWarning,
            stacklevel=3,
        )
    return JournalWriter(path, truncate_at=resumed.valid_bytes if resumed else None, lock=lock)


def _install_hooks() -> None:
    global _hooks_installed
    if _hooks_installed:
        return
    _hooks_installed = True
    atexit.register(_finish_at_exit)
    previous = sys.excepthook
    original_exit = sys.exit

    def exit(status: object = None) -> NoReturn:
        """sys.exit, noting the status so the run left open is finished with it."""
        global _exit_status
        _exit_status = status
        original_exit(status)  # type: ignore[arg-type]  # sys.exit takes any object

    sys.exit = exit

    def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        run = _current
        if run is not None:
            run._fail("".join(traceback.format_exception(kind, exc, tb)))
        previous(kind, exc, tb)

    sys.excepthook = excepthook


def _finish_at_exit() -> None:
    run = _current
    if run is None:
        return
    run.finish(exit_code=exit_code_at_exit(run))


def exit_code_at_exit(run: Run) -> int:
    """The exit code of a process ending now: 1 after an uncaught exception in ``run``, else
    what ``sys.exit`` was given (0 when it was not called)."""
    status = _exit_status
    if run._error:
        return 1
    if status is None or isinstance(status, int):
        return status or 0
    return 1  # sys.exit("message") exits with 1


def record_seeding(record: dict[str, Any]) -> None:
    """Note what ``seed_everything`` did: in the current run, else in the next one started."""
    global _seeding
    with _lock:
        run = _current
        if run is None:
            _seeding = record
    if run is not None:
        run._capture_section("seeds", record)


def require_current() -> Run:
    run = _current
    if run is None:
        raise UsageError("no run is active: call cairn.init() first")
    return run


__all__ = ["Resumed", "current", "init", "record_seeding", "require_current"]
