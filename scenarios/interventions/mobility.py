"""Mobility support: travel or relocation support lowers commuting friction.

While active, up to ``capacity`` eligible jobseekers a month (at scale 1) are supported; in the
matching their applications weigh distance by ``1 - friction_reduction`` of the usual commuting
friction. Support lasts ``months`` and costs ``unit_cost`` a supported person-month.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from model.indices import nonzero
from model.intervention import Eligibility, Intervention, InterventionParams
from model.params import param
from model.statuses import Status


@dataclass
class MobilityParams(InterventionParams):
    """Mobility support: who, how much, how long."""

    eligibility: Eligibility = field(default_factory=lambda: Eligibility(statuses=["unemployed"],
                                                                         min_months=3))
    capacity: float = param(300.0, 0.0, 1e6, lever=(0, 1000), unit="newly supported a month at scale 1",
                            source="assumption")
    unit_cost: float = param(120.0, 0.0, 1e5, unit="EUR per supported person-month",
                             source="assumption: a monthly travel card and some relocation aid")
    friction_reduction: float = param(0.5, 0.0, 1.0, unit="share of commuting friction removed",
                                      source="assumption")
    months: float = param(6.0, 1.0, 36.0, unit="months of support", source="assumption")


class Mobility(Intervention):
    """See the module docstring."""

    name = "mobility"
    params = MobilityParams
    order = 140
    _weights: np.ndarray | None = None

    def matching(self, t: int, inputs) -> None:
        """Support new people; mark the supported for the matching."""
        m, p = self.model, self.p
        people = m.people
        if self.active(t):
            cand = self.eligible()
            cand = cand[people.grant_end[cand] < t]
            new = self.take(cand)
            people.grant_end[new] = t + int(round(p.months))
            people.service_kind[new] = np.where(people.service_kind[new] == 0, self.kind_id,
                                                people.service_kind[new])
            self.participants_started += len(new)
        supported = nonzero((people.grant_end >= t) & (people.status == Status.UNEMPLOYED)
                            & (people.service_kind == self.kind_id))
        if len(supported):
            if self._weights is None:
                from model.matching import application_weights

                self._weights = application_weights(m.distance * (1.0 - p.friction_reduction),
                                                    len(m.sector_names), m.config.economy)
            inputs.support_mobility(supported, self._weights)
        self.charge(supported, p.unit_cost)
