"""``cairn.seed_everything``: seeds random, numpy and torch, records what it did in the run."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import cairn
from cairn.sdk import session

QUIET = cairn.Settings(capture_git=False, save_code=False, capture_console=False)


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, no_open_run: None) -> Iterator[None]:
    """seed_everything sets PYTHONHASHSEED (and CUBLAS_WORKSPACE_CONFIG): put them back."""
    monkeypatch.delenv("CAIRN_SEED", raising=False)
    monkeypatch.setattr(session, "_seeding", None)
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def draws() -> tuple[float, float]:
    return random.random(), float(np.random.rand())


def test_the_same_seed_gives_the_same_numbers() -> None:
    cairn.seed_everything(11)
    first = draws()
    cairn.seed_everything(11)
    assert draws() == first
    cairn.seed_everything(12)
    assert draws() != first


def test_torch_is_seeded_too() -> None:
    torch = pytest.importorskip("torch")
    cairn.seed_everything(5)
    a = torch.rand(3)
    cairn.seed_everything(5)
    assert torch.equal(a, torch.rand(3))


def test_it_is_recorded_in_the_current_run(store_dir: Path) -> None:
    run = cairn.init(project="p", settings=QUIET)
    assert cairn.seed_everything(42) == 42
    run.finish(quiet=True)
    seeds = cairn.Api(store_dir).run(run.path).capture["seeds"]
    assert seeds["seed"] == 42 and seeds["requested"] == 42 and seeds["deterministic"] is False
    assert {"random", "numpy"} <= set(seeds["seeded"])


def test_seeding_before_init_goes_to_the_next_run_only(store_dir: Path) -> None:
    cairn.seed_everything(7)
    first = cairn.init(project="p", settings=QUIET)
    first.finish(quiet=True)
    second = cairn.init(project="p", settings=QUIET)
    second.finish(quiet=True)
    api = cairn.Api(store_dir)
    assert api.run(first.path).capture["seeds"]["seed"] == 7
    assert api.run(second.path).capture["seeds"] is None


def test_cairn_seed_replaces_the_seed_and_says_so(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAIRN_SEED", "99")
    run = cairn.init(project="p", settings=QUIET)
    assert cairn.seed_everything(1) == 99
    run.finish(quiet=True)
    seeds = cairn.Api(store_dir).run(run.path).capture["seeds"]
    assert seeds["seed"] == 99 and seeds["requested"] == 1
    assert any("CAIRN_SEED=99" in note for note in seeds["notes"])


def test_no_seed_draws_one_and_records_it() -> None:
    seed = cairn.seed_everything()
    assert 0 <= seed < 2**32


def test_deterministic_turns_on_torch_determinism(monkeypatch: pytest.MonkeyPatch) -> None:
    torch = pytest.importorskip("torch")
    monkeypatch.delenv("CUBLAS_WORKSPACE_CONFIG", raising=False)
    before = (torch.are_deterministic_algorithms_enabled(), torch.backends.cudnn.benchmark)
    recorded: list[dict[str, object]] = []
    monkeypatch.setattr(session, "record_seeding", recorded.append)
    try:
        cairn.seed_everything(3, deterministic=True)
        assert torch.are_deterministic_algorithms_enabled()
        assert torch.backends.cudnn.deterministic and not torch.backends.cudnn.benchmark
        assert recorded[0]["torch"]["deterministic_algorithms"] is True  # type: ignore[index]
        assert recorded[0]["torch"]["cublas_workspace_config"] == ":4096:8"  # type: ignore[index]
    finally:
        torch.use_deterministic_algorithms(before[0])
        torch.backends.cudnn.deterministic = False
        torch.backends.cudnn.benchmark = before[1]


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_a_bad_seed_is_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="non-negative integer"):
        cairn.seed_everything(bad)  # type: ignore[arg-type]
