"""The one shape every intervention has: parameters, a period, eligibility, capacity, cost, hooks.

An intervention module defines

* a parameter dataclass deriving from :class:`InterventionParams` (fields declared with
  :func:`model.params.param`, so Hydra validation, sensitivity analysis and a dashboard read the
  same bounds and sources), and
* a class deriving from :class:`Intervention` that implements some of the phase hooks
  (:data:`HOOKS`); the model calls them in that fixed order, after the phase's own work.

Each intervention draws its own decisions from its own random stream (seeded from the run's seed
and the intervention's name). What it sets in motion inside the model's phases (a referral that
goes through matching, a course that ends) draws from that phase's stream, as everyone's does. An
intervention that is off, or whose eligibility matches nobody, leaves every random draw of the
model unchanged.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from model.calendar import parse_month
from model.indices import nonzero
from model.params import ConfigError, Settings, param
from model.statuses import GROUPS, N_STATUS, STATUS_LABELS

if TYPE_CHECKING:
    from model.region_model import RegionModel

#: Phase hooks an intervention may implement, in the order the month calls them.
HOOKS = ("month_start", "demography", "labour_demand", "services", "matching", "benefits")
PAYERS = ("state", "municipality")
STATUS_NAMES = {name: code for code, name in enumerate(STATUS_LABELS[:N_STATUS])}


@dataclass
class Eligibility(Settings):
    """Who an intervention may take in.

    ``statuses`` lists the statuses taken in (an empty list takes in nobody); empty
    ``municipalities`` means all; ``groups`` are the reported groups (``all`` = everyone).
    """

    groups: list[str] = field(default_factory=lambda: ["all"])
    municipalities: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=lambda: ["unemployed"])
    min_months: int = param(0, 0, 600, unit="months in the current status", source="scenario")
    max_months: int = param(600, 0, 600, unit="months in the current status", source="scenario")
    min_age: int = param(15, 15, 64, unit="years", source="scenario")
    max_age: int = param(64, 15, 64, unit="years", source="scenario")
    partial_work_ability_only: bool = False


@dataclass
class InterventionParams(Settings):
    """Fields every intervention has."""

    enabled: bool = False
    start: str = "2021-03"
    end: str = "2024-12"
    capacity: float = param(0.0, 0.0, 1e6, unit="people a month at scale 1 (0 = no limit)",
                            source="scenario")
    unit_cost: float = param(0.0, 0.0, 1e6, unit="EUR per participant-month", source="scenario")
    payer: str = "municipality"
    eligibility: Eligibility = field(default_factory=Eligibility)


def validate_params(name: str, p: InterventionParams, muni_names: list[str]) -> None:
    """Check what bounds cannot: dates, payer, eligibility names."""
    where = f"scenario.{name}"
    start, end = parse_month(p.start, f"{where}.start"), parse_month(p.end, f"{where}.end")
    if end < start:
        raise ConfigError(f"{where}.end = {p.end} is before {where}.start = {p.start}")
    if p.payer not in PAYERS:
        raise ConfigError(f"{where}.payer = {p.payer!r}; allowed: {', '.join(PAYERS)}")
    e = p.eligibility
    for g in e.groups:
        if g not in GROUPS:
            raise ConfigError(f"{where}.eligibility.groups: unknown group {g!r}; allowed: "
                              f"{', '.join(GROUPS)}")
    for m in e.municipalities:
        if m not in muni_names:
            raise ConfigError(f"{where}.eligibility.municipalities: unknown municipality {m!r}; "
                              f"allowed: {', '.join(muni_names)}")
    for s in e.statuses:
        if s not in STATUS_NAMES:
            raise ConfigError(f"{where}.eligibility.statuses: unknown status {s!r}; allowed: "
                              f"{', '.join(STATUS_NAMES)}")
    if e.max_age < e.min_age or e.max_months < e.min_months:
        raise ConfigError(f"{where}.eligibility: a maximum is below its minimum")


def stream(seed: int, name: str) -> np.random.Generator:
    """The intervention's own random stream (independent of the model's phase streams)."""
    return np.random.default_rng([int(seed), zlib.crc32(name.encode()), 7919])


class Intervention:
    """Base class: the period, eligibility, capacity and cost bookkeeping of an intervention."""

    #: Name of the scenario field holding the parameters (e.g. ``"wage_subsidy"``).
    name: ClassVar[str] = ""
    #: Marks people in this intervention's own services (``people.service_kind``); set by the model.
    kind_id: int = 0

    def __init__(self, model: RegionModel, params: InterventionParams):
        self.model = model
        self.p = params
        self.rng = stream(model.config.seed, self.name)
        self.start = parse_month(params.start)
        self.end = parse_month(params.end)
        muni_names = model.muni_names
        self._munis = np.array([muni_names.index(m) for m in params.eligibility.municipalities],
                               dtype=np.int64)
        self._statuses = np.array([STATUS_NAMES[s] for s in params.eligibility.statuses],
                                  dtype=np.uint8)
        # Look-up tables by status code and by municipality (faster than np.isin on everyone).
        self._status_ok = np.zeros(256, bool)
        self._status_ok[self._statuses] = True
        self._muni_ok = np.zeros(len(muni_names), bool)
        self._muni_ok[self._munis] = True
        self.participants_started = 0  # simulated people
        self.cost_eur = 0.0  # real euros, cumulative

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.p!r})"

    # ----------------------------------------------------------- helpers
    def active(self, t: int) -> bool:
        """Whether the intervention runs in month ``t``."""
        return self.p.enabled and self.start <= t <= self.end

    #: A virtual trial restricting the intervention to its treated people (``scenarios.trial``).
    trial: Any = None

    @classmethod
    def trial_obstacle(cls, params: InterventionParams) -> str | None:
        """Why a virtual trial of this intervention with ``params`` would treat nobody, or None.

        A trial restricts who the intervention takes in through :meth:`eligible`; an intervention
        that takes people in some other way says so here.
        """
        return None

    def eligible(self, idx: np.ndarray | None = None, ignore_trial: bool = False) -> np.ndarray:
        """The people (among ``idx``, or everyone) who meet the eligibility rule.

        In a virtual trial only the treated are eligible (unless ``ignore_trial``).
        """
        out = self._eligible(idx)
        if self.trial is not None and not ignore_trial:
            out = out[self.trial.treated_among(self.model, out)]
        return out

    def _eligible(self, idx: np.ndarray | None) -> np.ndarray:
        people = self.model.people
        e = self.p.eligibility
        if idx is None:
            idx = nonzero(self._status_ok[people.status])
        else:
            idx = idx[self._status_ok[people.status[idx]]]
        if len(idx) == 0:
            return idx
        ok = np.ones(len(idx), bool)
        spell = people.spell[idx]
        if e.min_months > 0:
            ok &= spell >= e.min_months
        if e.max_months < 600:
            ok &= spell <= e.max_months
        age = people.age_m[idx] // 12
        if e.min_age > 15 or e.max_age < 64:
            ok &= (age >= e.min_age) & (age <= e.max_age)
        if e.partial_work_ability_only:
            ok &= people.partial_wa[idx]
        if len(self._munis):
            ok &= self._muni_ok[people.muni[idx]]
        if "all" not in e.groups:
            code = people.compute_group_code(idx)
            member = np.zeros(len(idx), bool)
            for g in e.groups:
                member |= group_member(code, g)
            ok &= member
        return idx[ok]

    def capacity_now(self) -> int:
        """This month's places in simulated people (stochastic rounding); -1 means no limit."""
        if self.p.capacity <= 0:
            return -1
        x = self.p.capacity * self.model.scale
        return int(np.floor(x) + (self.rng.random() < x - np.floor(x)))

    def take(self, candidates: np.ndarray, limit: int | None = None) -> np.ndarray:
        """Up to ``limit`` (default: this month's capacity) candidates, chosen at random."""
        cap = self.capacity_now() if limit is None else limit
        if cap < 0 or len(candidates) <= cap:
            return candidates
        return np.sort(self.rng.choice(candidates, size=cap, replace=False))

    def charge(self, idx: np.ndarray, euros_each: float | np.ndarray, payer: str | None = None,
               kind: str = "programme") -> None:
        """Charge a cost for people ``idx`` (simulated), recorded in real euros by municipality."""
        if len(idx) == 0:
            return
        m = self.model
        euros = np.broadcast_to(np.asarray(euros_each, float), idx.shape) / m.scale
        payer = payer or self.p.payer
        side = "municipal" if payer == "municipality" else "state"
        m.recorder.tally_people(f"{kind}_cost_eur_{side}", m.people, idx, euros * m.scale)
        m.recorder.add_cost(self.name, float(euros.sum()))
        self.cost_eur += float(euros.sum())
        if payer == "municipality":
            per = np.bincount(m.people.muni[idx], weights=euros, minlength=len(m.municipalities))
            for muni, e in zip(m.municipalities, per, strict=True):
                if e:
                    muni.pay_services(float(e))

    def in_my_service(self) -> np.ndarray:
        """People currently in this intervention's own service (``people.service_kind``)."""
        people = self.model.people
        return nonzero((people.service_kind == self.kind_id) & (people.service_end >= 0))

    # ----------------------------------------------------------- hooks
    def month_start(self, t: int) -> None:
        """Called before the demography phase (set this month's modifiers)."""

    def demography(self, t: int) -> None:
        """Called at the end of the demography phase."""

    def labour_demand(self, t: int) -> None:
        """Called at the end of the labour-demand phase."""

    def services(self, t: int) -> None:
        """Called at the end of the services phase."""

    def matching(self, t: int, inputs: Any) -> None:
        """Called before matching; may add referrals or change ``inputs``."""

    def benefits(self, t: int) -> None:
        """Called at the end of the benefits phase."""


def group_member(code: np.ndarray, group: str) -> np.ndarray:
    """Membership of a reported group from the group flags (see ``People.group_code``)."""
    if group == "all":
        return np.ones(len(code), bool)
    bit = {"target": 1, "under30": 2, "foreign_language": 4, "no_earnings_related": 8}
    if group == "non_target":
        return (code & 1) == 0
    return (code & bit[group]) > 0
