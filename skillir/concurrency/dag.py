"""The workflow DAG: tasks numbered in document order, weighted by cost, with labelled
dependency edges; the longest (critical) path; conversion to networkx.

Every edge the extraction makes points forward in document order (order, artifact and
"step N" edges alike), so document order is a topological order and the critical path
is one linear pass. The hot path stays in plain Python; `to_networkx` (networkx imported
lazily, ~100 ms) is for drawing and for cross-checking in tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(slots=True)
class Dag:
    cost: dict[int, int] = field(default_factory=dict)
    """Node id -> cost (ms)."""
    deps: dict[int, dict[int, str]] = field(default_factory=dict)
    """Node id -> {predecessor id: why}."""
    label: dict[int, str] = field(default_factory=dict)

    def add_node(self, node: int, cost: int, label: str = "") -> None:
        self.cost[node] = cost
        self.deps.setdefault(node, {})
        if label:
            self.label[node] = label

    def add_edge(self, source: int, target: int, why: str) -> None:
        self.deps.setdefault(target, {})[source] = why

    @property
    def nodes(self) -> list[int]:
        return sorted(self.cost)

    def edges(self) -> Iterable[tuple[int, int, str]]:
        for target in self.nodes:
            for source, why in self.deps.get(target, {}).items():
                yield source, target, why

    def topological(self) -> list[int]:
        """The nodes in a topological order (Kahn's algorithm, smallest id first);
        raises ValueError on a cycle."""
        import heapq

        indegree = {n: 0 for n in self.cost}
        succ: dict[int, list[int]] = {n: [] for n in self.cost}
        for source, target, _ in self.edges():
            if source in succ and target in indegree:
                succ[source].append(target)
                indegree[target] += 1
        ready = [n for n, d in indegree.items() if d == 0]
        heapq.heapify(ready)
        order = []
        while ready:
            node = heapq.heappop(ready)
            order.append(node)
            for nxt in succ[node]:
                indegree[nxt] -= 1
                if indegree[nxt] == 0:
                    heapq.heappush(ready, nxt)
        if len(order) != len(self.cost):
            raise ValueError("the workflow graph has a cycle")
        return order

    def critical_path(self, weight: dict[int, int] | None = None,
                      extra: Iterable[tuple[int, int]] = ()) -> tuple[list[int], int]:
        """The heaviest path (node ids) and its weight; `extra` adds edges (e.g. the
        chaining of a group the harness runs one member after another)."""
        weight = weight if weight is not None else self.cost
        preds: dict[int, list[int]] = {n: list(self.deps.get(n, {})) for n in self.cost}
        for source, target in extra:
            preds.setdefault(target, []).append(source)
        forward = all(s < t for t, ps in preds.items() for s in ps)
        order = self.nodes if forward else self.topological()
        best: dict[int, int] = {}
        back: dict[int, int | None] = {}
        for node in order:
            top, arg = 0, None
            for p in preds.get(node, ()):
                if p in best and (best[p] > top or (best[p] == top and arg is not None and p < arg)):
                    top, arg = best[p], p
            best[node] = top + weight.get(node, 0)
            back[node] = arg
        if not best:
            return [], 0
        end = max(order, key=lambda n: (best[n], -n))
        path = []
        node: int | None = end
        while node is not None:
            path.append(node)
            node = back[node]
        path.reverse()
        return path, best[end]

    def to_networkx(self):
        """A `networkx.DiGraph` with `cost`/`label` node attributes and `why` on edges."""
        import networkx as nx

        graph = nx.DiGraph()
        for node in self.nodes:
            graph.add_node(node, cost=self.cost[node], label=self.label.get(node, ""))
        for source, target, why in self.edges():
            graph.add_edge(source, target, why=why)
        return graph


def speedup(total: int, critical: int) -> float:
    """total / critical, rounded to two decimals, never below 1.0."""
    if critical <= 0:
        return 1.0
    return max(1.0, round(total / critical, 2))
