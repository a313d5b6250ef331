"""MLflow search filters (``metrics.acc > 0.9 and params.lr = '0.1'``) in Cairn's filter language.

MLflow's grammar is a conjunction of ``<entity>.<key> <op> <value>`` clauses; keys may be quoted
with backticks or double quotes. ``metrics.*`` become ``summary.*``, ``params.*`` ``config.*``
(params are strings, compared as strings), ``tags.mlflow.runName`` and ``attributes.run_name`` the
run's name, ``attributes.status`` its state; user tags are kept as ``key=value`` Cairn tags.
"""

from __future__ import annotations

import json
import re

CLAUSE = re.compile(
    r"""\s*(?P<entity>metrics?|params?|parameters?|tags?|attributes?|attr|run)\.
        (?P<key>`[^`]+`|"[^"]+"|[\w./-]+)\s*
        (?P<op>!=|>=|<=|=|>|<|(?:NOT\s+)?I?LIKE|IN)\s*
        (?P<value>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\([^)]*\)|[-+\w.]+)\s*""",
    re.X | re.I,
)
AND = re.compile(r"\s+and\s+", re.I)
STATES = {"RUNNING": "running", "FINISHED": "finished", "FAILED": "failed", "KILLED": "failed"}


class MlflowFilterError(ValueError):
    """A filter this translation does not handle; the message names the part."""


def _value(text: str) -> str | float:
    if text[:1] in "'\"":
        return text[1:-1].replace("\\'", "'").replace('\\"', '"')
    try:
        return float(text)
    except ValueError:
        raise MlflowFilterError(f"{text!r} is not a number or a quoted string") from None


def _field(name: str) -> str:
    return json.dumps(name)


def translate(text: str) -> str:
    """The Cairn filter for MLflow filter ``text`` ("" when empty); MlflowFilterError."""
    if not text.strip():
        return ""
    parts = []
    for clause in AND.split(text.strip()):
        match = CLAUSE.fullmatch(clause)
        if not match:
            raise MlflowFilterError(f"cannot translate {clause.strip()!r}")
        entity = match["entity"].lower().rstrip("s")
        key = match["key"].strip('`"')
        op = match["op"].upper()
        raw = match["value"]
        if op not in ("=", "!=", ">", ">=", "<", "<="):
            raise MlflowFilterError(f"{op} is not supported yet; use = != < <= > >=")
        cop = "==" if op == "=" else op
        value = _value(raw)
        if entity == "metric":
            if not isinstance(value, float):
                raise MlflowFilterError(f"metrics.{key} compares with a number")
            parts.append(f"summary[{_field(key)}] {cop} {value!r}")
        elif entity in ("param", "parameter"):
            parts.append(f"config[{_field(key)}] {cop} {json.dumps(str(value))}")
        elif entity in ("attribute", "attr", "run") and key in ("status",):
            state = STATES.get(str(value).upper())
            if state is None or cop not in ("==", "!="):
                raise MlflowFilterError(f"attributes.status {op} {raw} is not supported")
            parts.append(f"state {cop} {json.dumps(state)}")
        elif (entity == "tag" and key == "mlflow.runName") or (
            entity in ("attribute", "attr", "run") and key == "run_name"
        ):
            parts.append(f"name {cop} {json.dumps(str(value))}")
        elif entity == "tag" and cop in ("==", "!="):
            tag = json.dumps(f"{key}={value}")
            parts.append(f"{tag} in tags" if cop == "==" else f"{tag} not in tags")
        else:
            raise MlflowFilterError(f"cannot translate {clause.strip()!r}")
    return " and ".join(parts)
