"""Work-ability assessment team (with Kela and social and health services).

Each month the team assesses up to ``capacity`` eligible jobseekers (by default the long-term
unemployed). It finds partial work ability where it exists (and, at ``detection``, where it had
not been recorded) and routes each assessed person: rehabilitation (a longer service with a gain),
adapted work (a wage-subsidised job at the partial-work-ability rate), training, disability pension
(out of the labour force; pensioners return only at the low ``outside_entry_rate``), or back to
job search with an updated plan. Route shares follow
Kerätär et al. (2016, evidence.md): about half of the long-term unemployed had good work ability,
15 % were eligible for disability pension, 20 % needed care or rehabilitation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from model.config import check_len
from model.intervention import Eligibility, Intervention, InterventionParams
from model.params import ConfigError, param
from model.rng import categorical, cdf_of
from model.statuses import Status


def _long_term() -> Eligibility:
    return Eligibility(statuses=["unemployed"], min_months=12)


@dataclass
class WorkAbilityParams(InterventionParams):
    """Work-ability assessment: capacity, detection and routes."""

    eligibility: Eligibility = field(default_factory=_long_term)
    capacity: float = param(60.0, 0.0, 1e6, lever=(0, 300), unit="assessments a month at scale 1",
                            source="assumption: a small multi-professional team")
    unit_cost: float = param(1200.0, 0.0, 1e5, unit="EUR per assessment", source="assumption")
    detection: float = param(0.3, 0.0, 1.0, unit="share of the assessed found partially able",
                             source="evidence.md: Kerätär et al. 2016 (27 % could not work in the "
                             "open labour market)")
    routes: list[float] = param([0.2, 0.15, 0.1, 0.15, 0.4], 0.0, 1.0,
                                unit="rehabilitation / adapted work / training / pension / search",
                                source="evidence.md: Kerätär et al. 2016 (20 % rehabilitation, "
                                "15 % disability pension)")
    rehabilitation_months: float = param(9.0, 1.0, 36.0, unit="months", source="assumption")
    rehabilitation_gain: float = param(0.2, 0.0, 2.0, unit="employability gain",
                                       source="assumption")


class WorkAbilityTeam(Intervention):
    """See the module docstring."""

    name = "work_ability"
    params = WorkAbilityParams
    order = 50

    @classmethod
    def check(cls, params: WorkAbilityParams, cfg) -> None:
        """Five route shares, not all 0."""
        check_len("scenario.work_ability.routes", params.routes, 5)
        if sum(params.routes) <= 0:
            raise ConfigError("scenario.work_ability.routes must not all be 0")

    def services(self, t: int) -> None:
        """Assess and route."""
        if not self.active(t):
            return
        m, p = self.model, self.p
        people, rng = m.people, self.rng
        assessed = self.take(self.eligible(), limit=self.capacity_now())
        if len(assessed) == 0:
            return
        self.charge(assessed, p.unit_cost)
        self.participants_started += len(assessed)
        found = assessed[rng.random(len(assessed)) < p.detection]
        people.partial_wa[found] = True
        people.plan_date[assessed] = t
        route = categorical(rng, cdf_of(p.routes), len(assessed))
        m.start_other_service(assessed[route == 0], t, p.rehabilitation_months,
                              p.rehabilitation_gain, rng, self.kind_id)
        people.partial_wa[assessed[route == 1]] = True
        m.wage_subsidy.place(t, assessed[route == 1], rng)
        trained = m.programmes.enrol(rng, people, assessed[route == 2], kind=1, level=None, t=t,
                                     status=Status.TRAINING)
        m.recorder.tally_people("training_starts", people, trained)
        pension = assessed[route == 3]
        people.move(pension, Status.OUTSIDE, t)
        people.prev_status[pension] = Status.OUTSIDE  # pensioners do not come back as lapsed
