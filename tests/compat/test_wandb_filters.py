"""W&B's MongoDB-style filters and orders as Cairn filter expressions."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from cairn.compat.wandb.filters import order, translate
from cairn.store.filters import compile_filter, compile_order


@pytest.mark.parametrize(
    ("mongo", "expression"),
    [
        ({"config.lr": 0.1}, 'config["lr"] == 0.1'),
        ({"config.model.width.value": {"$gte": 8}}, 'config["model"]["width"] >= 8'),
        ({"summary_metrics.val/acc": {"$gt": 0.5, "$lt": 0.9}},
         'summary["val/acc"] > 0.5 and summary["val/acc"] < 0.9'),
        ({"$or": [{"state": "finished"}, {"state": {"$ne": "failed"}}]},
         '(state == "finished") or (state != "failed")'),
        ({"$and": [{"tags": "a"}, {"display_name": {"$regex": "^b"}}]},
         '("a" in tags) and (name ~ "^b")'),
        ({"tags": {"$nin": ["x", "y"]}}, '"x" not in tags and "y" not in tags'),
        ({"name": {"$in": ["r1", "r2"]}}, 'id in ["r1", "r2"]'),
        ({"summary_metrics.loss": {"$exists": False}}, 'summary["loss"] is null'),
        ({"$nor": [{"group": "g"}]}, 'not ((group == "g"))'),
        ({"created_at": {"$gt": "1970-01-02T00:00:00"}}, "created_at > 86400.0"),
        ({"config.flag": True, "jobType": "train"}, '(config["flag"] == true) and (job_type == "train")'),
    ],
)  # fmt: skip
def test_filters_translate_and_parse(mongo: dict[str, object], expression: str) -> None:
    assert translate(mongo) == expression
    compile_filter(expression, sa.literal("finished"))  # the language takes it


def test_unknown_fields_and_operators_are_named() -> None:
    with pytest.raises(ValueError, match="field 'heartbeat'"):
        translate({"heartbeat": 1})
    with pytest.raises(ValueError, match=r"\$where"):
        translate({"config.a": {"$where": "x"}})


def test_orders() -> None:
    assert order("-summary_metrics.acc") == "-summary.acc"
    assert order("+created_at") == "created_at"
    assert order("config.model.width") == 'config["model"]["width"]'
    compile_order('-summary.acc,config["model"]["width"]', sa.literal("finished"))
    assert translate(None) is None and order(None) is None
