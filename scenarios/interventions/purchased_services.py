"""Purchased services (*ostopalvelut*): coaching or training bought from providers.

A monthly budget buys client-months at ``price``; each month as many eligible jobseekers start as
the budget left after the running contracts allows. A purchased service lasts ``months``; while in
it clients search at the services' effort and get ``effort_boost``; at the end their employability
grows by ``gain``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from model.intervention import Eligibility, Intervention, InterventionParams
from model.params import param
from model.statuses import Status


@dataclass
class PurchasedServicesParams(InterventionParams):
    """Purchased services: budget, price, duration, effects."""

    eligibility: Eligibility = field(default_factory=lambda: Eligibility(statuses=["unemployed"],
                                                                         min_months=6))
    budget_per_month: float = param(150000.0, 0.0, 1e8, lever=(0, 600000), unit="EUR a month (real)",
                                    source="assumption")
    price: float = param(800.0, 1.0, 1e5, unit="EUR per client-month", source="assumption")
    months: float = param(4.0, 1.0, 24.0, unit="months", source="assumption")
    effort_boost: float = param(0.3, 0.0, 3.0, unit="effort a month in the service",
                                source="assumption")
    gain: float = param(0.1, 0.0, 2.0, unit="employability gain at the end", source="assumption")


class PurchasedServices(Intervention):
    """See the module docstring."""

    name = "purchased_services"
    params = PurchasedServicesParams
    order = 70

    def services(self, t: int) -> None:
        """Start as many clients as the budget allows; pay for the running contracts."""
        m, p = self.model, self.p
        people = m.people
        running = self.in_my_service()
        running = running[people.status[running] == Status.OTHER_SERVICE]
        people.effort[running] += np.float32(p.effort_boost)
        self.charge(running, p.price)
        if not self.active(t):
            return
        places = p.budget_per_month / p.price * m.scale - len(running)
        n = int(np.floor(max(places, 0.0)))
        cand = self.take(self.eligible(), limit=n)
        m.start_other_service(cand, t, p.months, p.gain, self.rng, self.kind_id)
        self.participants_started += len(cand)
