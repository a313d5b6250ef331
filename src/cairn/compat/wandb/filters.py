"""W&B's MongoDB-style run filters and orders, translated to Cairn's filter language
(``cairn.store.filters``): ``{"$and": [{"config.lr": {"$lt": 0.01}}, {"tags": "best"}]}`` becomes
``(config["lr"] < 0.01) and ("best" in tags)``.

Fields: ``config.<path>`` (a trailing ``.value`` is dropped: W&B's stored form), ``summary_metrics.<key>``,
``tags``, ``state``, ``display_name``, ``name`` (W&B's name for the run id), ``group``, ``jobType``,
``sweep``, ``created_at`` (ISO dates or unix seconds). Operators: ``$and``, ``$or``, ``$nor``,
``$not``, ``$eq``, ``$ne``, ``$gt``, ``$gte``, ``$lt``, ``$lte``, ``$in``, ``$nin``, ``$regex``,
``$exists``. Anything else is a ``ValueError`` naming it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

_FIELDS = {
    "state": "state",
    "display_name": "name",
    "displayName": "name",
    "name": "id",
    "id": "id",
    "group": "group",
    "jobType": "job_type",
    "job_type": "job_type",
    "sweep": "sweep_id",
    "notes": "notes",
    "host": "host",
    "created_at": "created_at",
    "createdAt": "created_at",
}
_COMPARE = {"$eq": "==", "$ne": "!=", "$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}


def translate(filters: Mapping[str, Any] | None) -> str | None:
    """The Cairn filter expression for W&B's ``filters`` (None for no filter)."""
    if not filters:
        return None
    return _all(filters)


def order(order: str | None) -> str | None:
    """``"-summary_metrics.acc"`` → ``"-summary.acc"``; ``"+created_at"`` → ``"created_at"``."""
    if not order:
        return None
    sign = "-" if order.startswith("-") else ""
    name = order.lstrip("+-")
    if name.startswith("summary_metrics."):
        return f"{sign}summary.{name.split('.', 1)[1]}"
    if name.startswith("config."):
        return sign + _config_field(name)
    if name in _FIELDS:
        return sign + _FIELDS[name]
    raise ValueError(f"order={order!r}: order by created_at, config.<key> or summary_metrics.<key>")


def _all(clauses: Mapping[str, Any]) -> str:
    parts = [_clause(key, value) for key, value in clauses.items()]
    return parts[0] if len(parts) == 1 else " and ".join(f"({p})" for p in parts)


def _clause(key: str, value: Any) -> str:
    if key in ("$and", "$or", "$nor"):
        if not isinstance(value, list) or not value:
            raise ValueError(f"filters: {key} takes a non-empty list of conditions")
        joined = (" or " if key != "$and" else " and ").join(f"({_all(v)})" for v in value)
        return f"not ({joined})" if key == "$nor" else joined
    if key == "$not":
        return f"not ({_all(value)})"
    if key.startswith("$"):
        raise ValueError(f"filters: {key} is not supported here (use $and, $or, $nor, $not)")
    if key == "tags":
        return _tags(value)
    field = _field(key)
    if isinstance(value, Mapping) and value and all(str(k).startswith("$") for k in value):
        parts = [_operator(field, op, arg, key) for op, arg in value.items()]
        return " and ".join(parts)
    return f"{field} == {_literal(value, key)}"


def _operator(field: str, op: str, arg: Any, key: str) -> str:
    if op in _COMPARE:
        if arg is None:
            return f"{field} is null" if op == "$eq" else f"{field} is not null"
        return f"{field} {_COMPARE[op]} {_literal(arg, key)}"
    if op in ("$in", "$nin"):
        if not isinstance(arg, list):
            raise ValueError(f"filters: {key}: {op} takes a list")
        items = ", ".join(_literal(a, key) for a in arg)
        return f"{field} {'not in' if op == '$nin' else 'in'} [{items}]"
    if op == "$regex":
        return f"{field} ~ {json.dumps(str(arg))}"
    if op == "$exists":
        return f"{field} is {'not null' if arg else 'null'}"
    if op == "$not":
        return f"not ({_clause(key, arg)})"
    raise ValueError(f"filters: {key}: operator {op} is not supported")


def _tags(value: Any) -> str:
    if isinstance(value, str):
        return f"{json.dumps(value)} in tags"
    if isinstance(value, Mapping) and len(value) == 1:
        ((op, arg),) = value.items()
        names = arg if isinstance(arg, list) else [arg]
        if op in ("$in", "$eq"):
            return " or ".join(f"{json.dumps(str(t))} in tags" for t in names)
        if op in ("$nin", "$ne"):
            return " and ".join(f"{json.dumps(str(t))} not in tags" for t in names)
        if op == "$all":
            return " and ".join(f"{json.dumps(str(t))} in tags" for t in names)
    raise ValueError(f"filters: tags {value!r}: give a tag, or {{$in|$nin|$all: [...]}}")


def _field(key: str) -> str:
    if key.startswith("summary_metrics.") or key.startswith("summary."):
        return f"summary[{json.dumps(key.split('.', 1)[1])}]"
    if key.startswith("config."):
        return _config_field(key)
    if key in _FIELDS:
        return _FIELDS[key]
    raise ValueError(
        f"filters: field {key!r} is not known; use config.<key>, summary_metrics.<key>, tags, "
        f"state, display_name, name (the run id), group, jobType, sweep or created_at"
    )


def _config_field(key: str) -> str:
    path = key.split(".")[1:]
    if len(path) > 1 and path[-1] == "value":
        path = path[:-1]
    return "config" + "".join(f"[{json.dumps(p)}]" for p in path)


def _literal(value: Any, key: str) -> str:
    if key in ("created_at", "createdAt") and isinstance(value, str):
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return repr(moment.timestamp())
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return json.dumps(value)
    raise ValueError(f"filters: {key}: {value!r} is not a number, string, bool or null")
