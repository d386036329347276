"""Coaches (employment advisors) and the public employment service they form.

Coaches are few and are ordinary ``mesa.Agent`` objects: organisation, capacity in meetings a month,
personal effectiveness, caseload. The per-client work (who is due for a meeting, who is met within
each coach's capacity, referrals) is vectorised over the clients; the only Python loop is over
coaches, to read their capacities and write back their monthly tallies.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from agents.people import People
from model.config import ServicesConfig
from model.statuses import Status, is_jobseeker


class Coach(mesa.Agent):
    """An employment advisor or personal coach."""

    def __init__(self, model: mesa.Model, organisation: str, capacity: float,
                 effectiveness: float, specialisation: str = "general"):
        super().__init__(model)
        self.organisation = organisation
        self.capacity = capacity  # meetings a month
        self.effectiveness = effectiveness  # multiplies the effect of a meeting
        self.specialisation = specialisation
        self.caseload = 0  # clients at the end of the last services phase
        self.meetings = 0  # meetings held this month

    def __repr__(self) -> str:
        return (f"Coach(id={self.unique_id}, {self.organisation}, caseload={self.caseload}, "
                f"capacity={self.capacity:g}/month, effectiveness={self.effectiveness:.2f})")


@dataclass
class MeetingResult:
    """Who was met this month and what came of it."""

    met: np.ndarray  # person indices met at least once
    n_meetings: np.ndarray  # meetings per met person
    vacancy_referrals: np.ndarray  # person indices referred to a vacancy
    training_referrals: np.ndarray
    other_service_referrals: np.ndarray
    subsidy_referrals: np.ndarray


class EmploymentService:
    """A public employment service: its coaches, client assignment and meeting schedule."""

    def __init__(self, model: mesa.Model, cfg: ServicesConfig, n_coaches: int, organisation: str,
                 rng: np.random.Generator, scale: float):
        self.cfg = cfg
        self.scale = scale
        self.organisation = organisation
        eff = np.clip(1.0 + cfg.advisor_effect_sd * rng.standard_normal(n_coaches), 0.2, None)
        self.coaches = [Coach(model, organisation, cfg.meetings_per_advisor, float(e))
                        for e in eff]
        self._refresh_arrays()

    def hire(self, n: int, rng: np.random.Generator) -> None:
        """Add ``n`` coaches with effectiveness drawn as for the first ones."""
        cfg = self.cfg
        eff = np.clip(1.0 + cfg.advisor_effect_sd * rng.standard_normal(n), 0.2, None)
        model = self.coaches[0].model
        self.coaches += [Coach(model, self.organisation, cfg.meetings_per_advisor, float(e))
                         for e in eff]
        self._refresh_arrays()

    def _refresh_arrays(self) -> None:
        self.capacity = np.array([c.capacity for c in self.coaches], dtype=float)
        self.effectiveness = np.array([c.effectiveness for c in self.coaches], dtype=float)

    @property
    def person_years_per_month(self) -> float:
        """Coach person-years used in one month, in real people."""
        return len(self.coaches) / self.scale / 12.0

    def assign(self, rng: np.random.Generator, people: People, clients: np.ndarray) -> None:
        """Give every client without a coach one, preferring coaches with room in their caseload."""
        n = len(self.coaches)
        have = people.coach[clients]
        new = clients[have < 0]
        if len(new) == 0:
            return
        load = np.bincount(have[have >= 0], minlength=n).astype(float)
        target = (load.sum() + len(new)) / n
        room = np.maximum(target - load, 0.0) + 1e-9
        people.coach[new] = rng.choice(n, size=len(new), p=room / room.sum()).astype(np.int16)

    def meetings(self, rng: np.random.Generator, people: People, t: int,
                 nordic: bool) -> MeetingResult:
        """Hold this month's meetings within each coach's capacity; decide referrals."""
        cfg = self.cfg
        seekers = np.flatnonzero(is_jobseeker(people.status))
        self.assign(rng, people, seekers)
        unemp = seekers[people.status[seekers] == Status.UNEMPLOYED]
        since = t - people.last_meeting[unemp].astype(np.int64)
        spell = people.spell[unemp]
        need = (since >= cfg.interview_interval_months).astype(np.int64)
        if nordic:
            early = (spell < 3) | (spell == 6)
            need = np.where(early, np.round(cfg.nordic_early_meetings).astype(np.int64), need)
        due = need > 0
        clients, need, since = unemp[due], need[due], since[due]
        coach = people.coach[clients].astype(np.int64)
        # Most overdue first within each coach (never met = most overdue), ties at random.
        overdue = 999 - np.minimum(since, 999)
        order = np.argsort((coach << 20) | (overdue << 10) | rng.integers(0, 1024, len(clients)))
        clients, need, coach = clients[order], need[order], coach[order]
        cum = np.cumsum(need)
        start = np.searchsorted(coach, np.arange(len(self.coaches)))
        before = np.where(start > 0, cum[np.maximum(start - 1, 0)], 0)
        used = cum - before[coach]
        served = used <= self.capacity[coach]
        met, n_meet, coach = clients[served], need[served], coach[served]

        people.last_meeting[met] = t
        people.plan_date[met] = t
        people.effort[met] += (cfg.meeting_effort_boost * self.effectiveness[coach] * n_meet
                               ).astype(np.float32)
        held = np.bincount(coach, weights=n_meet, minlength=len(self.coaches))
        caseload = np.bincount(people.coach[seekers], minlength=len(self.coaches))
        for c, h, k in zip(self.coaches, held, caseload, strict=True):
            c.meetings = int(h)
            c.caseload = int(k)

        def refer(p: float, eligible: np.ndarray) -> np.ndarray:
            prob = 1.0 - (1.0 - p) ** n_meet[eligible]
            cand = met[eligible]
            return cand[rng.random(len(cand)) < prob]

        long = people.spell[met] >= 6
        all_met = np.ones(len(met), bool)
        return MeetingResult(
            met=met,
            n_meetings=n_meet,
            vacancy_referrals=refer(cfg.referral_probability, all_met),
            training_referrals=refer(cfg.training_referral, all_met),
            other_service_referrals=refer(cfg.other_service_referral, all_met),
            subsidy_referrals=refer(cfg.subsidy_referral, long | people.partial_wa[met]),
        )
