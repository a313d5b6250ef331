"""Artifact references and names."""

from __future__ import annotations

import pytest

from cairn.artifacts.names import check_alias, parse_ref


def test_parse_ref() -> None:
    assert parse_ref("data", "p") == ("p", "data", "latest")
    assert parse_ref("data:v3", "p") == ("p", "data", "v3")
    assert parse_ref("data:best", "p") == ("p", "data", "best")
    assert parse_ref("other/data:best", "p") == ("other", "data", "best")
    assert parse_ref("team:a/data:v0", "p") == ("team:a", "data", "v0")
    assert parse_ref("team:a/data", "p") == ("team:a", "data", "latest")


@pytest.mark.parametrize("ref", ["", "a/", "data:", "data:a b", "p/..:v1", "p/da ta"])
def test_bad_refs_are_refused(ref: str) -> None:
    with pytest.raises(ValueError):
        parse_ref(ref, "p")


def test_aliases_may_not_look_like_versions() -> None:
    assert check_alias("best") == "best"
    assert check_alias("v1-candidate") == "v1-candidate"
    for bad in ("v1", "12", "latest/x"):
        with pytest.raises(ValueError):
            check_alias(bad)
