"""Month-start figures reused from the previous month's close, and the padded ``nonzero``."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model import indices
from model.hydra_config import compose_config
from model.indicators import _duration_counts
from model.indices import nonzero
from model.region_model import RegionModel
from model.statuses import Status


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 40_000), share=st.floats(0.0, 1.0), seed=st.integers(0, 2**32 - 1))
def test_nonzero_is_numpys(n, share, seed):
    mask = np.random.default_rng(seed).random(n) < share
    assert np.array_equal(nonzero(mask), mask.nonzero()[0])


@pytest.mark.parametrize("share", [0.04, 0.07, 0.0999])
def test_nonzero_pads_in_the_slow_band(share, monkeypatch):
    """Masks in the padded band (long enough, 4-10 % set) give NumPy's exact answer."""
    monkeypatch.setattr(indices, "MIN_LENGTH", 16)
    rng = np.random.default_rng(1)
    for n in (100, 5_000, 120_000):
        mask = np.zeros(n, bool)
        mask[rng.permutation(n)[: int(share * n)]] = True
        assert indices.LOW * n <= np.count_nonzero(mask) < indices.HIGH * n
        got = nonzero(mask)
        assert got.dtype == np.intp
        assert np.array_equal(got, mask.nonzero()[0])
    ints = (rng.random(10_000) < 0.07).astype(np.int16)  # not only booleans
    assert np.array_equal(nonzero(ints), ints.nonzero()[0])


def test_month_start_counts_equal_a_recount():
    """The unemployed by duration and the group flags at a month's start, which the previous
    month's close computed, equal a fresh count at that moment (also across a change of the
    work condition, which changes the flags)."""
    m = RegionModel(compose_config(["scale=0.05", "end=2020-12",
                                    "rules.work_condition_change=2018-08"]))
    p, rec = m.people, m.recorder
    reused = []
    refresh = p.refresh_codes

    def check_then_refresh(known=None):
        if known is not None:
            assert np.array_equal(known, p.compute_group_code(slice(None)))
        reused.append(known is not None)
        refresh(known)

    p.refresh_codes = check_then_refresh
    for _ in range(15):
        t = m.t
        expected = _duration_counts(p.spell[p.status == Status.UNEMPLOYED])
        m.step()
        assert np.array_equal(rec.duration_stock[t], expected)
        assert reused[-1] == (t > 0 and t != 7)  # 2018-08: the work condition changes
    # A change of status after the close (a researcher moving someone) forces a recount.
    t = m.t
    un = np.flatnonzero(p.status == Status.UNEMPLOYED)[:5]
    p.move(un, Status.OUTSIDE, t - 1)
    expected = _duration_counts(p.spell[p.status == Status.UNEMPLOYED])
    m.step()
    assert not reused[-1]
    assert np.array_equal(rec.duration_stock[t], expected)
