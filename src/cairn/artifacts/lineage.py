"""The lineage graph around one node: runs and artifact versions, ``produced`` (run → version)
and ``used`` (version → run) edges, laid out in columns left to right.

Columns are topological depth within the shown nodes (the longest path from a node with no
inputs), so inputs sit left of the runs that used them and outputs right of the runs that made
them. A cycle (a run that uses what it logged) is broken at an arbitrary but stable edge.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

MAX_NODES = 300
"""A graph bigger than this is cut (the nearest nodes are kept)."""


@dataclass(frozen=True)
class Graph:
    nodes: dict[str, int]
    """``{node: column}``, columns from 0; nodes are ``run:<id>`` and ``version:<id>``."""
    edges: list[tuple[str, str, str]]
    """``(source, target, kind)`` with kind ``produced`` or ``used``."""


def directed(links: Sequence[tuple[str, int, str]]) -> list[tuple[str, str, str]]:
    """Store links ``(run_id, version_id, logged|used)`` as directed graph edges."""
    out: set[tuple[str, str, str]] = set()
    for run_id, version_id, kind in links:
        run, version = f"run:{run_id}", f"version:{version_id}"
        if kind == "logged":
            out.add((run, version, "produced"))
        else:
            out.add((version, run, "used"))
    return sorted(out)


def around(
    edges: Sequence[tuple[str, str, str]], start: str, hops: int, max_nodes: int = MAX_NODES
) -> Graph:
    """The nodes within ``hops`` edges of ``start`` (either direction), with their columns."""
    forward: dict[str, list[str]] = {}
    backward: dict[str, list[str]] = {}
    for source, target, _kind in edges:
        forward.setdefault(source, []).append(target)
        backward.setdefault(target, []).append(source)
    distance = {start: 0}
    queue = deque([start])
    while queue and len(distance) < max_nodes:
        node = queue.popleft()
        if distance[node] >= hops:
            continue
        for other in (*forward.get(node, []), *backward.get(node, [])):
            if other not in distance and len(distance) < max_nodes:
                distance[other] = distance[node] + 1
                queue.append(other)
    kept = [(s, t, k) for s, t, k in edges if s in distance and t in distance]
    return Graph(_layers(sorted(distance), kept), kept)


def _layers(nodes: list[str], edges: list[tuple[str, str, str]]) -> dict[str, int]:
    """Longest-path depth of each node (Kahn's algorithm; a cycle is entered at its first node)."""
    inputs = {n: 0 for n in nodes}
    forward: dict[str, list[str]] = {}
    for source, target, _kind in edges:
        inputs[target] += 1
        forward.setdefault(source, []).append(target)
    layer = dict.fromkeys(nodes, 0)
    done: set[str] = set()
    ready = deque(n for n in nodes if inputs[n] == 0)
    while len(done) < len(nodes):
        if not ready:  # only cycles left: start at the first waiting node
            ready.append(next(n for n in nodes if n not in done))
        node = ready.popleft()
        if node in done:
            continue
        done.add(node)
        for other in forward.get(node, []):
            if other in done:
                continue
            layer[other] = max(layer[other], layer[node] + 1)
            inputs[other] -= 1
            if inputs[other] == 0:
                ready.append(other)
    return layer
