"""Rehabilitative work activity (*kuntouttava työtoiminta*) for the long-term unemployed.

Up to ``capacity`` long-term unemployed start a month; the activity lasts ``months``, counts as a
service in the activation rate, and its effect on employability (``gain``) is a parameter because
the evidence is weak. The municipality pays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from model.intervention import Eligibility, Intervention, InterventionParams
from model.params import param


@dataclass
class RehabilitativeWorkParams(InterventionParams):
    """Rehabilitative work activity."""

    eligibility: Eligibility = field(default_factory=lambda: Eligibility(statuses=["unemployed"],
                                                                         min_months=12))
    capacity: float = param(80.0, 0.0, 1e6,
                            lever=(0, 300), unit="starts a month at scale 1", source="assumption")
    unit_cost: float = param(450.0, 0.0, 1e5, unit="EUR per client-month", source="assumption")
    months: float = param(6.0, 1.0, 24.0, unit="months", source="assumption")
    gain: float = param(0.02, 0.0, 1.0, unit="employability gain",
                        source="assumption: the evidence on employment effects is weak")


class RehabilitativeWork(Intervention):
    """See the module docstring."""

    name = "rehabilitative_work"
    params = RehabilitativeWorkParams
    order = 80

    def services(self, t: int) -> None:
        """Start participants; pay for those in the activity."""
        m, p = self.model, self.p
        self.charge(self.in_my_service(), p.unit_cost)
        if not self.active(t):
            return
        cand = self.take(self.eligible())
        m.start_other_service(cand, t, p.months, p.gain, self.rng, self.kind_id)
        self.participants_started += len(cand)
