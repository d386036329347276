import numpy as np
import pytest

from agents.people import People
from model.benefits import BenefitRules
from model.calendar import parse_month
from model.hydra_config import compose_config
from model.statuses import Benefit, Status


@pytest.fixture(scope="module")
def rules():
    return BenefitRules(compose_config().rules)


def person(status, benefit, lms=0.0, ub=0.0):
    p = People(capacity=1, n_muni=1)
    i = p.allocate(1)
    p.status[i], p.benefit[i], p.lms_days[i], p.ub_days[i] = status, benefit, lms, ub
    p.erb_days_left[i] = 300
    return p


@pytest.mark.parametrize("status, benefit, lms, ub, month, share", [
    (Status.UNEMPLOYED, Benefit.BASIC, 100, 100, "2022-01", 0.0),
    (Status.UNEMPLOYED, Benefit.BASIC, 350, 350, "2022-01", 0.5),
    (Status.UNEMPLOYED, Benefit.BASIC, 1200, 1200, "2022-01", 0.7),
    (Status.TRAINING, Benefit.BASIC, 1200, 1200, "2022-01", 0.0),  # not during services
    (Status.UNEMPLOYED, Benefit.EARNINGS_RELATED, 0, 350, "2022-01", 0.0),
    (Status.UNEMPLOYED, Benefit.EARNINGS_RELATED, 0, 150, "2025-03", 0.1),  # TE24: all benefits
    (Status.TRAINING, Benefit.BASIC, 0, 450, "2025-03", 0.4),  # TE24: also during services
    (Status.UNEMPLOYED, Benefit.BASIC, 0, 90, "2025-03", 0.0),
])
def test_municipal_share_follows_the_rules_in_force(rules, status, benefit, lms, ub, month, share):
    p = person(status, benefit, lms, ub)
    pay = rules.pay(p, parse_month(month))
    assert len(pay.person) == 1
    assert pay.municipal[0] == pytest.approx(share * pay.euros[0])


def test_entitlement_needs_fund_and_work_condition(rules):
    p = person(Status.UNEMPLOYED, Benefit.NONE)
    p.fund[:] = True
    p.work_months28[:] = 8
    rules.assign(p, parse_month("2023-01"))
    assert p.benefit[0] == Benefit.EARNINGS_RELATED
    q = person(Status.UNEMPLOYED, Benefit.NONE)
    q.fund[:] = True
    q.erb_days_left[:] = 0  # no days left of an earlier period
    q.work_months28[:] = 8  # below the 12 months in force from 2024-09
    rules.assign(q, parse_month("2025-01"))
    assert q.benefit[0] == Benefit.BASIC


def test_earnings_related_runs_out(rules):
    p = person(Status.UNEMPLOYED, Benefit.EARNINGS_RELATED)
    p.erb_days_left[:] = 10
    rules.pay(p, parse_month("2022-01"))
    assert p.benefit[0] == Benefit.BASIC
    assert np.isclose(p.erb_days_left[0], 0)


def test_the_2015_day_counter_counts_only_days_paid_while_unemployed(rules):
    t = parse_month("2022-01")
    p = person(Status.TRAINING, Benefit.BASIC, lms=280, ub=280)
    rules.pay(p, t)
    assert p.lms_days[0] == 280 and p.ub_days[0] == pytest.approx(301.5)
    q = person(Status.UNEMPLOYED, Benefit.BASIC, lms=280, ub=280)
    rules.pay(q, t)
    assert q.lms_days[0] == pytest.approx(301.5)


def test_a_subsidised_job_that_met_the_work_condition_starts_a_new_benefit_period(rules):
    t = parse_month("2022-01")
    p = person(Status.UNEMPLOYED, Benefit.BASIC, lms=900, ub=900)
    p.fund[:] = True
    p.move(np.array([0]), Status.SUBSIDISED, t)
    assert p.benefit[0] == Benefit.NONE  # paid work: no benefit while it lasts
    p.work_months28[:] = 10  # the job accrued the work condition (until 2023-12)
    p.move(np.array([0]), Status.UNEMPLOYED, t + 10)
    pay = rules.pay(p, t + 10)
    assert p.benefit[0] == Benefit.EARNINGS_RELATED
    assert pay.municipal[0] == 0.0 and p.lms_days[0] == 0.0
    q = person(Status.UNEMPLOYED, Benefit.BASIC, lms=900, ub=900)
    q.move(np.array([0]), Status.SUBSIDISED, t)
    q.work_months28[:] = 3  # too short: back on the basic benefit, the counter goes on
    q.move(np.array([0]), Status.UNEMPLOYED, t + 3)
    pay = rules.pay(q, t + 3)
    assert q.benefit[0] == Benefit.BASIC and pay.municipal[0] == pytest.approx(0.5 * pay.euros[0])


def test_a_period_with_days_left_goes_on_after_a_short_job(rules):
    t = parse_month("2022-01")
    p = person(Status.UNEMPLOYED, Benefit.EARNINGS_RELATED)
    p.fund[:] = True
    p.erb_days_left[:] = 150
    p.move(np.array([0]), Status.EMPLOYED, t)
    p.work_months28[:] = 2  # too short for a new work condition
    assert rules.entitled(p, np.array([0]), t + 2)[0]
    p.move(np.array([0]), Status.UNEMPLOYED, t + 2)
    rules.pay(p, t + 2)
    assert p.benefit[0] == Benefit.EARNINGS_RELATED and p.erb_days_left[0] == pytest.approx(128.5)
    p.erb_days_left[:] = 0  # used up: back on the basic benefit
    p.move(np.array([0]), Status.EMPLOYED, t + 3)
    p.move(np.array([0]), Status.UNEMPLOYED, t + 4)
    rules.pay(p, t + 4)
    assert p.benefit[0] == Benefit.BASIC
