"""Applying what a finished run's store had not taken, after the run's process is gone.

``finish()`` waits for the local store at most ``$CAIRN_FINISH_TIMEOUT`` seconds. When the store
has not applied the whole journal by then (a run that logged faster than the store applies, on a
busy machine), the journal holds the rest, and without this a user saw part of the run until they
ran ``cairn sync``. Instead ``finish()`` starts one detached process (``python -m
cairn.sync.afterwards JOURNAL STORE``) that applies the rest, as ``cairn sync`` would, then removes
the journal as ``finish()`` would have (unless the run keeps it), and exits. Its output goes to
``sync.log`` beside the journal, which it removes when everything was applied.

Set ``CAIRN_SYNC_AFTERWARDS=0`` to leave the journal for ``cairn sync`` instead (a job scheduler
that must not see processes outlive the job, say).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

LOG_NAME = "sync.log"


def enabled() -> bool:
    """Whether ``finish()`` hands an unapplied journal to a process of its own
    (``$CAIRN_SYNC_AFTERWARDS``, on unless ``0``, ``false``, ``no`` or ``off``)."""
    value = os.environ.get("CAIRN_SYNC_AFTERWARDS", "1").strip().lower()
    return value not in ("0", "false", "no", "off")


def hand_over(journal: Path, store_dir: Path, keep_journal: bool) -> int:
    """Start the detached process that applies ``journal`` to the store in ``store_dir``;
    returns its pid. It outlives this process (a session of its own, no terminal)."""
    args = [sys.executable, "-m", "cairn.sync.afterwards", str(journal), str(store_dir)]
    if keep_journal:
        args.append("--keep-journal")
    with open(journal.with_name(LOG_NAME), "ab") as log:
        child = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )
    return child.pid


def apply_rest(journal: Path, store_dir: Path, keep_journal: bool) -> bool:
    """Apply what the store lacks of ``journal``; then remove the journal (unless kept) and the
    log. Returns whether the whole journal was applied (if not, both stay, for ``cairn sync``)."""
    from cairn.journal.file import remove_applied_journal
    from cairn.store.store import Store
    from cairn.sync.syncer import sync_journal

    size = journal.stat().st_size
    store = Store.local(store_dir)
    try:
        result = sync_journal(journal, store)
    finally:
        store.close()
    print(
        f"{result.applied} new of {result.records} records applied (store at seq "
        f"{result.last_seq})",
        flush=True,
    )
    if result.problem:
        print(f"{journal}: {result.problem}; everything before it was applied", flush=True)
        return False
    # The log first: the run's folder goes with the journal only when nothing else is in it.
    journal.with_name(LOG_NAME).unlink(missing_ok=True)
    if not keep_journal:
        remove_applied_journal(journal, size)  # not if a process resumed the run since
    return True


def main(argv: list[str]) -> int:
    keep = "--keep-journal" in argv
    paths = [a for a in argv if a != "--keep-journal"]
    if len(paths) != 2:
        print("usage: python -m cairn.sync.afterwards JOURNAL STORE_DIR [--keep-journal]")
        return 2
    return 0 if apply_rest(Path(paths[0]), Path(paths[1]), keep) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
