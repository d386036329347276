"""Structural unemployment and the activation rate on hand-built histories."""

import numpy as np
import pytest

from agents.people import People
from model.indicators import STOCKS, Recorder
from model.statuses import Benefit, Status


def build():
    """Seven people with known histories (all in municipality 0, aged 40, native speakers)."""
    rows = [
        # status, previous, spell, months unemployed of last 16, long-term before service
        ("A", Status.UNEMPLOYED, Status.EMPLOYED, 14, 14, False),  # long-term unemployed
        ("B", Status.UNEMPLOYED, Status.EMPLOYED, 3, 13, False),  # 13 of 16: comparable
        ("C", Status.UNEMPLOYED, Status.TRAINING, 2, 5, True),  # back from a service
        ("D", Status.OTHER_SERVICE, Status.TRAINING, 2, 0, True),  # service to service
        ("E", Status.TRAINING, Status.UNEMPLOYED, 1, 12, True),  # first service after LTU
        ("F", Status.UNEMPLOYED, Status.EMPLOYED, 3, 4, False),  # short spell
        ("G", Status.EMPLOYED, Status.UNEMPLOYED, 5, 0, False),
    ]
    p = People(capacity=len(rows), n_muni=2)
    idx = p.allocate(len(rows))
    for i, (_, st, prev, spell, u16, lt) in zip(idx, rows, strict=True):
        p.status[i], p.prev_status[i], p.spell[i] = st, prev, spell
        p.unemp_months16[i], p.lt_before_service[i] = u16, lt
        p.age_m[i] = 40 * 12
        p.benefit[i] = Benefit.BASIC if st != Status.EMPLOYED else Benefit.NONE
        p.plan_date[i] = 0
    return p


def recorded(p, t=0):
    rec = Recorder(1, ["X", "Y"], scale=1.0, plan_valid=6)
    rec.close(t, p, lambda people, idx, t: np.zeros(people.capacity, bool)[idx], p.take_transitions())
    df = rec.to_frame()
    return df[(df.group == "all") & (df.municipality == "region")].set_index("indicator")["value"]


def test_four_structural_components():
    v = recorded(build())
    assert v["structural_long_term"] == 1  # A
    assert v["structural_comparable"] == 1  # B
    assert v["structural_after_service"] == 1  # C
    assert v["structural_service_to_service"] == 1  # D
    assert v["structural_unemployment"] == 4
    assert v["long_term_unemployed"] == 1
    assert v["ltu_risk"] == 0


def test_activation_rate_and_broad_unemployment():
    v = recorded(build())
    assert v["unemployed"] == 4 and v["in_services"] == 2
    assert v["activation_rate"] == pytest.approx(2 / 6)
    assert v["broad_unemployment"] == 6
    # long-term: services after a long-term history (D, E) over those plus the LTU (A)
    assert v["activation_rate_long_term"] == pytest.approx(2 / 3)
    assert v["unemployment_rate"] == pytest.approx(4 / 5)


def test_groups_split_the_population():
    p = build()
    p.foreign[:2] = True
    p.age_m[2] = 25 * 12
    rec = Recorder(1, ["X", "Y"], scale=1.0, plan_valid=6)
    rec.close(0, p, lambda people, idx, t: np.ones(people.capacity, bool)[idx], p.take_transitions())
    k = STOCKS.index("working_age")
    total = rec.stocks[0, 0, :, k].sum()
    target, non_target = rec.stocks[0, 1, :, k].sum(), rec.stocks[0, 2, :, k].sum()
    assert total == 7 and target + non_target == total
    assert rec.stocks[0, 4, :, k].sum() == 2  # foreign-language
    assert rec.stocks[0, 3, :, k].sum() == 1  # under 30


def test_plan_backlog_counts_out_of_date_plans():
    p = build()
    p.plan_date[:] = -10
    v = recorded(p, t=0)
    assert v["plans_up_to_date"] == 0 and v["plan_backlog"] == 6


def test_a_subsidised_job_ends_a_spell_to_services_not_to_work():
    """As in TEM's register: the open labour market is "work", a wage-subsidised job a service."""
    p = People(capacity=3, n_muni=2)
    idx = p.allocate(3)
    p.age_m[idx] = 40 * 12
    p.enter(idx, Status.UNEMPLOYED, t=0)
    p.take_transitions()
    p.move(idx[:1], Status.SUBSIDISED, t=1)
    p.move(idx[1:2], Status.EMPLOYED, t=1)
    p.move(idx[2:], Status.TRAINING, t=1)
    rec = Recorder(1, ["X", "Y"], scale=1.0, plan_valid=6)
    rec.close(0, p, lambda people, i, t: np.zeros(people.capacity, bool)[i], p.take_transitions())
    v = rec.to_frame()
    v = v[(v.group == "all") & (v.municipality == "region")].set_index("indicator")["value"]
    assert v["spells_ended_to_work"] == 1
    assert v["spells_ended_to_services"] == 2


def test_indicator_look_ups_match_the_table():
    from model.hydra_config import compose_config
    from model.region_model import RegionModel

    m = RegionModel(compose_config(["scale=0.03", "end=2018-12", "scenario=kuntakokeilu"])).run()
    df = m.indicator_frame(from_start=False)
    for ind, muni, group in (("unemployment_rate", "region", "all"), ("employed", "Lahti", "under30"),
                             ("structural_unemployment", "Hollola", "target"),
                             ("activation_rate", "region", "foreign_language"),
                             ("clients_per_advisor", "region", "all"), ("cost_coaching", "region", "all")):
        sel = df[(df.indicator == ind) & (df.municipality == muni) & (df.group == group)]
        np.testing.assert_allclose(m.series(ind, muni, group).to_numpy(), sel.value.to_numpy(float),
                                   equal_nan=True, err_msg=f"{ind} {muni} {group}")
        last = sel.month.astype(str).iloc[-1]
        assert m.value(ind, last, muni, group) == pytest.approx(float(sel.value.iloc[-1]), nan_ok=True)
    assert np.isnan(m.value("employed", "2030-01"))
    with pytest.raises(KeyError):
        m.series("no_such_indicator")


def test_exit_profile_counts_elapsed_durations_like_the_register():
    """Exits by their elapsed duration (completed months s at the month's start spread half a
    month either way), over the unemployed at the months' starts by elapsed duration (s - 1/2)."""
    from model.indicators import SPELL_BINS

    rec = Recorder(1, ["A"], scale=1.0, plan_valid=12)
    s = np.arange(SPELL_BINS)
    rec.duration_stock[0] = np.where(s >= 1, 100.0, 0.0)
    rec.duration_exits[0, 0] = np.where(s >= 1, s, 10.0)  # 10 exits in the spell's first month
    rates = rec.duration_profile()["exit_to_work"].to_numpy()
    expected = [
        (10 + 0.5 * 1) / 100,  # <1: first month, half of s=1; stock s=1 (elapsed 0-1)
        (0.5 * 1 + 2 + 0.5 * 3) / 200,  # 1-3: stock s=2, 3
        (0.5 * 3 + 4 + 5 + 0.5 * 6) / 300,  # 3-6: stock s=4..6
        (0.5 * 6 + 7 + 8 + 9 + 10 + 11 + 0.5 * 12) / 600,  # 6-12: s=7..12
        (0.5 * 12 + 13 + 14 + 15 + 16 + 17 + 0.5 * 18) / 600,  # 12-18: s=13..18
        (0.5 * 18 + 19 + 20 + 21 + 22 + 23 + 0.5 * 24) / 600,  # 18-24: s=19..24
        (0.5 * 24 + 25) / 100,  # >24: s = 25 or more
    ]
    assert np.allclose(rates, expected)


def test_a_job_found_before_a_known_end_is_no_register_spell():
    """Hired in the month a job (after its notice), studies or a service ended: the register sees
    no spell, neither its start nor its end; from outside the labour force it is a spell even if
    it ends in the same month."""
    p = People(capacity=5, n_muni=2)
    idx = p.allocate(5)
    p.age_m[idx] = 40 * 12
    p.enter(idx[[0, 4]], Status.EMPLOYED, t=0)
    p.enter(idx[1:2], Status.STUDENT, t=0)
    p.enter(idx[2:4], Status.OUTSIDE, t=0)
    p.close_month()
    p.take_transitions()
    p.move(idx, Status.UNEMPLOYED, t=1)
    p.move(idx[:3], Status.EMPLOYED, t=1)
    rec = Recorder(1, ["X", "Y"], scale=1.0, plan_valid=6)
    rec.close(0, p, lambda people, i, t: np.zeros(people.capacity, bool)[i], p.take_transitions())
    v = rec.to_frame()
    v = v[(v.group == "all") & (v.municipality == "region")].set_index("indicator")["value"]
    assert v["spells_ended_to_work"] == 1  # the one from outside the labour force
    assert v["inflow_to_unemployment"] == 3  # that one, and the two still unemployed
