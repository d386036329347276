"""Skills: conversion training (*muuntokoulutus*) and apprenticeship (*oppisopimus*).

**Conversion training** adds labour-market training places in the fields where vacancies go
unfilled (each month the places go to the fields with the most open vacancies per jobseeker of the
field). Trainees are jobseekers in a service: they search little while in training (lock-in,
``scenario.services.training_effort``), and completers gain employability and may move to the
trained field. Recognition of prior skills shortens the course for those who already have the
level (``recognition_reduction``).

**Apprenticeship** places eligible jobseekers in jobs where they study on the job: the employer
decides (``take_up``, raised by the firm point's marketing); the apprentice is employed (a new job
at the firm, which stays) for ``months`` and gains one education level on completion.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from model.indices import nonzero
from model.intervention import Eligibility, Intervention, InterventionParams
from model.params import ConfigError, param
from model.rng import pick_uniform
from model.statuses import Status


def _unemployed_3m() -> Eligibility:
    return Eligibility(statuses=["unemployed"], min_months=3)


@dataclass
class TrainingParams(InterventionParams):
    """Conversion training: places, duration, completion, field change."""

    eligibility: Eligibility = field(default_factory=_unemployed_3m)
    capacity: float = param(100.0, 0.0, 1e6, lever=(0, 400), unit="trainees starting a month at scale 1",
                            source="assumption")
    unit_cost: float = param(1500.0, 0.0, 1e5, unit="EUR per trainee-month",
                             source="assumption: purchased labour-market training")
    payer: str = "state"
    duration_months: float = param(6.0, 1.0, 36.0, unit="months", source="assumption")
    completion: float = param(0.8, 0.0, 1.0, unit="share completing", source="assumption")
    level: int = param(1, 0, 2, unit="qualification level reached", source="assumption")
    recognition_reduction: float = param(0.3, 0.0, 0.9,
                                         unit="shorter course for those with the level already",
                                         source="assumption: recognition of prior skills")
    educator: str = "Koulutuskeskus Salpaus and upper-secondary schools"


class ConversionTraining(Intervention):
    """See the module docstring."""

    name = "training"
    params = TrainingParams
    order = 90

    @classmethod
    def check(cls, params: TrainingParams, cfg) -> None:
        """The educator must be one of the region's."""
        educators = [e.name for e in cfg.region.educators]
        if params.educator not in educators:
            raise ConfigError(f"scenario.training.educator = {params.educator!r}; allowed: "
                              f"{', '.join(educators)}")

    def __init__(self, model, params: TrainingParams):
        super().__init__(model, params)
        prog = model.programmes
        self.first = len(prog)
        # One programme per sector; places are (re)allotted each month by shortage.
        n_sec = len(model.sector_names)
        places = params.capacity * params.duration_months * model.scale if params.enabled else 0.0
        prog.add(params.educator, "labour_market_training", list(range(n_sec)), params.level,
                 places / n_sec, params.duration_months, params.completion)
        self.ids = np.arange(self.first, self.first + n_sec)

    def services(self, t: int) -> None:
        """Allot places to shortage fields and enrol eligible jobseekers."""
        m, p = self.model, self.p
        if not self.active(t):
            return
        prog, people = m.programmes, m.people
        # Shortage: open vacancies per jobseeker of the field.
        vac = m.firms.vacancies
        n_sec = len(m.sector_names)
        open_v = np.bincount(m.firms.sector[vac.firm], minlength=n_sec).astype(float)
        seekers = np.bincount(people.field[nonzero(people.status == Status.UNEMPLOYED)],
                              minlength=n_sec)
        shortage = (open_v + 0.5) / (seekers + 1.0)
        # Places in use stay with their trainees; the free places go where the shortage is.
        total = p.capacity * p.duration_months * m.scale
        in_use = prog.enrolled(people)[self.ids]
        free = max(total - in_use.sum(), 0.0)
        prog.places[self.ids] = in_use + free * shortage / shortage.sum()
        prog.count(people)
        cand = self.take(self.eligible())
        got = prog.enrol(self.rng, people, cand, kind=1, level=None, t=t, status=Status.TRAINING,
                         only=self.ids)
        # Recognition of prior skills: shorter for those who already have the level.
        has = got[people.edu[got] >= p.level]
        left = people.service_end[has] - t
        people.service_end[has] = (t + np.maximum(1, np.round(left * (1 - p.recognition_reduction)))
                                   ).astype(np.int16)
        people.service_kind[got] = self.kind_id
        m.recorder.tally_people("training_starts", people, got)
        self.participants_started += len(got)
        trainees = nonzero((people.status == Status.TRAINING)
                           & (people.service_kind == self.kind_id))
        self.charge(trainees, p.unit_cost)


@dataclass
class ApprenticeshipParams(InterventionParams):
    """Apprenticeship: places, employer take-up, duration, completion, employer compensation."""

    eligibility: Eligibility = field(default_factory=lambda: Eligibility(statuses=["unemployed"]))
    capacity: float = param(40.0, 0.0, 1e6, lever=(0, 200), unit="apprenticeships offered a month at scale 1",
                            source="assumption")
    unit_cost: float = param(400.0, 0.0, 1e5, unit="EUR per apprentice-month (training "
                             "compensation to the employer)", source="assumption")
    take_up: float = param(0.4, 0.0, 1.0, unit="probability an approached employer agrees",
                           source="assumption")
    months: float = param(24.0, 3.0, 48.0, unit="months", source="assumption")
    completion: float = param(0.7, 0.0, 1.0, unit="share completing", source="assumption")


class Apprenticeship(Intervention):
    """See the module docstring."""

    name = "apprenticeship"
    params = ApprenticeshipParams
    order = 100
    #: The month the grant or apprenticeship ends (-1: none); a change of status ends it.
    person_fields = {"grant_end": (np.int16, -1, True)}

    def services(self, t: int) -> None:
        """Start apprenticeships; complete those that end."""
        m, p = self.model, self.p
        people, firms = m.people, m.firms
        ending = nonzero((people.service_kind == self.kind_id) & (people.grant_end >= 0)
                         & (people.grant_end <= t))
        if len(ending):
            done = ending[self.rng.random(len(ending)) < p.completion]
            people.edu[done] = np.minimum(people.edu[done] + 1, 2)
            people.grant_end[ending] = -1
            people.service_kind[ending] = 0
        apprentices = nonzero((people.service_kind == self.kind_id)
                              & (people.status == Status.EMPLOYED))
        self.charge(apprentices, p.unit_cost)
        if not self.active(t) or len(firms) == 0:
            return
        cand = self.take(self.eligible())
        marketing = m.wage_subsidy.marketing
        agree = cand[self.rng.random(len(cand)) < min(p.take_up * marketing, 1.0)]
        if len(agree) == 0:
            return
        # The apprentice's field decides the firm: a firm of that sector (any municipality).
        firm = np.full(len(agree), -1, np.int64)
        for s in np.unique(people.field[agree]):
            pool = nonzero(firms.sector == s)
            sel = nonzero(people.field[agree] == s)
            if len(pool):
                firm[sel] = pick_uniform(self.rng, pool, len(sel))
        agree, firm = agree[firm >= 0], firm[firm >= 0]
        people.move(agree, Status.EMPLOYED, t)
        people.employer[agree] = firm
        np.add.at(firms.base, firm, 1.0)  # an extra job at the firm
        m.total_base = float(firms.base.sum())
        people.service_kind[agree] = self.kind_id
        people.grant_end[agree] = t + int(round(p.months))
        self.participants_started += len(agree)
