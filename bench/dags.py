"""DAG shapes for the makespan benchmark. Every shape is covered by at most ``width`` chains, so
its width is at most ``width`` (Dilworth) and ``width`` workers can reach the critical path."""

from __future__ import annotations

import random


def fork_join(n: int, width: int, rng: random.Random) -> dict[str, list[str]]:
    """Series-parallel: stages of up to ``width`` parallel chains, joined between stages."""
    parents: dict[str, list[str]] = {}
    previous: list[str] = []
    i = 0
    while i < n:
        chains = rng.randint(2, width)
        ends = []
        for _ in range(chains):
            length = rng.randint(1, 4)
            last = previous[:]
            for _ in range(length):
                if i >= n:
                    break
                key = f"t{i}"
                parents[key] = last
                last = [key]
                i += 1
            if last and last != previous:
                ends += last
        previous = ends or previous
    return parents


def crossed_chains(n: int, width: int, rng: random.Random) -> dict[str, list[str]]:
    """Not series-parallel: ``width`` chains with random cross links (N shapes everywhere)."""
    chains: list[list[str]] = [[] for _ in range(width)]
    parents: dict[str, list[str]] = {}
    for i in range(n):
        key = f"t{i}"
        chain = chains[i % width]
        deps = [chain[-1]] if chain else []
        other = chains[rng.randrange(width)]
        if other and other is not chain and rng.random() < 0.5:
            deps.append(other[-1])
        parents[key] = deps
        chain.append(key)
    return parents
