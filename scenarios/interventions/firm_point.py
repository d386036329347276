"""Firm point (*Yrityspiste*): one contact for employers.

While active: coaches see the hidden vacancies the firm point learns of (a share
``hidden_reach`` of coach referrals may go to hidden vacancies); the firm point presents up to
``capacity`` candidates a month to employers with open vacancies (applications whose score is
multiplied by ``presentation_boost``; how many lead to a hire is recorded); and its marketing
multiplies employers' take-up of wage subsidy and apprenticeships by ``marketing``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from model.intervention import Eligibility, Intervention, InterventionParams
from model.params import param


@dataclass
class FirmPointParams(InterventionParams):
    """Firm point: hidden vacancies, candidate presentations, marketing."""

    eligibility: Eligibility = field(default_factory=lambda: Eligibility(statuses=["unemployed"]))
    capacity: float = param(400.0, 0.0, 1e6,
                            lever=(0, 1500), unit="candidate presentations a month at scale 1",
                            source="assumption")
    unit_cost: float = param(60.0, 0.0, 1e5, unit="EUR per presentation",
                             source="assumption: under an hour of an expert's time")
    hidden_reach: float = param(0.5, 0.0, 1.0, unit="share of referrals that may go to hidden "
                                "vacancies", source="assumption; 50-60 % of vacancies are hidden "
                                "(evidence.md, Huuskonen & Pehkonen 2023)")
    presentation_boost: float = param(2.0, 1.0, 10.0, unit="x score of a presented candidate",
                                      source="evidence.md: a referral at a meeting doubles the exit "
                                      "rate (Bollens & Cockx 2017)")
    marketing: float = param(1.3, 1.0, 5.0, unit="x employers' take-up of wage subsidy and "
                             "apprenticeship", source="assumption")


class FirmPoint(Intervention):
    """See the module docstring."""

    name = "firm_point"
    params = FirmPointParams
    order = 60

    def month_start(self, t: int) -> None:
        """Marketing raises employers' take-up while the firm point runs."""
        ws = self.model.wage_subsidy
        ws.marketing = self.p.marketing if self.active(t) else 1.0

    def matching(self, t: int, inputs) -> None:
        """Open hidden vacancies to referrals; present candidates."""
        if not self.active(t):
            return
        p = self.p
        inputs.hidden_reach = max(inputs.hidden_reach, p.hidden_reach)
        cand = self.eligible()
        if len(cand) == 0 or len(self.model.firms.vacancies) == 0:
            return
        # Candidates are presented in random order, up to the month's capacity.
        order = self.rng.permutation(len(cand))
        shown = self.take(cand[order])
        inputs.add_presentations(shown, p.presentation_boost)
        self.model.recorder.tally_people("presentations", self.model.people, shown)
        self.charge(shown, p.unit_cost)
