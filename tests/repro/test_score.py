"""The reproducibility checklist and score, from capture dicts."""

from __future__ import annotations

from cairn.repro.score import checklist, score

FULL = {
    "git": {"commit": "abc123", "dirty": True, "diff": "+x", "diff_truncated": False},
    "environment": {"packages": {"numpy": {"version": "2.0"}}},
    "seeds": {"seed": 3},
    "command": {"argv": ["train.py"]},
}


def by_id(capture: dict, config: dict) -> dict:
    return {item["id"]: item["ok"] for item in checklist(capture, config)}


def test_everything_captured_scores_100_and_data_is_not_judged() -> None:
    assert score(FULL, {"lr": 0.1}) == 100
    items = by_id(FULL, {"lr": 0.1})
    assert items["data"] is None
    assert [i["id"] for i in checklist(FULL, {})] == [
        "commit", "tree", "environment", "seed", "data", "config"
    ]  # fmt: skip


def test_nothing_captured_has_no_score() -> None:
    assert score({}, {"lr": 1}) is None


def test_each_missing_part_costs_a_fifth() -> None:
    assert score(FULL, {}) == 80
    no_seed = {**FULL, "seeds": {"seed": None}}
    assert by_id(no_seed, {})["seed"] is False
    assert score(no_seed, {}) == 60
    cut = {**FULL, "git": {**FULL["git"], "diff_truncated": True}}
    assert by_id(cut, {"a": 1})["tree"] is False
    clean = {**FULL, "git": {"commit": "abc", "dirty": False}}
    assert by_id(clean, {"a": 1})["tree"] is True


def test_no_git_fails_commit_and_tree() -> None:
    only_env = {"environment": FULL["environment"]}
    items = by_id(only_env, {"a": 1})
    assert items["commit"] is False and items["tree"] is False and items["environment"] is True
    assert score(only_env, {"a": 1}) == 40


def test_a_run_whose_inputs_are_artifacts_has_its_data_versioned() -> None:
    items = checklist(FULL, {}, ["digits-train:v0"])
    data = next(i for i in items if i["id"] == "data")
    assert (data["ok"], data["detail"]) == (True, "digits-train:v0")
    assert score(FULL, {}, ["digits-train:v0"]) == round(100 * 5 / 6)
    many = [f"d{i}:v0" for i in range(5)]
    assert checklist(FULL, {}, many)[4]["detail"] == "d0:v0, d1:v0, d2:v0 and 2 more"
