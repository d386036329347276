"""People: the working-age population as a struct of numpy arrays, one array per attribute.

Slots whose ``status`` is ``Status.EMPTY`` hold nobody and are reused by entrants, lowest first.
Every change of status goes through :meth:`People.move`, which keeps the bookkeeping (previous
status, spell, long-term history before a service, coach and employer links) and counts the flow,
so that stocks and flows balance every month. Slots are freed by :meth:`People.leave` only and
taken by :meth:`People.allocate`, which keep the sorted list of free slots.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from model.indices import nonzero
from model.rng import bernoulli_positions
from model.statuses import (
    BENEFIT_LABELS,
    HAS_EMPLOYER,
    IS_JOBSEEKER,
    IS_SERVICE,
    N_STATUS,
    STATUS_LABELS,
    Benefit,
    Status,
    compose_group_code,
    is_employment,
)

#: Attribute name -> (dtype, value of an empty slot).
FIELDS: dict[str, tuple[Any, Any]] = {
    "status": (np.uint8, Status.EMPTY),
    "prev_status": (np.uint8, Status.EMPTY),
    "age_m": (np.int16, 0),  # age in months
    "sex": (np.int8, 0),  # 0 female, 1 male
    "muni": (np.int8, 0),
    "edu": (np.int8, 0),  # 0 basic, 1 upper-secondary, 2 tertiary
    "field": (np.int8, 0),  # occupational field = sector index
    "foreign": (np.bool_, False),  # foreign-language speaker
    "immigrant": (np.bool_, False),
    "partial_wa": (np.bool_, False),  # partial work ability
    "spell": (np.int16, 0),  # completed months in the current status
    "unemp_hist": (np.uint16, 0),  # bit k: unemployed at the end of month t-k (16 months)
    "work_hist": (np.uint32, 0),  # bit k: employed at the end of month t-k (28 months)
    "lt_before_service": (np.bool_, False),  # long-term history when the service chain began
    "fund": (np.bool_, False),  # unemployment-fund member
    "benefit": (np.uint8, Benefit.NONE),
    "erb_days_left": (np.float32, 0.0),
    "subsidy_share": (np.float32, 0.0),  # share of the pay cost the wage subsidy pays (at placement)
    "lms_days": (np.float32, 0.0),  # labour-market subsidy days paid while unemployed (2015 rule)
    "ub_days": (np.float32, 0.0),  # paid days of any benefit in the benefit period (TE24 rule)
    "employer": (np.int64, -1),  # firm index (also the recall firm of the temporarily laid off)
    "temp_laid": (np.bool_, False),  # temporarily laid off (counted unemployed)
    "layoff_end": (np.int16, -1),  # month a fixed-term temporary layoff ends (-1: until recall)
    "coach": (np.int16, -1),
    "last_meeting": (np.int16, -999),  # month index of the last meeting with a coach
    "plan_date": (np.int16, -999),  # month index when the employment plan was last updated
    "effort": (np.float32, 0.0),  # extra search effort from coaching, decays
    "employability": (np.float32, 1.0),  # latent productivity seen by employers
    "programme": (np.int16, -1),  # educator programme index while studying or training
    "service_end": (np.int16, -1),  # month index when the current service or subsidy ends
    "cohort": (np.int16, -1),  # month index when the person entered the model (-1 initial)
    "provider": (np.int8, 0),  # employment service responsible (0 = the public service)
    "employer_contact": (np.int16, -999),  # month of the last coaching meeting at an employer
    "service_gain": (np.float32, 0.0),  # employability gain when the current service ends
    "service_kind": (np.int8, 0),  # which programme the current service belongs to (0 = baseline)
    "inactive": (np.bool_, False),  # not searching or not available (the register does not know)
    "miss_factor": (np.float32, 1.0),  # lasting factor on the chance to miss a contact asked
    "sanction_days": (np.float32, 0.0),  # benefit days still withheld by a waiting period
    "obligation_failures": (np.uint8, 0),  # failures of the job-search obligation this period
    "month_code": (np.uint8, 0),  # group flags at the start of the month (or at entry)
    "unemp_months16": (np.uint8, 0),  # months unemployed in the last 16, at the last month end
    "work_months28": (np.uint8, 0),  # months employed in the last 28, at the last month end
}

#: Fields :meth:`People.move` to ``EMPTY`` resets (:meth:`People.leave` resets the others).
_SET_BY_MOVE_TO_EMPTY = {"status", "spell", "service_end", "service_kind", "temp_laid", "inactive",
                         "coach", "benefit", "effort", "employer", "programme", "lt_before_service"}

POP16 = np.array([bin(i).count("1") for i in range(1 << 16)], dtype=np.uint8)


def popcount16(x: np.ndarray) -> np.ndarray:
    """Number of set bits in 16-bit values."""
    return POP16[x]


def popcount32(x: np.ndarray) -> np.ndarray:
    """Number of set bits in 32-bit values."""
    return POP16[x & 0xFFFF] + POP16[x >> 16]


@dataclass
class Transitions:
    """Changes of status in one month: one element per change, in the order they happened."""

    old: np.ndarray
    new: np.ndarray
    muni: np.ndarray
    code: np.ndarray  # group flags at the time of the change (see People.group_code)
    spell: np.ndarray  # completed months in the old status
    n_muni: int
    #: Status before the old one (where the ending spell came from); empty when not logged.
    origin: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint8))
    #: Whether the person was temporarily laid off before the change; empty when not logged.
    laid_off: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))

    def flows(self) -> np.ndarray:
        """Counts by (from status, to status, municipality)."""
        n = N_STATUS + 1
        key = (self.old.astype(np.int32) * n + self.new) * self.n_muni + self.muni
        return np.bincount(key, minlength=n * n * self.n_muni).reshape(n, n, self.n_muni)


class People:
    """The population: arrays indexed by slot; ``status == EMPTY`` marks a free slot."""

    def __init__(self, capacity: int, n_muni: int,
                 extra_fields: dict[str, tuple[Any, Any, bool]] | None = None):
        """Room for ``capacity`` people in ``n_muni`` municipalities.

        ``extra_fields`` is per-person state that interventions declare: name -> (dtype, value of
        an empty slot, whether a change of status resets it); see ``Intervention.person_fields``.
        """
        self.n_muni = n_muni
        self.capacity = 0
        #: Every per-person array: name -> (dtype, value of an empty slot).
        self.fields: dict[str, tuple[Any, Any]] = dict(FIELDS)
        self._reset_on_move: list[tuple[str, Any]] = []
        for name, (dtype, empty, reset) in (extra_fields or {}).items():
            if name in FIELDS or hasattr(self, name):
                raise ValueError(f"per-person field {name!r} is already a field of People")
            self.fields[name] = (dtype, empty)
            if reset:
                self._reset_on_move.append((name, empty))
        done = _SET_BY_MOVE_TO_EMPTY | {name for name, _ in self._reset_on_move}
        self._reset_on_leave = [(name, empty) for name, (_dtype, empty) in self.fields.items()
                                if name not in done]
        #: Free slots in ascending order; ``None`` until first needed (statuses may be written
        #: directly while a population is built).
        self._free: np.ndarray | None = None
        for name, (dtype, empty) in self.fields.items():
            setattr(self, name, np.full(0, empty, dtype=dtype))
        self._grow(capacity)
        #: Months of work needed for the earnings-related allowance (kept current by the model).
        self.work_condition_months = 6.0
        #: This month's changes of status, logged by :meth:`move` (see :meth:`take_transitions`).
        self._log: list[tuple[np.ndarray, ...]] = []
        #: Called as ``observer(idx, old_status, new_status)`` before every change of status.
        self.observer: Callable[[np.ndarray, np.ndarray, np.ndarray], None] | None = None

    # ------------------------------------------------------------------ slots
    def _grow(self, new_capacity: int) -> None:
        extra = new_capacity - self.capacity
        for name, (dtype, empty) in self.fields.items():
            old = getattr(self, name)
            setattr(self, name, np.concatenate([old, np.full(extra, empty, dtype=dtype)]))
        if self._free is not None:
            self._free = np.concatenate([self._free, np.arange(self.capacity, new_capacity)])
        self.capacity = new_capacity

    def _free_slots(self) -> np.ndarray:
        """The free slots in ascending order."""
        if self._free is None:
            self._free = nonzero(self.status == Status.EMPTY)
        return self._free

    def allocate(self, n: int) -> np.ndarray:
        """Return the ``n`` lowest free slots (growing the arrays if needed); fields hold empty values."""
        free = self._free_slots()
        if len(free) < n:
            self._grow(max(int(self.capacity * 1.25), self.capacity + n - len(free)))
            free = self._free_slots()
        self._free = free[n:]
        return free[:n]

    def sample_active(self, rng: np.random.Generator, p: float) -> np.ndarray:
        """Each occupied slot with probability ``p``, ascending.

        The draws and the result of ``bernoulli_indices(rng, nonzero(self.active), p)``, found from
        the free slots instead of a scan of the population: the occupied slot of rank ``r`` is
        ``r`` plus the number of free slots with at most ``r`` occupied slots below them.
        """
        free = self._free_slots()
        ranks = bernoulli_positions(rng, self.capacity - len(free), p)
        below = free - np.arange(len(free))  # occupied slots below each free slot
        return ranks + below.searchsorted(ranks, side="right")

    @property
    def active(self) -> np.ndarray:
        """Boolean mask of occupied slots."""
        return self.status != Status.EMPTY

    @property
    def n_active(self) -> int:
        """Number of people in the model."""
        return int(np.count_nonzero(self.active))

    # ------------------------------------------------------------ transitions
    def enter(self, idx: np.ndarray, status: np.ndarray | int, t: int) -> None:
        """Bring new people (slots already filled with attributes) into the model in ``status``."""
        self.status[idx] = Status.EMPTY
        self.cohort[idx] = t
        self.month_code[idx] = self.compute_group_code(idx)
        self.move(idx, status, t)

    def leave(self, idx: np.ndarray, t: int) -> None:
        """Remove people from the model (age 65, death, out-migration); their slots become free."""
        self.move(idx, Status.EMPTY, t)
        for name, empty in self._reset_on_leave:
            getattr(self, name)[idx] = empty
        if self._free is not None and len(idx):
            new = np.sort(idx)
            self._free = np.insert(self._free, self._free.searchsorted(new), new)

    def move(self, idx: np.ndarray, new: np.ndarray | int, t: int) -> None:
        """Change the status of people ``idx`` to ``new`` and keep the bookkeeping consistent.

        ``new`` is one status for everyone (the common case, handled with fewer array operations)
        or one status per person.
        """
        if len(idx) == 0:
            return
        if isinstance(new, (np.ndarray, list, tuple)):
            self._move_many(idx, np.asarray(new, dtype=np.uint8), t)
            return
        new = int(new)
        old = self.status[idx]
        into_service = IS_SERVICE[new]
        self._change_status(idx, old, new, np.full(len(idx), new, dtype=np.uint8),
                            ~IS_SERVICE[old] if into_service else None)
        if not into_service and new != Status.UNEMPLOYED:
            self.lt_before_service[idx] = False
        if not IS_JOBSEEKER[new]:
            self.coach[idx] = -1
            self.benefit[idx] = Benefit.NONE
            self.effort[idx] = 0.0
        elif new == Status.SUBSIDISED:  # paid work: the next spell's benefit is decided anew
            self.benefit[idx] = Benefit.NONE
        if not HAS_EMPLOYER[new]:
            self.employer[idx] = -1
        if new != Status.TRAINING and new != Status.STUDENT:
            self.programme[idx] = -1

    def _move_many(self, idx: np.ndarray, new_arr: np.ndarray, t: int) -> None:
        """:meth:`move` with one new status per person."""
        old = self.status[idx]
        into_service = IS_SERVICE[new_arr]
        self._change_status(idx, old, new_arr, new_arr, into_service & ~IS_SERVICE[old])
        self.lt_before_service[idx[~into_service & (new_arr != Status.UNEMPLOYED)]] = False
        gone = idx[~IS_JOBSEEKER[new_arr]]
        self.coach[gone] = -1
        self.benefit[gone] = Benefit.NONE
        self.effort[gone] = 0.0
        self.benefit[idx[new_arr == Status.SUBSIDISED]] = Benefit.NONE
        self.employer[idx[~HAS_EMPLOYER[new_arr]]] = -1
        self.programme[idx[(new_arr != Status.TRAINING) & (new_arr != Status.STUDENT)]] = -1

    def _change_status(self, idx: np.ndarray, old: np.ndarray, new: np.ndarray | int,
                       new_arr: np.ndarray, chain_starts: np.ndarray | None) -> None:
        """Bookkeeping shared by :meth:`move` and :meth:`_move_many` (they do the rest).

        Shows the observer the change, logs the transition, notes the long-term history of those
        starting a chain of services and begins a new spell. ``new`` is the new status (one for
        everyone or one per person) and ``new_arr`` the same per person; ``chain_starts`` marks
        (in ``idx``) who enters a service from outside services (``None``: nobody). The long-term
        history that makes later unemployment "structural" is kept along a chain of services and
        set when the chain starts from unemployment; the callers clear it for those moving to
        neither a service nor unemployment.
        """
        if self.observer is not None:
            self.observer(idx, old, new_arr)
        self._log.append((old, new_arr, self.muni[idx], self.group_code(idx), self.spell[idx],
                          self.prev_status[idx], self.temp_laid[idx]))
        if chain_starts is not None:
            s = idx[chain_starts]
            lt = (self.spell[s] >= 12) | (self.unemp_months16[s] >= 12)
            self.lt_before_service[s] = (old[chain_starts] == Status.UNEMPLOYED) & lt
        self.prev_status[idx] = old
        self.status[idx] = new
        self.spell[idx] = 0
        self.service_end[idx] = -1
        self.service_kind[idx] = 0
        self.temp_laid[idx] = False
        self.inactive[idx] = False
        # Work ends a waiting period and the count of obligation failures.
        if isinstance(new, int):
            working = idx if new <= Status.SUBSIDISED else None
        else:
            working = idx[new_arr <= Status.SUBSIDISED]
        if working is not None:
            self.sanction_days[working] = 0.0
            self.obligation_failures[working] = 0
        for name, empty in self._reset_on_move:
            getattr(self, name)[idx] = empty

    def close_month(self, subsidised_work_accrues: bool = True) -> None:
        """End-of-month update of histories and spells (called once, before indicators)."""
        act = self.active
        st = self.status
        is_un = st == Status.UNEMPLOYED
        worked = is_employment(st)
        if not subsidised_work_accrues:
            worked = worked & (st != Status.SUBSIDISED)
        # Running counts: add this month, drop the month that leaves the window (in place).
        self.unemp_months16 += is_un.view(np.uint8)
        self.unemp_months16 -= (self.unemp_hist >> np.uint16(15)).astype(np.uint8)
        self.work_months28 += worked.view(np.uint8)
        self.work_months28 -= ((self.work_hist >> np.uint32(27)) & np.uint32(1)).astype(np.uint8)
        self.unemp_hist <<= np.uint16(1)
        self.unemp_hist |= is_un
        self.work_hist <<= np.uint32(1)
        self.work_hist &= np.uint32((1 << 28) - 1)
        self.work_hist |= worked
        self.spell += act.view(np.int8)

    def refresh_history_counts(self) -> None:
        """Recount months unemployed (last 16) and employed (last 28) from the history bits."""
        self.unemp_months16 = POP16[self.unemp_hist]
        self.work_months28 = popcount32(self.work_hist)

    def refresh_codes(self, known: np.ndarray | None = None) -> None:
        """Recompute everyone's group flags (at the start of each month).

        ``known`` are the flags as they stand now, if the caller has computed them already.
        """
        self.month_code = self.compute_group_code(slice(None)) if known is None else known

    def group_code(self, idx: np.ndarray) -> np.ndarray:
        """Group flags of people ``idx`` as at the start of the month (or their entry).

        Events of the month are attributed to these groups; see :meth:`compute_group_code`.
        """
        return self.month_code[idx]

    def entitled(self, idx: np.ndarray | slice, work_condition_months: float) -> np.ndarray:
        """Whether people ``idx`` would get the earnings-related allowance if unemployed now.

        A fund member is entitled who meets the work condition (a new benefit period) or still
        has days of an earlier period (it goes on).
        """
        return self.fund[idx] & ((self.work_months28[idx] >= work_condition_months)
                                 | (self.erb_days_left[idx] > 0))

    def compute_group_code(self, idx: np.ndarray | slice) -> np.ndarray:
        """Group flags of people ``idx`` now (bits as in ``model.statuses.GROUP_FLAGS``).

        The flags: under 30, foreign-language, not on earnings-related allowance, and the
        experiment's target group (any of the three).
        """
        st = self.status[idx]
        seeker = (st >= Status.SUBSIDISED) & (st <= Status.OTHER_SERVICE)
        benefit = self.benefit[idx]
        # A jobseeker whose benefit is set is entitled if it is the earnings-related allowance;
        # anyone else (not a jobseeker, or a new spell before the benefit phase assigns it): would
        # they get the earnings-related allowance if unemployed now?
        decided = seeker & (benefit != Benefit.NONE)
        entitled = self.entitled(idx, self.work_condition_months)
        no_erb = (decided & (benefit != Benefit.EARNINGS_RELATED)) | ~(decided | entitled)
        return compose_group_code(self.age_m[idx] < 30 * 12, self.foreign[idx], no_erb)

    @property
    def changed(self) -> bool:
        """Whether anyone has changed status since the last :meth:`take_transitions`.

        Only changes made through :meth:`move` (and :meth:`enter`, :meth:`leave`) are seen: the
        month-start figures reused from the previous month's close rely on it, so statuses must
        not be written directly between months.
        """
        return bool(self._log)

    def take_transitions(self) -> Transitions:
        """This month's logged changes of status (and start a new log)."""
        log, self._log = self._log, []
        if not log:
            e8 = np.zeros(0, np.uint8)
            return Transitions(e8, e8, np.zeros(0, np.int8), e8, np.zeros(0, np.int16),
                               self.n_muni)
        old, new, muni, code, spell, origin, laid = (np.concatenate(c)
                                                     for c in zip(*log, strict=True))
        return Transitions(old, new, muni, code, spell, self.n_muni, origin, laid)

    def reset_flows(self) -> np.ndarray:
        """This month's flow counts (from status, to status, municipality); starts a new log."""
        return self.take_transitions().flows()

    # ------------------------------------------------------------------ views
    def age_years(self, idx: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Age in whole years."""
        return self.age_m[idx] // 12

    def view(self, i: int, cohort: int | None = None) -> dict[str, Any]:
        """All attributes of person ``i`` as a dict (for notebooks and debugging).

        ``i`` is a slot: when someone leaves the model their slot is given to the next entrant,
        often within the month. A person is the pair (slot, ``cohort``, the month they entered);
        give ``cohort`` to be told when the slot holds someone else.
        """
        if not 0 <= i < self.capacity or self.status[i] == Status.EMPTY:
            raise IndexError(f"person {i} is not in the model")
        if cohort is not None and int(self.cohort[i]) != cohort:
            raise IndexError(f"slot {i} now holds someone else (entered in month "
                             f"{int(self.cohort[i])}, not {cohort}): the person has left the model")
        out = {name: getattr(self, name)[i].item() for name in self.fields}
        out["status"] = STATUS_LABELS[out["status"]]
        out["prev_status"] = STATUS_LABELS[out["prev_status"]]
        out["benefit"] = BENEFIT_LABELS[out["benefit"]]
        out["age"] = out["age_m"] // 12
        out["months_unemployed_last16"] = int(POP16[self.unemp_hist[i]])
        out["work_months_last28"] = int(popcount32(self.work_hist[i : i + 1])[0])
        del out["unemp_months16"], out["work_months28"]
        return out

    def to_frame(self) -> pd.DataFrame:
        """The whole population (occupied slots) as a DataFrame indexed by slot.

        Slots are reused after people leave; (slot, ``cohort``) identifies a person over time.
        """
        idx = nonzero(self.active)
        data = {name: getattr(self, name)[idx] for name in self.fields}
        df = pd.DataFrame(data, index=pd.Index(idx, name="person"))
        names = dict(enumerate(STATUS_LABELS))
        df["status"] = pd.Categorical(df["status"].map(names))
        df["prev_status"] = pd.Categorical(df["prev_status"].map(names))
        df["benefit"] = pd.Categorical(df["benefit"].map(dict(enumerate(BENEFIT_LABELS))))
        df["age"] = df["age_m"] // 12
        df["months_unemployed_last16"] = POP16[self.unemp_hist[idx]]
        df["work_months_last28"] = popcount32(self.work_hist[idx])
        df = df.drop(columns=["unemp_months16", "work_months28"])
        return df
