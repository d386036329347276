"""The extension point of the model: interventions, their parameters, hooks and registry.

An intervention is one module (in ``scenarios/interventions/`` or any package of the user's) that
defines

* a parameter dataclass deriving from :class:`InterventionParams` (fields declared with
  :func:`model.params.param`, so Hydra validation, sensitivity analysis and the dashboard read the
  same bounds and sources), and
* a class deriving from :class:`Intervention` with a ``name`` (the scenario field holding its
  parameters: ``scenario.<name>``), its ``params`` class and an ``order``; defining the class
  registers it. It implements some of the hook points of the month (:data:`HOOKS`, stated in
  :mod:`model.phases`); the model calls each hook point's implementations in ``order``.

The model never calls an intervention by name: only through these hook points, and through the
queries :meth:`Intervention.staff` and :meth:`Intervention.trial_obstacle`.

Each intervention draws its own decisions from its own random stream (seeded from the run's seed
and the intervention's name). What it sets in motion inside the model's phases (a referral that
goes through matching, a course that ends) draws from that phase's stream, as everyone's does. An
intervention that is off, or whose eligibility matches nobody, leaves every random draw of the
model unchanged.

The interventions that come with the project are found through the entry-point group
``kohtaanto.interventions`` (``pyproject.toml``), so a package of the user's can add its own the
same way; an intervention defined in a notebook or a test registers itself when defined.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from model.calendar import parse_month
from model.indices import nonzero
from model.params import ConfigError, Settings, param
from model.phases import HOOKS, plan
from model.statuses import GROUPS, N_STATUS, STATUS_LABELS, group_member

if TYPE_CHECKING:
    from model.config import ModelConfig
    from model.region_model import RegionModel

ENTRY_POINTS = "kohtaanto.interventions"
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
    """Base class: the period, eligibility, capacity and cost bookkeeping of an intervention.

    A subclass that sets ``name`` registers itself (see the module docstring). Its hook methods
    are those of :data:`HOOKS` it overrides; the model calls only those.
    """

    #: Name of the scenario field holding the parameters (``scenario.<name>``).
    name: ClassVar[str] = ""
    #: The parameter dataclass (``scenario.<name>`` is one of these).
    params: ClassVar[type[InterventionParams]]
    #: Position among the interventions: hook points call them in increasing ``order``.
    order: ClassVar[int] = 1000
    #: Per-person state the intervention keeps: field name -> (dtype, value of an empty slot,
    #: whether a change of status resets it). The model adds these arrays to ``people``.
    person_fields: ClassVar[dict[str, tuple[Any, Any, bool]]] = {}
    #: The hook points this class implements (computed when the class is defined).
    hooks: ClassVar[frozenset[str]] = frozenset()
    #: Marks people in this intervention's own services (``people.service_kind``); set by the model.
    kind_id: int = 0

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.hooks = frozenset(h for h in HOOKS if getattr(cls, h) is not getattr(Intervention, h))
        if "name" in cls.__dict__ and cls.name:
            register(cls)

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

    #: A virtual trial restricting the intervention to its treated people (``scenarios.campaigns.trial``).
    trial: Any = None

    @classmethod
    def check(cls, params: InterventionParams, cfg: ModelConfig) -> None:
        """Refuse parameters that bounds cannot (raise :class:`ConfigError` naming the field)."""

    def staff(self) -> tuple[int, float]:
        """Advisors the intervention employs now, and their person-years this month (real)."""
        return 0, 0.0

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
        """Charge a cost for people ``idx`` (simulated) to this intervention, in real euros."""
        self.cost_eur += self.model.charge(self.name, idx, euros_each, payer or self.p.payer, kind)

    def in_my_service(self) -> np.ndarray:
        """People currently in this intervention's own service (``people.service_kind``)."""
        people = self.model.people
        return nonzero((people.service_kind == self.kind_id) & (people.service_end >= 0))

    # ----------------------------------------------------------- hooks (model.phases.MONTH)
    def month_start(self, t: int) -> None:
        """At the start of the month, before demography: set this month's modifiers."""

    def demography(self, t: int) -> None:
        """After the month's demography."""

    def labour_demand(self, t: int) -> None:
        """After firms' separations and recalls, before the vacancies open."""

    def assign_clients(self, t: int) -> None:
        """Claim clients from the public service, before it meets its own."""

    def subsidy_placements(self, t: int) -> None:
        """Place people in wage-subsidised jobs, before the month's subsidies are paid."""

    def services(self, t: int) -> None:
        """After the public service's meetings: the intervention's meetings, services, placements."""

    def matching(self, t: int, inputs: Any) -> None:
        """Before hiring: add referrals or change the matching ``inputs``."""

    def benefits(self, t: int) -> None:
        """After the month's benefit payments, before they are tallied."""


# ------------------------------------------------------------------------------- registry
_REGISTRY: dict[str, type[Intervention]] = {}
_loaded = False


def register(cls: type[Intervention]) -> type[Intervention]:
    """Register an intervention class (done when a subclass with a ``name`` is defined)."""
    if cls.name in CORE_FIELDS or not cls.name.isidentifier():
        raise ConfigError(f"an intervention cannot be named {cls.name!r} (a scenario field, or "
                          "not an identifier)")
    if not (isinstance(getattr(cls, "params", None), type)
            and issubclass(cls.params, InterventionParams)):
        raise ConfigError(f"intervention {cls.name!r}: set params = an InterventionParams subclass")
    _REGISTRY[cls.name] = cls
    return cls


def unregister(name: str) -> None:
    """Remove an intervention from the registry (one defined for a test or in a notebook)."""
    _REGISTRY.pop(name, None)


def registered() -> dict[str, type[Intervention]]:
    """Every registered intervention, name -> class, in the order the hook points call them.

    The first call loads the interventions that packages declare under the entry-point group
    ``kohtaanto.interventions`` (the project's own live in ``scenarios.interventions``).
    """
    global _loaded
    if not _loaded:
        _loaded = True
        from importlib.metadata import entry_points

        for ep in entry_points(group=ENTRY_POINTS):
            ep.load()
    return dict(sorted(_REGISTRY.items(), key=lambda kv: (kv[1].order, kv[0])))


def person_fields(classes: Iterable[type[Intervention]]) -> dict[str, tuple[Any, Any, bool]]:
    """The per-person state the interventions ``classes`` declare, merged (see ``People``).

    Two interventions may share a field (a grant's end month) if they declare it alike.
    """
    out: dict[str, tuple[Any, Any, bool]] = {}
    for cls in classes:
        for name, spec in cls.person_fields.items():
            if out.setdefault(name, spec) != spec:
                raise ConfigError(f"intervention {cls.name!r} declares person field {name!r} as "
                                  f"{spec}, another as {out[name]}")
    return out


def month_plan(scenario: Any = None) -> list[dict[str, str]]:
    """The month's plan (:func:`model.phases.plan`) with the interventions at each hook point.

    ``scenario`` (a ``ScenarioConfig``) lists those it switches on; None lists every registered
    intervention.
    """
    ivs = [(name, cls.hooks) for name, cls in registered().items()
           if scenario is None or getattr(scenario, name).enabled]
    return plan(ivs)


#: Scenario fields of the core; no intervention may take these names.
CORE_FIELDS = ("name", "description", "order", "services", "municipal_from")
