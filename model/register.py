"""The employment-service register: who stays registered, who lapses, obligations and sanctions.

A registration stays valid while the jobseeker keeps the contacts the service asks: the meetings
of its schedule. Each contact asked can be missed (``miss_rate``, higher for the inactive, the
young and those with no benefit, lower on the earnings-related allowance, and times each person's
lasting ``miss_factor``, so that those who keep contacts poorly lapse early); a missed contact ends
the registration: the person becomes ``LAPSED`` — without work, not registered, searching on their
own, still in the labour force — and may register again later (``reregistration_rate``), a new
spell with their history kept.

Under the Nordic model benefit recipients also report their job search monthly (from their first
plan made under the model): a report not made (missed as a contact is) is a failure of the
job-search obligation, sanctioned as below, and the registration stays valid.

Some of the registered unemployed become *inactive* (``inactivity_rate``): they stop searching or
are not available, and the register does not know. Contact time brings it to light (the contact
rule's ``detection``, per contact held; under the Nordic model also the monthly report,
``report_detection``). Detected unavailability ends the registration (out of the labour force);
a detected failure to search is sanctioned under the rules in force on that date
(:class:`~model.config.ObligationRules`): a waiting period before 2022-05; from 2022-05 a reminder,
then waiting periods of increasing length, then the work requirement; from 2026-03 a waiting period
at once, then a shorter work requirement. A sanction withholds benefit
days, raises the person's search effort (``sanction_effort``) and may end their registration
(``sanction_lapse``); while a sanctioned obligation is in force, the threat alone raises benefit
recipients' effort (``threat_effort``). From 2018-01 to 2019-12 the activation model cut the benefit
by ``activation_cut`` for those without work or services over the review period. The temporarily
laid off are under no job-search obligation in the first months of their layoff
(``laid_off_exempt_months``).

Everything here draws from the ``register`` stream.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.calendar import parse_month
from model.indices import nonzero
from model.rng import bernoulli_indices
from model.statuses import Benefit, Status

if TYPE_CHECKING:
    from model.region_model import RegionModel


class Register:
    """Registration, contacts, inactivity, obligations and sanctions (see the module docstring)."""

    def __init__(self, model: RegionModel):
        self.model = model
        self.pop = model.config.region.population
        self.rules = r = model.config.rules.obligations
        self.rng = model.streams["register"]
        self.activation = (parse_month(r.activation_model_start, "rules.obligations.activation_model_start"),
                           parse_month(r.activation_model_end, "rules.obligations.activation_model_end"))
        self.nordic_start = parse_month(r.nordic_start, "rules.obligations.nordic_start")
        self.tyke_start = parse_month(r.tyke_start, "rules.obligations.tyke_start")
        # The miss probability of each combination of (inactive, under 25, on the earnings-related
        # allowance, in a waiting period), as bits 0-3 of a code.
        pc = self.pop
        bits = np.arange(16)
        self._miss_table = np.minimum(
            pc.miss_rate * np.where(bits & 1, pc.miss_inactive, 1.0)
            * np.where(bits & 2, pc.miss_young, 1.0) * np.where(bits & 4, pc.miss_earnings_related, 1.0)
            * np.where(bits & 8, pc.miss_without_benefit, 1.0), 1.0)

    # ------------------------------------------------------------ rules in force
    def activation_model(self, t: int) -> bool:
        """Whether the activation model's benefit cut is in force in month ``t``."""
        return self.activation[0] <= t <= self.activation[1]

    def nordic(self, t: int) -> bool:
        """Whether the Nordic model's job-search obligation is in force in month ``t``."""
        return t >= self.nordic_start

    def sanctioned_obligation(self, t: int) -> bool:
        """Whether an obligation with a benefit consequence for searching is in force."""
        return self.activation_model(t) or self.nordic(t)

    # ------------------------------------------------------------ contacts asked
    def obliged(self, idx: np.ndarray) -> np.ndarray:
        """Mask over ``idx``: who is under the job-search obligation this month.

        The temporarily laid off are not, in the first ``laid_off_exempt_months`` of their layoff:
        no job-search report, and not searching is no failure (they wait for their recall). They
        are met and keep their meetings like everyone registered.
        """
        people = self.model.people
        return ~(people.temp_laid[idx] & (people.spell[idx] < self.rules.laid_off_exempt_months))

    def miss_probability(self, idx: np.ndarray) -> np.ndarray:
        """Probability that each of people ``idx`` misses one contact asked of them.

        The rate of their group and state times their own lasting factor (capped at 1).
        """
        people = self.model.people
        code = people.inactive[idx].view(np.uint8) | ((people.age_m[idx] < 25 * 12).view(np.uint8) << 1)
        code |= (people.benefit[idx] == Benefit.EARNINGS_RELATED).view(np.uint8) << 2
        code |= (people.sanction_days[idx] > 0).view(np.uint8) << 3
        p = self._miss_table[code]
        if self.pop.miss_heterogeneity > 0:
            p = np.minimum(p * people.miss_factor[idx], 1.0)
        return p

    def ask(self, idx: np.ndarray, contacts: np.ndarray | float, t: int) -> np.ndarray:
        """Ask ``contacts`` contacts (each person's, or one number) of the unemployed ``idx``.

        Whoever misses one lapses. Returns a mask over ``idx`` of those still registered (asked
        nothing, or kept every contact).
        """
        n = np.broadcast_to(np.asarray(contacts, float), idx.shape)
        asked = nonzero(n > 0)
        kept = np.ones(len(idx), bool)
        if len(asked) == 0:
            return kept
        who = idx[asked]
        p = 1.0 - (1.0 - self.miss_probability(who)) ** n[asked]
        missed = self.rng.random(len(who)) < p
        lapsed = who[missed]
        people, rec = self.model.people, self.model.recorder
        rec.tally_people("missed_contacts", people, lapsed)
        people.move(lapsed, Status.LAPSED, t)
        kept[asked[missed]] = False
        return kept

    # ------------------------------------------------------------ monitoring
    def detected(self, idx: np.ndarray, t: int) -> None:
        """Consequences for people ``idx`` whose inactivity came to light this month."""
        people = self.model.people
        idx = idx[(people.status[idx] == Status.UNEMPLOYED) & people.inactive[idx]]
        idx = idx[self.obliged(idx)]
        if len(idx) == 0:
            return
        rng, pc = self.rng, self.pop
        self.model.recorder.tally_people("inactivity_detected", people, idx)
        unavailable = rng.random(len(idx)) < pc.unavailable_share
        people.move(idx[unavailable], Status.OUTSIDE, t)
        self.sanction(idx[~unavailable], t)

    def sanction(self, idx: np.ndarray, t: int) -> None:
        """A failure of the job-search obligation by people ``idx``, under the rules of month ``t``."""
        if len(idx) == 0:
            return
        people, rec, r, pc = self.model.people, self.model.recorder, self.rules, self.pop
        if self.nordic(t):
            k = people.obligation_failures[idx].astype(np.int64)
            people.obligation_failures[idx] = np.minimum(k + 1, 255).astype(np.uint8)
            if t >= self.tyke_start:
                steps, requirement = r.tyke_waiting_days, r.tyke_work_requirement_days
            else:
                steps, requirement = r.nordic_waiting_days, r.work_requirement_days
            steps = np.asarray(steps, float)
            days = np.where(k < len(steps), steps[np.minimum(k, len(steps) - 1)], requirement)
            rec.tally_people("reminders", people, idx[days <= 0])
            rec.tally_people("waiting_periods", people, idx[(days > 0) & (k < len(steps))])
            rec.tally_people("work_requirements", people, idx[k >= len(steps)])
        else:
            days = np.full(len(idx), r.old_waiting_days)
            rec.tally_people("waiting_periods", people, idx[days > 0])
        hit = days > 0
        people.sanction_days[idx[hit]] = np.maximum(people.sanction_days[idx[hit]],
                                                    days[hit].astype(np.float32))
        # Whoever is told (a reminder, or a sanction) searches again, and harder; some leave.
        people.inactive[idx] = False
        people.effort[idx] += np.float32(pc.sanction_effort)
        leave = bernoulli_indices(self.rng, idx[hit], pc.sanction_lapse)
        people.move(leave, Status.LAPSED, t)

    # ------------------------------------------------------------ the month's step
    def month(self, t: int) -> None:
        """Inactivity begins, the monthly reports are checked, the lapsed return or give up."""
        people, pc, rng = self.model.people, self.pop, self.rng
        st = people.status
        un = nonzero(st == Status.UNEMPLOYED)
        # The Nordic model's monthly job-search report of benefit recipients. It binds from the
        # first plan made under the model (those already registered moved over at their next
        # meeting), and not the recently laid off. A report not made is a failure of the
        # obligation (a reminder first), not the end of the registration; a report made shows
        # some of the inactive.
        if self.nordic(t):
            reporting = un[people.benefit[un] != Benefit.NONE]
            reporting = reporting[(people.plan_date[reporting] >= self.nordic_start)
                                  & self.obliged(reporting)]
            missed = rng.random(len(reporting)) < self.miss_probability(reporting)
            inactive = reporting[~missed & people.inactive[reporting]]
            self.sanction(np.concatenate([
                reporting[missed], bernoulli_indices(rng, inactive, self.rules.report_detection)]), t)
        # Some of the registered unemployed become inactive.
        un = un[(people.status[un] == Status.UNEMPLOYED) & ~people.inactive[un]]
        people.inactive[bernoulli_indices(rng, un, pc.inactivity_rate)] = True
        # The lapsed register again (a new spell), or stop searching.
        lapsed = nonzero(people.status == Status.LAPSED)
        back = bernoulli_indices(rng, lapsed, pc.reregistration_rate)
        people.move(back, Status.UNEMPLOYED, t)
        rest = lapsed[people.status[lapsed] == Status.LAPSED]
        people.move(bernoulli_indices(rng, rest, pc.lapsed_exit_rate), Status.OUTSIDE, t)
