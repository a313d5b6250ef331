"""Every distribution's samples stay in range and have the statistics its definition promises."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np
import pytest

from cairn.sweeps.config import Parameter, load_sweep_config
from cairn.sweeps.distributions import sample

N = 20_000


def param(spec: dict[str, Any]) -> Parameter:
    parsed = load_sweep_config({"method": "random", "parameters": {"p": spec}}).parameters["p"]
    assert isinstance(parsed, Parameter)
    return parsed


def draw(spec: dict[str, Any], seed: int = 0) -> list[Any]:
    p, rng = param(spec), np.random.default_rng(seed)
    return [sample(p, rng) for _ in range(N)]


def test_constant() -> None:
    assert set(draw({"value": "adam"})) == {"adam"}


def test_categorical_is_uniform_without_probabilities() -> None:
    counts = Counter(draw({"values": ["a", "b", "c", "d"]}))
    assert set(counts) == {"a", "b", "c", "d"}
    for count in counts.values():
        assert count / N == pytest.approx(0.25, abs=0.015)


def test_categorical_respects_probabilities() -> None:
    counts = Counter(draw({"values": [16, 32, 64], "probabilities": [0.6, 0.3, 0.1]}))
    assert counts[16] / N == pytest.approx(0.6, abs=0.015)
    assert counts[32] / N == pytest.approx(0.3, abs=0.015)
    assert counts[64] / N == pytest.approx(0.1, abs=0.01)


def test_probabilities_rounded_to_seven_places_are_accepted() -> None:
    counts = Counter(draw({"values": [1, 2, 3], "probabilities": [0.3333333] * 3}))
    assert counts[1] / N == pytest.approx(1 / 3, abs=0.015)


def test_categorical_values_may_be_lists_and_zero_probability_never_drawn() -> None:
    samples = draw({"values": [[1, 2], [3], None], "probabilities": [0.5, 0.5, 0.0]})
    assert {tuple(s) for s in samples} == {(1, 2), (3,)}


def test_int_uniform_hits_every_integer_equally_including_both_ends() -> None:
    samples = draw({"distribution": "int_uniform", "min": 1, "max": 6})
    assert all(isinstance(s, int) for s in samples)
    counts = Counter(samples)
    assert sorted(counts) == [1, 2, 3, 4, 5, 6]
    for count in counts.values():
        assert count / N == pytest.approx(1 / 6, abs=0.015)


def test_uniform() -> None:
    x = np.array(draw({"distribution": "uniform", "min": -2.0, "max": 3.0}))
    assert x.min() >= -2.0 and x.max() <= 3.0
    assert x.mean() == pytest.approx(0.5, abs=0.04)
    assert x.std() == pytest.approx(5 / math.sqrt(12), abs=0.03)


def test_q_uniform_lands_on_multiples_of_q() -> None:
    x = draw({"distribution": "q_uniform", "min": 0, "max": 10, "q": 2.5})
    counts = Counter(x)
    assert sorted(counts) == [0.0, 2.5, 5.0, 7.5, 10.0]
    # Rounding gives the two ends half the mass of the inner points.
    assert counts[0.0] / N == pytest.approx(1 / 8, abs=0.015)
    assert counts[5.0] / N == pytest.approx(1 / 4, abs=0.015)
    assert np.mean(x) == pytest.approx(5.0, abs=0.08)


def test_q_uniform_with_whole_q_gives_ints() -> None:
    x = draw({"distribution": "q_uniform", "min": 0, "max": 64, "q": 8})
    assert all(isinstance(v, int) and v % 8 == 0 and 0 <= v <= 64 for v in x)


def test_log_uniform_values_is_uniform_in_log_space() -> None:
    x = np.array(draw({"distribution": "log_uniform_values", "min": 1e-4, "max": 1e-1}))
    assert x.min() >= 1e-4 and x.max() <= 1e-1
    logs = np.log10(x)
    assert logs.mean() == pytest.approx(-2.5, abs=0.03)
    assert logs.std() == pytest.approx(3 / math.sqrt(12), abs=0.02)
    # Each decade gets a third of the samples: log spacing, not linear.
    assert np.mean(x < 1e-3) == pytest.approx(1 / 3, abs=0.015)
    assert np.mean(x < 1e-2) == pytest.approx(2 / 3, abs=0.015)


def test_log_uniform_takes_exponent_bounds() -> None:
    x = np.array(draw({"distribution": "log_uniform", "min": -4, "max": 0}))
    assert x.min() >= math.exp(-4) and x.max() <= 1.0
    assert np.log(x).mean() == pytest.approx(-2.0, abs=0.04)
    assert np.log(x).std() == pytest.approx(4 / math.sqrt(12), abs=0.03)


def test_q_log_uniform_values() -> None:
    x = draw({"distribution": "q_log_uniform_values", "min": 8, "max": 512, "q": 8})
    assert all(isinstance(v, int) and v % 8 == 0 and 8 <= v <= 512 for v in x)
    assert float(np.median(x)) == pytest.approx(64, rel=0.15)  # geometric middle of 8 and 512
    assert np.mean(np.array(x) <= 64) == pytest.approx(0.5, abs=0.03)


def test_inv_log_uniform_values() -> None:
    x = np.array(draw({"distribution": "inv_log_uniform_values", "min": 0.01, "max": 1.0}))
    assert x.min() >= 0.01 and x.max() <= 1.0
    assert np.log10(x).mean() == pytest.approx(-1.0, abs=0.03)
    assert np.mean(x < 0.1) == pytest.approx(0.5, abs=0.015)


def test_normal() -> None:
    x = np.array(draw({"distribution": "normal", "mu": 2.0, "sigma": 3.0}))
    assert x.mean() == pytest.approx(2.0, abs=0.06)
    assert x.std() == pytest.approx(3.0, abs=0.06)
    assert np.mean(np.abs(x - 2.0) < 3.0) == pytest.approx(0.6827, abs=0.015)


def test_normal_defaults_to_standard() -> None:
    x = np.array(draw({"distribution": "normal"}))
    assert x.mean() == pytest.approx(0.0, abs=0.03)
    assert x.std() == pytest.approx(1.0, abs=0.03)


def test_q_normal() -> None:
    x = np.array(draw({"distribution": "q_normal", "mu": 0, "sigma": 5, "q": 2}))
    assert all(v % 2 == 0 for v in x)
    assert x.mean() == pytest.approx(0.0, abs=0.1)
    assert x.std() == pytest.approx(math.sqrt(25 + 4 / 12), abs=0.1)


def test_log_normal() -> None:
    x = np.array(draw({"distribution": "log_normal", "mu": 0.0, "sigma": 0.5}))
    assert x.min() > 0
    assert np.log(x).mean() == pytest.approx(0.0, abs=0.02)
    assert np.log(x).std() == pytest.approx(0.5, abs=0.02)


def test_q_log_normal() -> None:
    x = draw({"distribution": "q_log_normal", "mu": 3.0, "sigma": 0.5, "q": 1})
    assert all(isinstance(v, int) and v >= 0 for v in x)
    assert float(np.median(x)) == pytest.approx(math.exp(3.0), abs=1.0)


def test_beta() -> None:
    x = np.array(draw({"distribution": "beta", "a": 2, "b": 5}))
    assert x.min() >= 0.0 and x.max() <= 1.0
    assert x.mean() == pytest.approx(2 / 7, abs=0.01)
    assert x.std() == pytest.approx(math.sqrt(10 / (49 * 8)), abs=0.01)


def test_beta_defaults_to_uniform() -> None:
    x = np.array(draw({"distribution": "beta"}))
    assert x.mean() == pytest.approx(0.5, abs=0.01)
    assert x.std() == pytest.approx(1 / math.sqrt(12), abs=0.01)


def test_the_same_seed_gives_the_same_samples() -> None:
    spec = {"distribution": "log_normal", "mu": 1.0}
    assert draw(spec, seed=7)[:50] == draw(spec, seed=7)[:50]
    assert draw(spec, seed=7)[:50] != draw(spec, seed=8)[:50]
