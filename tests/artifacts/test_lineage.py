"""The lineage graph's neighbourhood and left-to-right columns."""

from __future__ import annotations

from cairn.artifacts.lineage import around, directed

LINKS = [
    ("prep", 1, "logged"),  # prep -> data
    ("train", 1, "used"),  # data -> train
    ("train", 2, "logged"),  # train -> model
    ("eval", 2, "used"),  # model -> eval
    ("eval", 1, "used"),  # data -> eval (skips a column)
]


def test_columns_are_topological_depth() -> None:
    graph = around(directed(LINKS), "run:eval", hops=5)
    assert graph.nodes == {
        "run:prep": 0, "version:1": 1, "run:train": 2, "version:2": 3, "run:eval": 4
    }  # fmt: skip
    assert ("run:train", "version:2", "produced") in graph.edges
    assert ("version:1", "run:eval", "used") in graph.edges


def test_hops_limit_the_neighbourhood() -> None:
    graph = around(directed(LINKS), "run:train", hops=1)
    assert set(graph.nodes) == {"version:1", "run:train", "version:2"}
    assert graph.nodes["version:1"] < graph.nodes["run:train"] < graph.nodes["version:2"]
    assert around(directed(LINKS), "run:alone", hops=3).nodes == {"run:alone": 0}


def test_a_run_using_what_it_logged_does_not_hang() -> None:
    graph = around(directed([("r", 1, "logged"), ("r", 1, "used")]), "run:r", hops=2)
    assert set(graph.nodes) == {"run:r", "version:1"}
    assert len(set(graph.nodes.values())) == 2


def test_the_graph_is_cut_at_max_nodes() -> None:
    star = [(f"r{i}", 1, "used") for i in range(1000)]
    assert len(around(directed(star), "version:1", hops=2, max_nodes=50).nodes) == 50
