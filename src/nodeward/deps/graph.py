"""Questions asked of a lockfile's graph: who is direct, who is dev-only, and how each is reached.

Dev-only is decided by reachability (a package no production or optional edge
reaches from any importer), not by the lockfile's `dev` flag alone: yarn and
pnpm 9 do not record one, and a flag can be stale.  Paths are enumerated
backwards from the package to the importers, shortest first, capped so a
package reached a million ways costs nothing.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from nodeward.deps.model import Edge, Lockfile, Package

__all__ = ["DependencyPath", "Graph", "MAX_PATHS"]

MAX_PATHS = 20
"""Paths kept per package; more are counted, then collapsed in reports."""
MAX_PATH_VISITS = 2000


@dataclass(frozen=True, slots=True)
class DependencyPath:
    importer: str
    """Importer folder (`""` for the root)."""
    steps: tuple[str, ...]
    """`importer-name > a@1.0.0 > b@2.0.0`, one item per hop, target last."""
    first_edge: Edge
    """The importer's own declaration that starts this path (for fix advice)."""
    last_spec: str
    """The range that asked for the target on the final hop."""


class Graph:
    """Precomputed reachability over one lockfile."""

    def __init__(self, lock: Lockfile) -> None:
        self.lock = lock
        self.parents: dict[str, list[tuple[str, Edge]]] = {}
        """package key -> (parent key or `importer:<path>`, edge) pairs."""
        for key, pkg in lock.packages.items():
            for e in pkg.dependencies:
                if e.target is not None and e.target in lock.packages:
                    self.parents.setdefault(e.target, []).append((key, e))
        self.direct: dict[str, list[tuple[str, Edge]]] = {}
        for imp in lock.importers:
            for e in imp.edges:
                if e.target is not None and e.target in lock.packages:
                    self.parents.setdefault(e.target, []).append((f"importer:{imp.path}", e))
                    self.direct.setdefault(e.target, []).append((imp.path, e))
        self.prod = self._reach(("prod", "optional", "peer"))
        self.any = self._reach(("prod", "optional", "peer", "dev"))
        self._names = {imp.path: imp.name for imp in lock.importers}
        self._dist: dict[str, int] | None = None
        self._labels: dict[str, str] = {}
        self._paths: dict[str, tuple[int, list[DependencyPath], int, bool]] = {}
        self._importers_of: dict[str, tuple[str, ...]] | None = None

    def _reach(self, kinds: tuple[str, ...]) -> set[str]:
        seen: set[str] = set()
        queue: deque[str] = deque()
        for imp in self.lock.importers:
            for e in imp.edges:
                if e.kind in kinds and e.target is not None and e.target in self.lock.packages and e.target not in seen:
                    seen.add(e.target)
                    queue.append(e.target)
        while queue:
            pkg = self.lock.packages[queue.popleft()]
            for e in pkg.dependencies:
                if e.target is not None and e.target in self.lock.packages and e.target not in seen:
                    seen.add(e.target)
                    queue.append(e.target)
        return seen

    def is_dev_only(self, key: str) -> bool:
        if key in self.prod:
            return False
        if key in self.any:
            return True
        return self.lock.packages[key].dev

    def importers_reaching(self, key: str) -> tuple[str, ...]:
        """Folders (relative to the lockfile) of every importer that reaches `key`, sorted.

        Unlike `paths`, which is capped, this is complete: scoping an ignore to a
        workspace must not depend on which paths made the cut.  One forward walk per
        importer, done once for the whole graph.
        """
        if self._importers_of is None:
            reach: dict[str, set[str]] = {}
            for imp in self.lock.importers:
                queue = deque(e.target for e in imp.edges if e.target is not None and e.target in self.lock.packages)
                seen: set[str] = set()
                while queue:
                    k = queue.popleft()
                    if k in seen:
                        continue
                    seen.add(k)
                    reach.setdefault(k, set()).add(imp.path)
                    queue.extend(e.target for e in self.lock.packages[k].dependencies if e.target is not None and e.target in self.lock.packages and e.target not in seen)
            self._importers_of = {k: tuple(sorted(v)) for k, v in reach.items()}
        return self._importers_of.get(key, ())

    def is_direct(self, key: str) -> bool:
        return key in self.direct

    def label(self, pkg: Package) -> str:
        cached = self._labels.get(pkg.key)
        if cached is None:
            base = f"{pkg.name}@{pkg.version}"
            cached = f"{pkg.alias} ({base})" if pkg.alias else base
            self._labels[pkg.key] = cached
        return cached

    def _distances(self) -> dict[str, int]:
        """Hops from the nearest importer to every reachable package (one BFS for the graph)."""
        if self._dist is not None:
            return self._dist
        dist: dict[str, int] = {}
        queue: deque[str] = deque()
        for imp in self.lock.importers:
            for e in imp.edges:
                if e.target is not None and e.target in self.lock.packages and e.target not in dist:
                    dist[e.target] = 1
                    queue.append(e.target)
        while queue:
            k = queue.popleft()
            for e in self.lock.packages[k].dependencies:
                t = e.target
                if t is not None and t in self.lock.packages and t not in dist:
                    dist[t] = dist[k] + 1
                    queue.append(t)
        self._dist = dist
        return dist

    def paths(self, key: str, limit: int = MAX_PATHS) -> tuple[list[DependencyPath], int, bool]:
        """Up to `limit` paths from importers to `key`, shortest first; the number found; and
        whether the search stopped early (at `limit` paths or its visit budget: there may be more).

        The walk goes upwards only to parents closer to an importer (or to direct
        dependencies), so it heads for the roots instead of wandering a dense graph;
        that keeps every shortest path and every "pulled in by direct dependency X"
        path while bounding the work.
        """
        cached = self._paths.get(key)
        if cached is not None and cached[0] >= limit:
            return cached[1][:limit], cached[2], cached[3]
        dist = self._distances()
        found: list[DependencyPath] = []
        total = 0
        queue: deque[tuple[str, tuple[str, ...], str]] = deque([(key, (key,), "")])
        visits = 0
        while queue and visits < MAX_PATH_VISITS and len(found) < limit:
            node, chain, last_spec = queue.popleft()
            visits += 1
            here = dist.get(node, 1 << 30)
            for parent, edge in self.parents.get(node, ()):
                spec = last_spec or edge.spec
                if parent.startswith("importer:"):
                    total += 1
                    if len(found) < limit:
                        imp = parent[len("importer:") :]
                        labels = [self._names.get(imp, imp) or "(root)"]
                        labels += [self.label(self.lock.packages[k]) for k in chain]
                        found.append(DependencyPath(imp, tuple(labels), edge, spec))
                    continue
                # Head for the roots: a strictly closer parent, or a direct dependency that
                # pulls the package in (what fix advice needs), never away from the roots.
                pd = dist.get(parent, 1 << 30)
                if parent in chain or (pd >= here and pd != 1):
                    continue
                queue.append((parent, (parent, *chain), spec))
        truncated = bool(queue)
        self._paths[key] = (limit, found, total, truncated)
        return found, total, truncated
