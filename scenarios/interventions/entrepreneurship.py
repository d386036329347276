"""Entrepreneurship: a start-up grant (*starttiraha*) for jobseekers who start a business.

While active, eligible jobseekers start a business at ``start_rate`` a month (up to ``capacity``)
and receive the grant for ``grant_months``. When the grant ends the business survives with
probability ``survival``; otherwise the entrepreneur returns to unemployment. Surviving businesses
then face the ordinary self-employment exit rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from model.indices import nonzero
from model.intervention import Eligibility, Intervention, InterventionParams
from model.params import param
from model.statuses import Status


@dataclass
class EntrepreneurshipParams(InterventionParams):
    """Start-up grant: take-up, grant, survival."""

    eligibility: Eligibility = field(default_factory=lambda: Eligibility(statuses=["unemployed"],
                                                                         max_months=24))
    start_rate: float = param(0.003, 0.0, 0.1, unit="per month among the eligible",
                              source="assumption")
    capacity: float = param(40.0, 0.0, 1e6,
                            lever=(0, 200), unit="grants a month at scale 1", source="assumption")
    unit_cost: float = param(800.0, 0.0, 1e5, unit="EUR grant a month", source="assumption")
    payer: str = "state"
    grant_months: float = param(6.0, 1.0, 18.0, unit="months", source="assumption")
    survival: float = param(0.75, 0.0, 1.0, unit="share of businesses going on after the grant",
                            source="assumption")


class Entrepreneurship(Intervention):
    """See the module docstring."""

    name = "entrepreneurship"
    params = EntrepreneurshipParams
    order = 130
    #: The month the grant or apprenticeship ends (-1: none); a change of status ends it.
    person_fields = {"grant_end": (np.int16, -1, True)}

    def services(self, t: int) -> None:
        """Grants end (survive or not), pay running grants, start new businesses."""
        m, p = self.model, self.p
        people, rng = m.people, self.rng
        mine = (people.service_kind == self.kind_id) & (people.status == Status.SELF_EMPLOYED)
        ending = nonzero(mine & (people.grant_end <= t))
        fail = ending[rng.random(len(ending)) >= p.survival]
        people.grant_end[ending] = -1
        people.service_kind[ending] = 0
        people.move(fail, Status.UNEMPLOYED, t)
        self.charge(nonzero(mine & (people.grant_end > t)), p.unit_cost)
        if not self.active(t):
            return
        cand = self.eligible()
        starters = self.take(cand[rng.random(len(cand)) < p.start_rate])
        people.move(starters, Status.SELF_EMPLOYED, t)
        people.service_kind[starters] = self.kind_id
        people.grant_end[starters] = t + int(round(p.grant_months))
        self.participants_started += len(starters)
