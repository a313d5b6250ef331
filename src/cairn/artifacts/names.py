"""Artifact names, aliases and references (``name:alias``, ``project/name:v3``), validated."""

from __future__ import annotations

import re

_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


def check_name(name: object, what: str = "artifact name") -> str:
    """``name`` if it is 1-128 of ``A-Z a-z 0-9 _ . -`` (and not ``.``/``..``), else ValueError."""
    if not isinstance(name, str) or not _NAME.match(name) or name in (".", ".."):
        raise ValueError(
            f"{what} {name!r}: use 1-128 letters, digits, '_', '.' or '-' "
            "(e.g. 'digits-train' or 'mlp_model.v2')"
        )
    return name


def check_alias(alias: object) -> str:
    name = check_name(alias, "alias")
    if (name[1:].isdigit() and name[0] == "v") or name.isdigit():
        raise ValueError(f"alias {name!r} looks like a version number; pick a word like 'best'")
    return name


def parse_ref(ref: str, project: str) -> tuple[str, str, str]:
    """``(project, name, selector)`` of ``[project/]name[:alias|:vN]``; the selector defaults to
    ``latest`` and the project to ``project``."""
    if not isinstance(ref, str) or not ref:
        raise ValueError(
            f"artifact reference {ref!r}: give 'name:alias', e.g. 'digits-train:latest'"
        )
    head, sep, selector = ref.rpartition(":")  # a project name may hold ':', a selector not
    if sep and not selector:
        raise ValueError(f"artifact reference {ref!r}: give an alias or version after ':'")
    if not sep or "/" in selector:
        head, selector = ref, ""
    other, _, name = head.rpartition("/")
    if other:
        project = other
    check_name(name)
    selector = selector or "latest"
    if not (selector[1:].isdigit() and selector[0] == "v"):
        check_name(selector, "alias")
    return project, name, selector
