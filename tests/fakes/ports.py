"""Free loopback ports for the suite's servers, kept apart between pytest-xdist workers.

A port that ``bind(("127.0.0.1", 0))`` found free is free only until its socket closes: until the
server started on it binds it (a second or more of imports), the kernel may give the same port
to another worker's server or to any outgoing connection. So each worker takes its ports from a
band of its own below the kernel's ephemeral range (never handed to outgoing connections), at
random within the band, never twice in a row, and only ports it can bind right now.
"""

from __future__ import annotations

import os
import random
import socket
from pathlib import Path

_BELOW_EPHEMERAL = 12000
"""How many ports under the ephemeral range the workers share."""

_given: set[int] = set()


def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _band() -> range:
    """This process's ports: its share of the band by xdist worker number (``gw3``)."""
    end = _ephemeral_start()
    start = max(1024, end - _BELOW_EPHEMERAL)
    workers = max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(worker[2:]) % workers if worker[2:].isdigit() else 0
    size = (end - start) // workers
    return range(start + index * size, start + (index + 1) * size)


def free_port() -> int:
    """A loopback TCP port no one listens on, for a server this test is about to start."""
    band = _band()
    if len(_given) > len(band) // 2:  # long ago handed out: free again unless still bound
        _given.clear()
    for _ in range(1000):
        port = random.choice(band)
        if port in _given:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _given.add(port)
        return port
    raise RuntimeError(f"no free loopback port in {band.start}-{band.stop - 1}")
