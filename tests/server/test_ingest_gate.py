"""The ingest gate of a server worker: at most ``limit`` batches in hand, the others told when
to come back, one after another (``cairn.server.ingest_gate``). Through a real server:
``tests/sync/test_http.py``.

Each scene runs on an event loop of its own in a thread of its own: a test before it in the same
process (Playwright's sync API) may have left a loop running on the main thread."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from cairn.server.ingest_gate import LONGEST_WAIT, IngestGate


def play(scene: Callable[[], Coroutine[Any, Any, None]]) -> None:
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, scene()).result()


def test_it_takes_up_to_its_limit_and_places_the_others_in_line() -> None:
    async def scene() -> None:
        gate = IngestGate(2, hold=0, service=0.1)
        assert await gate.enter() is None
        assert await gate.enter() is None
        waits = [await gate.enter() for _ in range(4)]
        assert all(w is not None for w in waits)
        # one after another, half a batch's time apart (two slots): not all at once
        gaps = [b - a for a, b in itertools.pairwise(waits)]  # type: ignore[operator]
        assert all(gap == pytest.approx(0.05, abs=0.01) for gap in gaps)
        assert gate.status() == {"busy": 2, "limit": 2, "refused": 4}
        gate.leave(0.1)
        assert await gate.enter() is None  # the freed slot is taken again

    play(scene)


def test_a_batch_that_arrives_when_full_waits_a_little_for_a_slot() -> None:
    async def scene() -> None:
        gate = IngestGate(1, hold=1.0)
        assert await gate.enter() is None
        waiting = asyncio.ensure_future(gate.enter())
        await asyncio.sleep(0.05)
        assert not waiting.done()  # held, not refused
        gate.leave(0.05)
        assert await waiting is None  # handed the slot
        assert gate.busy == 1  # handed over, not freed and taken

    play(scene)


def test_a_batch_that_waits_too_long_is_told_when_to_come_back() -> None:
    async def scene() -> None:
        gate = IngestGate(1, hold=0.05)
        assert await gate.enter() is None
        wait = await gate.enter()
        assert wait is not None and 0 < wait <= LONGEST_WAIT
        gate.leave(0.01)
        assert gate.busy == 0  # nobody waits: the slot is free

    play(scene)


def test_a_client_that_goes_away_while_waiting_passes_its_slot_on() -> None:
    async def scene() -> None:
        gate = IngestGate(1, hold=5.0)
        assert await gate.enter() is None
        gone = asyncio.ensure_future(gate.enter())
        after = asyncio.ensure_future(gate.enter())
        await asyncio.sleep(0.01)
        gone.cancel()
        await asyncio.wait([gone])
        assert gone.cancelled()
        gate.leave(0.01)
        assert await after is None  # the slot went past the one that went away
        gate.leave(0.01)
        assert gate.busy == 0

    play(scene)


def test_the_time_a_batch_follows_the_last_batches_and_bounds_the_wait() -> None:
    async def scene() -> None:
        gate = IngestGate(1, hold=0, service=0.05)
        assert await gate.enter() is None
        for _ in range(50):
            gate.leave(2.0)
            assert await gate.enter() is None
        assert gate.service == pytest.approx(2.0, rel=0.01)
        waits = [await gate.enter() for _ in range(10)]
        assert waits[0] == pytest.approx(2.0, rel=0.05)
        assert max(w for w in waits if w is not None) == LONGEST_WAIT

    play(scene)


def test_no_limit_takes_every_batch() -> None:
    async def scene() -> None:
        gate = IngestGate(0)
        assert [await gate.enter() for _ in range(100)] == [None] * 100
        assert gate.status() == {"busy": 100, "limit": 0, "refused": 0}

    play(scene)


def test_while_there_is_a_line_a_batch_taken_is_given_a_place_for_the_next() -> None:
    async def scene() -> None:
        gate = IngestGate(1, hold=0, service=0.2)
        assert await gate.enter() is None
        gate.leave(0.2)
        assert gate.pace() is None  # nobody waits: send the next one at once
        assert await gate.enter() is None
        refused = await gate.enter()
        assert refused is not None
        gate.leave(0.2)
        pace = gate.pace()  # behind the one refused, not before it
        assert pace is not None and pace > refused
        assert gate.status()["refused"] == 1

    play(scene)
