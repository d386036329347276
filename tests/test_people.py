import numpy as np

from agents.people import FIELDS, People, popcount16, popcount32
from model.rng import bernoulli_indices
from model.statuses import Status


def make(n=5):
    p = People(capacity=n, n_muni=2)
    idx = p.allocate(n)
    p.age_m[idx] = 40 * 12
    p.enter(idx, Status.UNEMPLOYED, t=0)
    p.reset_flows()
    return p, idx


def test_popcounts():
    x = np.array([0, 1, 0xFFFF, 0b1010], dtype=np.uint16)
    assert popcount16(x).tolist() == [0, 1, 16, 2]
    y = np.array([(1 << 28) - 1, 1 << 20 | 1], dtype=np.uint32)
    assert popcount32(y).tolist() == [28, 2]


def test_move_counts_flows_and_keeps_previous_status():
    p, idx = make()
    p.move(idx[:2], Status.EMPLOYED, t=1)
    flows = p.reset_flows()
    assert flows[Status.UNEMPLOYED, Status.EMPLOYED].sum() == 2
    assert (p.prev_status[idx[:2]] == Status.UNEMPLOYED).all()
    assert (p.spell[idx[:2]] == 0).all()


def test_long_term_history_follows_a_chain_of_services():
    p, idx = make(1)
    for _ in range(13):
        p.close_month()
    assert p.spell[idx[0]] == 13 and p.unemp_months16[idx[0]] == 13
    p.move(idx, Status.TRAINING, t=13)
    assert p.lt_before_service[idx[0]]
    p.move(idx, Status.OTHER_SERVICE, t=14)
    assert p.lt_before_service[idx[0]]  # service to service keeps the history
    p.move(idx, Status.UNEMPLOYED, t=15)
    assert p.lt_before_service[idx[0]]  # back in unemployment from a service
    p.move(idx, Status.EMPLOYED, t=16)
    assert not p.lt_before_service[idx[0]]


def test_short_history_does_not_make_a_service_structural():
    p, idx = make(1)
    for _ in range(3):
        p.close_month()
    p.move(idx, Status.TRAINING, t=3)
    assert not p.lt_before_service[idx[0]]


def test_leave_frees_the_slot_and_allocate_reuses_or_grows():
    p, idx = make(3)
    p.leave(idx[:1], t=1)
    assert p.status[idx[0]] == Status.EMPTY and p.n_active == 2
    again = p.allocate(2)
    assert idx[0] in again
    assert p.capacity >= 4


def test_allocate_gives_the_lowest_free_slots_in_order():
    p, idx = make(40)
    rng = np.random.default_rng(3)
    for _ in range(30):
        p.leave(rng.choice(np.flatnonzero(p.active), size=rng.integers(0, 4), replace=False), t=1)
        n = int(rng.integers(0, 5))
        expected = np.flatnonzero(p.status == Status.EMPTY)
        got = p.allocate(n)
        if len(expected) >= n:
            assert got.tolist() == expected[:n].tolist()
        p.enter(got, Status.EMPLOYED, t=1)
        assert p._free_slots().tolist() == np.flatnonzero(p.status == Status.EMPTY).tolist()


def test_sample_active_draws_as_bernoulli_indices_over_the_occupied():
    p, idx = make(200)
    p.leave(idx[::7], t=1)
    p.leave(idx[150:][idx[150:] % 7 != 0], t=1)
    for prob in (0.0, 0.05, 0.5, 1.0):
        a, b = np.random.default_rng(5), np.random.default_rng(5)
        got = p.sample_active(a, prob)
        assert got.tolist() == bernoulli_indices(b, np.flatnonzero(p.active), prob).tolist()
        assert a.random() == b.random()


def test_a_left_slot_holds_every_field_empty():
    p, idx = make(2)
    for name, (dtype, _empty) in FIELDS.items():  # give every field a non-empty value
        arr = getattr(p, name)
        arr[idx] = np.array(1 if dtype == np.bool_ else 7, dtype=dtype)
    p.status[idx] = Status.SUBSIDISED
    p.leave(idx[:1], t=1)
    for name, (dtype, empty) in FIELDS.items():
        assert getattr(p, name)[idx[0]] == np.array(empty, dtype=dtype), name


def test_views():
    p, idx = make(2)
    view = p.view(int(idx[0]))
    assert view["status"] == "unemployed" and view["age"] == 40
    df = p.to_frame()
    assert len(df) == 2 and set(df.status) == {"unemployed"}


def test_a_new_jobseeker_is_classified_by_entitlement_before_the_benefit_is_set():
    from model.statuses import Benefit
    p, idx = make(3)
    p.work_condition_months = 6.0
    p.fund[idx] = [True, False, True]
    p.work_months28[idx] = [20, 20, 2]
    p.benefit[idx] = Benefit.NONE  # a spell begun this month: the benefit phase has not run
    no_erb = (p.compute_group_code(idx) >> 3) & 1
    assert no_erb.tolist() == [0, 1, 1]  # only the fund member who worked is entitled
    target = p.compute_group_code(idx) & 1
    assert target.tolist() == [0, 1, 1]  # aged 40, not foreign-language
    p.benefit[idx] = [Benefit.BASIC, Benefit.EARNINGS_RELATED, Benefit.BASIC]
    assert ((p.compute_group_code(idx) >> 3) & 1).tolist() == [1, 0, 1]  # once set, it decides
