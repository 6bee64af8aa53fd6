"""A small maximum-flow solver (Dinic), the exact method behind team assignment.

Edges are kept in flat lists (to, capacity) with the reverse edge at index ^ 1; adjacency lists
keep insertion order, so the same network always yields the same flow.
"""

from __future__ import annotations

from collections import deque


class FlowNetwork:
    def __init__(self) -> None:
        self.adjacency: list[list[int]] = []
        self.to: list[int] = []
        self.capacity: list[int] = []
        self.original: list[int] = []
        self.source = 0
        self.sink = 0

    def node(self) -> int:
        self.adjacency.append([])
        return len(self.adjacency) - 1

    def edge(self, a: int, b: int, capacity: int) -> int:
        """Add a → b; returns the edge's index (for ``flow``)."""
        index = len(self.to)
        self.to += [b, a]
        self.capacity += [max(capacity, 0), 0]
        self.original += [max(capacity, 0), 0]
        self.adjacency[a].append(index)
        self.adjacency[b].append(index + 1)
        return index

    def flow(self, edge: int) -> int:
        return self.original[edge] - self.capacity[edge]

    def max_flow(self) -> int:
        total = 0
        while True:
            level = self._levels()
            if level[self.sink] < 0:
                return total
            pointer = [0] * len(self.adjacency)
            while pushed := self._push(level, pointer):
                total += pushed

    def reachable(self) -> list[bool]:
        """Nodes reachable from the source in the residual network (the source side of a minimum cut)."""
        seen = [False] * len(self.adjacency)
        seen[self.source] = True
        queue = deque([self.source])
        while queue:
            v = queue.popleft()
            for e in self.adjacency[v]:
                w = self.to[e]
                if self.capacity[e] > 0 and not seen[w]:
                    seen[w] = True
                    queue.append(w)
        return seen

    def widen(self, edge: int, amount: int = 1) -> None:
        """Raise an edge's capacity; the flow found so far stays valid."""
        self.capacity[edge] += amount
        self.original[edge] += amount

    def _levels(self) -> list[int]:
        level = [-1] * len(self.adjacency)
        level[self.source] = 0
        queue = deque([self.source])
        while queue:
            v = queue.popleft()
            for e in self.adjacency[v]:
                w = self.to[e]
                if self.capacity[e] > 0 and level[w] < 0:
                    level[w] = level[v] + 1
                    queue.append(w)
        return level

    def _push(self, level: list[int], pointer: list[int]) -> int:
        """One augmenting path in the level graph (iterative DFS), returning the amount pushed."""
        path: list[int] = []
        v = self.source
        while True:
            if v == self.sink:
                amount = min(self.capacity[e] for e in path)
                for e in path:
                    self.capacity[e] -= amount
                    self.capacity[e ^ 1] += amount
                return amount
            edges = self.adjacency[v]
            advanced = False
            while pointer[v] < len(edges):
                e = edges[pointer[v]]
                w = self.to[e]
                if self.capacity[e] > 0 and level[w] == level[v] + 1:
                    path.append(e)
                    v = w
                    advanced = True
                    break
                pointer[v] += 1
            if advanced:
                continue
            if not path:
                return 0
            level[v] = -1  # dead end: never visit again in this phase
            e = path.pop()
            v = self.to[e ^ 1]
            pointer[v] += 1
