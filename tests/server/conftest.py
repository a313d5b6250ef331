"""A small project logged with the real SDK, served by a real ``cairn ui`` process; and a real
``cairn server`` whose users sign in (``team``).

The session's ``cairn ui`` is read-only by convention: tests that edit or delete make their own
store.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.fakes.server import Server, serve
from tests.fakes.team import Team, team_server

import cairn

LONG_STEPS = 3000


@dataclass(frozen=True)
class Demo:
    """What the session store holds: run ids by role."""

    store_dir: Path
    alpha: str  # finished, config with a nested model, tags baseline+small, loss/acc/val/acc
    beta: str  # finished, LONG_STEPS steps of loss with NaN, +Inf and -Inf, a list in config
    gamma: str  # failed, name with % and _, keys with '/', tag Odd_Tag
    empty: str  # finished, no config, no history
    elsewhere: str  # the only run of project "other"


def log_demo(store_dir: Path) -> Demo:
    alpha = cairn.init(
        project="demo",
        dir=store_dir,
        name="alpha",
        config={"lr": 0.1, "model": {"width": 64, "depth": 2}, "optimizer": "adam"},
        tags=["baseline", "small"],
        notes="the first one",
    )
    alpha.define_metric("val/*", summary="max")
    for step in range(50):
        alpha.log({"loss": 1 / (step + 1), "acc": step / 50})
        if step % 10 == 9:
            alpha.log({"val/acc": step / 60}, commit=False)
    alpha.summary["best"] = 0.9
    alpha.finish(quiet=True)

    beta = cairn.init(
        project="demo",
        dir=store_dir,
        name="beta",
        config={"lr": 0.01, "model": {"width": 128}, "layers": [64, 32]},
        tags=["sweep"],
    )
    for step in range(LONG_STEPS):
        value = math.sin(step / 50)
        if step == 100:
            value = math.nan
        elif step == 200:
            value = math.inf
        elif step == 300:
            value = -math.inf
        beta.log({"loss": value})
    beta.log({"loss": math.nan})  # the summary ends as NaN
    beta.finish(quiet=True)

    gamma = cairn.init(
        project="demo",
        dir=store_dir,
        name="gamma_100%",
        config={"lr": 0.001, "model": {"width": 64}},
        tags=["sweep", "Odd_Tag"],
        group="g1",
        job_type="train",
    )
    for step in range(20):
        gamma.log({"train/loss": 2 - step / 10, "epoch": step / 4})
    gamma.finish(exit_code=1, quiet=True)

    empty = cairn.init(project="demo", dir=store_dir, name="empty")
    empty.finish(quiet=True)

    elsewhere = cairn.init(project="other", dir=store_dir, name="elsewhere", config={"lr": 1.0})
    elsewhere.log({"loss": 1.0})
    elsewhere.finish(quiet=True)
    return Demo(store_dir, alpha.id, beta.id, gamma.id, empty.id, elsewhere.id)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return log_demo(tmp_path_factory.mktemp("server") / ".cairn")


@pytest.fixture(scope="session")
def server(demo: Demo) -> Iterator[Server]:
    with serve(demo.store_dir) as running:
        yield running


@pytest.fixture(scope="session")
def api(server: Server) -> Iterator[httpx.Client]:
    """A client of the session server, based at ``/api/v1``."""
    with httpx.Client(base_url=f"{server.url}/api/v1", timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    """``cairn server`` with users ann, bob and cy (``tests.fakes.team``), shared by the session's
    tests of signing in and of API keys. The sign-in tests lock bob's password out for a while
    (rate limit) and set cy's again: the others sign in as ann."""
    with team_server(tmp_path_factory.mktemp("team") / ".cairn") as running:
        yield running
