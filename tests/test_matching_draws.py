"""Matching's category draw is the inverse CDF of each row, whatever its lookup table."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from model.matching import draw_categories


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
