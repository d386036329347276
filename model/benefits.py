"""Unemployment benefits: entitlement, monthly payments, and who pays (state or municipality).

Entitlement: a jobseeker whose benefit is not yet set gets the earnings-related allowance when they
belong to an unemployment fund and meet the work condition (26 weeks, 12 months from 2024-09) — this
also starts a new benefit period — or still have days of an earlier period, and the basic benefit
(labour-market subsidy) otherwise. The earnings-related allowance runs out after
``earnings_related_max_days`` paid days.

Financing: each regime in ``rules.regimes`` says from which month it applies, whether its day count
is the labour-market-subsidy days (the 2015 rule) or all benefit days (TE24), the day thresholds and
the municipal share above each, and whether the share is also paid during services.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.people import People
from model.calendar import parse_month
from model.config import FinancingRegime, RulesConfig
from model.indices import nonzero
from model.statuses import Benefit, Status, is_benefit_status

RECEIVING = np.zeros(Status.EMPTY + 1, dtype=bool)
RECEIVING[[Status.UNEMPLOYED, Status.TRAINING, Status.OTHER_SERVICE]] = True


@dataclass
class Payments:
    """One month's benefit payments (simulated people; scale to real people when reporting)."""

    person: np.ndarray
    euros: np.ndarray
    municipal: np.ndarray
    #: Benefit days withheld by a waiting period, and the euros they would have paid.
    days_lost: np.ndarray | None = None
    withheld: np.ndarray | None = None
    #: Whose benefit the activation model cut this month.
    cut: np.ndarray | None = None


class BenefitRules:
    """The benefit and financing rules in force month by month."""

    def __init__(self, rules: RulesConfig):
        self.cfg = rules
        starts = [parse_month(r.start) for r in rules.regimes]
        order = np.argsort(starts, kind="stable")
        self.regimes: list[FinancingRegime] = [rules.regimes[i] for i in order]
        self.starts = np.array(starts)[order]
        self.condition_change = parse_month(rules.work_condition_change)
        self.accrual_end = parse_month(rules.subsidised_work_accrues_until)
        ob = rules.obligations
        # The activation model's first review period ended three months after it began.
        self.activation = (parse_month(ob.activation_model_start) + ob.activation_review_months,
                           parse_month(ob.activation_model_end))
        self.review_mask = np.uint16((1 << ob.activation_review_months) - 1)

    def regime(self, t: int) -> FinancingRegime:
        """The financing regime in force in month ``t``."""
        k = max(int(np.searchsorted(self.starts, t, side="right")) - 1, 0)
        return self.regimes[k]

    def work_condition_months(self, t: int) -> float:
        """Months of work in the last 28 needed for the earnings-related allowance."""
        before, after = self.cfg.work_condition_months
        return before if t < self.condition_change else after

    def subsidised_work_accrues(self, t: int) -> bool:
        """Whether wage-subsidised work counts towards the work condition in month ``t``."""
        return t <= self.accrual_end

    def entitled(self, people: People, idx: np.ndarray, t: int) -> np.ndarray:
        """Whether people ``idx`` would get the earnings-related allowance if unemployed in ``t``."""
        return people.entitled(idx, self.work_condition_months(t))

    def assign(self, people: People, t: int, receiving: np.ndarray | None = None) -> None:
        """Set the benefit of jobseekers who have none yet (new spells).

        ``receiving`` are the people in a benefit status, if already known.
        """
        if receiving is None:
            receiving = nonzero(is_benefit_status(people.status))
        idx = receiving[people.benefit[receiving] == Benefit.NONE]
        if len(idx) == 0:
            return
        # Whoever meets the work condition starts a new period; a fund member who does not goes
        # on with the days left of the last one.
        worked = people.work_months28[idx] >= self.work_condition_months(t)
        erb = self.entitled(people, idx, t)
        people.benefit[idx] = np.where(erb, Benefit.EARNINGS_RELATED, Benefit.BASIC)
        new_period = idx[worked]
        people.erb_days_left[new_period] = self.cfg.earnings_related_max_days
        people.ub_days[new_period] = 0.0
        people.lms_days[new_period] = 0.0

    def pay(self, people: People, t: int) -> Payments:
        """Pay this month's benefits and work out the municipal share."""
        cfg = self.cfg
        idx = nonzero(is_benefit_status(people.status))
        self.assign(people, t, idx)  # after this everyone in idx has a benefit
        days = cfg.days_per_month
        erb = people.benefit[idx] == Benefit.EARNINGS_RELATED
        full = days * cfg.basic_daily_allowance * np.where(erb, cfg.earnings_related_multiplier, 1.0)
        # A waiting period withholds its days; the rest of the month is paid.
        lost = np.zeros(len(idx))
        waiting = nonzero(people.sanction_days[idx] > 0)
        if len(waiting):
            who = idx[waiting]
            lost[waiting] = np.minimum(people.sanction_days[who], np.float32(days))
            people.sanction_days[who] -= lost[waiting].astype(np.float32)
        paid_days = days - lost
        euros = full * (paid_days / days) if len(waiting) else full.copy()
        # The activation model (2018-2019): a cut for the continuously unemployed of the review
        # period (no work, no services at its month ends); partial work ability is exempt.
        cut = None
        if self.activation[0] <= t <= self.activation[1]:
            un = people.status[idx] == Status.UNEMPLOYED
            cut = un & ((people.unemp_hist[idx] & self.review_mask) == self.review_mask)
            cut &= ~people.partial_wa[idx]
            euros = euros * np.where(cut, 1.0 - cfg.obligations.activation_cut, 1.0)

        regime = self.regime(t)
        if regime.basis == "labour_market_subsidy_days":
            counted = people.lms_days[idx]
            liable = ~erb
        else:
            counted = people.ub_days[idx]
            liable = np.ones(len(idx), bool)
        if not regime.during_services:
            liable &= people.status[idx] == Status.UNEMPLOYED
        # The number of thresholds below each count (searchsorted, for a handful of thresholds).
        k = np.zeros(len(idx), np.int64)
        for threshold in regime.day_thresholds:
            k += counted > np.float64(threshold)
        shares = np.concatenate([[0.0], regime.municipal_shares])
        municipal = euros * shares[k] * liable

        people.ub_days[idx] += paid_days
        # Index lists rather than boolean masks: faster when both kinds are common.
        basic, on_erb = nonzero(~erb), nonzero(erb)
        # The 2015 rule counts labour-market-subsidy days paid on grounds of unemployment: the
        # state pays the subsidy during services, and those days do not count.
        unemployed_basic = basic[people.status[idx[basic]] == Status.UNEMPLOYED]
        people.lms_days[idx[unemployed_basic]] += paid_days[unemployed_basic]
        left = people.erb_days_left[idx[on_erb]] - paid_days[on_erb]
        people.erb_days_left[idx[on_erb]] = np.maximum(left, 0.0)
        exhausted = idx[on_erb][left <= 0]
        people.benefit[exhausted] = Benefit.BASIC
        return Payments(idx, euros, municipal, lost, full * (lost / days), cut)
