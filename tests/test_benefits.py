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
    q.work_months28[:] = 8  # below the 12 months in force from 2024-09
    rules.assign(q, parse_month("2025-01"))
    assert q.benefit[0] == Benefit.BASIC


def test_earnings_related_runs_out(rules):
    p = person(Status.UNEMPLOYED, Benefit.EARNINGS_RELATED)
    p.erb_days_left[:] = 10
    rules.pay(p, parse_month("2022-01"))
    assert p.benefit[0] == Benefit.BASIC
    assert np.isclose(p.erb_days_left[0], 0)
