"""Agents: claim a sweep's trials one after another and run them, as subprocesses or in-process.

A trial's parameters reach the training script twice: on its command line (the config's
``command`` with its macros) and in the environment (``CAIRN_SWEEP_ID``, ``CAIRN_SWEEP_TRIAL``,
``CAIRN_SWEEP_PARAMS``, plus ``CAIRN_RUN_ID``, ``CAIRN_PROJECT`` and ``CAIRN_DIR``), where
``cairn.init()`` picks them up. While a subprocess trial runs, the agent checks every few seconds
whether the sweep was cancelled or Hyperband stops the trial; then the trial gets SIGTERM, and
SIGKILL after a grace period. An in-process trial is checked as often by a monitor thread, which
tells the trial's run: its next ``run.log()`` raises ``TrialStopped``, which the agent catches.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cairn.errors import TrialStopped, UsageError
from cairn.names import new_run_id
from cairn.sdk.sweep_trial import ENV_PARAMS, ENV_SWEEP_ID, ENV_TRIAL
from cairn.sweeps.config import load_sweep_config
from cairn.sweeps.search import render_command
from cairn.sweeps.source import SweepSource, Trial, open_sweep

MAX_FAILURES = 5
"""An agent gives up after this many trials in a row fail."""
GRACE_SECONDS = 10.0
"""How long a stopped trial has between SIGTERM and SIGKILL."""
CHECK_SECONDS = 2.0
"""How often the agent checks a running trial against the sweep's state and Hyperband."""
PAUSED_POLL_SECONDS = 5.0
TAIL_LINES = 20


@dataclass
class AgentResult:
    """What an agent did, and why it ended."""

    trials: int = 0
    failures: int = 0
    reason: str = ""


class SweepAgentError(UsageError):
    """The agent gave up: too many trials in a row failed (the message shows the last output)."""


class Agent:
    """Runs trials of one sweep until ``count`` trials ran, the sweep has no more, or it is
    stopped; ``function`` runs each trial in this process, else the config's command does.

    ``sweep_id`` names a sweep of the local store, or ``PROJECT/SWEEP_ID`` on the team server
    when one is configured (``cairn login``); the trials' runs log where ``cairn.init()`` does.
    """

    def __init__(
        self,
        store_dir: Path,
        sweep_id: str,
        *,
        count: int | None = None,
        function: Callable[[], object] | None = None,
        max_failures: int = MAX_FAILURES,
        grace: float = GRACE_SECONDS,
        check_every: float = CHECK_SECONDS,
        say: Callable[[str], None] = print,
    ) -> None:
        if count is not None and count < 1:
            raise ValueError(f"count={count}: give at least 1, or None for no limit")
        self.store_dir = store_dir
        self.source: SweepSource = open_sweep(store_dir, sweep_id)
        self.sweep = self.source.sweep
        self.config = load_sweep_config(self.sweep.config)
        if (
            function is None
            and self.config.program is None
            and any("${program}" in part for part in self.config.command)
        ):
            raise UsageError(
                f"sweep {sweep_id} has no program to run: add `program: train.py` to its config, "
                "or run it in Python with cairn.agent(sweep_id, function=train)"
            )
        self.count = count
        self.function = function
        self.max_failures = max_failures
        self.grace = grace
        self.check_every = check_every
        self.say = say
        self.name = f"{socket.gethostname()}:{os.getpid()}"

    def run(self) -> AgentResult:
        try:
            return self._run()
        finally:
            self.source.close()

    def _run(self) -> AgentResult:
        result = AgentResult()
        in_a_row = 0
        while self.count is None or result.trials < self.count:
            claim = self.source.claim(new_run_id(), self.name)
            if claim.trial is None:
                if claim.state == "paused":
                    time.sleep(PAUSED_POLL_SECONDS)  # a person resumes it: poll, cheaply
                    continue
                result.reason = f"the sweep is {claim.state}"
                break
            trial = claim.trial
            self.say(f"trial {trial.number}: run {trial.run_id} {json.dumps(trial.params)}")
            status, note = self._run_in_process(trial) if self.function else self._spawn(trial)
            self.source.end(trial.number, status, note)
            self.say(
                f"trial {trial.number}: {status}"
                + (f" ({note})" if note and status != "failed" else "")
            )
            result.trials += 1
            in_a_row = in_a_row + 1 if status == "failed" else 0
            result.failures += status == "failed"
            if in_a_row >= self.max_failures:
                raise SweepAgentError(
                    f"giving up: {in_a_row} trials in a row failed; the last one "
                    f"(trial {trial.number}, run {trial.run_id}) ended with:\n{note}\n"
                    "fix the training script, then start the agent again"
                )
        else:
            result.reason = (
                f"ran {result.trials} trial{'' if result.trials == 1 else 's'} (--count)"
            )
        self.say(f"agent done: {result.reason}")
        return result

    # ---- a trial in a subprocess --------------------------------------------------------

    def _env(self, trial: Trial) -> dict[str, str]:
        return {
            "CAIRN_DIR": str(self.store_dir),
            "CAIRN_PROJECT": self.sweep.project,
            "CAIRN_RUN_ID": trial.run_id,
            ENV_SWEEP_ID: self.sweep.id,
            ENV_TRIAL: str(trial.number),
            ENV_PARAMS: json.dumps(trial.params),
        }

    def _spawn(self, trial: Trial) -> tuple[str, str | None]:
        argv = render_command(
            self.config.command,
            trial.params,
            program=self.config.program,
            interpreter=sys.executable,
        )
        log_path = self.store_dir / "sweeps" / self.sweep.id / f"trial-{trial.number}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "wb") as out:
            try:
                proc = subprocess.Popen(
                    argv,
                    env={**os.environ, **self._env(trial)},
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,  # its own process group: a stop reaches its children
                )
            except OSError as exc:
                return "failed", f"cannot start {argv[0]!r}: {exc}"
            status, note = self._watch(proc, trial)
        if status == "failed" or (status == "finished" and proc.returncode != 0):
            return "failed", f"exit code {proc.returncode}; output:\n{_tail(log_path)}"
        return status, note

    def _watch(self, proc: subprocess.Popen[bytes], trial: Trial) -> tuple[str, str | None]:
        while True:
            try:
                proc.wait(timeout=self.check_every)
            except subprocess.TimeoutExpired:
                pass
            else:
                return ("finished" if proc.returncode == 0 else "failed"), None
            verdict = self._verdict(trial)
            if verdict is not None:
                self._terminate(proc)
                return verdict

    def _verdict(self, trial: Trial) -> tuple[str, str] | None:
        """``("killed", why)`` when the sweep was cancelled, ``("stopped", why)`` when Hyperband
        stops the running trial, else None."""
        return self.source.verdict(trial.run_id)

    def _terminate(self, proc: subprocess.Popen[bytes]) -> None:
        """SIGTERM to the trial's process group, SIGKILL after the grace period."""
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=self.grace)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except ProcessLookupError:
            proc.wait()

    # ---- a trial in this process --------------------------------------------------------

    def _run_in_process(self, trial: Trial) -> tuple[str, str | None]:
        """Call the function; once the monitor has told its run to stop, the trial is stopped
        (or killed) whatever the function does next, and its open run ends with exit code 143."""
        from cairn.sdk import session

        assert self.function is not None
        saved = {k: os.environ.get(k) for k in self._env(trial)}
        os.environ.update(self._env(trial))
        status: tuple[str, str | None] = ("finished", None)
        exit_code = 0
        monitor = _Monitor(self, trial)
        monitor.start()
        try:
            self.function()
        except TrialStopped:
            exit_code = TrialStopped.exit_code
            status = ("stopped", "the function raised TrialStopped itself")
        except Exception:
            text = traceback.format_exc()
            status = ("failed", "\n".join(text.splitlines()[-TAIL_LINES:]))
            exit_code = 1
            run = session.current()
            if run is not None:
                run._fail(text)
        finally:
            monitor.stop()
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        if monitor.told is not None:
            status = monitor.told
            exit_code = exit_code or TrialStopped.exit_code
        run = session.current()
        if run is not None:
            run.finish(exit_code=exit_code)
        elif status[0] == "finished" and not self._run_exists(trial):
            status = ("failed", "the function did not call cairn.init(), so no run was recorded")
        return status

    def _run_exists(self, trial: Trial) -> bool:
        return self.source.has_run(trial.run_id)


class _Monitor(threading.Thread):
    """While an in-process trial's function runs, checks every ``check_every`` seconds whether the
    agent would stop the trial; if so, tells the trial's run (once it has started), whose next
    ``log()`` raises ``TrialStopped``."""

    def __init__(self, agent: Agent, trial: Trial) -> None:
        super().__init__(name=f"cairn-sweep-trial-{trial.number}", daemon=True)
        self.agent = agent
        self.trial = trial
        self.told: tuple[str, str] | None = None
        """The verdict, once the trial's run was told of it."""
        self._done = threading.Event()

    def run(self) -> None:
        from cairn.sdk import session

        verdict: tuple[str, str] | None = None
        complained = False
        while not self._done.wait(self.agent.check_every):
            if verdict is None:
                try:
                    verdict = self.agent._verdict(self.trial)
                except Exception as exc:  # e.g. a store busy for too long: check again next time
                    if not complained:
                        self.agent.say(f"trial {self.trial.number}: cannot check it: {exc!r}")
                    complained = True
                    continue
            run = session.current()
            if verdict is not None and run is not None and run.id == self.trial.run_id:
                run._stop_trial(
                    f"sweep {self.agent.sweep.id} stopped trial {self.trial.number}: {verdict[1]}"
                )
                self.told = verdict
                return

    def stop(self) -> None:
        """The function returned: stop checking (waits for a check under way)."""
        self._done.set()
        self.join()


def _tail(path: Path, lines: int = TAIL_LINES) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:]) or "(no output)"
