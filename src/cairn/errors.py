"""Cairn's exceptions, so a caller can catch at the right level::

CairnError
├── StoreError            the store cannot be opened, read or written
│   ├── RunNotFoundError      no run with that id or reference
│   ├── ProjectNotFoundError  no project with that name
│   ├── SweepNotFoundError    no sweep with that id
│   ├── AccountError          an account or role that cannot be (a name taken, a last admin)
│   │   └── AccountNotFoundError  no user or team with that name
│   ├── ArtifactNotFoundError no artifact, version or alias with that reference
│   ├── MediaNotFoundError    no media of that kind under that key (or at that step) in a run
│   ├── ReportNotFoundError   no report (or report version) with that id or title in a project
│   ├── ReportConflictError   a report was saved by someone else since the version an edit started from
│   ├── StoreGapError         records were offered with earlier ones missing
│   └── CursorError           a page cursor the listing did not make (also a ValueError)
├── ConfigError           a config cannot be built from what was given
├── ArtifactError         an artifact's contents are unsafe, missing or fail verification
├── UsageError            the API was called in a way it does not allow (e.g. log after finish)
│   └── SweepStateError       a sweep cannot go from its state to the one asked (resume a stopped one)
├── RunLockedError        another process is writing the run's journal (it names the pid and host)
└── ReproduceError        a step of `cairn reproduce` failed (it says which, and how to fix it)

TrialStopped              (a BaseException, like SystemExit) a sweep agent stopped this in-process
                          trial; ``run.log()`` raises it so the training function ends early
"""

from __future__ import annotations

from typing import Any


class CairnError(Exception):
    """Base of every error Cairn raises on purpose."""


class StoreError(CairnError):
    """The store cannot be opened, read or written."""


class RunNotFoundError(StoreError, LookupError):
    """No run matches the id or reference given."""


class ProjectNotFoundError(StoreError, LookupError):
    """No project has the name given."""


class SweepNotFoundError(StoreError, LookupError):
    """No sweep has the id given."""


class ArtifactNotFoundError(StoreError, LookupError):
    """No artifact, version or alias matches the reference given."""


class MediaNotFoundError(StoreError, LookupError):
    """A run logged no media of the kind asked for under the key (or at the step) given."""


class ReportNotFoundError(StoreError, LookupError):
    """A project has no report with the id or title given, or a report no such version."""


class ReportConflictError(StoreError):
    """A save started from a version of a report that is no longer its latest (another tab or
    person saved in between)."""


class ViewNotFoundError(StoreError, LookupError):
    """A project has no saved view with the name given."""


class ViewConflictError(StoreError):
    """A saved view cannot take that name (another has it) or cannot be deleted (the default)."""


class AccountError(StoreError):
    """A user or API key that does not exist, a name that is taken, a role that is not one."""


class AccountNotFoundError(AccountError, LookupError):
    """No user or team has the name given."""


class StoreGapError(StoreError):
    """A batch starts after a seq the store has not applied yet: earlier records are missing."""


class CursorError(StoreError, ValueError):
    """A page cursor that this listing did not make (malformed, forged, or for another order)."""


class ServerBusyError(CairnError):
    """The server takes other batches now: send this one again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ConfigError(CairnError, ValueError):
    """A config cannot be built from the value given."""


class ArtifactError(CairnError):
    """An artifact's contents are unsafe (a path outside its root), missing, or fail
    verification (a file whose hash is not the one logged)."""


class UsageError(CairnError, RuntimeError):
    """The API was called in a way it does not allow."""


class RunLockedError(CairnError):
    """Another process is writing this run's journal (two ranks resuming one run, a requeued job
    racing the one before it): the message names its ``pid`` and ``host`` and what to do."""

    def __init__(
        self, message: str, *, pid: int | None = None, host: str | None = None, path: Any = None
    ) -> None:
        super().__init__(message)
        self.pid = pid
        self.host = host
        self.path = path
        """The lock file."""


class ReproduceError(CairnError):
    """A step of ``cairn reproduce`` failed: the message says which step, why, and the fix."""

    def __init__(self, step: str, problem: str, fix: str) -> None:
        super().__init__(f"{step} failed: {problem}\nfix: {fix}")
        self.step = step
        self.problem = problem
        self.fix = fix


class SweepStateError(UsageError):
    """A sweep cannot change from its state to the one asked for (e.g. resume a cancelled one)."""


class TrialStopped(BaseException):
    """A sweep agent stopped this in-process trial (Hyperband, or the sweep was cancelled): the
    next ``run.log()`` raises it, and the agent that runs the function catches it.

    Not an ``Exception``, for the reason ``SystemExit`` is not (a stopped subprocess trial gets
    exactly that): an ``except Exception`` around a training step must not swallow it. Clean up in
    ``finally`` (or catch it and raise it again); the run is finished with ``exit_code``.
    """

    exit_code = 143
    """What the trial's run ends with: 128 + SIGTERM, as a stopped subprocess trial exits."""
