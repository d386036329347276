"""Random streams: one seeded generator per phase, so that phases do not share random numbers.

All streams are spawned from one ``numpy.random.SeedSequence(seed)`` by a fixed name order. Switching
a mechanism on in one phase therefore leaves the draws of every other phase unchanged (common random
numbers between paired scenario runs).
"""

from __future__ import annotations

import numpy as np

#: Stream names in spawn order. Append new names at the end only: the order fixes the streams.
STREAMS = (
    "init",
    "demography",
    "migration",
    "demand",
    "services",
    "education",
    "matching",
    "benefits",
    "interventions",
    "register",
)


def spawn_streams(seed: int) -> dict[str, np.random.Generator]:
    """One independent generator per stream name."""
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {name: np.random.default_rng(child) for name, child in zip(STREAMS, children, strict=True)}


def bernoulli_indices(rng: np.random.Generator, idx: np.ndarray, p: float | np.ndarray) -> np.ndarray:
    """The subset of ``idx`` for which an event with probability ``p`` happens.

    A scalar probability draws the number of events from a binomial and then which ones, which is
    much cheaper than one uniform per person when ``p`` is small.
    """
    n = len(idx)
    if n == 0:
        return idx[:0]
    if np.ndim(p) == 0:
        return idx[bernoulli_positions(rng, n, float(p))]
    return idx[rng.random(n) < p]


def bernoulli_positions(rng: np.random.Generator, n: int, p: float) -> np.ndarray:
    """Positions (ascending) among ``n`` at which an event with probability ``p`` happens.

    The draws of :func:`bernoulli_indices` with a scalar ``p``: ``bernoulli_indices(rng, idx, p)``
    is ``idx[bernoulli_positions(rng, len(idx), p)]``.
    """
    if n == 0 or p <= 0.0:
        return np.zeros(0, np.int64)
    if p >= 1.0:
        return np.arange(n)
    k = rng.binomial(n, p)
    if k == 0:
        return np.zeros(0, np.int64)
    pick = rng.choice(n, size=k, replace=False)
    pick.sort()
    return pick


def cdf_of(weights: np.ndarray | list[float]) -> np.ndarray:
    """Cumulative probabilities of (unnormalised) category weights, ending at exactly 1."""
    w = np.asarray(weights, dtype=float)
    cdf = np.cumsum(w / w.sum())  # the same arithmetic as rng.choice(p=w / w.sum())
    return cdf / cdf[-1]


def categorical(rng: np.random.Generator, cdf: np.ndarray, size: int) -> np.ndarray:
    """``size`` category indices drawn with cumulative probabilities ``cdf`` (see :func:`cdf_of`).

    The same draws as ``rng.choice(len(cdf), size, p=...)`` (one uniform each, inverse CDF),
    without ``choice``'s per-call validation, which dominates for the small draws of a month.
    """
    return cdf.searchsorted(rng.random(size), side="right")


def pick_uniform(rng: np.random.Generator, values: np.ndarray, size: int) -> np.ndarray:
    """``size`` elements of ``values`` drawn uniformly with replacement.

    The same draws as ``rng.choice(values, size)``, without its per-call overhead.
    """
    values = np.asarray(values)
    return values[rng.integers(0, len(values), size)]
