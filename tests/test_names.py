"""Run ids (8 random base-36 characters) and display names ``adjective-noun-counter``."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

import cairn
from cairn.names import ADJECTIVES, NOUNS, display_name, new_run_id

pytestmark = pytest.mark.usefixtures("no_open_run")

NAME = re.compile(r"^([a-z]+)-([a-z]+)-(\d+)$")


def test_ids_are_8_base36_characters_and_distinct() -> None:
    ids = [new_run_id() for _ in range(2000)]
    assert all(re.fullmatch(r"[0-9a-z]{8}", i) for i in ids)
    assert len(set(ids)) == len(ids)
    assert len(set("".join(ids))) > 30  # the whole alphabet is used, not a subset


def test_display_name_shape() -> None:
    for counter in (1, 12, 1000):
        match = NAME.match(display_name(counter))
        assert match is not None
        assert match.group(1) in ADJECTIVES
        assert match.group(2) in NOUNS
        assert int(match.group(3)) == counter


def test_display_name_is_reproducible_with_a_seeded_rng() -> None:
    assert display_name(3, random.Random(7)) == display_name(3, random.Random(7))


def test_word_lists_are_clean() -> None:
    for words in (ADJECTIVES, NOUNS):
        assert len(words) == len(set(words)) >= 50
        assert all(re.fullmatch(r"[a-z]+", w) for w in words)


def _counter(run: cairn.Run) -> int:
    match = NAME.match(run.name)
    assert match is not None, run.name
    return int(match.group(3))


def test_counter_per_project_in_one_store(store_dir: Path) -> None:
    counters: dict[str, list[int]] = {"a": [], "b": []}
    for project in ("a", "a", "b", "a", "b"):
        run = cairn.init(project=project)
        counters[project].append(_counter(run))
        run.finish(quiet=True)
    assert counters == {"a": [1, 2, 3], "b": [1, 2]}
    stored = {r.id: r.name for r in cairn.Api(store_dir).runs()}
    assert all(NAME.match(n) for n in stored.values())


def test_counter_is_per_store(tmp_path: Path) -> None:
    for folder in ("one", "two"):
        run = cairn.init(project="p", dir=tmp_path / folder)
        assert _counter(run) == 1
        run.finish(quiet=True)


def test_name_overrides(store_dir: Path) -> None:
    run = cairn.init(project="p", name="baseline lr=1e-3")
    assert run.name == "baseline lr=1e-3"
    run.finish(quiet=True)
    assert cairn.Api(store_dir).run(run.path).name == "baseline lr=1e-3"
    following = cairn.init(project="p")
    assert _counter(following) == 2
    following.finish(quiet=True)


def test_run_id_is_random_unless_given(store_dir: Path) -> None:
    first = cairn.init(project="p")
    first.finish(quiet=True)
    second = cairn.init(project="p")
    second.finish(quiet=True)
    assert re.fullmatch(r"[0-9a-z]{8}", first.id)
    assert first.id != second.id
    chosen = cairn.init(project="p", id="my-run_1")
    assert chosen.id == "my-run_1"
    chosen.finish(quiet=True)


@pytest.mark.parametrize("bad", ["", "Upper", "-lead", "a/b", "x" * 65, "sp ace"])
def test_bad_ids_are_refused(store_dir: Path, bad: str) -> None:
    with pytest.raises(ValueError, match="run ids"):
        cairn.init(project="p", id=bad)
