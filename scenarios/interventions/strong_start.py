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

from agents.coaches import MeetingResult
from model.intervention import Eligibility, Intervention, InterventionParams
from model.params import param


def _new_jobseekers() -> Eligibility:
    return Eligibility(statuses=["unemployed"], max_months=3)


@dataclass
class StrongStartParams(InterventionParams):
    """Strong start: time to the first meeting and an early meeting schedule."""

    eligibility: Eligibility = field(default_factory=_new_jobseekers)
    capacity: float = param(1500.0, 0.0, 1e6, unit="clients a month at scale 1 (0 = no limit)",
                            source="assumption: about the monthly inflow into unemployment")
    unit_cost: float = param(150.0, 0.0, 1e5, unit="EUR per client-month",
                             source="assumption: two coach hours at ~75 EUR")
    days_to_first_meeting: float = param(5.0, 0.0, 90.0, unit="days",
                                         source="calibration/data/observed.csv: Nordic model, first "
                                         "interview within 5 working days")
    early_meetings: float = param(2.0, 0.0, 4.0, unit="meetings a month in the first months",
                                  source="assumption")
    effort_boost: float = param(0.25, 0.0, 3.0, unit="effort per meeting",
                                source="evidence.md: Huuskonen 2023")
    referral_probability: float = param(0.35, 0.0, 1.0, unit="vacancy referral per meeting",
                                        source="assumption")
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
        n = np.full(len(met), int(round(p.early_meetings)), np.int64)
        n = np.maximum(n, 1)
        people.last_meeting[met] = t
        people.plan_date[met] = t
        people.effort[met] += np.float32(p.effort_boost) * n
        rng = self.rng
        prob = 1.0 - (1.0 - p.referral_probability) ** n
        referred = met[rng.random(len(met)) < prob]
        young = met[(people.age_m[met] < 25 * 12) & (people.edu[met] < 2)]
        study = young[rng.random(len(young)) < 1.0 - (1.0 - p.education_referral_young) ** 2]
        none = np.zeros(0, np.int64)
        m.handle_meetings(MeetingResult(met, n, referred, none, none, none), t, rng, self.kind_id)
        m.enrol_students(study, t, rng)
        self.participants_started += int(np.count_nonzero(people.spell[met] <= 1))
        self.charge(met, p.unit_cost)
