"""Green jobs: urban development, circular economy and environment work (measure 3).

While active, ``capacity`` new jobs a month (at scale 1) are created at employers of the chosen
sectors — the municipality and third sector first when ``public_employers`` — and last
``job_months``; they are filled through the ordinary vacancy-constrained matching. With a subsidy
the programme pays ``unit_cost`` a job-month.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from model.intervention import Intervention, InterventionParams
from model.params import ConfigError, param
from model.rng import pick_uniform


@dataclass
class GreenJobsParams(InterventionParams):
    """Green jobs: how many, where, how long, subsidised or not."""

    capacity: float = param(30.0, 0.0, 1e6, lever=(0, 150), unit="new jobs a month at scale 1",
                            source="assumption")
    unit_cost: float = param(1400.0, 0.0, 1e5, unit="EUR subsidy per job-month (0 = none)",
                             source="assumption: half of a monthly pay cost")
    job_months: float = param(12.0, 1.0, 120.0, unit="months a job lasts", source="assumption")
    sectors: list[str] = field(default_factory=lambda: ["construction", "primary",
                                                         "other_services"])
    public_employers: bool = True


class GreenJobs(Intervention):
    """See the module docstring."""

    name = "green_jobs"
    params = GreenJobsParams
    order = 110

    @classmethod
    def check(cls, params: GreenJobsParams, cfg) -> None:
        """The sectors must be the economy's."""
        sector_names = [s.name for s in cfg.economy.sectors]
        for s in params.sectors:
            if s not in sector_names:
                raise ConfigError(f"scenario.green_jobs.sectors: unknown sector {s!r}; allowed: "
                                  f"{', '.join(sector_names)}")

    @classmethod
    def trial_obstacle(cls, params) -> str | None:
        """Green jobs create jobs and take in nobody: there is no one to assign."""
        return "it creates jobs and takes in no people, so there is nobody to assign"

    def __init__(self, model, params: GreenJobsParams):
        super().__init__(model, params)
        secs = [model.sector_names.index(s) for s in params.sectors]
        f = model.firms
        pool = np.isin(f.sector, secs).nonzero()[0]
        if params.public_employers and np.any(f.etype[pool] > 0):
            pool = pool[f.etype[pool] > 0]
        self.pool = pool
        self.jobs_firm = np.zeros(0, np.int64)
        self.jobs_end = np.zeros(0, np.int64)

    def labour_demand(self, t: int) -> None:
        """Create this month's jobs and retire those that end (before vacancies open)."""
        m, p = self.model, self.p
        firms = m.firms
        ending = self.jobs_end <= t
        if ending.any():
            np.add.at(firms.base, self.jobs_firm[ending], -1.0)
            self.jobs_firm, self.jobs_end = self.jobs_firm[~ending], self.jobs_end[~ending]
        if self.active(t) and len(self.pool):
            n = self.capacity_now()
            firm = pick_uniform(self.rng, self.pool, max(n, 0))
            np.add.at(firms.base, firm, 1.0)
            self.jobs_firm = np.concatenate([self.jobs_firm, firm])
            self.jobs_end = np.concatenate([self.jobs_end,
                                            np.full(len(firm), t + int(round(p.job_months)))])
            self.participants_started += len(firm)
        m.total_base = float(firms.base.sum())
        if len(self.jobs_firm) and p.unit_cost > 0:
            euros = len(self.jobs_firm) / m.scale * p.unit_cost
            self.charge_region(euros)

    def charge_region(self, euros: float) -> None:
        """Charge a cost not tied to people, split over the municipalities by jobs created."""
        m = self.model
        per = np.bincount(m.firms.muni[self.jobs_firm], minlength=len(m.municipalities))
        per = per / max(per.sum(), 1) * euros
        m.recorder.add_cost(self.name, euros)
        self.cost_eur += euros
        m.recorder.add_region_cost(per, self.p.payer)
        if self.p.payer == "municipality":
            for muni, e in zip(m.municipalities, per, strict=True):
                muni.pay_services(float(e))
