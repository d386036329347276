"""The experiment's indicator set, collected as aggregated counts every month.

Nothing is stored per person per month. At each month end every person gets one cell code
(group flags × municipality × status × structural-unemployment component × flags) and one
``bincount`` gives all stock counts; events (ended spells, referrals, hires, subsidy starts …) are
tallied by group and municipality as they happen. Counts are kept in simulated people and scaled to
real people, and rates derived, when the tidy table is built (:meth:`Recorder.to_frame`).

Definitions (Finnish employment service statistics):

* labour force = employed + self-employed + wage-subsidised + unemployed + lapsed (without work and
  searching on their own, not registered: counted as the Labour Force Survey counts the
  unemployed); unemployment rate = registered unemployed / labour force;
* in services = wage-subsidised + labour-market training + other services;
  activation rate = in services / (unemployed + in services); broad unemployment = both;
* structural unemployment, the month-end sum of (1) long-term unemployed (≥ 12 months continuously),
  (2) unemployed ≥ 12 of the last 16 months, (3) back in unemployment from a service with a
  long-term history before it, (4) moved from service to service with that history;
* long-term-unemployment risk = unemployed for 6-11 months (they become long-term unemployed within
  six months unless their spell ends);
* an employment plan is up to date if updated within ``plan_valid_months``; the backlog is the rest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from agents.people import People, Transitions
from model.calendar import month_label
from model.indices import nonzero
from model.statuses import (  # N_COMBO, GROUP_MATRIX: importable from here too
    GROUP_MATRIX,
    GROUPS,
    IS_SERVICE,
    N_COMBO,
    N_STATUS,
    Benefit,
    Status,
    compose_group_code,
    is_jobseeker,
    is_service,
)

N_COMP = 6  # 0 none, 1 LTU, 2 comparable LTU, 3 after service, 4 service to service, 5 other LT svc


def _duration_counts(spell: np.ndarray) -> np.ndarray:
    """Unemployed by completed months of their spell (:data:`SPELL_BINS` bins)."""
    return np.bincount(np.minimum(spell, SPELL_BINS - 1), minlength=SPELL_BINS)


def _bucket(elapsed: np.ndarray) -> np.ndarray:
    """Duration bucket (:data:`DURATION_LABELS`) of elapsed months."""
    return np.searchsorted(DURATION_EDGES, elapsed, side="right")


def _spell_to_bucket(shift: float, n: int) -> np.ndarray:
    """(completed months ``s`` × bucket) matrix putting ``s`` in the bucket of ``s + shift``."""
    s = np.arange(n)
    weights = np.zeros((n, len(DURATION_LABELS)))
    weights[s, _bucket(np.maximum(s + shift, 0.0))] = 1.0
    return weights


def exits_by_elapsed(by_spell: np.ndarray) -> np.ndarray:
    """Exits by completed months ``s`` (last axis) spread over the elapsed-duration buckets.

    Spells begin and end, on average, in the middle of a month. Someone with ``s`` completed
    months at the start of a month who leaves during it has been unemployed between ``s - 1`` and
    ``s + 1`` months, ``s`` on average: half the exits count in the bucket of ``s - 1/2`` elapsed
    months, half in that of ``s + 1/2``. Exits in the month the spell began (``s = 0``) lie
    wholly below one month.
    """
    n = by_spell.shape[-1]
    return by_spell @ (0.5 * _spell_to_bucket(-0.5, n) + 0.5 * _spell_to_bucket(0.5, n))


def stock_by_elapsed(by_spell: np.ndarray) -> np.ndarray:
    """Unemployed at a month's start by completed months ``s`` (last axis), by elapsed duration.

    At the start of a month ``s`` completed months mean ``s - 1`` to ``s`` elapsed months: the
    bucket of ``s - 1/2``. (The register counts its stock at month ends, the same moments.)
    """
    return by_spell @ _spell_to_bucket(-0.5, by_spell.shape[-1])


def by_group(counts: np.ndarray) -> np.ndarray:
    """Sum counts by flag combination (first axis) into the reported groups (``GROUPS``)."""
    return (GROUP_MATRIX @ counts.reshape(N_COMBO, -1)).reshape((len(GROUPS),) + counts.shape[1:])


STOCKS = [
    "working_age", "employed", "self_employed", "subsidised", "unemployed", "temporarily_laid_off",
    "training", "other_service", "students", "outside_labour_force", "lapsed", "long_term_unemployed",
    "structural_long_term", "structural_comparable", "structural_after_service",
    "structural_service_to_service", "in_services_after_long_term", "ltu_risk",
    "jobseekers_25_29", "in_services_25_29", "jobseekers_60_64", "in_services_60_64",
    "plans_up_to_date", "earnings_related_recipients", "basic_benefit_recipients",
    "upper_secondary_or_more", "tertiary",
]
EVENTS = [
    "spells_ended_to_work", "spells_ended_to_services", "spells_ended_to_education",
    "spells_ended_to_outside", "spells_ended_to_leaving", "inflow_to_unemployment", "hires",
    "referrals", "referral_hires", "presentations", "presentation_hires", "meetings",
    "training_starts", "other_service_starts", "subsidy_starts_private",
    "subsidy_starts_municipality", "subsidy_starts_third_sector", "benefit_eur",
    "benefit_eur_municipal", "benefit_eur_state", "service_cost_eur",
    "programme_cost_eur_state", "programme_cost_eur_municipal",
    "spells_ended_to_lapsed", "reregistrations", "missed_contacts", "inactivity_detected",
    "reminders", "waiting_periods", "work_requirements", "activation_cuts", "benefit_days_lost",
    "benefit_eur_withheld",
]
#: Destinations of ended unemployment spells (:data:`DESTINATION`), in their index order.
DESTINATIONS = ("work", "services", "education", "outside", "leaving", "lapsed")
REGION = [
    "advisors", "advisor_person_years", "advisor_cost_eur", "advisor_cost_eur_municipal",
    "clients", "waiting_for_service", "vacancies_public", "vacancies_hidden",
    "applications", "demand_index",
]
#: Destination classes of ended unemployment spells, by new status. As in the employment service
#: statistics (TEM, Työnvälitystilasto), "to work" is the open labour market (placed, found work,
#: recalled from a temporary layoff); a wage-subsidised job is a service ("työllistetyt" among the
#: active measures).
DESTINATION = np.full(N_STATUS + 1, -1, dtype=np.int64)
DESTINATION[[Status.EMPLOYED, Status.SELF_EMPLOYED]] = 0
DESTINATION[[Status.SUBSIDISED, Status.TRAINING, Status.OTHER_SERVICE]] = 1
DESTINATION[Status.STUDENT] = 2
DESTINATION[Status.OUTSIDE] = 3
DESTINATION[Status.EMPTY] = 4  # left the model: out-migration, death, or reaching 65
DESTINATION[Status.LAPSED] = 5  # registration lapsed: left the register without a job
#: Where a spell came from (the status before unemployment) when its start was known in advance:
#: a job ended by a quit, a dismissal or a temporary layoff (notice periods: a dismissal 14 days
#: to 6 months and a quit 14 days to 1 month, Employment Contracts Act 55/2001 ch. 6 s. 3, with
#: paid leave to look for work during a dismissal's notice; a temporary layoff 14 days, ch. 5
#: s. 4), or studies, a service or a wage-subsidised job with their fixed end dates.
KNOWN_END = np.zeros(N_STATUS + 1, dtype=bool)
KNOWN_END[[Status.EMPLOYED, Status.STUDENT, Status.SUBSIDISED, Status.TRAINING,
           Status.OTHER_SERVICE]] = True
#: Destinations that are work (:data:`DESTINATION` 0).
IS_WORK = np.zeros(N_STATUS + 1, dtype=bool)
IS_WORK[[Status.EMPLOYED, Status.SELF_EMPLOYED]] = True


def register_sees(tr: Transitions) -> np.ndarray:
    """Which changes of status ``tr`` the register would see: all but the spells below.

    The model's month has no days: every end of a job, of studies and of a service comes before
    the month's hiring, so whoever is hired in the month their job, studies or service ended
    passes through a spell of unemployment of less than a month. When that end was known in
    advance (:data:`KNOWN_END`) the month's search is the search during the notice or before the
    end of the studies or service, and the register, whose spell begins only when the employment,
    studies or service has ended and the person is an unemployed jobseeker, has no spell: the
    person moved straight from one to the other. Such a spell never reaches a month-end stock, so
    only the flows (ended spells, their destinations and durations, the inflow) are affected; its
    start and its end are both left out. Spells from outside the labour force, from a lapsed
    registration, from moving in and from self-employment are kept, and so are temporary layoffs:
    the laid off register as jobseekers on the first day of the layoff to be paid for its days
    (TE services, 'Minut on lomautettu'), however soon they return.
    """
    if len(tr.origin) != len(tr.old):  # transitions logged without their origin: keep all
        return np.ones(len(tr.old), bool)
    unseen = ((tr.old == Status.UNEMPLOYED) & (tr.spell == 0) & IS_WORK[tr.new]
              & KNOWN_END[tr.origin])
    if len(tr.laid_off) == len(tr.old):
        unseen &= ~tr.laid_off
    return ~unseen


def record_unreported_work(by_destination: np.ndarray, share: float) -> np.ndarray:
    """Counts of ended spells (first axis: :data:`DESTINATIONS`) as the register records them.

    An exit to work is known to the office only when it learns of the job; a share ``share`` of
    them the register records as a lapsed registration instead (the jobseeker did not tell the
    office and the job search was not renewed). The published figures give only the totals, so
    the share applies to every exit to work alike. It is moved as an expected share: no random
    number is drawn and nobody's path changes. Returns a new float array.
    """
    out = by_destination.astype(float)
    work, lapsed = DESTINATION[Status.EMPLOYED], DESTINATION[Status.LAPSED]
    out[lapsed] += share * out[work]
    out[work] *= 1.0 - share
    return out


#: Duration buckets of the exit-rate profile: elapsed months of unemployment, as in the register.
DURATION_EDGES = np.array([1, 3, 6, 12, 18, 24])
DURATION_LABELS = ["<1", "1-3", "3-6", "6-12", "12-18", "18-24", ">24"]
#: Spell durations are recorded by completed month at the start of the month, 0 … 24 and "25 or
#: more" (the last bin): ``duration_stock[t, s]`` and ``duration_exits[t, destination, s]``.
SPELL_BINS = 26


class Recorder:
    """Monthly indicator arrays for one run."""

    def __init__(self, n_months: int, muni_names: list[str], scale: float, plan_valid: float,
                 cost_names: list[str] | None = None, unreported_work: float = 0.0):
        """``unreported_work``: the share of exits to work the register records as lapses."""
        self.T = n_months
        self.unreported_work = unreported_work
        self.munis = list(muni_names)
        self.M = len(muni_names)
        self.scale = scale
        self.plan_valid = plan_valid
        self.stocks = np.zeros((n_months, len(GROUPS), self.M, len(STOCKS)))
        self.events = np.zeros((n_months, len(GROUPS), self.M, len(EVENTS)))
        self.region = np.zeros((n_months, len(REGION)))
        self.flows = np.zeros((n_months, N_STATUS + 1, N_STATUS + 1, self.M), dtype=np.int64)
        self.stock_by_status = np.zeros((n_months, N_STATUS + 1, self.M), dtype=np.int64)
        self.initial_by_status = np.zeros((N_STATUS + 1, self.M), dtype=np.int64)
        self.duration_stock = np.zeros((n_months, SPELL_BINS))
        self.duration_exits = np.zeros((n_months, len(DESTINATIONS), SPELL_BINS))
        self._ev = {k: i for i, k in enumerate(EVENTS)}
        self._st = {k: i for i, k in enumerate(STOCKS)}
        self._rg = {k: i for i, k in enumerate(REGION)}
        self._month_events = np.zeros((N_COMBO * self.M, len(EVENTS)))
        self._pending: list[tuple[int, np.ndarray, np.ndarray, np.ndarray | None]] = []
        #: (month, unemployed by completed months at its start), counted by :meth:`close`.
        self._next_duration: tuple[int, np.ndarray] | None = None
        #: (month, everyone's group flags at its end), computed by :meth:`close`.
        self.end_codes: tuple[int, np.ndarray] | None = None
        self._month_unattributed = np.zeros((self.M, len(EVENTS)))
        #: Cost of each intervention by month (real euros), for the region only.
        self.cost_names = list(cost_names or [])
        self.costs = np.zeros((n_months, len(self.cost_names)))
        self.current_t = 0

    # -------------------------------------------------------------- events
    def tally(self, name: str, code: np.ndarray, muni: np.ndarray,
              weights: np.ndarray | None = None) -> None:
        """Add events (or euros with ``weights``) of people with group ``code`` in ``muni``.

        Events are kept as they come and counted once, at the month's close (:meth:`close`).
        """
        if len(code):
            self._pending.append((self._ev[name], code, muni, weights))

    def tally_people(self, name: str, people: People, idx: np.ndarray,
                     weights: np.ndarray | None = None) -> None:
        """Tally events of jobseekers ``idx``."""
        if len(idx):
            self._pending.append((self._ev[name], people.group_code(idx), people.muni[idx], weights))

    def _count_pending(self) -> None:
        """Count the month's tallied events into ``_month_events`` (one ``bincount``)."""
        if not self._pending:
            return
        ev, code, muni, weights = zip(*self._pending, strict=True)
        self._pending = []
        sizes = [len(c) for c in code]
        n_ev = len(EVENTS)
        key = (np.concatenate(code).astype(np.int64) * self.M + np.concatenate(muni)) * n_ev
        key += np.repeat(np.asarray(ev, np.int64), sizes)
        w = np.concatenate([np.ones(n) if wt is None else np.asarray(wt, float)
                            for n, wt in zip(sizes, weights, strict=True)])
        self._month_events += np.bincount(key, weights=w, minlength=N_COMBO * self.M * n_ev
                                          ).reshape(N_COMBO * self.M, n_ev)

    def add_cost(self, name: str, euros: float) -> None:
        """Add real euros to intervention ``name``'s cost this month."""
        self.costs[self.current_t, self.cost_names.index(name)] += euros

    def add_region_cost(self, per_muni_euros: np.ndarray, payer: str) -> None:
        """Add a programme cost not tied to people (real euros by municipality, group "all")."""
        col = self._ev["programme_cost_eur_municipal" if payer == "municipality"
                       else "programme_cost_eur_state"]
        self._month_unattributed[:, col] += np.asarray(per_muni_euros) * self.scale

    def set_region(self, t: int, name: str, value: float) -> None:
        """Record a region-level figure for month ``t``."""
        self.region[t, self._rg[name]] = value

    def duration_start(self, t: int, people: People) -> None:
        """Record the unemployed stock by completed months at the start of month ``t``.

        The previous month's :meth:`close` has counted it already; that count is used if nobody
        has changed status since (``people`` has logged no transition).
        """
        self.current_t = t
        if self._next_duration is not None and self._next_duration[0] == t and not people.changed:
            self.duration_stock[t] = self._next_duration[1]
        else:
            sp = people.spell[nonzero(people.status == Status.UNEMPLOYED)]
            self.duration_stock[t] = _duration_counts(sp)
        self._next_duration = None

    # -------------------------------------------------------------- stocks
    def _transitions(self, t: int, tr: Transitions) -> None:
        """Tally ended unemployment spells (by destination and duration), new spells and flows."""
        self.flows[t] = tr.flows()
        un = Status.UNEMPLOYED
        key = tr.code.astype(np.int32) * self.M + tr.muni
        seen = register_sees(tr)
        leaving = (tr.old == un) & (tr.new != un) & seen
        dest = DESTINATION[tr.new[leaving]]
        n_base = N_COMBO * self.M
        nd = len(DESTINATIONS)
        ended = record_unreported_work(np.bincount(dest * n_base + key[leaving], minlength=nd * n_base)
                                       .reshape(nd, n_base), self.unreported_work)
        for d, name in enumerate(DESTINATIONS):
            self._month_events[:, self._ev[f"spells_ended_to_{name}"]] += ended[d]
        entering = (tr.new == un) & (tr.old != un)
        # A spell the register does not see did not begin either (same person, group and month).
        self._month_events[:, self._ev["inflow_to_unemployment"]] += (
            np.bincount(key[entering], minlength=n_base) - np.bincount(key[~seen], minlength=n_base))
        self._month_events[:, self._ev["reregistrations"]] += np.bincount(
            key[entering & (tr.old == Status.LAPSED)], minlength=n_base)
        spell = np.minimum(tr.spell[leaving], SPELL_BINS - 1)
        nb = SPELL_BINS
        self.duration_exits[t] = record_unreported_work(
            np.bincount(dest * nb + spell, minlength=nd * nb).reshape(nd, nb), self.unreported_work)

    def close(self, t: int, people: People, entitled_fn, transitions: Transitions,
              is_seeker: np.ndarray | None = None) -> None:
        """Record month ``t``'s stocks (after ``people.close_month()``), flows and events.

        One ``bincount`` over everyone counts (group flags, municipality, status, education); the
        structural-unemployment components and the jobseekers' flags are computed for the
        jobseekers only (everyone else has component 0).
        """
        self._transitions(t, transitions)
        st = people.status
        u8 = np.uint8
        if is_seeker is None:  # jobseekers' mask, if the caller has not computed it already
            is_seeker = is_jobseeker(st)
        seekers = nonzero(is_seeker)
        # Entitlement as the benefit phase would decide it, unless a jobseeker's benefit is set
        # (people in wage-subsidised work have none: their next spell's is decided anew).
        no_erb = ~entitled_fn(people, slice(None), t)
        s_ben = people.benefit[seekers]
        decided = s_ben != Benefit.NONE
        no_erb[seekers[decided]] = s_ben[decided] != Benefit.EARNINGS_RELATED
        code = compose_group_code(people.age_m < 30 * 12, people.foreign, no_erb)
        self.end_codes = (t, code)
        n_base = N_COMBO * self.M
        n_st = N_STATUS + 1
        # everyone: ((code, muni), status, education) x component (0 here)
        ka = (code.astype(np.int32) * self.M + people.muni) * (n_st * 3)
        ka += st.astype(np.int32) * 3
        ka += people.edu
        ka *= N_COMP
        # jobseekers: structural-unemployment component and flags
        s_st = st[seekers]
        spell, prev = people.spell[seekers], people.prev_status[seekers]
        lt_hist = people.lt_before_service[seekers]
        un = s_st == Status.UNEMPLOYED
        svc = ~un
        from_svc = is_service(prev)
        long = spell >= 12
        c1 = un & long
        c2 = un & ~long & (people.unemp_months16[seekers] >= 12)
        c3 = un & ~c1 & ~c2 & from_svc & lt_hist
        c4 = svc & from_svc & lt_hist
        c5 = svc & ~from_svc & lt_hist
        ka[seekers] += (c1.view(u8) + c2.view(u8) * u8(2) + c3.view(u8) * u8(3)
                        + c4.view(u8) * u8(4) + c5.view(u8) * u8(5))
        counts = np.bincount(ka, minlength=n_base * n_st * 3 * N_COMP).astype(float).reshape(
            N_COMBO, self.M, n_st, 3, N_COMP)
        risk = un & (spell >= 6) & ~long
        self._next_duration = (t + 1, _duration_counts(spell[nonzero(un)]))
        plan = (t - people.plan_date[seekers]) < self.plan_valid
        ben = np.where(s_st == Status.SUBSIDISED, u8(0), s_ben)
        flags = (risk.view(u8) + people.temp_laid[seekers].view(u8) * u8(2)
                 + plan.view(u8) * u8(4) + ben * u8(8))
        kb = (code[seekers].astype(np.int32) * self.M + people.muni[seekers]) * 24 + flags
        cb = np.bincount(kb, minlength=n_base * 24).astype(float)
        # jobseekers aged 25-29 and 60-64, in services or not (the activation rate by age)
        age = people.age_m[seekers]
        band = ((age >= 25 * 12) & (age < 30 * 12)).view(u8) + (age >= 60 * 12).view(u8) * u8(2)
        kc = ((code[seekers].astype(np.int32) * self.M + people.muni[seekers]) * 3 + band) * 2
        kc += svc.view(u8)
        gc = by_group(np.bincount(kc, minlength=n_base * 6).astype(float).reshape(
            N_COMBO, self.M, 3, 2))
        ga = by_group(counts.sum(axis=3))  # group, muni, status, comp
        gb = by_group(cb.reshape(N_COMBO, self.M, 24))
        gb = gb.reshape(len(GROUPS), self.M, 3, 2, 2, 2)  # ben, plan, temp, risk
        # group, muni, education of the working-age population (free slots are the last status)
        ge = by_group(counts[:, :, :N_STATUS].sum(axis=(2, 4)))
        by_s = ga.sum(axis=3)
        S = self.stocks[t]
        col = self._st
        S[..., col["working_age"]] = by_s[..., :N_STATUS].sum(axis=-1)
        for name, s in (("employed", Status.EMPLOYED), ("self_employed", Status.SELF_EMPLOYED),
                        ("subsidised", Status.SUBSIDISED), ("unemployed", Status.UNEMPLOYED),
                        ("training", Status.TRAINING), ("other_service", Status.OTHER_SERVICE),
                        ("students", Status.STUDENT), ("outside_labour_force", Status.OUTSIDE),
                        ("lapsed", Status.LAPSED)):
            S[..., col[name]] = by_s[..., s]
        S[..., col["long_term_unemployed"]] = ga[:, :, Status.UNEMPLOYED, 1]
        S[..., col["structural_long_term"]] = ga[:, :, Status.UNEMPLOYED, 1]
        S[..., col["structural_comparable"]] = ga[:, :, Status.UNEMPLOYED, 2]
        S[..., col["structural_after_service"]] = ga[:, :, Status.UNEMPLOYED, 3]
        svc_comp = ga[:, :, IS_SERVICE[: N_STATUS + 1]].sum(axis=2)
        S[..., col["structural_service_to_service"]] = svc_comp[..., 4]
        S[..., col["in_services_after_long_term"]] = svc_comp[..., 4] + svc_comp[..., 5]
        S[..., col["temporarily_laid_off"]] = gb[..., :, :, 1, :].sum(axis=(2, 3, 4))
        S[..., col["ltu_risk"]] = gb[..., 1].sum(axis=(2, 3, 4))
        S[..., col["plans_up_to_date"]] = gb[..., 1, :, :].sum(axis=(2, 3, 4))
        S[..., col["earnings_related_recipients"]] = gb[:, :, Benefit.EARNINGS_RELATED].sum(
            axis=(2, 3, 4))
        S[..., col["basic_benefit_recipients"]] = gb[:, :, Benefit.BASIC].sum(axis=(2, 3, 4))
        for band, ages in ((1, "25_29"), (2, "60_64")):
            S[..., col[f"jobseekers_{ages}"]] = gc[:, :, band].sum(axis=-1)
            S[..., col[f"in_services_{ages}"]] = gc[:, :, band, 1]
        S[..., col["upper_secondary_or_more"]] = ge[..., 1] + ge[..., 2]
        S[..., col["tertiary"]] = ge[..., 2]

        self._count_pending()
        ev = self._month_events.reshape(N_COMBO, self.M, len(EVENTS))
        self.events[t] = by_group(ev)
        self.events[t, 0] += self._month_unattributed
        self._month_events[:] = 0.0
        self._month_unattributed[:] = 0.0
        self.stock_by_status[t] = ga[0].sum(axis=2).T.round().astype(np.int64)

    # -------------------------------------------------------------- output
    @staticmethod
    def all_names(cost_names: list[str]) -> list[str]:
        """Every indicator a recorder with interventions ``cost_names`` can return."""
        derived = _derive(np.zeros((1, len(STOCKS) + len(EVENTS))), STOCKS + EVENTS)[1]
        return (STOCKS + EVENTS + derived + REGION + ["clients_per_advisor"]
                + [f"cost_{n}" for n in cost_names])

    @property
    def indicator_names(self) -> list[str]:
        """Indicators of :meth:`array`, in its last axis: counts, then derived rates and sums."""
        if not hasattr(self, "_names"):
            self._names = STOCKS + EVENTS + _derive(np.zeros((1, len(STOCKS) + len(EVENTS))),
                                                    STOCKS + EVENTS)[1]
        return self._names

    @property
    def region_names(self) -> list[str]:
        """Region-level indicators (municipality "region", group "all" only)."""
        return REGION + ["clients_per_advisor"] + [f"cost_{n}" for n in self.cost_names]

    def array(self, start: int = 0, end: int | None = None) -> np.ndarray:
        """Indicators in real people as (month, group, municipality, indicator).

        Municipalities in ``munis`` order with the region total last; indicators in
        :attr:`indicator_names` order. Rates are derived after summing, so the region's are right.
        """
        end = self.T - 1 if end is None else end
        sl = slice(start, end + 1)
        counts = np.concatenate([self.stocks[sl], self.events[sl]], axis=-1) * (1.0 / self.scale)
        counts = np.concatenate([counts, counts.sum(axis=2, keepdims=True)], axis=2)
        derived, _ = _derive(counts, STOCKS + EVENTS)
        return np.concatenate([counts, derived], axis=-1)

    def region_array(self, start: int = 0, end: int | None = None) -> np.ndarray:
        """Region-level indicators (real people) as (month, indicator), :attr:`region_names` order."""
        end = self.T - 1 if end is None else end
        sl = slice(start, end + 1)
        reg = self.region[sl].copy()
        counted = ["advisors", "clients", "waiting_for_service", "vacancies_public",
                   "vacancies_hidden", "applications"]
        reg[:, [self._rg[k] for k in counted]] *= 1.0 / self.scale
        cpa = reg[:, self._rg["clients"]] / np.maximum(reg[:, self._rg["advisors"]], 1e-9)
        return np.column_stack([reg, cpa, self.costs[sl]])

    def values(self, indicator: str, municipality: str = "region", group: str = "all",
               start: int = 0, end: int | None = None) -> np.ndarray:
        """One indicator by month, straight from the arrays (no table is built).

        Raises:
            KeyError: An unknown indicator, municipality or group (region-level indicators exist
                for municipality "region" and group "all" only).
        """
        end = self.T - 1 if end is None else end
        if indicator in self.region_names:
            if (municipality, group) != ("region", "all"):
                raise KeyError(f"{indicator!r} is recorded for the region and group 'all' only")
            return self.region_array(start, end)[:, self.region_names.index(indicator)]
        if indicator not in self.indicator_names:
            raise KeyError(f"no indicator {indicator!r}")
        munis = self.munis + ["region"]
        if municipality not in munis or group not in GROUPS:
            raise KeyError(f"no indicator {indicator!r} for {municipality!r} / {group!r}")
        sl = slice(start, end + 1)
        g, m = GROUPS.index(group), munis.index(municipality)
        stocks, events = self.stocks[sl, g], self.events[sl, g]
        counts = np.concatenate([stocks, events], axis=-1) * (1.0 / self.scale)
        counts = counts.sum(axis=1) if m == self.M else counts[:, m]
        k = self.indicator_names.index(indicator)
        if k < counts.shape[-1]:
            return counts[:, k]
        derived, _ = _derive(counts, STOCKS + EVENTS)
        return derived[:, k - counts.shape[-1]]

    def to_frame(self, start: int = 0, end: int | None = None) -> pd.DataFrame:
        """The tidy indicator table in real people.

        One row per month × municipality × group × indicator, with the region total as
        municipality ``"region"`` and the derived rates (see :meth:`array`). ``month`` is an
        ordered categorical (``YYYY-MM``), so months compare in time order.
        """
        end = self.T - 1 if end is None else end
        values = self.array(start, end)
        names = self.indicator_names
        months = [month_label(t) for t in range(start, end + 1)]
        munis = self.munis + ["region"]
        idx = pd.MultiIndex.from_product([months, GROUPS, munis, names],
                                         names=["month", "group", "municipality", "indicator"])
        df = pd.DataFrame({"value": values.reshape(-1)}, index=idx).reset_index()
        reg = self.region_array(start, end)
        ridx = pd.MultiIndex.from_product([months, ["all"], ["region"], self.region_names],
                                          names=["month", "group", "municipality", "indicator"])
        rdf = pd.DataFrame({"value": reg.reshape(-1)}, index=ridx).reset_index()
        out = pd.concat([df, rdf], ignore_index=True)
        # months in time order, so that df[df.month >= "2021-03"] and df.month.max() work
        out["month"] = pd.Categorical(out["month"], categories=months, ordered=True)
        for c in ("group", "municipality", "indicator"):
            out[c] = out[c].astype("category")
        return out

    def duration_profile(self, start: int = 0, end: int | None = None) -> pd.DataFrame:
        """Monthly exit rates from unemployment by duration bucket, averaged over the period.

        As the register measures them: the spells that ended during the months, by their
        elapsed duration when they ended (:func:`exits_by_elapsed`), over the unemployed counted
        at the months' starts by their elapsed duration then (:func:`stock_by_elapsed`).
        """
        end = self.T - 1 if end is None else end
        sl = slice(start, end + 1)
        stock = stock_by_elapsed(self.duration_stock[sl].sum(axis=0))
        exits = exits_by_elapsed(self.duration_exits[sl].sum(axis=0))
        rows = []
        for d, label in enumerate(DESTINATIONS):
            rows.append(pd.Series(exits[d] / np.maximum(stock, 1e-9), index=DURATION_LABELS,
                                  name=f"exit_to_{label}"))
        return pd.DataFrame(rows).T.rename_axis("duration_months")

    def destination_shares(self, start: int = 0, end: int | None = None) -> pd.Series:
        """Shares of the unemployment spells ended in the period, by destination.

        Destinations: work, services, education, out of the labour force, lapsed registration; as
        in the register, the denominator is every ended spell except those of people who left the
        region or the age band (moving away, death, age 65), which are reported apart
        (``spells_ended_to_leaving``).
        """
        end = self.T - 1 if end is None else end
        by_dest = self.duration_exits[start:end + 1].sum(axis=(0, 2))
        keep = [d for d, name in enumerate(DESTINATIONS) if name != "leaving"]
        ended = by_dest[keep]
        return pd.Series(ended / max(ended.sum(), 1e-9),
                         index=[DESTINATIONS[d] for d in keep], name="share")


def _derive(counts: np.ndarray, names: list[str]) -> tuple[np.ndarray, list[str]]:
    """Rates and sums derived from counts (computed after summing, so the region is right)."""
    k = {n: i for i, n in enumerate(names)}

    def c(n: str) -> np.ndarray:
        return counts[..., k[n]]

    def ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(b > 0, a / b, np.nan)

    employment = c("employed") + c("self_employed") + c("subsidised")
    # The lapsed are without work and searching on their own: in the labour force (as the Labour
    # Force Survey counts the unemployed), though not registered unemployed.
    labour_force = employment + c("unemployed") + c("lapsed")
    in_services = c("subsidised") + c("training") + c("other_service")
    jobseekers = c("unemployed") + in_services
    structural = (c("structural_long_term") + c("structural_comparable")
                  + c("structural_after_service") + c("structural_service_to_service"))
    ended = (c("spells_ended_to_work") + c("spells_ended_to_services")
             + c("spells_ended_to_education") + c("spells_ended_to_outside")
             + c("spells_ended_to_lapsed") + c("spells_ended_to_leaving"))
    d = {
        "employment": employment,
        "labour_force": labour_force,
        "in_services": in_services,
        "broad_unemployment": jobseekers,
        "jobseekers": jobseekers,
        "structural_unemployment": structural,
        "spells_ended": ended,
        "plan_backlog": jobseekers - c("plans_up_to_date"),
        "unemployment_rate": ratio(c("unemployed"), labour_force),
        "broad_unemployment_rate": ratio(jobseekers, labour_force + in_services - c("subsidised")),
        "employment_rate": ratio(employment, c("working_age")),
        "education_level": ratio(c("upper_secondary_or_more"), c("working_age")),
        "tertiary_share": ratio(c("tertiary"), c("working_age")),
        "activation_rate": ratio(in_services, jobseekers),
        "activation_rate_long_term": ratio(c("in_services_after_long_term"),
                                           c("in_services_after_long_term")
                                           + c("long_term_unemployed")),
        "activation_rate_25_29": ratio(c("in_services_25_29"), c("jobseekers_25_29")),
        "activation_rate_60_64": ratio(c("in_services_60_64"), c("jobseekers_60_64")),
        "activation_age_ratio": ratio(c("in_services_60_64") * c("jobseekers_25_29"),
                                      c("jobseekers_60_64") * c("in_services_25_29")),
        "structural_share_of_unemployed": ratio(structural, c("unemployed")),
        "long_term_share_of_unemployed": ratio(c("long_term_unemployed"), c("unemployed")),
        "plans_up_to_date_share": ratio(c("plans_up_to_date"), jobseekers),
        "referral_hire_share": ratio(c("referral_hires"), c("referrals")),
        "municipal_benefit_share": ratio(c("benefit_eur_municipal"), c("benefit_eur")),
    }
    return np.stack(list(d.values()), axis=-1), list(d)
