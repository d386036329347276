"""Referrals waiting for their service to start.

A coach's referral to labour-market training or to another service (a work or training trial,
rehabilitative work, a purchased service) seldom starts it the same day: a course has its next
intake, a purchased service its provider's next group, rehabilitative work needs an activation plan
made with the municipality. Meanwhile the jobseeker stays unemployed and may find work. Intakes
come round every ``2 m`` months (``m = services.service_wait_months``) and a referral, made at a
random moment of its month, waits for the next one: the wait is uniform on [0, 2 m) months, and
the start falls ``⌊2 m u + v⌋`` months after the referral month (``u``, ``v`` uniform: the wait
and the moment in the month), whose mean is exactly ``m``. A referral lapses if its
unemployment spell has ended by the start month. Someone already waiting is not referred again
(lapsed referrals are dropped when new ones are queued). Each referral remembers the service that
made it (``source``: 0 the public service, otherwise the intervention's ``kind_id``), whose random
stream starts it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from agents.people import People
from model.statuses import Status

#: Kinds of referral in the queue: to training, to another service, or to both (training first,
#: another service if no training place is free).
TRAINING, OTHER_SERVICE, BOTH = 0, 1, 2


def _empty(dtype: type) -> np.ndarray:
    return np.zeros(0, dtype)


@dataclass
class ServiceQueue:
    """Referrals made but not yet started: one entry per waiting person."""

    person: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    kind: np.ndarray = field(default_factory=lambda: _empty(np.uint8))
    source: np.ndarray = field(default_factory=lambda: _empty(np.int64))  # who referred
    referred: np.ndarray = field(default_factory=lambda: _empty(np.int64))  # month of the referral
    start: np.ndarray = field(default_factory=lambda: _empty(np.int64))  # month the service starts

    def __len__(self) -> int:
        return len(self.person)

    def add(self, rng: np.random.Generator, people: People, training: np.ndarray,
            other: np.ndarray, t: int, mean_wait: float, source: int = 0) -> None:
        """Queue the referrals to training and to other services made in month ``t``.

        Each array holds distinct people; someone in both is referred to both (kind ``BOTH``).
        """
        if len(training) + len(other) == 0:
            return
        if len(self.person):  # drop lapsed referrals: their people may be referred anew
            self._keep(self._same_spell(people, t, self.person, self.referred))
        busy = np.zeros(people.capacity, bool)
        busy[self.person] = True
        training = np.sort(training[~busy[training]])  # queued in the order of the slots
        other = np.sort(other[~busy[other]])
        kind = np.zeros(people.capacity, np.uint8)  # TRAINING
        kind[other] = OTHER_SERVICE
        kind[training[kind[training] == OTHER_SERVICE]] = BOTH
        new = np.concatenate([training, other[kind[other] == OTHER_SERVICE]])
        n = len(new)
        if n == 0:
            return
        u = rng.random((2, n))
        wait = np.floor(2.0 * mean_wait * u[0] + u[1]).astype(np.int64)
        self.person = np.concatenate([self.person, new])
        self.kind = np.concatenate([self.kind, kind[new]])
        self.source = np.concatenate([self.source, np.full(n, source, np.int64)])
        self.referred = np.concatenate([self.referred, np.full(n, t, np.int64)])
        self.start = np.concatenate([self.start, t + wait])

    def _keep(self, keep: np.ndarray) -> None:
        self.person, self.kind, self.source = self.person[keep], self.kind[keep], self.source[keep]
        self.referred, self.start = self.referred[keep], self.start[keep]

    @staticmethod
    def _same_spell(people: People, t: int, who: np.ndarray, ref: np.ndarray) -> np.ndarray:
        """Still unemployed in the spell of the referral, during month ``t`` (before its close)."""
        return ((people.status[who] == Status.UNEMPLOYED)
                & (t - people.spell[who].astype(np.int64) <= ref))

    def waiting(self, people: People, t: int) -> int:
        """People waiting for a service start after month ``t`` has closed (lapsed ones excluded).

        The close has counted month ``t`` in everyone's spell, so spells are measured from ``t + 1``.
        """
        return int(np.count_nonzero(self._same_spell(people, t + 1, self.person, self.referred)))

    def take_due(self, people: People, t: int) -> list[tuple[int, np.ndarray, np.ndarray]]:
        """Remove the referrals starting in month ``t``; returns the people to start, by source.

        Returns ``(source, training, other_service)`` for each source with referrals due, in the
        order of the sources: those still in the unemployment spell they were referred in (a spell
        that began after the referral month is a new one); the rest lapse. Someone referred to both
        is in both arrays: they take another service if no training place is free.
        """
        due = self.start <= t
        if not due.any():
            return []
        who, kind, src = self.person[due], self.kind[due], self.source[due]
        same_spell = self._same_spell(people, t, who, self.referred[due])
        self._keep(~due)
        who, kind, src = who[same_spell], kind[same_spell], src[same_spell]
        return [(int(s), who[(src == s) & (kind != OTHER_SERVICE)],
                 who[(src == s) & (kind != TRAINING)]) for s in np.unique(src)]
