"""Background threads are kept for the next job: sequential jobs share a thread, concurrent
jobs each get one, an idle thread ends after its linger, a failing job does not end the pool."""

from __future__ import annotations

import threading
from pathlib import Path

from tests.fakes.waiting import wait_for

import cairn
from cairn.reused_threads import IDLE_NAME, Job, ReusedThreads


def test_jobs_one_after_another_share_one_thread() -> None:
    threads = ReusedThreads(linger=1.0)
    ran: list[threading.Thread] = []
    for i in range(50):
        job = Job(lambda: ran.append(threading.current_thread()), f"job{i}")
        assert not job.is_alive()
        threads.start(job)
        job.join(10)
        assert not job.is_alive()
    assert len(ran) == 50 and len(set(ran)) == 1
    assert ran[0].name == IDLE_NAME, "an idle thread must not look like a run's writer"


def test_jobs_at_once_each_get_a_thread() -> None:
    threads = ReusedThreads(linger=1.0)
    release = threading.Event()
    ran: set[threading.Thread] = set()

    def wait() -> None:
        ran.add(threading.current_thread())
        release.wait(30)

    jobs = [Job(wait, f"job{i}") for i in range(5)]
    for job in jobs:
        threads.start(job)
    assert wait_for(lambda: len(ran) == 5), "a job waited for another to end"
    assert all(job.is_alive() for job in jobs)
    release.set()
    for job in jobs:
        job.join(10)
    assert not any(job.is_alive() for job in jobs)


def test_an_idle_thread_ends_after_its_linger_and_a_new_one_takes_the_next_job() -> None:
    threads = ReusedThreads(linger=0.05)
    ran: list[threading.Thread] = []
    first = Job(lambda: ran.append(threading.current_thread()), "first")
    threads.start(first)
    first.join(10)
    assert wait_for(lambda: not ran[0].is_alive())
    second = Job(lambda: ran.append(threading.current_thread()), "second")
    threads.start(second)
    second.join(10)
    assert len(ran) == 2 and ran[1] is not ran[0]


def test_a_failing_job_leaves_the_thread_for_the_next() -> None:
    threads = ReusedThreads(linger=1.0)
    ran: list[threading.Thread] = []

    def fail() -> None:
        ran.append(threading.current_thread())
        raise RuntimeError("boom")

    failing = Job(fail, "failing")
    threads.start(failing)
    failing.join(10)
    assert not failing.is_alive()
    after = Job(lambda: ran.append(threading.current_thread()), "after")
    threads.start(after)
    after.join(10)
    assert len(ran) == 2 and ran[0] is ran[1]


def test_runs_created_in_a_loop_start_no_threads_per_run(store_dir: Path) -> None:
    """A sweep agent creating 50 runs one after another: their writers, syncers, capture and
    heartbeats run on the same few threads (console capture and system metrics, off here, still
    start a thread of their own per run)."""
    settings = cairn.Settings(capture_console=False, system_metrics=False)
    before = set(threading.enumerate())
    seen: set[threading.Thread] = set()  # held, so no finished thread's object is reused
    for _ in range(50):
        run = cairn.init(project="p", settings=settings)
        run.log({"a": 1.0})
        seen |= set(threading.enumerate()) - before
        run.finish(quiet=True)
    assert len(seen) <= 4, f"{len(seen)} threads for 50 runs: {sorted(t.name for t in seen)}"
