"""Personal coaching (*omavalmennus*): a municipal coaching service for its eligible clients.

While active, every eligible jobseeker (by default the experiment's target group) is a client of a
municipal coaching service instead of the public employment service. Its size is a caseload target
(coaches = clients / caseload, re-sized each month) or fixed person-years. Each client needs
``meetings_per_month`` meetings; capacity binds, so more clients per coach means fewer meetings
each. Meetings act through search effort, the employment plan, referrals to vacancies and services,
and — for the share held at employers (work trials, coaching in the workplace) — a better chance
to be hired that month and a lower separation hazard for a year after. A share of meetings is
digital: cheaper in coach time, weaker in effect. Specialist coaches (youth, immigrants, partial
work ability) are more effective with their group.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from agents.coaches import EmploymentService
from model.config import ContactRule, check_len
from model.indices import nonzero
from model.intervention import Eligibility, Intervention, InterventionParams
from model.params import ConfigError, param
from model.statuses import Status, is_jobseeker

OBS = "calibration/data/observed.csv"
EVID = "evidence.md"


def _target_group() -> Eligibility:
    return Eligibility(groups=["target"],
                       statuses=["unemployed", "training", "other_service", "subsidised"])


def _coaching_contact() -> ContactRule:
    """What a personal coach's contact time does (assumptions, against the public service's).

    Vacancy referrals 0.35 a contact: coaches know their clients better. Training 0.04, other
    services 0.05 and wage subsidy 0.03: half the public service's per-interview rates, since
    personal coaches meet monthly, not quarterly. Detection as the public service's. 30 % of
    meetings digital (the plan's digital channels, measure 6) at half the coach time and 0.6 of the
    effect; 10 % at employers (coaching at workplaces, the plan); specialists 20 % more effective
    with their group.
    """
    return ContactRule(vacancy_referral=0.35, training_referral=0.04, other_service_referral=0.05,
                       subsidy_referral=0.03, digital_share=0.3, digital_time=0.5,
                       digital_effect=0.6, workplace_share=0.1, specialist_bonus=0.2)


@dataclass
class CoachingParams(InterventionParams):
    """Personal coaching: staff, meeting intensity, channels, specialisation, workplace coaching."""

    eligibility: Eligibility = field(default_factory=_target_group)
    caseload: float = param(100.0, 5.0, 1000.0, lever=(30, 300), unit="clients per coach",
                            source=f"assumption: below the TE office's; {OBS}: ~230 customers per "
                            "transferred TE staff member, municipalities added their own staff")
    person_years: float = param(0.0, 0.0, 5000.0, unit="coaches at scale 1 (0 = use caseload)",
                                source="scenario")
    meetings_per_coach: float = param(60.0, 1.0, 400.0, unit="meeting-hours a month",
                                      source="assumption: ~3 client meetings a working day")
    meetings_per_month: float = param(1.0, 0.0, 4.0, lever=(0.25, 4), unit="meetings a client needs a month",
                                      source="assumption: personal coaching meets monthly")
    contact: ContactRule = field(default_factory=_coaching_contact)
    workplace_boost: float = param(1.5, 1.0, 5.0, unit="x hiring score in a month met at an employer",
                                   source="assumption")
    workplace_retention: float = param(0.3, 0.0, 1.0,
                                       unit="lower separation hazard for a year after workplace "
                                       "coaching", source="assumption: coaching at employers "
                                       "raises retention (the plan)")
    specialist_shares: list[float] = param(
        [0.15, 0.15, 0.1], 0.0, 1.0, unit="youth / immigrants / partial work ability",
        source="assumption: experts from youth, education and municipal services (the plan)")
    advisor_effect_sd: float = param(0.13, 0.0, 1.0, unit="sd of coach effectiveness",
                                     source=f"{EVID}: IFAU WP 2011:10, 1 sd ~ 13 %")
    cost_per_coach_year: float = param(65000.0, 0.0, 500000.0, unit="EUR per person-year",
                                       source="assumption: salary and overheads")


class PersonalCoaching(Intervention):
    """The municipal personal-coaching service (see the module docstring)."""

    name = "coaching"
    params = CoachingParams
    order = 20
    PROVIDER = 1

    def __init__(self, model, params: CoachingParams):
        super().__init__(model, params)
        p = params
        self.service = EmploymentService(model, self.PROVIDER, "municipality", 0,
                                         p.meetings_per_coach, p.advisor_effect_sd, p.contact,
                                         self.rng, model.scale, tuple(p.specialist_shares))
        self.clients = np.zeros(0, np.int64)

    @classmethod
    def check(cls, params: CoachingParams, cfg) -> None:
        """Three specialist shares summing to at most 1."""
        check_len("scenario.coaching.specialist_shares", params.specialist_shares, 3)
        if sum(params.specialist_shares) > 1.0:
            raise ConfigError("scenario.coaching.specialist_shares must sum to at most 1")

    def staff(self) -> tuple[int, float]:
        """The municipal coaches and their person-years this month."""
        return len(self.service.coaches), self.service.person_years_per_month

    def assign_clients(self, t: int) -> None:
        """Mark this month's clients (eligible jobseekers) and hand the rest back."""
        people = self.model.people
        mine = people.provider == self.PROVIDER
        if not self.active(t):
            if mine.any():
                people.coach[mine] = -1
                people.provider[mine] = 0
                self.service.fire(len(self.service.coaches))
            self.clients = np.zeros(0, np.int64)
            return
        seekers = nonzero(is_jobseeker(people.status))
        clients = self.eligible(seekers)
        switch_in = clients[people.provider[clients] != self.PROVIDER]
        people.coach[switch_in] = -1
        people.provider[switch_in] = self.PROVIDER
        leaving = np.setdiff1d(nonzero(mine), clients, assume_unique=True)
        people.coach[leaving] = -1
        people.provider[leaving] = 0
        self.clients = clients
        p = self.p
        if p.person_years > 0:
            want = int(round(p.person_years * self.model.scale))
        else:
            want = int(np.ceil(len(clients) / p.caseload)) if len(clients) else 0
        have = len(self.service.coaches)
        if want > have:
            self.service.hire(want - have, self.rng)
        elif want < have:
            self.service.fire(have - want)

    def month_start(self, t: int) -> None:
        """Workplace coaching lowers separations while the intervention runs."""
        risk = self.model.firms.separation_risk
        if risk is not None:
            risk.workplace_retention = self.p.workplace_retention if self.active(t) else 0.0

    def services(self, t: int) -> None:
        """Meetings of the municipal coaches; referrals go where the public service's go."""
        if not self.active(t) or len(self.clients) == 0 or not self.service.coaches:
            return
        m, p = self.model, self.p
        people = m.people
        self.service.assign(self.rng, people, self.clients)  # every client has a coach
        cl = self.clients[people.status[self.clients] == Status.UNEMPLOYED]
        # Each client needs meetings_per_month on average: whole meetings, the fraction at random.
        base = np.floor(p.meetings_per_month)
        need = (base + (self.rng.random(len(cl)) < p.meetings_per_month - base)).astype(np.int64)
        # The meetings asked of the clients: whoever misses one leaves the register.
        kept = m.register.ask(cl, need, t)
        cl, need = cl[kept], need[kept]
        res = self.service.serve(self.rng, people, t, cl, need)
        m.handle_meetings(res, t, self.rng, self.kind_id)
        cost = self.service.person_years_per_month * p.cost_per_coach_year
        self.charge_clients(self.clients, cost)

    def matching(self, t: int, inputs) -> None:
        """Clients met at an employer this month have a better chance to be hired."""
        if self.active(t) and self.p.contact.workplace_share > 0:
            people = self.model.people
            inputs.boost_people(nonzero(people.employer_contact == t), self.p.workplace_boost)

    def charge_clients(self, clients: np.ndarray, euros: float) -> None:
        """Spread a monthly cost (real euros) over the clients served."""
        if len(clients) and euros > 0:
            self.charge(clients, euros * self.model.scale / len(clients))
