"""The demo's reproduction: ``cairn reproduce`` of the fastest digits run, once.

`make demo` runs it after examples/digits.py and before examples/digits_report.py, whose report
shows the verdict. It picks the grid run with the shortest runtime, and runs
``cairn reproduce digits/<id> --env current``: the run's recorded command
(``examples/digits.py --lr LR --width W``) again, from its captured code, in this environment,
as a new run linked to the original; then every summary metric is compared. A run that was
reproduced already is left as it is (``--force`` reproduces it again).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import cairn

sys.path.insert(0, str(Path(__file__).parent))
from digits_report import PROJECT, RUNS, reproduced  # the sibling example (no torch)


def fastest(api: cairn.Api) -> cairn.ApiRun | None:
    """The finished grid run that took the least time (a reproduction re-runs all of it), of those
    a process of their own trained (``digits.py --lr LR --width W``); None when there are none."""
    finished = f'state == "finished" and {RUNS}'
    for run in api.runs(PROJECT, filter=finished, order="runtime"):
        if "--lr" in ((run.capture.get("command") or {}).get("argv") or []):
            return run
    return None


def reproduce(dir: str | None = None, force: bool = False) -> cairn.ApiRun | None:
    """Reproduce the fastest grid run with ``cairn reproduce`` (unless one was reproduced and not
    ``force``); the original run, or None when no run can be re-run alone. Its verdict may be
    "not reproduced": that is what it found."""
    api = cairn.Api(dir)
    done = reproduced(api)
    if done is not None and not force:
        print(f"{done.path} was reproduced already; --force reproduces it again")
        return done
    run = fastest(api)
    if run is None:
        print(
            "no digits run to reproduce: examples/digits.py logs them (an older one trained the "
            "whole grid in one process, whose command cannot re-run one run alone: delete the "
            "store, .cairn-demo/ for `make demo`, or run examples/digits.py --force)"
        )
        return None
    command = [sys.executable, "-m", "cairn", "reproduce", run.path, "--env", "current"]
    if dir is not None:
        command += ["--dir", str(dir)]
    status = subprocess.run(command).returncode
    if status not in (0, 3):  # 3: it ran, and its numbers differ (the verdict says which)
        raise SystemExit(f"`{' '.join(command)}` failed (exit status {status}): see above")
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--force", action="store_true", help="reproduce a run again")
    args = parser.parse_args()
    reproduce(force=args.force)


if __name__ == "__main__":
    main()
