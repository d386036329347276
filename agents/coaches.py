"""Coaches (employment advisors, personal coaches) and the employment services they form.

Coaches are few and are ordinary ``mesa.Agent`` objects: organisation, specialisation, capacity in
meetings a month, personal effectiveness, caseload. An :class:`EmploymentService` holds coaches and
serves the clients the model gives it: it assigns coaches (specialists first where they match),
holds the meetings the clients need within each coach's capacity (most overdue first), and draws
referrals. The per-client work is vectorised; the only Python loop is over coaches, to read their
capacities and write back their monthly tallies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np

from agents.people import People
from model.config import ContactRule
from model.indices import nonzero

SPECIALISATIONS = ("general", "youth", "immigrants", "partial_work_ability")


class Coach(mesa.Agent):
    """An employment advisor or personal coach."""

    def __init__(self, model: mesa.Model, organisation: str, capacity: float,
                 effectiveness: float, specialisation: str = "general"):
        super().__init__(model)
        self.organisation = organisation
        self.capacity = capacity  # meeting-hours a month (one face-to-face meeting = 1)
        self.effectiveness = effectiveness  # multiplies the effect of a meeting
        self.specialisation = specialisation
        self.caseload = 0  # clients at the end of the last services phase
        self.meetings = 0  # meetings held this month
        self.time_used = 0.0  # meeting-hours used this month (never above capacity)

    def __repr__(self) -> str:
        return (f"Coach(id={self.unique_id}, {self.organisation}, {self.specialisation}, "
                f"caseload={self.caseload}, capacity={self.capacity:g}/month, "
                f"effectiveness={self.effectiveness:.2f})")


@dataclass
class MeetingResult:
    """Who was met this month and what came of it."""

    met: np.ndarray  # person indices met at least once
    n_meetings: np.ndarray  # meetings per met person
    vacancy_referrals: np.ndarray  # person indices referred to a vacancy
    training_referrals: np.ndarray
    other_service_referrals: np.ndarray
    subsidy_referrals: np.ndarray
    coach_time: float = 0.0  # meeting-hours used
    #: Met people whose inactivity (not searching, not available) came to light.
    detected: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))


def contact_outcomes(rule: ContactRule, rng: np.random.Generator, people: People, t: int,
                     met: np.ndarray, n_meetings: np.ndarray,
                     strength: np.ndarray) -> MeetingResult:
    """What the contact time of the people ``met`` does, under the service's ``rule``.

    ``strength`` is each person's effective contacts this month (meetings weighted by the coach's
    effectiveness and the channel). Every effect grows with it: extra search effort
    (``effort_boost`` per contact), referrals to vacancies, training, other services and wage
    subsidy (probability ``1 - (1 - p)^strength``) for the active, and the detection of
    inactivity for the inactive.
    """
    people.last_meeting[met] = t
    people.plan_date[met] = t
    people.effort[met] += (rule.effort_boost * strength).astype(np.float32)

    def refer(p: float, eligible: np.ndarray, contact: np.ndarray = strength) -> np.ndarray:
        if p <= 0.0:
            return met[:0]
        cand = met[eligible]
        prob = 1.0 - (1.0 - p) ** contact[eligible]
        return cand[rng.random(len(cand)) < prob]

    # Services go to the young more than to the old: training and other-service referrals weigh
    # the contact time by exp(g (40 - age)).
    to_services = strength
    if rule.referral_age_decline > 0.0:
        to_services = strength * np.exp(rule.referral_age_decline
                                        * (40.0 - people.age_m[met] / 12.0))

    # The inactive (not searching, not available) are referred nowhere; contact time may bring
    # their inactivity to light instead.
    inactive = people.inactive[met]
    active = ~inactive
    long = people.spell[met] >= 6
    return MeetingResult(
        met=met,
        n_meetings=n_meetings,
        vacancy_referrals=refer(rule.vacancy_referral, active),
        training_referrals=refer(rule.training_referral, active, to_services),
        other_service_referrals=refer(rule.other_service_referral, active, to_services),
        subsidy_referrals=refer(rule.subsidy_referral, active & (long | people.partial_wa[met])),
        detected=refer(rule.detection, inactive),
    )


def client_specialisation(people: People, idx: np.ndarray) -> np.ndarray:
    """Index into :data:`SPECIALISATIONS` of the specialist who fits each client best."""
    spec = np.zeros(len(idx), np.int64)
    spec[people.partial_wa[idx]] = 3
    spec[(spec == 0) & people.foreign[idx]] = 2
    spec[(spec == 0) & (people.age_m[idx] < 30 * 12)] = 1
    return spec


class EmploymentService:
    """An employment service: its coaches, client assignment and meetings.

    Args:
        model: The model (coaches are registered as its agents).
        provider: The value of ``people.provider`` that marks this service's clients.
        organisation: ``"te_office"`` or ``"municipality"`` (who employs the coaches).
        n_coaches: Number of coaches at start.
        capacity: Meeting-hours a month per coach.
        effect_sd: Standard deviation of coaches' effectiveness around 1.
        style: What the contact time does and through which channels (:class:`ContactRule`).
        rng: Stream for the coaches' effectiveness.
        scale: Simulated persons per real person (person-years are reported in real people).
        specialist_shares: Shares of coaches specialised in youth, immigrants, partial work ability.
    """

    def __init__(self, model: mesa.Model, provider: int, organisation: str, n_coaches: int,
                 capacity: float, effect_sd: float, style: ContactRule,
                 rng: np.random.Generator, scale: float,
                 specialist_shares: tuple[float, float, float] = (0.0, 0.0, 0.0)):
        self.model = model
        self.provider = provider
        self.organisation = organisation
        self.capacity_each = capacity
        self.effect_sd = effect_sd
        self.style = style
        self.scale = scale
        self.specialist_shares = specialist_shares
        self.coaches: list[Coach] = []
        self.hire(n_coaches, rng)

    def hire(self, n: int, rng: np.random.Generator) -> None:
        """Add ``n`` coaches; their effectiveness and specialisation are drawn."""
        if n <= 0:
            return
        eff = np.clip(1.0 + self.effect_sd * rng.standard_normal(n), 0.2, None)
        shares = np.array(self.specialist_shares, float)
        p = np.concatenate([[max(1.0 - shares.sum(), 0.0)], shares])
        spec = rng.choice(len(SPECIALISATIONS), size=n, p=p / p.sum())
        self.coaches += [Coach(self.model, self.organisation, self.capacity_each, float(e),
                               SPECIALISATIONS[s]) for e, s in zip(eff, spec, strict=True)]
        self._refresh_arrays()

    def fire(self, n: int) -> None:
        """Remove the ``n`` most recently hired coaches (their clients get new ones)."""
        n = min(n, len(self.coaches))
        for c in self.coaches[len(self.coaches) - n:]:
            c.remove()
        self.coaches = self.coaches[: len(self.coaches) - n]
        self._refresh_arrays()

    def _refresh_arrays(self) -> None:
        self.capacity = np.array([c.capacity for c in self.coaches], dtype=float)
        self.effectiveness = np.array([c.effectiveness for c in self.coaches], dtype=float)
        self.spec = np.array([SPECIALISATIONS.index(c.specialisation) for c in self.coaches],
                             dtype=np.int64)

    @property
    def person_years_per_month(self) -> float:
        """Coach person-years used in one month, in real people."""
        return len(self.coaches) / self.scale / 12.0

    def assign(self, rng: np.random.Generator, people: People, clients: np.ndarray) -> None:
        """Give clients without a (valid) coach one.

        A fitting specialist if there is one, otherwise a generalist; coaches with room in their
        caseload first.
        """
        n = len(self.coaches)
        if n == 0:
            people.coach[clients] = -1
            return
        have = people.coach[clients]
        bad = (have < 0) | (have >= n)
        new = clients[bad]
        if len(new) == 0:
            return
        load = np.bincount(have[~bad], minlength=n).astype(float)
        specialists = bool(np.any(self.spec > 0))
        if specialists:
            want = client_specialisation(people, new)
            # Affinity: a fitting specialist first, then generalists, other specialists last.
            affinity = np.where(self.spec[None, :] == want[:, None], 3.0,
                                np.where(self.spec[None, :] == 0, 1.0, 0.2))
        # Loads are updated between rounds so that no coach takes more than a fair share.
        order = rng.permutation(len(new))
        target = (load.sum() + len(new)) / n
        for chunk in np.array_split(order, min(4, len(order))):
            room = np.maximum(target - load, 0.0) + 1e-6
            u = rng.random(len(chunk))
            if specialists:
                cum = np.cumsum(affinity[chunk] * room[None, :], axis=1)
                pick = (cum < (u * cum[:, -1])[:, None]).sum(axis=1)
            else:
                cum = np.cumsum(room)
                pick = np.searchsorted(cum, u * cum[-1], side="right")
            pick = np.minimum(pick, n - 1)
            people.coach[new[chunk]] = pick
            load += np.bincount(pick, minlength=n)

    def serve(self, rng: np.random.Generator, people: People, t: int, clients: np.ndarray,
              need: np.ndarray) -> MeetingResult:
        """Hold this month's meetings for ``clients`` needing ``need`` meetings each.

        Meetings are held within each coach's capacity, most overdue clients first; a digital
        meeting uses ``digital_time`` of a coach's hour and has ``digital_effect`` of the effect.
        """
        st = self.style
        self.assign(rng, people, clients)
        due = nonzero((need > 0) & (people.coach[clients] >= 0))
        cl, need = clients[due], need[due].astype(np.int64)
        coach = people.coach[cl].astype(np.int64)
        since = t - people.last_meeting[cl].astype(np.int64)
        overdue = 999 - np.minimum(since, 999)
        order = np.argsort((coach << 20) | (overdue << 10) | rng.integers(0, 1024, len(cl)))
        cl, need, coach = cl[order], need[order], coach[order]
        digital = rng.binomial(need, st.digital_share) if st.digital_share > 0 else 0 * need
        time = (need - digital) + digital * st.digital_time
        cum = np.cumsum(time)
        start = np.searchsorted(coach, np.arange(len(self.coaches)))
        before = (np.where(start > 0, cum[np.maximum(start - 1, 0)], 0.0) if len(cum)
                  else np.zeros(len(self.coaches)))
        used = cum - before[coach]
        served = nonzero(used <= self.capacity[coach] + 1e-9)
        met, n_meet, coach = cl[served], need[served], coach[served]
        digital, time = digital[served], time[served]

        effect = (n_meet - digital) + digital * st.digital_effect
        eff = self.effectiveness[coach]
        if st.specialist_bonus:
            fits = (self.spec[coach] > 0) & (self.spec[coach] == client_specialisation(people, met))
            eff = eff * np.where(fits, 1.0 + st.specialist_bonus, 1.0)
        if st.workplace_share > 0:
            at_work = met[rng.random(len(met)) < 1.0 - (1.0 - st.workplace_share) ** n_meet]
            people.employer_contact[at_work] = t
        held = np.bincount(coach, weights=n_meet, minlength=len(self.coaches))
        hours = np.bincount(coach, weights=time, minlength=len(self.coaches))
        caseload = np.bincount(people.coach[clients][people.coach[clients] >= 0],
                               minlength=len(self.coaches))
        for c, h, k, u in zip(self.coaches, held, caseload, hours, strict=True):
            c.meetings = int(h)
            c.caseload = int(k)
            c.time_used = float(u)
        res = contact_outcomes(st, rng, people, t, met, n_meet, effect * eff)
        res.coach_time = float(time.sum())
        return res


def te_office_need(people: People, clients: np.ndarray, t: int, interval: float,
                   nordic: bool, nordic_meetings: float) -> np.ndarray:
    """Meetings due this month under the public employment service's schedule.

    Before the Nordic model: an interview when ``interval`` months have passed since the last one.
    With the Nordic model: ``nordic_meetings`` a month during the first 3 months and in the
    intensive month after 6 months, otherwise every ``interval`` months.
    """
    since = t - people.last_meeting[clients].astype(np.int64)
    need = (since >= interval).astype(np.int64)
    if nordic:
        spell = people.spell[clients]
        early = (spell < 3) | (spell == 6)
        need = np.where(early, int(round(nordic_meetings)), need)
    return need
