"""Retention (*pitovoima*): keep educated young people in the region.

While active, the out-migration hazard of eligible people (by default tertiary-educated under-30s)
is multiplied by ``1 - reduction``. The programme pays ``unit_cost`` for each mover it keeps (the
expected number, from the hazard it removes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from model.intervention import Eligibility, Intervention, InterventionParams
from model.params import param


@dataclass
class RetentionParams(InterventionParams):
    """Retention: who, how much less they leave, at what cost."""

    eligibility: Eligibility = field(default_factory=lambda: Eligibility(
        statuses=["employed", "unemployed", "student", "self_employed"], max_age=29))
    tertiary_only: bool = True
    reduction: float = param(0.2, 0.0, 1.0, lever=(0, 0.6), unit="share of out-moves prevented",
                             source="assumption")
    unit_cost: float = param(8000.0, 0.0, 1e6, unit="EUR per mover kept", source="assumption")


class Retention(Intervention):
    """See the module docstring."""

    name = "retention"
    params = RetentionParams
    order = 120

    def month_start(self, t: int) -> None:
        """Lower the out-migration hazard of the eligible this month."""
        if not self.active(t):
            return
        m = self.model
        who = self.eligible()
        if self.p.tertiary_only:
            who = who[m.people.edu[who] == 2]
        m.outmigration_factor[who] *= 1.0 - self.p.reduction
        self._kept_base = who

    def demography(self, t: int) -> None:
        """Pay for the expected movers kept."""
        if not self.active(t):
            return
        m = self.model
        who = getattr(self, "_kept_base", np.zeros(0, np.int64))
        who = who[m.people.active[who]]
        hazard = m.outmigration_hazard(who)  # before the reduction
        kept = hazard * self.p.reduction  # expected movers kept this month
        self.charge(who, kept * self.p.unit_cost)
