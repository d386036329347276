"""Outreach (*hakeva toiminta*): fewer drop out of services; inactive young people are found.

While active, eligible unemployed people drop off the register (to outside the labour force) at
``1 - dropout_reduction`` of the usual rate, and each month up to ``capacity`` eligible young people
(under 30) outside the labour force and not studying are found with probability ``find_rate`` and
brought into services (a guidance or coaching service for ``service_months``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from model.indices import nonzero
from model.intervention import Eligibility, Intervention, InterventionParams
from model.params import param
from model.statuses import Status


def _young_and_immigrants() -> Eligibility:
    return Eligibility(groups=["under30", "foreign_language"], statuses=["unemployed", "outside"])


@dataclass
class OutreachParams(InterventionParams):
    """Outreach: dropout reduction and finding inactive young people."""

    eligibility: Eligibility = field(default_factory=_young_and_immigrants)
    dropout_reduction: float = param(0.4, 0.0, 1.0, unit="share of register dropouts prevented",
                                     source="assumption: no client group falls outside services")
    find_rate: float = param(0.03, 0.0, 1.0, unit="per month, inactive under-30s found",
                             source="assumption; Lahti's NEET share 20.4 % "
                             "(calibration/data/observed.csv)")
    capacity: float = param(150.0, 0.0, 1e6, lever=(0, 500), unit="young people found a month at scale 1",
                            source="assumption")
    service_months: float = param(4.0, 1.0, 24.0, unit="months of guidance", source="assumption")
    service_gain: float = param(0.05, 0.0, 1.0, unit="employability gain", source="assumption")
    unit_cost: float = param(300.0, 0.0, 1e5, unit="EUR per client-month", source="assumption")


class Outreach(Intervention):
    """See the module docstring."""

    name = "outreach"
    params = OutreachParams
    order = 40

    def month_start(self, t: int) -> None:
        """Lower the dropout hazard of eligible jobseekers for this month's demography."""
        if not self.active(t):
            return
        eligible = self.eligible()
        eligible = eligible[self.model.people.status[eligible] == Status.UNEMPLOYED]
        self.model.dropout_factor[eligible] *= 1.0 - self.p.dropout_reduction

    def services(self, t: int) -> None:
        """Find inactive young people and bring them into services."""
        if not self.active(t):
            return
        m, p = self.model, self.p
        people = m.people
        neet = self.eligible()
        neet = neet[(people.status[neet] == Status.OUTSIDE) & (people.age_m[neet] < 30 * 12)]
        found = neet[self.rng.random(len(neet)) < p.find_rate]
        found = self.take(found)
        if len(found) == 0:
            return
        m.start_other_service(found, t, p.service_months, p.service_gain, self.rng, self.kind_id)
        self.participants_started += len(found)
        served = nonzero((people.status == Status.OTHER_SERVICE)
                         & (people.service_kind == self.kind_id))
        self.charge(served, p.unit_cost)
