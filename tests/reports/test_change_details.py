"""``cairn.reports.change_details`` and the moves of ``diff_blocks``: what a side-by-side view of
two versions shows for each block."""

from __future__ import annotations

from cairn.reports import Markdown, Panel
from cairn.reports.change_details import changed_fields, details, line_diff
from cairn.reports.report import diff_blocks


def test_a_block_taken_from_one_place_to_another_is_moved_not_removed_and_added() -> None:
    a, b, c = Markdown(text="a"), Markdown(text="b"), Panel(kind="line", keys=["loss"])
    changes = diff_blocks([a, b, c], [c, a, b])
    assert [(x.change, x.old_index, x.new_index) for x in changes] == [("moved", 2, 0)]
    assert diff_blocks([a, b], [a, b]) == []


def test_a_moved_block_inside_a_changed_stretch_is_not_paired_as_changed() -> None:
    a, m, o = Markdown(text="a"), Markdown(text="m"), Markdown(text="o")
    changes = diff_blocks([a, m, o], [o, a, Markdown(text="m2")])
    assert sorted((x.change, x.old_index, x.new_index) for x in changes) == [
        ("changed", 1, 2),
        ("moved", 2, 0),
    ]


def test_line_diff_marks_each_line() -> None:
    assert line_diff("a\nb\nc", "a\nB\nc\nd") == [
        {"op": "same", "text": "a"},
        {"op": "removed", "text": "b"},
        {"op": "added", "text": "B"},
        {"op": "same", "text": "c"},
        {"op": "added", "text": "d"},
    ]
    assert line_diff("", "new") == [{"op": "added", "text": "new"}]


def test_changed_fields_name_each_difference_once() -> None:
    old = {"kind": "line", "keys": ["loss"], "frozen": False}
    new = {"kind": "bar", "keys": ["loss"], "frozen": True, "title": "T"}
    assert changed_fields(old, new) == [
        {"field": "kind", "old": "line", "new": "bar"},
        {"field": "frozen", "old": False, "new": True},
        {"field": "title", "old": None, "new": "T"},
    ]


def test_details_give_fields_and_lines_only_for_a_changed_block() -> None:
    (change,) = diff_blocks([Markdown(text="x\ny")], [Markdown(text="x\nz")])
    out = details(change)
    assert out["change"] == "changed" and out["fields"][0]["field"] == "text"
    assert [line["op"] for line in out["lines"]] == ["same", "removed", "added"]
    (panel,) = diff_blocks([Panel(kind="line", keys=["a"])], [Panel(kind="bar", keys=["a"])])
    assert details(panel)["lines"] is None
    (added,) = diff_blocks([], [Markdown(text="new")])
    assert (details(added)["fields"], details(added)["lines"]) == ([], None)
