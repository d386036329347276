"""The register's own flows: each mechanism has a test that fails without it."""

import numpy as np
import pytest

from agents.coaches import contact_outcomes
from model.benefits import BenefitRules
from model.calendar import parse_month
from model.config import ContactRule
from model.indices import nonzero
from model.region_model import RegionModel
from model.statuses import Benefit, Status

SMALL = {"scale": 0.03}
NO_ACTIVATION = {"rules.obligations.activation_model_start": "2030-01",
                 "rules.obligations.activation_model_end": "2030-12"}


def model(end: str, **overrides) -> RegionModel:
    return RegionModel(**{**SMALL, "end": end, **overrides})


def unemployed(m: RegionModel) -> np.ndarray:
    return nonzero(m.people.status == Status.UNEMPLOYED)


def test_missed_contacts_end_registrations_and_rise_with_the_contacts_asked():
    lapsed = []
    for n in (1, 4):
        m = model("2018-01")
        idx = unemployed(m)
        kept = idx[m.register.ask(idx, n, m.t)]
        gone = np.setdiff1d(idx, kept)
        assert (m.people.status[gone] == Status.LAPSED).all()
        assert (m.people.status[kept] == Status.UNEMPLOYED).all()
        lapsed.append(len(gone))
    assert 0 < lapsed[0] < lapsed[1]
    # and in the running model: interviews every month ask more contacts than every six months
    # (detection and everything else held fixed)
    missed = [model("2019-12", **{"scenario.services.interview_interval_months": k})
              .run().series("missed_contacts").sum() for k in (6.0, 1.0)]
    assert missed[1] > 1.5 * missed[0]


def test_the_inactive_miss_more_and_people_without_benefit_more_than_on_the_allowance():
    m = model("2018-01")
    idx = unemployed(m)[:200]
    p = m.people
    base = m.register.miss_probability(idx)
    p.inactive[idx] = True
    assert (m.register.miss_probability(idx) > base).all()
    p.inactive[idx] = False
    p.benefit[idx] = Benefit.EARNINGS_RELATED
    on_erb = m.register.miss_probability(idx)
    p.sanction_days[idx] = 5.0
    assert (m.register.miss_probability(idx) > on_erb).all()


def test_contact_time_detects_inactivity_and_sanctions_follow():
    found = []
    for strength in (1.0, 4.0):
        m = model("2018-01")
        idx = unemployed(m)
        m.people.inactive[idx] = True
        res = contact_outcomes(ContactRule(detection=0.2), m.register.rng, m.people, m.t, idx,
                               np.ones(len(idx), np.int64), np.full(len(idx), strength))
        assert len(res.vacancy_referrals) == 0  # the inactive are referred nowhere
        found.append(len(res.detected))
    assert 0 < found[0] < found[1]
    # in the running model: more contact time held (more advisors' capacity) brings more to light
    # and more sanctions
    runs = [model("2019-06", **{"scenario.services.meetings_per_advisor": k}).run()
            for k in (15.0, 120.0)]
    detected = [r.series("inactivity_detected").sum() for r in runs]
    sanctions = [r.series("waiting_periods").sum() for r in runs]
    assert detected[1] > 1.3 * detected[0] and sanctions[1] > sanctions[0]


def test_the_nordic_sanctions_step_up_and_cut_the_benefit_by_the_rules_days():
    m = model("2022-05")
    t = parse_month("2022-06")
    person = unemployed(m)[:1]
    p = m.people
    days = []
    for _ in range(4):
        p.status[person] = Status.UNEMPLOYED
        p.sanction_days[person] = 0.0
        m.register.sanction(person, t)
        days.append(float(p.sanction_days[person][0]))
    assert days == [0.0, 5.0, 10.0, 60.0]  # reminder, 7 and 14 days, the work requirement
    # before 2022-05 the older waiting period; from 2026-03 seven days at once
    p.obligation_failures[person] = 0
    p.sanction_days[person] = 0.0
    m.register.sanction(person, parse_month("2021-06"))
    assert float(p.sanction_days[person][0]) == 43.0
    p.obligation_failures[person] = 0
    p.sanction_days[person] = 0.0
    m.register.sanction(person, parse_month("2026-04"))
    assert float(p.sanction_days[person][0]) == 5.0


def test_a_waiting_period_withholds_its_days_of_benefit():
    m = model("2018-01")
    rules = BenefitRules(m.config.rules)
    idx = unemployed(m)[:2]
    p = m.people
    p.benefit[idx] = Benefit.BASIC
    p.sanction_days[idx] = [5.0, 0.0]
    t = parse_month("2022-06")
    pay = rules.pay(p, t)
    at = {int(i): k for k, i in enumerate(pay.person)}
    full = m.config.rules.days_per_month * m.config.rules.basic_daily_allowance
    a, b = at[int(idx[0])], at[int(idx[1])]
    assert pay.euros[b] == pytest.approx(full)
    assert pay.euros[a] == pytest.approx(full * (1 - 5.0 / m.config.rules.days_per_month))
    assert pay.days_lost[a] == 5.0 and pay.days_lost[b] == 0.0
    assert p.sanction_days[idx[0]] == 0.0
    assert pay.withheld[a] == pytest.approx(full * 5.0 / m.config.rules.days_per_month)


def test_the_threat_of_a_sanction_raises_benefit_recipients_search_effort():
    """Runs that differ only in the threat are identical until the Nordic model starts; in its first
    month the paid unemployed search (1 + threat_effort) times as hard, nobody else differs."""
    runs = [model("2022-05", **NO_ACTIVATION, **{"region.population.threat_effort": k})
            for k in (0.0, 0.5)]
    t = parse_month("2022-05")
    for r in runs:
        while r.t < t:
            r.step()
        r.open_month(t)
        r.search_effort(t)
    a, b = runs
    np.testing.assert_array_equal(a._searchers, b._searchers)
    p = a.people
    s = a._searchers
    paid = (p.status[s] == Status.UNEMPLOYED) & (p.benefit[s] != 0) & (p.sanction_days[s] <= 0)
    assert paid.sum() > 10
    np.testing.assert_allclose(b._effort[paid], 1.5 * a._effort[paid], rtol=1e-6)
    np.testing.assert_array_equal(b._effort[~paid], a._effort[~paid])


def test_the_rules_switch_on_their_dates():
    m = model("2026-06").run()
    months = m.series("activation_cuts").index
    cuts = m.series("activation_cuts")
    assert cuts.loc["2018-04":"2019-12"].gt(0).all()
    assert cuts.loc["2018-01":"2018-03"].eq(0).all() and cuts.loc["2020-01":].eq(0).all()
    reminders = m.series("reminders")
    assert reminders.loc[:"2022-04"].eq(0).all() and reminders.loc["2022-05":"2026-02"].sum() > 0
    assert reminders.loc["2026-03":].eq(0).all()  # from 2026-03 the first failure costs 7 days
    assert m.series("waiting_periods").loc["2026-03":].sum() > 0
    assert len(months) == m.t
    r = m.register
    assert [r.activation_model(parse_month(x)) for x in ("2017-12", "2018-01", "2019-12", "2020-01")] \
        == [False, True, True, False]
    assert [r.nordic(parse_month(x)) for x in ("2022-04", "2022-05")] == [False, True]


def test_lapsed_people_register_again_with_their_history_and_can_be_hired():
    m = model("2019-12").run()
    assert m.series("reregistrations").sum() > 0
    assert m.series("lapsed").iloc[-1] > 0
    flows = m.recorder.flows.sum(axis=(0, 3))
    assert flows[Status.LAPSED, Status.EMPLOYED] > 0  # found work on their own
    assert flows[Status.LAPSED, Status.UNEMPLOYED] > 0
    assert flows[Status.UNEMPLOYED, Status.LAPSED] > 0


@pytest.mark.parametrize("override, message", [
    ("rules.obligations.nordic_start=2022-13", "rules.obligations.nordic_start"),
    ("rules.obligations.nordic_waiting_days=[]", "rules.obligations.nordic_waiting_days is empty"),
    ("region.population.miss_rate=0.9", "region.population.miss_rate = 0.9 is outside"),
    ("economy.local_demand_share=1.5", "economy.local_demand_share = 1.5 is outside"),
    ("region.population.unreported_work_share=0.7",
     "region.population.unreported_work_share = 0.7 is outside"),
    ("region.population.laid_off_effort=-0.1", "region.population.laid_off_effort = -0.1 is outside"),
    ("region.population.miss_heterogeneity=5", "region.population.miss_heterogeneity = 5.0 is outside"),
])
def test_bad_register_settings_are_refused_naming_the_field(override, message):
    from model.hydra_config import compose_config
    from model.params import ConfigError

    with pytest.raises(ConfigError, match=message):
        compose_config([override])


def test_referrals_to_services_fall_with_age_by_the_rule_s_gradient():
    m = model("2018-01", scale=0.2)
    idx = unemployed(m)
    m.people.inactive[idx] = False
    age = m.people.age_m[idx] / 12
    young, old = age < 30, age >= 55
    shares = {}
    for decline in (0.0, 0.05):
        rule = ContactRule(vacancy_referral=0.0, training_referral=0.15,
                           other_service_referral=0.15, subsidy_referral=0.0,
                           referral_age_decline=decline)
        res = contact_outcomes(rule, np.random.default_rng(5), m.people, m.t, idx,
                               np.ones(len(idx), np.int64), np.ones(len(idx)))
        referred = np.isin(idx, np.concatenate([res.training_referrals,
                                                res.other_service_referrals]))
        shares[decline] = (referred[young].mean(), referred[old].mean())
    (y0, o0), (y1, o1) = shares[0.0], shares[0.05]
    assert abs(y0 - o0) < 0.03  # no gradient: alike
    assert y1 > 2 * o1 and y1 > y0 and o1 < o0  # younger referred more, older less


def test_the_activation_rate_by_age_is_counted_among_jobseekers_of_the_ages():
    m = model("2018-03").run()
    p = m.people
    age = p.age_m // 12
    seeker = (p.status >= Status.SUBSIDISED) & (p.status <= Status.OTHER_SERVICE)
    svc = seeker & (p.status != Status.UNEMPLOYED)
    for lo, hi, name in ((25, 30, "25_29"), (60, 65, "60_64")):
        band = (age >= lo) & (age < hi)
        assert m.value(f"jobseekers_{name}", "2018-03") == pytest.approx(
            (seeker & band).sum() / 0.03)
        assert m.value(f"activation_rate_{name}", "2018-03") == pytest.approx(
            (svc & band).sum() / (seeker & band).sum())


def test_the_laid_off_are_under_no_search_obligation_in_the_first_months_of_their_layoff():
    """Detected not searching in the first ``laid_off_exempt_months`` of a layoff is no failure
    and brings no sanction; afterwards it does, as for anyone unemployed."""
    m = model("2018-01", **{"region.population.unavailable_share": 0.0})
    p = m.people
    idx = unemployed(m)
    p.temp_laid[idx], p.inactive[idx], p.sanction_days[idx] = True, True, 0.0
    p.obligation_failures[idx] = 0
    fresh, old = idx[0::2], idx[1::2]
    p.spell[fresh], p.spell[old] = 2, 3
    assert not m.register.obliged(fresh).any() and m.register.obliged(old).all()
    t = parse_month("2019-06")
    m.register.detected(idx, t)
    assert (p.sanction_days[fresh] == 0).all() and p.inactive[fresh].all()
    assert (p.sanction_days[old] > 0).all() and not p.inactive[old].any()
    # with no exemption the laid off are under the obligation from the first day
    m = model("2018-01", **{"rules.obligations.laid_off_exempt_months": 0})
    idx = unemployed(m)
    m.people.temp_laid[idx], m.people.spell[idx] = True, 0
    assert m.register.obliged(idx).all()


def test_a_job_search_report_not_made_is_a_reminder_not_a_lapse_and_binds_under_the_new_plan():
    """Under the Nordic model a recipient who misses the monthly report stays registered and is
    reminded (the first failure); only those whose plan was made under the model report."""
    m = model("2022-05", **{"region.population.miss_rate": 0.08,
                            "region.population.miss_earnings_related": 1.0,
                            "region.population.inactivity_rate": 0.0})
    t = parse_month("2022-06")
    p = m.people
    idx = unemployed(m)
    p.benefit[idx], p.temp_laid[idx], p.inactive[idx] = Benefit.BASIC, False, False
    p.obligation_failures[idx], p.sanction_days[idx] = 0, 0.0
    new_plan, old_plan = idx[0::2], idx[1::2]
    p.plan_date[new_plan], p.plan_date[old_plan] = t, parse_month("2022-03")
    m.register.month(t)
    assert (p.status[idx] == Status.UNEMPLOYED).all()  # nobody lapses for a report
    failed = new_plan[p.obligation_failures[new_plan] > 0]
    assert 0.04 * len(new_plan) < len(failed) < 0.14 * len(new_plan)
    assert (p.sanction_days[failed] == 0).all()  # a reminder, no days withheld
    assert (p.obligation_failures[old_plan] == 0).all()
    # nor do the recently laid off
    p.obligation_failures[idx] = 0
    p.plan_date[idx], p.temp_laid[idx], p.spell[idx] = t, True, 1
    m.register.month(t)
    assert (p.obligation_failures[idx] == 0).all()


def test_the_register_records_a_share_of_exits_to_work_as_lapsed_registrations():
    """Unreported exits to work are counted as lapses, as expected shares: nobody's path changes,
    every spell is counted once, and exits to work move to the lapsed at the rule's share."""
    from model.indicators import DESTINATIONS, record_unreported_work

    counts = np.zeros((len(DESTINATIONS), 2), np.int64)
    counts[DESTINATIONS.index("work")] = [8, 4]
    counts[DESTINATIONS.index("services")] = [3, 1]
    counts[DESTINATIONS.index("lapsed")] = [2, 0]
    rec = record_unreported_work(counts, 0.25)
    assert rec[DESTINATIONS.index("work")].tolist() == [6, 3]
    assert rec[DESTINATIONS.index("lapsed")].tolist() == [4, 1]
    assert rec[DESTINATIONS.index("services")].tolist() == [3, 1]
    assert counts[DESTINATIONS.index("work")].tolist() == [8, 4]  # the counts are not changed
    runs = [model("2019-12", **{"region.population.unreported_work_share": u}).run()
            for u in (0.0, 0.25)]
    a, b = (r.recorder for r in runs)
    np.testing.assert_array_equal(a.stocks, b.stocks)  # the same people, the same months
    work, lapsed = DESTINATIONS.index("work"), DESTINATIONS.index("lapsed")
    assert a.duration_exits[:, work].sum() > 100
    np.testing.assert_allclose(b.duration_exits[:, work], 0.75 * a.duration_exits[:, work])
    np.testing.assert_allclose(b.duration_exits[:, lapsed],
                               a.duration_exits[:, lapsed] + 0.25 * a.duration_exits[:, work])
    np.testing.assert_allclose(b.duration_exits.sum(axis=1), a.duration_exits.sum(axis=1))
    # the monthly events by group and municipality record the same
    ew, el = (a._ev[f"spells_ended_to_{d}"] for d in ("work", "lapsed"))
    np.testing.assert_allclose(b.events[..., ew], 0.75 * a.events[..., ew])
    np.testing.assert_allclose(b.events[..., el], a.events[..., el] + 0.25 * a.events[..., ew])
    sa, sb = a.destination_shares(0, 23), b.destination_shares(0, 23)
    assert sb["work"] == pytest.approx(0.75 * sa["work"])
    assert sb["lapsed"] == pytest.approx(sa["lapsed"] + 0.25 * sa["work"])


def test_the_temporarily_laid_off_search_another_employer_at_their_share_of_effort():
    """The same month's search with only the laid off's effort changed: the laid off search
    ``laid_off_effort`` times as hard as an unemployed person of their spell, nobody else moves."""
    from dataclasses import replace

    m = model("2019-03", **{"region.population.laid_off_effort": 0.2})
    t = parse_month("2019-03")
    while m.t < t:
        m.step()
    m.open_month(t)
    m.search_effort(t)
    s, a = m._searchers, m._effort.copy()
    pc = m.config.region.population
    m.config = replace(m.config, region=replace(m.config.region,
                                                population=replace(pc, laid_off_effort=0.6)))
    m.search_effort(t)
    np.testing.assert_array_equal(m._searchers, s)
    b, p = m._effort, m.people
    laid = p.temp_laid[s] & (p.status[s] == Status.UNEMPLOYED)
    assert laid.sum() > 5
    np.testing.assert_allclose(b[laid], 3.0 * a[laid], rtol=1e-6)
    np.testing.assert_array_equal(b[~laid], a[~laid])
    # against an unemployed person of the same spell who is not laid off, neither inactive
    # nor threatened by a sanction (2019: no sanctioned search obligation is in force)
    other = (~p.temp_laid[s]) & (p.status[s] == Status.UNEMPLOYED) & ~p.inactive[s]
    compared = 0
    for i in nonzero(laid & ~p.inactive[s]):
        same = nonzero(other & (p.spell[s] == p.spell[s[i]]))
        if len(same):
            assert a[i] == pytest.approx(0.2 * a[same[0]], rel=1e-6)
            compared += 1
    assert compared > 3


def test_people_keep_contacts_unequally_and_long_spells_hold_those_who_keep_them():
    from agents.population import miss_factors

    rng = np.random.default_rng(0)
    assert (miss_factors(rng, 5, 0.0) == 1.0).all()  # no variance: everyone alike, no draw
    f = miss_factors(rng, 200_000, 2.0)
    assert f.mean() == pytest.approx(1.0, abs=0.02) and f.var() == pytest.approx(2.0, rel=0.05)
    # survivors of an exposure E: gamma(k, k + E), mean k / (k + E)
    assert miss_factors(rng, 200_000, 2.0, np.full(200_000, 1.5)).mean() == pytest.approx(
        0.5 / 2.0, rel=0.03)
    # the miss probability scales with the person's factor
    m = model("2018-01", **{"region.population.miss_heterogeneity": 2.0})
    idx = unemployed(m)[:300]
    m.people.miss_factor[idx] = 1.0
    one = m.register.miss_probability(idx)
    m.people.miss_factor[idx] = 0.5
    assert np.allclose(m.register.miss_probability(idx), 0.5 * one)
    # everyone has a factor from the start; the initial long unemployed survived their spell:
    # lower factors than the newly unemployed
    m = model("2018-01", **{"region.population.miss_heterogeneity": 2.0})
    emp = nonzero(m.people.status == Status.EMPLOYED)
    assert m.people.miss_factor[emp].var() == pytest.approx(2.0, rel=0.25)
    assert m.people.miss_factor[emp].mean() == pytest.approx(1.0, rel=0.1)
    un = unemployed(m)
    spell, f = m.people.spell[un], m.people.miss_factor[un]
    assert f[spell >= 24].mean() < 0.8 * f[spell <= 2].mean()
    # those with high factors lapse more: the model's own selection leaves the low in long spells
    m = model("2018-01", **{"region.population.miss_heterogeneity": 2.0})
    idx = unemployed(m)
    high, low = idx[::2], idx[1::2]
    m.people.miss_factor[high], m.people.miss_factor[low] = 4.0, 0.25
    kept = idx[m.register.ask(idx, 2, m.t)]
    gone_high = len(high) - np.isin(high, kept).sum()
    gone_low = len(low) - np.isin(low, kept).sum()
    assert gone_high > 4 * max(gone_low, 1)
    # off: nobody's factor is drawn or used
    flat = model("2018-01", **{"region.population.miss_heterogeneity": 0.0})
    idx = unemployed(flat)
    assert (flat.people.miss_factor == 1.0).all()
    before = flat.register.miss_probability(idx)
    flat.people.miss_factor[idx] = 3.0
    assert np.array_equal(flat.register.miss_probability(idx), before)


def test_the_alternative_set_with_sorting_brings_the_lapses_of_long_spells_down():
    from model.hydra_config import compose_config

    assert compose_config([]).region.population.miss_heterogeneity == 0.0  # off as installed
    ratio = {}
    for cal in ("default", "lapse_sorting"):
        cfg = compose_config(["scale=0.1", "end=2019-12", f"calibration={cal}"])
        lapses = RegionModel(cfg).run().recorder.duration_profile(0, 23)["exit_to_lapsed"]
        ratio[cal] = lapses[["12-18", "18-24", ">24"]].mean() / lapses["<1"]
    assert compose_config(["calibration=lapse_sorting"]).region.population.miss_heterogeneity > 1
    # the register's: 0.14 (TEM 2015); the installed set's about 0.35
    assert ratio["lapse_sorting"] < 0.7 * ratio["default"]
