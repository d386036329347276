"""Wage subsidy (*palkkatuki*): subsidised jobs with an explicit employer decision.

The programme runs in every scenario (the public employment service has always used it), so it
is part of the model; the ``wage_subsidy`` intervention (``scenarios/interventions``) is the lever
that raises its intensity. Each month:

1. Candidates come from coach referrals (after 6 months of unemployment or with partial work
   ability) throughout, and — the lever — from up to ``capacity`` extra placements a month among
   the eligible between ``start`` and ``end``.
2. An employer type is drawn (``employer_weights``) and a firm of that type; the firm **decides**:
   it takes the candidate with probability ``take_up × (rate / 0.5) ** rate_elasticity ×
   marketing`` (take-up by firms is low and needs a decision: evidence.md).
3. A share ``deadweight`` of the subsidised hires would have happened anyway: they fill one of the
   firm's open vacancies (no new job). With probability ``substitution`` the firm drops a regular
   hire: one of its open vacancies closes.
4. When the subsidy ends the firm keeps the worker with probability ``retention`` by employer type
   (its desired employment grows by one); otherwise the worker returns to unemployment.

Whether subsidised work accrues the work condition follows ``rules.subsidised_work_accrues_until``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.calendar import parse_month
from model.indices import nonzero
from model.intervention import InterventionParams
from model.params import param
from model.rng import categorical, cdf_of, pick_uniform
from model.statuses import EMPLOYER_TYPE_NAMES, EmployerType, Status

OBS = "calibration/data/observed.csv"


@dataclass
class WageSubsidyParams(InterventionParams):
    """Wage subsidy: rate, duration, who, which employers, take-up, deadweight, retention."""

    enabled: bool = True
    start: str = "2015-01"
    end: str = "2040-12"
    payer: str = "state"
    capacity: float = param(0.0, 0.0, 1e6, lever=(0, 400),
                            unit="extra placements a month at scale 1 by the lever (0 = none)",
                            source="scenario")
    rate: float = param(0.5, 0.0, 1.0, lever=(0.2, 0.9), unit="share of pay costs, from reform_start",
                        source=f"{OBS}: 50 % for lack of vocational skills (from 2023-07)")
    rate_partial_work_ability: float = param(0.7, 0.0, 1.0,
                                             unit="share of pay costs, from reform_start",
                                             source=f"{OBS}: 70 % for reduced work capacity "
                                             "(from 2023-07)")
    reform_start: str = "2023-07"  # observed.csv: the renewed wage subsidy from 2023-07-01
    rates_before: list[float] = param(
        [0.3, 0.4, 0.5], 0.0, 1.0, unit="share of pay costs before reform_start, by months unemployed",
        source=f"{OBS}: 'previously 30/40/50 % depending on unemployment duration'")
    rate_steps_months: list[float] = param(
        [12.0, 24.0], 0.0, 120.0, unit="months of the current spell where rates_before steps up",
        source="assumption: the duration classes of the earlier rule (one and two years "
        "unemployed); the data give only the rates")
    rate_partial_work_ability_before: float = param(
        0.5, 0.0, 1.0, unit="share of pay costs before reform_start",
        source=f"{OBS}: reduced work capacity 'previously 50 %'")
    rate_third_sector: float = param(
        1.0, 0.0, 1.0, unit="share of pay costs (associations and foundations)",
        source=f"{OBS}: 100 % for associations and foundations (non-business tasks), 2021-2024 and "
        "kept after 2023 (applied to every third-sector placement and from 2018: assumption)")
    third_sector_working_time: float = param(
        0.65, 0.1, 1.0, unit="share of full working time the 100 % subsidy covers",
        source=f"{OBS}: covers pay for up to 65 % of full working time")
    months: list[float] = param([5.0, 10.0], 1.0, 24.0, unit="months",
                                source=f"{OBS}: standard duration 5 or 10 months")
    monthly_pay: float = param(2800.0, 0.0, 20000.0, unit="EUR a month",
                               source="assumption: pay cost of a subsidised job")
    employer_weights: list[float] = param([0.5, 0.3, 0.2], 0.0, 1.0,
                                          unit="private / municipality / third sector",
                                          source="assumption")
    take_up: float = param(0.5, 0.0, 1.0, unit="probability an approached employer agrees",
                           source="assumption: take-up needs an explicit decision (evidence.md, VATT)")
    rate_elasticity: float = param(1.0, 0.0, 5.0, unit="take-up elasticity to the rate",
                                   source="assumption")
    deadweight: float = param(0.2, 0.0, 1.0, unit="share of hires that would have happened anyway",
                              source="evidence.md: ~1 in 5 employers would have hired anyway "
                              "(Suomen Yrittäjät 2019)")
    substitution: float = param(0.1, 0.0, 1.0, unit="share displacing a regular hire",
                                source="assumption")
    retention: list[float] = param([0.5, 0.2, 0.15], 0.0, 1.0,
                                   unit="kept after the subsidy: private / municipality / third",
                                   source="evidence.md: 69 % of employers say the job continues "
                                   "(weak); lower in public and third sector: assumption")


class WageSubsidyProgramme:
    """The standing wage-subsidy programme (see the module docstring).

    Coaches' referrals (:meth:`place`) and the lever's extra placements come here; the subsidies
    end in :meth:`end_subsidies`; :meth:`pay` charges the month's subsidies (cost column
    ``wage_subsidy``).
    """

    name = "wage_subsidy"

    def __init__(self, model, params: WageSubsidyParams):
        self.model = model
        self.p = params
        self.marketing = 1.0  # raised by the firm point
        self.participants_started = 0  # simulated people placed
        self.cost_eur = 0.0  # real euros, cumulative
        self._pools: list[np.ndarray] | None = None  # firms by employer type (types are fixed)
        self._reform = parse_month(params.reform_start, "scenario.wage_subsidy.reform_start")
        # The subsidised jobs under way at the start: a long-term history stands for a year
        # unemployed before the job (the months are not known).
        people = model.people
        sub = nonzero(people.status == Status.SUBSIDISED)
        months = np.where(people.lt_before_service[sub], 12, 0)
        people.subsidy_share[sub] = self.rates(0, sub, model.firms.etype[people.employer[sub]],
                                               months)[1]

    def rates(self, t: int, who: np.ndarray, etype: np.ndarray,
              months: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The subsidy rate of placing ``who`` with employers of type ``etype`` in month ``t``.

        Returns (rate, paid share of the monthly pay cost): the rate in force (before
        ``reform_start`` by ``months`` unemployed, by default the current spell; flat after;
        partial work ability has its own), or ``rate_third_sector`` for associations, which
        covers ``third_sector_working_time``.
        """
        p, people = self.p, self.model.people
        partial = people.partial_wa[who]
        if t >= self._reform:
            rate = np.where(partial, p.rate_partial_work_ability, p.rate)
        else:
            months = people.spell[who] if months is None else months
            k = np.searchsorted(np.asarray(p.rate_steps_months), months, side="right")
            rate = np.where(partial, p.rate_partial_work_ability_before,
                            np.asarray(p.rates_before)[k])
        third = etype == EmployerType.THIRD_SECTOR
        paid = np.where(third, p.rate_third_sector * p.third_sector_working_time, rate)
        return np.where(third, p.rate_third_sector, rate), paid

    def take_up(self, rate: float | np.ndarray | None = None) -> float | np.ndarray:
        """Probability that an approached employer takes a candidate subsidised at ``rate``."""
        p = self.p
        rate = p.rate if rate is None else rate
        return np.clip(p.take_up * (np.asarray(rate) / 0.5) ** p.rate_elasticity
                       * self.marketing, 0.0, 1.0)

    def place(self, t: int, candidates: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Try to place candidates (unemployed) in subsidised jobs; returns who was placed."""
        m, p = self.model, self.p
        people, firms = m.people, m.firms
        if not p.enabled or len(candidates) == 0:
            return candidates[:0]
        who = candidates[people.status[candidates] == Status.UNEMPLOYED]
        who = np.unique(who)
        if len(who) == 0:
            return who
        etype = categorical(rng, cdf_of(p.employer_weights), len(who))
        firm = np.full(len(who), -1, np.int64)
        if self._pools is None:
            self._pools = [nonzero(firms.etype == e) for e in range(3)]
        for e in range(3):
            pool = self._pools[e]
            sel = nonzero(etype == e)
            if len(pool) and len(sel):
                firm[sel] = pick_uniform(rng, pool, len(sel))
        rate, paid = self.rates(t, who, etype)
        agree = (firm >= 0) & (rng.random(len(who)) < self.take_up(rate))
        who, firm, etype, paid = who[agree], firm[agree], etype[agree], paid[agree]
        if len(who) == 0:
            return who
        self._displace(rng, firm)
        for e, name in enumerate(EMPLOYER_TYPE_NAMES):
            m.recorder.tally_people(f"subsidy_starts_{name}", people, who[etype == e])
        people.move(who, Status.SUBSIDISED, t)
        people.employer[who] = firm
        people.subsidy_share[who] = paid
        months = pick_uniform(rng, p.months, len(who))
        people.service_end[who] = (t + months).astype(np.int16)
        self.participants_started += len(who)
        return who

    def _displace(self, rng: np.random.Generator, firm: np.ndarray) -> None:
        """Deadweight hires take an open vacancy; substitution drops a regular hire."""
        m, p = self.model, self.p
        vac = m.firms.vacancies
        drop = rng.random(len(firm)) < p.deadweight
        sub = rng.random(len(firm)) < p.substitution
        close = np.concatenate([firm[drop], firm[sub]])
        if len(close) == 0 or len(vac) == 0:
            return
        keep = np.ones(len(vac), bool)
        # close one open vacancy of each such firm (if it has one)
        order = np.argsort(vac.firm, kind="stable")
        first = np.searchsorted(vac.firm[order], close)
        ok = (first < len(vac)) & (vac.firm[order][np.minimum(first, len(vac) - 1)] == close)
        _, uniq = np.unique(close[ok], return_index=True)
        keep[order[first[ok][uniq]]] = False
        vac.keep(keep)

    def end_subsidies(self, t: int, rng: np.random.Generator) -> None:
        """Subsidies that end this month: the employer keeps the worker or not."""
        m, p = self.model, self.p
        people, firms = m.people, m.firms
        ending = nonzero((people.status == Status.SUBSIDISED) & (people.service_end <= t))
        if len(ending) == 0:
            return
        firm = people.employer[ending]
        keep = rng.random(len(ending)) < np.asarray(p.retention)[firms.etype[firm]]
        kept, kept_firm = ending[keep], firm[keep]
        people.move(kept, Status.EMPLOYED, t)
        people.employer[kept] = kept_firm
        np.add.at(firms.base, kept_firm, 1.0)
        m.total_base = float(firms.base.sum())
        people.move(ending[~keep], Status.UNEMPLOYED, t)

    def pay(self, t: int) -> None:
        """This month's subsidies, charged to the payer (state by default)."""
        m, p = self.model, self.p
        if not p.enabled:
            return
        sub = nonzero(m.people.status == Status.SUBSIDISED)
        self.cost_eur += m.charge(self.name, sub, m.people.subsidy_share[sub] * p.monthly_pay,
                                  p.payer)
