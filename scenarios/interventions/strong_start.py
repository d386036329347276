"""Strong start (*vahva alku*): new jobseekers are met at once and often, new graduates included.

New jobseekers (in their first ``max_months`` months of unemployment, by default) are met within
``days_to_first_meeting`` days — in the month the spell starts when that is at most a month — and
then ``early_meetings`` times a month. The meetings come from a strong-start team with its own
capacity (``capacity`` clients a month at scale 1) and act like other coaching meetings: effort,
plan, referrals to vacancies and services.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from agents.coaches import contact_outcomes
from model.config import ContactRule
from model.intervention import Eligibility, Intervention, InterventionParams
from model.params import param


def _new_jobseekers() -> Eligibility:
    return Eligibility(statuses=["unemployed"], max_months=3)


def _strong_start_contact() -> ContactRule:
    """What strong start's contact time does (assumptions).

    Vacancy referrals 0.35 a contact, as personal coaching's; its meetings are about work and
    study, so no referrals to training, other services or wage subsidy; effort and detection as the
    public service's.
    """
    return ContactRule(vacancy_referral=0.35, training_referral=0.0, other_service_referral=0.0,
                       subsidy_referral=0.0)


@dataclass
class StrongStartParams(InterventionParams):
    """Strong start: time to the first meeting and an early meeting schedule."""

    eligibility: Eligibility = field(default_factory=_new_jobseekers)
    capacity: float = param(1500.0, 0.0, 1e6,
                            lever=(0, 3000), unit="clients a month at scale 1 (0 = no limit)",
                            source="assumption: about the monthly inflow into unemployment")
    unit_cost: float = param(150.0, 0.0, 1e5, unit="EUR per client-month",
                             source="assumption: two coach hours at ~75 EUR")
    days_to_first_meeting: float = param(5.0, 0.0, 90.0, unit="days",
                                         source="calibration/data/observed.csv: Nordic model, first "
                                         "interview within 5 working days")
    early_meetings: float = param(2.0, 0.0, 4.0, lever=(0, 4), unit="meetings a month in the first months",
                                  source="assumption")
    contact: ContactRule = field(default_factory=_strong_start_contact)
    education_referral_young: float = param(0.05, 0.0, 1.0,
                                            unit="per meeting, under 25 without a degree",
                                            source="assumption: new graduates and youth to study")


class StrongStart(Intervention):
    """See the module docstring."""

    name = "strong_start"
    params = StrongStartParams
    order = 30

    def services(self, t: int) -> None:
        """Meet this month's new jobseekers."""
        if not self.active(t):
            return
        m, p = self.model, self.p
        people = m.people
        new = self.eligible()
        if len(new) == 0:
            return
        # First meeting in the spell's first month only if it comes within the month.
        first_month = people.spell[new] == 0
        reach_first = p.days_to_first_meeting <= 30.0
        new = new[~first_month | reach_first]
        met = self.take(new)
        if len(met) == 0:
            return
        n = max(int(round(p.early_meetings)), 1)
        met = met[m.register.ask(met, n, t)]  # whoever misses a meeting leaves the register
        n = np.full(len(met), n, np.int64)
        rng = self.rng
        res = contact_outcomes(p.contact, rng, people, t, met, n, n.astype(float))
        young = met[(people.age_m[met] < 25 * 12) & (people.edu[met] < 2)]
        study = young[rng.random(len(young)) < 1.0 - (1.0 - p.education_referral_young) ** 2]
        m.handle_meetings(res, t, rng, self.kind_id)
        m.enrol_students(study, t, rng)
        self.participants_started += int(np.count_nonzero(people.spell[met] <= 1))
        self.charge(met, p.unit_cost)
