"""``run.summary``: last value by default, ``define_metric`` aggregates, explicit values win."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

import cairn
from cairn.sdk.summary import Summary

pytestmark = pytest.mark.usefixtures("no_open_run")

NAN = float("nan")


def _stored(store_dir: Path, run: cairn.Run) -> dict[str, Any]:
    return dict(cairn.Api(store_dir).run(run.path).summary)


def test_last_value_by_default(store_dir: Path) -> None:
    run = cairn.init(project="s")
    for loss in (3.0, 1.0, 2.0):
        run.log({"loss": loss, "nested": {"acc": loss / 10}})
    assert run.summary["loss"] == 2.0
    assert dict(run.summary) == {"loss": 2.0, "nested/acc": 0.2}
    assert cairn.summary is run.summary
    run.finish(quiet=True)
    assert _stored(store_dir, run) == {"loss": 2.0, "nested/acc": 0.2}


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("min", 1.0), ("max", 4.0), ("mean", 2.5), ("first", 3.0), ("last", 2.0)],
)
def test_define_metric_aggregates(store_dir: Path, kind: str, expected: float) -> None:
    run = cairn.init(project="s")
    run.define_metric("loss", summary=kind)
    for loss in (3.0, 1.0, NAN, 4.0, 2.0):
        run.log({"loss": loss, "other": loss})
    if kind in ("min", "max", "mean"):  # NaN is ignored
        assert run.summary["loss"] == expected
    run.finish(quiet=True)
    stored = _stored(store_dir, run)
    if kind in ("min", "max", "mean"):
        assert stored["loss"] == expected
    else:
        assert stored["loss"] == expected == run.summary["loss"]
    assert stored["other"] == 2.0


def test_nan_last_value_is_kept_and_all_nan_min_is_nan(store_dir: Path) -> None:
    run = cairn.init(project="s")
    run.define_metric("only_nan", summary="min")
    run.log({"last_nan": 1.0, "only_nan": NAN})
    run.log({"last_nan": NAN})
    assert math.isnan(run.summary["last_nan"])
    assert math.isnan(run.summary["only_nan"])
    run.finish(quiet=True)
    stored = _stored(store_dir, run)
    assert math.isnan(stored["last_nan"])
    assert stored["only_nan"] is None or math.isnan(stored["only_nan"])


def test_infinities_count_in_min_and_max(store_dir: Path) -> None:
    run = cairn.init(project="s")
    run.define_metric("lo", summary="min")
    run.define_metric("hi", summary="max")
    run.log({"lo": 1.0, "hi": 1.0})
    run.log({"lo": -math.inf, "hi": math.inf})
    assert run.summary["lo"] == -math.inf
    assert run.summary["hi"] == math.inf
    run.finish(quiet=True)


def test_none_leaves_a_key_out_and_globs_match(store_dir: Path) -> None:
    run = cairn.init(project="s")
    run.define_metric("val/*", summary="max")
    run.define_metric("debug/*", summary="none")
    run.log({"val": {"acc": 0.5, "f1": 0.7}, "debug": {"grad": 9.0}, "train/acc": 0.9})
    run.log({"val": {"acc": 0.6, "f1": 0.2}, "debug": {"grad": 1.0}, "train/acc": 0.1})
    expected = {"val/acc": 0.6, "val/f1": 0.7, "train/acc": 0.1}
    assert dict(run.summary) == expected
    assert "debug/grad" not in run.summary
    run.finish(quiet=True)
    assert _stored(store_dir, run) == expected


def test_latest_matching_rule_wins(store_dir: Path) -> None:
    run = cairn.init(project="s")
    run.define_metric("*", summary="min")
    run.define_metric("acc", summary="max")
    run.log({"acc": 0.2, "loss": 3.0})
    run.log({"acc": 0.9, "loss": 1.0})
    run.log({"acc": 0.5, "loss": 2.0})
    assert dict(run.summary) == {"acc": 0.9, "loss": 1.0}
    run.finish(quiet=True)
    assert _stored(store_dir, run) == {"acc": 0.9, "loss": 1.0}


def test_define_metric_after_logging_applies_to_what_was_logged(store_dir: Path) -> None:
    run = cairn.init(project="s")
    run.log({"loss": 1.0})
    run.log({"loss": 3.0})
    run.define_metric("loss", summary="min")
    assert run.summary["loss"] == 1.0
    run.finish(quiet=True)
    assert _stored(store_dir, run)["loss"] == 1.0


def test_define_metric_step_metric_is_accepted(store_dir: Path) -> None:
    run = cairn.init(project="s")
    run.define_metric("val/*", step_metric="epoch")
    cairn.define_metric("train/*", summary="mean")
    run.log({"epoch": 1, "val/acc": 0.5, "train/loss": 1.0})
    run.log({"epoch": 2, "val/acc": 0.6, "train/loss": 3.0})
    assert run.summary["val/acc"] == 0.6
    assert run.summary["train/loss"] == 2.0
    run.finish(quiet=True)


def test_bad_summary_kind_is_refused(store_dir: Path) -> None:
    run = cairn.init(project="s")
    with pytest.raises(ValueError, match=r"'median'.*min, max, mean, first, last, none"):
        run.define_metric("loss", summary="median")
    run.finish(quiet=True)


def test_explicit_values_win(store_dir: Path) -> None:
    run = cairn.init(project="s")
    run.define_metric("acc", summary="max")
    run.log({"acc": 0.5, "loss": 1.0})
    run.summary["acc"] = 0.42
    run.summary["best_epoch"] = 7
    run.summary.update({"note": "ok"}, tag=[1, 2])
    run.log({"acc": 0.9, "loss": 0.5})
    expected = {"acc": 0.42, "loss": 0.5, "best_epoch": 7, "note": "ok", "tag": [1, 2]}
    assert dict(run.summary) == expected
    assert len(run.summary) == 5
    run.finish(quiet=True)
    assert _stored(store_dir, run) == expected
    assert dict(run.summary) == expected


def test_deleting_an_explicit_value_shows_the_logged_one_again(store_dir: Path) -> None:
    run = cairn.init(project="s")
    run.log({"acc": 0.5})
    run.summary["acc"] = 1.0
    run.summary["extra"] = 2.0
    del run.summary["acc"]
    del run.summary["extra"]
    assert dict(run.summary) == {"acc": 0.5}
    with pytest.raises(KeyError, match="summary='none'"):
        del run.summary["acc"]
    run.finish(quiet=True)
    assert _stored(store_dir, run) == {"acc": 0.5}


def test_summary_values_that_json_cannot_hold_warn(store_dir: Path) -> None:
    run = cairn.init(project="s")
    with pytest.warns(UserWarning, match="best_model"):
        run.summary["best_model"] = object
    run.finish(quiet=True)
    assert _stored(store_dir, run) == {"best_model": repr(object)}


def test_summary_sees_pending_row_only_once_committed(store_dir: Path) -> None:
    run = cairn.init(project="s")
    run.log({"a": 1.0}, commit=False)
    assert "a" not in run.summary
    run.log({"b": 2.0})
    assert dict(run.summary) == {"a": 1.0, "b": 2.0}
    run.finish(quiet=True)


def test_offline_summary(store_dir: Path) -> None:
    run = cairn.init(project="s", mode="offline")
    run.define_metric("loss", summary="min")
    run.log({"loss": 2.0})
    run.log({"loss": 1.0})
    run.log({"loss": 3.0})
    assert run.summary["loss"] == 1.0
    run.finish(quiet=True)
    assert run.summary["loss"] == 1.0


def test_summary_change_after_finish_is_refused(store_dir: Path) -> None:
    run = cairn.init(project="s")
    run.finish(quiet=True)
    with pytest.raises(cairn.UsageError, match="finished"):
        run.summary["x"] = 1
    with pytest.raises(cairn.UsageError, match="finished"):
        run.define_metric("x", summary="max")


def test_summary_mapping_alone() -> None:
    computed = {"loss": 1.0}
    sets: list[tuple[dict[str, Any], list[str]]] = []
    summary = Summary(lambda: dict(computed), lambda s, r: sets.append((s, r)))
    summary["acc"] = 0.5
    assert dict(summary) == {"loss": 1.0, "acc": 0.5}
    computed["loss"] = 2.0
    assert summary["loss"] == 2.0
    del summary["acc"]
    assert sets == [({"acc": 0.5}, []), ({}, ["acc"])]
    assert "acc" not in summary
    assert repr(summary) == "Summary({'loss': 2.0})"
