"""The compiled kernels of matching give exactly what their NumPy forms give."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from model.kernels import best_application
from model.matching import draw_categories


def numpy_best_application(target: np.ndarray, score: np.ndarray, n_vac: int) -> np.ndarray:
    best = np.full(n_vac, -np.inf, np.float32)
    np.maximum.at(best, target, score)
    cand = np.nonzero(score == best[target])[0]
    pick = np.full(n_vac, -1, np.int64)
    pick[target[cand]] = cand
    return pick


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 400), st.integers(0, 3000),
       st.integers(1, 6))
def test_best_application_is_numpy_s_scatter_maximum_ties_to_the_last(seed, n_vac, n_app, levels):
    rng = np.random.default_rng(seed)
    target = rng.integers(0, n_vac, n_app)
    # few score levels: many ties, and some applications at -inf
    score = rng.integers(-1, levels, n_app).astype(np.float32)
    score[score < 0] = -np.inf
    assert np.array_equal(best_application(target, score, n_vac),
                          numpy_best_application(target, score, n_vac))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 30), st.integers(1, 60), st.integers(0, 5000))
def test_draw_categories_is_the_inverse_cdf_of_each_row(seed, n_rows, n_cat, n):
    rng = np.random.default_rng(seed)
    probs = rng.random((n_rows, n_cat)) * (rng.random((n_rows, n_cat)) < 0.5)
    probs[:, 0] += 1e-3  # every row has some mass
    probs /= probs.sum(axis=1, keepdims=True)
    rows = rng.integers(0, n_rows, n)
    got = draw_categories(np.random.default_rng(seed + 1), probs, rows)
    u = np.random.default_rng(seed + 1).random(n)
    cum = np.cumsum(probs, axis=1)
    cum[:, -1] = 1.0 + 1e-9
    want = np.array([np.searchsorted(cum[r], x, side="right") for r, x in zip(rows, u, strict=True)],
                    np.int64)
    assert np.array_equal(got, np.minimum(want, n_cat - 1))
