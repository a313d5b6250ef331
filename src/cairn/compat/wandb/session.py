"""``wandb.init()`` and the module's state: the current run, and ``log``/``finish``/``save``...
on it. W&B's arguments are translated onto ``cairn.init``; what Cairn cannot honour is accepted
with one warning and recorded in the run's ``wandb`` capture section.
"""

from __future__ import annotations

import atexit
import json
import os
from typing import Any

from cairn.compat.wandb import env, notices
from cairn.compat.wandb.active_run import Run
from cairn.compat.wandb.run_config import select
from cairn.compat.wandb.settings import settings_of
from cairn.errors import UsageError

RESUME_FILE = "wandb-resume.json"
"""In the store folder: the id of the last run ``wandb.init`` started that has not finished
cleanly, which ``resume=True|"auto"|"allow"|"must"`` without an id continues (as W&B's
``wandb-resume.json`` does)."""

_RESUME = {True: "allow", "auto": "allow", "allow": "allow", "must": "must", "never": "never"}
_current: Run | None = None
_hooked = False


def current() -> Run | None:
    """The run ``wandb.init`` started in this process, until it finishes (``wandb.run``)."""
    return _current


def require() -> Run:
    if _current is None:
        raise UsageError("no run is active: call wandb.init() first")
    return _current


def init(
    entity: str | None = None,
    project: str | None = None,
    dir: str | os.PathLike[str] | None = None,
    id: str | None = None,
    name: str | None = None,
    notes: str | None = None,
    tags: list[str] | tuple[str, ...] | None = None,
    config: Any = None,
    config_exclude_keys: list[str] | None = None,
    config_include_keys: list[str] | None = None,
    allow_val_change: bool | None = None,
    group: str | None = None,
    job_type: str | None = None,
    mode: str | None = None,
    force: bool | None = None,
    anonymous: str | None = None,
    reinit: bool | str | None = None,
    resume: bool | str | None = None,
    resume_from: str | None = None,
    fork_from: str | None = None,
    save_code: bool | None = None,
    tensorboard: bool | None = None,
    sync_tensorboard: bool | None = None,
    monitor_gym: bool | None = None,
    settings: Any = None,
    **other: Any,
) -> Run:
    """Start a run (or continue one) as ``wandb.init`` does, into the Cairn store.

    ``dir`` is the store folder (as ``cairn.init(dir=)``). ``resume=True|"auto"|"allow"|"must"``
    without ``id`` continues the last run started from this store that did not finish cleanly.
    A call while a run is open returns that run unless ``reinit`` asks for a new one.
    """
    global _current
    env.apply_twins()
    given = settings_of(settings)
    ignored = {k: v for k, v in other.items() if v is not None}
    for key, value in (
        ("force", force),
        ("anonymous", anonymous if anonymous not in ("never", None) else None),
        ("resume_from", resume_from),
        ("fork_from", fork_from),
        ("tensorboard", tensorboard),
        ("sync_tensorboard", sync_tensorboard),
        ("monitor_gym", monitor_gym),
    ):
        if value:
            ignored[key] = value
    for key in ignored:
        notices.once(f"init-{key}", f"init({key}=...) is accepted and has no effect in Cairn")
    for key in given.ignored():
        notices.once(f"settings-{key}", f"Settings({key}=...) is accepted and has no effect")
    if _current is not None and not _current.cairn._closed:
        if not reinit or reinit == "return_previous":
            return _current
        _current.finish()

    mode = _mode(mode or given.get("mode"))
    entity = entity or given.get("entity") or env.get("WANDB_ENTITY")
    project = project or given.get("project") or env.get("WANDB_PROJECT")
    run_id = id or given.get("run_id") or os.environ.pop("WANDB_RUN_ID", None)
    cfg = select(_config_dict(config), config_include_keys, config_exclude_keys)
    resume_kind, run_id = _resume(
        resume if resume is not None else given.get("resume") or env.get("WANDB_RESUME"),
        run_id,
        dir or given.get("root_dir"),
        mode,
    )
    from cairn.sdk.session import init as cairn_init

    run_tags = list(tags or given.get("run_tags") or env.tags())
    run_notes = notes or given.get("run_notes") or env.get("WANDB_NOTES")
    run_group = group or given.get("run_group") or env.get("WANDB_RUN_GROUP")
    run_job_type = job_type or given.get("run_job_type") or env.get("WANDB_JOB_TYPE")
    run = cairn_init(
        project=project,
        name=name or given.get("run_name") or env.get("WANDB_NAME"),
        config=cfg,
        tags=run_tags,
        notes=run_notes,
        group=run_group,
        job_type=run_job_type,
        dir=dir or given.get("root_dir"),
        mode=mode,
        id=run_id,
        resume=resume_kind,
        settings=_cairn_settings(save_code, given),
    )
    quiet = env.flag("WANDB_SILENT") or bool(given.get("silent") or given.get("quiet"))
    wrapped = Run(run, entity=entity, resumed=run.resumed, quiet=quiet)
    wrapped._tags = tuple(run_tags)
    wrapped._notes = run_notes
    wrapped.group, wrapped.job_type = run_group, run_job_type
    if entity or ignored:
        run._capture_section(
            "wandb", {"entity": entity, "ignored": {k: repr(v) for k, v in ignored.items()}}
        )
    if run.dir is not None:
        (run.dir / RESUME_FILE).write_text(json.dumps({"run_id": run.id}))
    _current = wrapped
    _hook()
    return wrapped


def finished(run: Run, exit_code: int) -> None:
    """``run`` is finishing: it stops being ``wandb.run``; after a clean end it is no longer the
    run ``resume=True`` continues."""
    global _current
    if _current is run:
        _current = None
    store = run.cairn.dir
    if store is None or exit_code != 0 or run.cairn._error:
        return
    path = store / RESUME_FILE
    try:
        if json.loads(path.read_text()).get("run_id") == run.id:
            path.unlink()
    except (OSError, ValueError):
        pass


def _mode(mode: str | None) -> str | None:
    if mode is None:
        return env.mode()
    kinds = {"online": "online", "run": "online", "shared": "online", "offline": "offline"}
    kinds.update(dryrun="offline", disabled="disabled")
    if mode not in kinds:
        raise ValueError(f"mode={mode!r}: use 'online', 'offline' or 'disabled'")
    return kinds[mode]


def _config_dict(config: Any) -> dict[str, Any]:
    from cairn.sdk.config import config_to_dict

    return config_to_dict(config)


def _resume(
    resume: bool | str | None, run_id: str | None, dir: Any, mode: str | None
) -> tuple[str | None, str | None]:
    """Cairn's ``(resume, id)`` for W&B's ``resume`` and ``id``."""
    if isinstance(resume, str) and resume.strip().lower() in ("true", "false"):
        resume = resume.strip().lower() == "true"
    if resume is None or resume is False:
        return None, run_id
    if resume not in _RESUME:
        raise ValueError(
            f"resume={resume!r}: use True, 'allow', 'must', 'never' or 'auto' (or leave it None)"
        )
    kind = _RESUME[resume]
    if run_id is not None or kind == "never" or mode == "disabled":
        return kind, run_id
    from cairn.sdk.location import find_store_dir

    path = find_store_dir(dir) / RESUME_FILE
    try:
        found = json.loads(path.read_text()).get("run_id")
    except (OSError, ValueError):
        found = None
    if found:
        return kind, str(found)
    if kind == "must":
        raise UsageError(
            f"resume='must' needs the id= of the run to continue (no unfinished run in {path.parent})"
        )
    return None, None


def _cairn_settings(save_code: bool | None, given: Any) -> Any:
    from cairn.sdk.settings import Settings

    settings = Settings()
    if save_code is not None:
        settings.save_code = bool(save_code)
    if given.get("disable_git"):
        settings.capture_git = False
    if given.get("disable_code"):
        settings.save_code = False
    if given.get("console") == "off":
        settings.capture_console = False
    if given.get("x_disable_stats") or given.get("_disable_stats"):
        settings.system_metrics = False
    return settings


def _hook() -> None:
    """At exit, an open run keeps its files and is finished with the process's exit code (before
    Cairn's own hook, which then finds it finished)."""
    global _hooked
    if not _hooked:
        _hooked = True
        atexit.register(_finish_at_exit)


def _finish_at_exit() -> None:
    run = _current
    if run is None:
        return
    from cairn.sdk.session import exit_code_at_exit

    run.finish(exit_code=exit_code_at_exit(run.cairn))
