"""Comparing summary metrics: exact, within rtol, within spread, differs, missing; the verdict."""

from __future__ import annotations

import math

import pytest

from cairn.repro.compare import compare_metric, compare_summaries, verdict


def test_exact() -> None:
    m = compare_metric("acc", 0.9, [0.9], rtol=0.0)
    assert (m.status, m.abs_diff, m.rel_diff, m.mean, m.std) == ("exact", 0.0, 0.0, 0.9, 0.0)


def test_nan_matches_nan() -> None:
    assert compare_metric("loss", math.nan, [math.nan], rtol=0.0).status == "exact"


def test_a_difference_without_tolerance_differs() -> None:
    m = compare_metric("acc", 0.9, [0.91], rtol=0.0)
    assert m.status == "differs" and m.abs_diff == pytest.approx(0.01)
    assert m.rel_diff == pytest.approx(0.01 / 0.9)


def test_within_rtol() -> None:
    assert compare_metric("acc", 0.9, [0.90089], rtol=1e-3).status == "within rtol"
    assert compare_metric("acc", 0.9, [0.91], rtol=1e-3).status == "differs"


def test_within_the_spread_of_several_seeds() -> None:
    m = compare_metric("acc", 0.90, [0.89, 0.91, 0.92], rtol=0.0)
    assert m.status == "within spread" and m.std == pytest.approx(0.015275, rel=1e-4)
    far = compare_metric("acc", 0.5, [0.89, 0.91, 0.92], rtol=0.0)
    assert far.status == "differs"


def test_zero_original_has_infinite_relative_difference() -> None:
    assert compare_metric("x", 0.0, [1.0], rtol=0.5).rel_diff == math.inf


def test_missing_and_non_numeric() -> None:
    assert compare_metric("acc", 0.9, [None], rtol=0.0).status == "missing"
    assert compare_metric("best", "ep3", ["ep3"], rtol=0.0).status == "exact"
    assert compare_metric("best", "ep3", ["ep4"], rtol=0.0).status == "differs"


def test_the_verdict_names_what_differs() -> None:
    metrics = compare_summaries(
        {"acc": 0.9, "loss": 0.1, "nested": {"a": 1}}, [{"acc": 0.9, "loss": 0.2}], rtol=0.0
    )
    assert [m.key for m in metrics] == ["acc", "loss"]  # nested values are not compared
    assert verdict(metrics) == "not reproduced"
    assert [m.key for m in metrics if not m.ok] == ["loss"]
    assert verdict(metrics[:1]) == "reproduced"
