"""Referrals waiting for their service to start.

A coach's referral to labour-market training or to another service (a work or training trial,
rehabilitative work, a purchased service) seldom starts it the same day: a course has its next
intake, a purchased service its provider's next group, rehabilitative work needs an activation plan
made with the municipality. Meanwhile the jobseeker stays unemployed and may find work. Waits are
geometric on 0, 1, 2, … months with mean ``services.service_wait_months``; a referral lapses if its
unemployment spell has ended by the start month. Someone already waiting is not referred again
(lapsed referrals are dropped when new ones are queued).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from agents.people import People
from model.indices import nonzero
from model.statuses import Status

#: Kinds of referral in the queue.
TRAINING, OTHER_SERVICE = 0, 1


def _empty(dtype: type) -> np.ndarray:
    return np.zeros(0, dtype)


@dataclass
class ServiceQueue:
    """Referrals made but not yet started: one entry per waiting person."""

    person: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    kind: np.ndarray = field(default_factory=lambda: _empty(np.uint8))
    referred: np.ndarray = field(default_factory=lambda: _empty(np.int64))  # month of the referral
    start: np.ndarray = field(default_factory=lambda: _empty(np.int64))  # month the service starts

    def __len__(self) -> int:
        return len(self.person)

    def add(self, rng: np.random.Generator, people: People, training: np.ndarray,
            other: np.ndarray, t: int, mean_wait: float) -> None:
        """Queue the referrals to training and to other services made in month ``t``.

        Each array holds distinct people; someone referred to both waits for training.
        """
        if len(training) + len(other) == 0:
            return
        if len(self.person):  # drop lapsed referrals: their people may be referred anew
            self._keep(self._same_spell(people, t, self.person, self.referred))
        busy = np.zeros(people.capacity, bool)
        busy[self.person] = True
        training = np.sort(training[~busy[training]])  # queued in the order of the slots
        busy[training] = True
        other = np.sort(other[~busy[other]])
        n = len(training) + len(other)
        if n == 0:
            return
        wait = rng.geometric(1.0 / (1.0 + mean_wait), n) - 1
        self.person = np.concatenate([self.person, training, other])
        self.kind = np.concatenate([self.kind, np.full(len(training), TRAINING, np.uint8),
                                    np.full(len(other), OTHER_SERVICE, np.uint8)])
        self.referred = np.concatenate([self.referred, np.full(n, t, np.int64)])
        self.start = np.concatenate([self.start, t + wait])

    def _keep(self, keep: np.ndarray) -> None:
        self.person, self.kind = self.person[keep], self.kind[keep]
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

    def take_due(self, people: People, t: int) -> tuple[np.ndarray, np.ndarray]:
        """Remove the referrals starting in month ``t``; returns the people to start them.

        Returns ``(training, other_service)``: those still in the unemployment spell they were
        referred in (a spell that began after the referral month is a new one). The rest lapse.
        """
        due = self.start <= t
        if not due.any():
            return _empty(np.int64), _empty(np.int64)
        who, kind, ref = self.person[due], self.kind[due], self.referred[due]
        self._keep(~due)
        same_spell = self._same_spell(people, t, who, ref)
        who, kind = who[same_spell], kind[same_spell]
        return who[nonzero(kind == TRAINING)], who[nonzero(kind == OTHER_SERVICE)]
