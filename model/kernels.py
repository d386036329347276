"""Compiled inner loops of matching (numba), each giving exactly the result of its NumPy form.

Screening is the one place where the monthly arrays are walked several times with scatter
operations (``np.maximum.at`` and a fancy assignment with repeated indices); one compiled pass
does both. The compiled functions are cached on disk where numba finds a writable place (beside
this file, or its user cache directory, or ``NUMBA_CACHE_DIR``), so a process compiles them once
(about 1 s) and later processes load them (about 0.3 s); where nothing is writable they are
compiled in every process instead.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numba import njit


def compiled(func: Callable) -> Callable:
    """``njit`` with the on-disk cache where numba can write one, without it otherwise."""
    try:
        return njit(cache=True, nogil=True)(func)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return njit(nogil=True)(func)


@compiled
def best_application(target: np.ndarray, score: np.ndarray, n_vacancies: int) -> np.ndarray:
    """For each vacancy, the index of its best application (-1 if it has none).

    The same as ``best = full(n, -inf); maximum.at(best, target, score)``, then
    ``cand = nonzero(score == best[target]); pick[target[cand]] = cand``: among tied best
    applications the last one is picked, as NumPy's assignment leaves the last of repeated
    indices.
    """
    best = np.full(n_vacancies, -np.inf, np.float32)
    for i in range(target.size):
        v = target[i]
        if score[i] > best[v]:
            best[v] = score[i]
    pick = np.full(n_vacancies, -1, np.int64)
    for i in range(target.size):
        v = target[i]
        if score[i] == best[v]:
            pick[v] = i
    return pick


@compiled
def step_to_category(flat_cum: np.ndarray, n_cat: int, rows: np.ndarray, start: np.ndarray,
                     u: np.ndarray) -> np.ndarray:
    """Inverse-CDF search from a lower bound: the first category with ``cum > u`` in each row.

    ``flat_cum`` is the (rows × categories) cumulative table, raveled; ``start[k]`` is a lower
    bound of the answer for draw ``k`` (from the lookup table of
    :func:`model.matching.draw_categories`).
    """
    out = np.empty(rows.size, np.int64)
    for k in range(rows.size):
        base = rows[k] * n_cat
        c = start[k]
        while flat_cum[base + c] <= u[k]:
            c += 1
        out[k] = min(c, n_cat - 1)
    return out
