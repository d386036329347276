"""RegionModel: the Lahti-region employment ecosystem, one calendar month per step.

The month runs the phases of :data:`model.phases.MONTH` in order (``RegionModel.plan()`` and
``kohtaanto plan`` list them): each phase is a sequence of the model's own steps (methods of this
class, named as in the plan) and hook points where the live interventions act, in their order.
Each phase draws from its own random stream (:mod:`model.rng`).
"""

from __future__ import annotations

import copy
import dataclasses
import operator
from typing import Any

import mesa
import numpy as np
import pandas as pd

from agents.coaches import EmploymentService, MeetingResult, te_office_need
from agents.educators import DEGREE, TRAINING, Programmes
from agents.firms import Firms, SeparationRisk, demand_drop, demand_index
from agents.migration import emigration, in_migration, out_migration, out_migration_hazard
from agents.municipalities import Municipality
from agents.people import People
from agents.population import new_people, stochastic_round, synthesise
from agents.wage_subsidy import WageSubsidyProgramme
from model.benefits import BenefitRules
from model.calendar import month_label, parse_month
from model.collector import RecorderCollector
from model.config import ModelConfig, validate
from model.indicators import Recorder
from model.indices import nonzero
from model.intervention import Intervention, person_fields, registered
from model.matching import MatchingInputs, application_weights, distance_matrix, match
from model.params import freeze
from model.phases import MONTH, Step, plan, plan_table
from model.register import Register
from model.rng import bernoulli_indices, spawn_streams
from model.service_queue import ServiceQueue
from model.statuses import EMPLOYER_TYPE_NAMES, Status, is_jobseeker


def _fit(factor: np.ndarray, capacity: int) -> np.ndarray:
    """A per-person modifier set at the start of the month, extended with 1.

    The people arrays can grow during the month (entrants); the new slots get no modifier.
    """
    if len(factor) >= capacity:
        return factor
    return np.concatenate([factor, np.ones(capacity - len(factor), factor.dtype)])


#: The indicators Mesa's DataCollector (``RegionModel.datacollector``) holds for every simulated
#: month, for the region and group ``"all"``: the comparisons' headline outcomes
#: (:data:`scenarios.campaigns.effects.HEADLINE`) that the recorder holds month by month, with the
#: employment rate and the unemployed.
HEADLINE = ("structural_unemployment", "unemployment_rate", "broad_unemployment", "employment",
            "employment_rate", "unemployed", "long_term_unemployed", "activation_rate",
            "education_level", "benefit_eur_state", "benefit_eur_municipal")


class RegionModel(mesa.Model):
    """Agent-based model of the five municipalities' labour market and employment services.

    Args:
        config: A validated configuration; ``None`` composes the default one from ``conf/``.
        trial: A virtual trial (:class:`scenarios.campaigns.trial.Trial`) run inside this model, or None.
        rng: The run's seed under Mesa's name for it (``mesa.batch_run(RegionModel, ...,
            rng=[1, 2])`` passes it): an int (Python or NumPy) is the ``seed`` setting, from which
            every random stream of the model is spawned (:mod:`model.rng`), so
            ``RegionModel(rng=5)`` is exactly ``RegionModel(seed=5)``. With a ``config`` it
            replaces the config's seed (``dataclasses.replace(config, seed=rng)``), so one
            configuration can be replicated over seeds. ``None`` keeps the configured seed (a
            ``seed=`` override, else the config's, else the default 42). Unlike Mesa's default,
            ``None`` draws no fresh entropy: ``batch_run(..., rng=[None] * 3)`` gives three
            identical runs; give distinct ints. A ``seed=`` override that differs from ``rng``,
            or any other kind of ``rng`` (a bool, a float, a ``numpy.random.Generator``, a
            ``SeedSequence``, a list), raises ``TypeError``. Mesa's own ``self.rng`` and
            ``self.random`` are seeded with the same seed; the model draws from its streams.
        **overrides: Hydra-style overrides applied to the default configuration when ``config``
            is None, e.g. ``RegionModel(scale=0.1, seed=3)``.

    Attributes:
        people: The population (:class:`~agents.people.People`, array-backed).
        firms: Employers and their vacancies (:class:`~agents.firms.Firms`).
        service: The public employment service and its coaches.
        programmes: Educators' programmes; ``programmes.educators`` are the educator agents.
        municipalities: The municipality agents.
        t: Index of the month to be simulated next (0 = 2018-01).
        datacollector: Mesa's ``DataCollector``: one row per simulated month, one column per
            :data:`HEADLINE` indicator (region, group "all"), the values the recorder holds
            (``series(name)``), read from the recorder when Mesa reads the table (no cost per
            month, no random number; :mod:`model.collector`).
        headline: The :data:`HEADLINE` indicators of the last simulated month (NaN before).
    """

    def __init__(self, config: ModelConfig | None = None, trial: Any = None, *,
                 rng: int | np.integer | None = None, **overrides: Any):
        if rng is not None:
            if isinstance(rng, bool) or not isinstance(rng, int | np.integer):
                raise TypeError(f"rng must be an int seed or None, got {type(rng).__name__} "
                                f"{rng!r}; RegionModel spawns its random streams from one seed")
            rng = operator.index(rng)
        if config is None:
            from model.hydra_config import default_config

            config = default_config(**overrides)
            seed_keys = [k for k in overrides if k.lstrip("+~") == "seed"]
            if rng is not None and seed_keys and config.seed != rng:
                raise TypeError(f"rng={rng} and {seed_keys[0]}={overrides[seed_keys[0]]!r} "
                                "name two different seeds; give one of them")
        elif overrides:
            raise TypeError("give either a config or overrides, not both")
        if rng is not None and config.seed != rng:
            config = dataclasses.replace(config, seed=rng)
        # The model keeps its own read-only copy: most settings are read here, at construction,
        # so a later change would be partly ignored (Settings raises on assignment instead).
        self.config = cfg = freeze(copy.deepcopy(validate(config)))
        super().__init__(rng=cfg.seed)
        self.streams = spawn_streams(cfg.seed)
        self.scale = cfg.scale
        self.t = 0
        self.end = cfg.end_index
        self.n_months = self.end + 1
        rng = self.streams["init"]

        eco, reg = cfg.economy, cfg.region
        self.sector_names = [s.name for s in eco.sectors]
        shares = np.array([s.job_share for s in eco.sectors])
        self.sector_shares = shares / shares.sum()
        self.muni_names = [m.name for m in reg.municipalities]
        hub_km = np.array([m.distance_to_hub_km for m in reg.municipalities])
        self.distance = distance_matrix(hub_km)
        self.app_weights = application_weights(self.distance, len(self.sector_names), eco)

        self.municipalities = [Municipality(self, i, m) for i, m in enumerate(reg.municipalities)]
        self.people: People = synthesise(cfg, rng, self.sector_shares,
                                         person_fields(registered().values()))
        self.firms = self._build_firms(rng)
        self.firms.separation_risk = SeparationRisk(self.people, cfg)
        self.total_base = float(self.firms.base.sum())
        self.demand = demand_index(eco, self.n_months)
        self.demand_drop = demand_drop(self.demand)
        self.programmes = Programmes(self, reg.educators, self.sector_names, cfg.scale)
        self._initial_students(rng)
        self.rules = BenefitRules(cfg.rules)
        svc = cfg.scenario.services
        seekers = int(np.count_nonzero(is_jobseeker(self.people.status)))
        n_coaches = max(1, round(seekers / svc.caseload))
        self.service = EmploymentService(self, 0, "te_office", n_coaches, svc.meetings_per_advisor,
                                         svc.advisor_effect_sd, svc.contact, rng, cfg.scale)
        self.nordic_start = parse_month(svc.nordic_model_start)
        #: Registration, contacts asked, inactivity, obligations and sanctions.
        self.register = Register(self)
        self.municipal_from = parse_month(cfg.scenario.municipal_from)
        self.baseline_training = nonzero(self.programmes.kind == TRAINING)

        #: The standing wage-subsidy programme (its lever is the ``wage_subsidy`` intervention).
        self.wage_subsidy = WageSubsidyProgramme(self, cfg.scenario.wage_subsidy)
        # Interventions, in their registered order; each has its own random stream.
        self.interventions: list[Intervention] = []
        for kind, (name, cls) in enumerate(registered().items(), start=1):
            iv = cls(self, getattr(cfg.scenario, name))
            iv.kind_id = kind
            self.interventions.append(iv)
        self.interventions_by_name = {iv.name: iv for iv in self.interventions}
        self.dropout_factor = np.ones(0, np.float32)
        self.outmigration_factor = np.ones(0, np.float32)

        cost_names = [self.wage_subsidy.name] + [iv.name for iv in self.interventions
                                                 if iv.name != self.wage_subsidy.name]
        self.recorder = Recorder(self.n_months, self.muni_names, cfg.scale, svc.plan_valid_months,
                                 cost_names=cost_names,
                                 unreported_work=reg.population.unreported_work_share)
        self.datacollector = RecorderCollector(self, HEADLINE)
        # Entries from outside the labour force scale with the municipality's unemployment odds
        # (relative to the outside population's average, so the region's total is unchanged).
        ur = np.array([m.unemployment_rate for m in reg.municipalities])
        odds = (ur / (1.0 - ur)) ** reg.population.entry_local_elasticity
        outside0 = self.people.muni[nonzero(self.people.status == Status.OUTSIDE)]
        mean_odds = float(odds[outside0].mean()) if len(outside0) else 1.0
        self.entry_factor = odds / max(mean_odds, 1e-12)
        # Domestic in-movers' unemployed share likewise (relative to the population-weighted
        # average, as movers are spread by population).
        pops = np.array([m.population for m in reg.municipalities], dtype=float)
        self.mover_factor = odds / float(odds @ pops / pops.sum())
        self.se_from_employment = self._self_employment_from_employment()
        #: The working-age residents at 2018-01 (the local part of labour demand follows them).
        self.working_age0 = max(int(np.count_nonzero(self.people.status != Status.EMPTY)), 1)
        self.people.refresh_history_counts()
        self.recorder.initial_by_status = np.bincount(
            self.people.status.astype(np.int32) * len(self.muni_names) + self.people.muni,
            minlength=(Status.EMPTY + 1) * len(self.muni_names)).reshape(Status.EMPTY + 1, -1)
        self.people.take_transitions()  # the initial state is the starting stock, not a flow
        self._referred: list[np.ndarray] = []
        self.service_queue = ServiceQueue()
        #: The random stream of each referring service (``source`` in the queue: 0 the public
        #: service, otherwise an intervention's ``kind_id``).
        self._referral_streams = {0: self.streams["services"]} | {
            iv.kind_id: iv.rng for iv in self.interventions}
        self._live: list[Intervention] = []
        self._due = np.zeros(0, np.int64)
        #: This month's matching inputs (set by ``search_effort``, changed at the ``matching`` hook).
        self.matching_inputs = MatchingInputs(referred=np.zeros(0, np.int64))
        self.trial = trial
        self.running = True

    # ================================================================ construction
    def _build_firms(self, rng: np.random.Generator) -> Firms:
        """Firms in each (municipality, sector) sized to hold the employed residents who work there."""
        cfg, p = self.config, self.people
        eco = cfg.economy
        workers = nonzero((p.status == Status.EMPLOYED) | (p.status == Status.SUBSIDISED))
        n_m, n_s = len(self.muni_names), len(self.sector_names)
        residents = np.bincount(p.muni[workers], minlength=n_m).astype(float)
        jobs = residents * np.array([m.job_self_sufficiency for m in cfg.region.municipalities])
        prob = jobs[None, :] * np.exp(-eco.commute_friction_per_km * self.distance)
        prob /= prob.sum(axis=1, keepdims=True)
        cum = np.cumsum(prob, axis=1)
        home = p.muni[workers].astype(np.int64)
        work = (rng.random(len(workers))[:, None] > cum[home]).sum(axis=1).clip(0, n_m - 1)
        cell = work * n_s + p.field[workers]
        f_muni, f_sector, f_etype, f_base = [], [], [], []
        employer = np.empty(len(workers), np.int64)
        n_firms = 0
        etype_shares = [np.array(s.employer_type_shares) / sum(s.employer_type_shares)
                        for s in eco.sectors]
        for c in np.unique(cell):
            who = nonzero(cell == c)
            k = max(1, stochastic_round(rng, len(who) * eco.firms_per_1000_jobs / 1000.0 / 1.0))
            size_w = (1.0 - rng.random(k)) ** (-1.0 / eco.firm_size_pareto)
            employer[who] = n_firms + rng.choice(k, size=len(who), p=size_w / size_w.sum())
            m, s = divmod(int(c), n_s)
            f_muni += [m] * k
            f_sector += [s] * k
            f_etype += list(rng.choice(3, size=k, p=etype_shares[s]))
            n_firms += k
        p.employer[workers] = employer
        regular = np.bincount(employer[p.status[workers] == Status.EMPLOYED], minlength=n_firms)
        f_base = regular * (1.0 + eco.initial_vacancy_rate)
        return Firms(np.array(f_muni), np.array(f_sector), np.array(f_etype), f_base)

    def _initial_students(self, rng: np.random.Generator) -> None:
        p = self.people
        students = nonzero(p.status == Status.STUDENT)
        level = np.where(p.edu[students] >= 1, 2, 1).astype(np.int8)
        self.programmes.place_initial(rng, p, students, DEGREE, level, 0)
        # Trainees need a training place; those beyond the places are in other services.
        trainees = nonzero(p.status == Status.TRAINING)
        self.programmes.place_initial(rng, p, trainees, TRAINING, None, 0)
        p.status[trainees[p.programme[trainees] < 0]] = Status.OTHER_SERVICE

    # ================================================================ the month
    def step(self) -> None:
        """Simulate one month: the steps and hook points of :data:`model.phases.MONTH` in order."""
        if self.t > self.end:
            self.running = False
            return
        t = self.t
        for phase in MONTH:
            for s in phase.steps:
                if s.hook:
                    self._hook(s, t)
                else:
                    getattr(self, s.name)(t)
        self.t += 1
        if self.t > self.end:
            self.running = False

    def _hook(self, s: Step, t: int) -> None:
        """Call hook point ``s`` on every live intervention that implements it, in order."""
        args = () if s.arg is None else (getattr(self, s.arg),)
        for iv in self._live:
            if s.name in iv.hooks:
                getattr(iv, s.name)(t, *args)

    def plan(self, live_only: bool = False) -> pd.DataFrame:
        """The month's plan: phases, the model's own steps and each hook point's interventions.

        One row per step in the order they run; ``by`` names the interventions acting at a hook
        point (every registered one that implements it, or with ``live_only`` those switched on).
        """
        ivs = [iv for iv in self.interventions if not live_only or iv.p.enabled]
        return pd.DataFrame(plan((iv.name, iv.hooks) for iv in ivs))

    def plan_table(self, live_only: bool = False) -> str:
        """:meth:`plan` as a Markdown table."""
        return plan_table(self.plan(live_only).to_dict("records"))

    # ---------------------------------------------------------------- month start
    def open_month(self, t: int) -> None:
        """Durations at the start, this month's group flags and modifiers, the live interventions."""
        self.recorder.duration_start(t, self.people)
        p = self.people
        p.work_condition_months = self.rules.work_condition_months(t)
        # The flags the last month's close computed still hold if nobody has moved since and
        # the work condition is the same.
        end = self.recorder.end_codes
        fresh = (end is not None and end[0] == t - 1 and not p.changed
                 and self.rules.work_condition_months(t - 1) == p.work_condition_months)
        p.refresh_codes(end[1] if fresh else None)
        self.recorder.end_codes = None
        cap = self.people.capacity
        self.dropout_factor = np.ones(cap, np.float32)
        self.outmigration_factor = np.ones(cap, np.float32)
        # Interventions that have never been switched on have nothing to do; one that was stays
        # called (to end what it started) even if it is switched off later.
        self._live = [iv for iv in self.interventions
                      if iv.p.enabled or iv.participants_started or iv in self._live]

    def observe_start(self, t: int) -> None:
        """A virtual trial run inside this model sees the month begin (assignment)."""
        if self.trial is not None:
            self.trial.month_start(self, t)

    def observe_end(self, t: int) -> None:
        """A virtual trial run inside this model follows up its cohort."""
        if self.trial is not None:
            self.trial.month_end(self, t)

    def run(self) -> RegionModel:
        """Step until the configured end month; returns the model."""
        while self.t <= self.end:
            self.step()
        return self

    # ---------------------------------------------------------------- phase 1
    def demography(self, t: int) -> None:
        """Ageing, exits at 65 and by death, 15-year-olds, participation flows and migration."""
        cfg, p = self.config, self.people
        pc = cfg.region.population
        rng = self.streams["demography"]
        p.age_m += p.active
        p.leave(nonzero(p.age_m >= 65 * 12), t)
        p.leave(p.sample_active(rng, pc.mortality_per_year / 12.0), t)

        munis = cfg.region.municipalities
        n_new = rng.poisson([m.population * m.child_share / 15.0 / 12.0 * self.scale
                             for m in munis])
        if n_new.sum():
            muni = np.repeat(np.arange(len(munis)), n_new)
            fl = np.array([m.foreign_language_share for m in munis])[muni]
            idx = new_people(p, rng, int(n_new.sum()), muni, np.full(len(muni), 15 * 12),
                             np.zeros(len(muni), np.int8), rng.random(len(muni)) < fl,
                             len(self.sector_names), cfg)
            p.enter(idx, Status.STUDENT, t)

        un = nonzero(p.status == Status.UNEMPLOYED)
        p_out = (pc.unemployed_to_outside_rate * np.where(p.partial_wa[un], 2.0, 1.0)
                 * _fit(self.dropout_factor, p.capacity)[un])
        p.move(bernoulli_indices(rng, un, p_out), Status.OUTSIDE, t)
        outside = nonzero((p.status == Status.OUTSIDE) & (p.age_m < 63 * 12))
        prev = p.prev_status[outside]  # left work, unemployment, a service or a lapsed registration
        returning = (prev <= Status.OTHER_SERVICE) | (prev == Status.LAPSED)
        rate = (np.where(returning, pc.outside_reentry_rate, pc.outside_entry_rate)
                * self.entry_factor[p.muni[outside]])
        p.move(bernoulli_indices(rng, outside, rate), Status.UNEMPLOYED, t)
        emp = nonzero(p.status == Status.EMPLOYED)
        p.move(bernoulli_indices(rng, emp, pc.employed_to_outside_rate), Status.OUTSIDE, t)
        eco = cfg.economy
        emp = emp[p.status[emp] == Status.EMPLOYED]
        starters = bernoulli_indices(rng, emp, self.se_from_employment)
        p.move(starters, Status.SELF_EMPLOYED, t)  # the job they leave is open again
        un = nonzero(p.status == Status.UNEMPLOYED)
        p.move(bernoulli_indices(rng, un, self.business_start_probability(un)),
               Status.SELF_EMPLOYED, t)
        se = nonzero(p.status == Status.SELF_EMPLOYED)
        p.move(bernoulli_indices(rng, se, eco.self_employment_exit), Status.UNEMPLOYED, t)

        mrng = self.streams["migration"]
        leavers, expected = out_migration(mrng, p, cfg, t,
                                          _fit(self.outmigration_factor, p.capacity))
        p.leave(leavers, t)
        p.leave(emigration(mrng, p, cfg, t, expected), t)
        in_migration(mrng, p, cfg, t, expected, len(self.sector_names), self._take_vacancy,
                     self.mover_factor)

    def _self_employment_from_employment(self) -> float:
        """Monthly probability of employed -> self-employed.

        ``self_employment_from_employment`` times the rate that makes the 2018-01 self-employed
        stock stationary: its outflow (``self_employment_exit``, deaths, out-migration and reaching
        65, the last as the 60-64-year-olds over 60 months) equals the entries from unemployment
        and employment. Capped at 0.05 a month.
        """
        cfg, p = self.config, self.people
        eco = cfg.economy
        n_emp = np.count_nonzero(p.status == Status.EMPLOYED)
        if n_emp == 0:
            return 0.0
        se = nonzero(p.status == Status.SELF_EMPLOYED)
        un = nonzero(p.status == Status.UNEMPLOYED)
        from_un = float(self.business_start_probability(un).sum())
        out = (len(se) * (eco.self_employment_exit + cfg.region.population.mortality_per_year / 12)
               + float(self.outmigration_hazard(se).sum())
               + np.count_nonzero(p.age_m[se] >= 60 * 12) / 60.0)
        stationary = max(out - from_un, 0.0) / n_emp
        return min(eco.self_employment_from_employment * stationary, 0.05)

    def business_start_probability(self, un: np.ndarray) -> np.ndarray:
        """Monthly probability that unemployed people ``un`` become self-employed.

        It halves every ``self_employment_halflife`` months of their spell.
        """
        eco = self.config.economy
        return eco.self_employment_entry * np.exp2(-self.people.spell[un]
                                                   / eco.self_employment_halflife)

    def outmigration_hazard(self, idx: np.ndarray) -> np.ndarray:
        """This month's out-migration probability of people ``idx`` (before any modifier)."""
        return out_migration_hazard(self.people, self.config, idx)

    def _take_vacancy(self, idx: np.ndarray) -> np.ndarray:
        """Give movers who come for a job an open vacancy each; -1 where none is left."""
        vac = self.firms.vacancies
        firm = np.full(len(idx), -1, np.int64)
        k = min(len(idx), len(vac))
        if k:
            pick = self.streams["migration"].choice(len(vac), size=k, replace=False)
            firm[:k] = vac.firm[pick]
            keep = np.ones(len(vac), bool)
            keep[pick] = False
            vac.keep(keep)
        return firm

    # ---------------------------------------------------------------- phase 2
    def adjust_firms(self, t: int) -> None:
        """Firms adjust to demand: quits, layoffs and recalls."""
        rng, eco = self.streams["demand"], self.config.economy
        self.firms.update_demand(rng, eco, self.labour_demand_index(t), self.total_base)
        employed = nonzero(self.people.status == Status.EMPLOYED)
        self._employment = emp = self.firms.employment(self.people, employed)
        self.firms.separations(rng, self.people, eco, t, emp, float(self.demand_drop[t]), employed)
        self.firms.recalls(rng, self.people, eco, t, emp)

    def labour_demand_index(self, t: int) -> float:
        """The region's labour demand in month ``t`` relative to 2018-01.

        The national path (:func:`agents.firms.demand_index`), except for the share
        ``local_demand_share`` that serves the region's own residents and follows its working-age
        population (relative to 2018-01).
        """
        index = float(self.demand[t])
        local = self.config.economy.local_demand_share
        if local > 0:
            residents = np.count_nonzero(self.people.status != Status.EMPTY) / self.working_age0
            index = (1.0 - local) * index + local * residents
        return index

    def open_vacancies(self, t: int) -> None:
        """New vacancies, public or hidden."""
        self.firms.open_vacancies(self.streams["demand"], self.people, self.config.economy,
                                  self._employment)

    # ---------------------------------------------------------------- services
    def service_ends(self, t: int) -> None:
        """Training and other services end; a share goes straight on to another service."""
        p, prog = self.people, self.programmes
        svc = self.config.scenario.services
        rng, erng = self.streams["services"], self.streams["education"]
        for e in prog.educators:
            e.graduates = 0
        # Programmes due to end this month (one scan for training and degree studies: nobody gets
        # an end date this month or earlier during the phase).
        self._due = nonzero((p.service_end >= 0) & (p.service_end <= t))
        # Labour-market training ends: completers gain skills (and maybe a new field).
        ending = prog.finishing(p, Status.TRAINING, t, self._due)
        prog.complete(erng, p, ending, svc)
        chained_training = self._service_chain(ending, t, rng)
        # Other services end with the gain set when they started.
        ending = nonzero((p.status == Status.OTHER_SERVICE) & (p.service_end <= t))
        p.employability[ending] *= 1.0 + p.service_gain[ending]
        chained_other = self._service_chain(ending, t, rng)
        # Those who go straight on start another service; the rest are unemployed again.
        self.start_other_service(np.concatenate([chained_training, chained_other]), t,
                                 svc.other_service_months, svc.other_service_gain, rng)

    def subsidy_ends(self, t: int) -> None:
        """Wage-subsidised jobs end: the employer keeps some, by employer type."""
        self.wage_subsidy.end_subsidies(t, self.streams["services"])

    def education(self, t: int) -> None:
        """Degree students graduate (or drop out) and enter the labour market or study on."""
        self._education(t, self.streams["education"])

    def staff_changes(self, t: int) -> None:
        """The Nordic model's extra staff (2022-05); the municipalities take over (TE24)."""
        svc = self.config.scenario.services
        if t == self.nordic_start:  # the Nordic model came with extra staff
            self.service.hire(round(len(self.service.coaches) * svc.nordic_extra_staff),
                              self.streams["services"])
        if t == self.municipal_from:  # TE24: the municipalities take over the public service
            self.service.organisation = "municipality"
            for c in self.service.coaches:
                c.organisation = "municipality"

    def effort_decay(self, t: int) -> None:
        """Extra search effort from earlier coaching decays; the month's referrals start empty."""
        self.people.effort *= np.float32(self.config.scenario.services.effort_decay)
        self._referred = []

    def public_service(self, t: int) -> None:
        """The public service meets the jobseekers no intervention has claimed, and refers them."""
        p, svc, rng = self.people, self.config.scenario.services, self.streams["services"]
        seekers = nonzero(is_jobseeker(p.status) & (p.provider == 0))
        clients = seekers[nonzero(p.status[seekers] == Status.UNEMPLOYED)]
        need = te_office_need(p, clients, t, svc.interview_interval_months,
                              t >= self.nordic_start, svc.nordic_early_meetings)
        # The meetings asked of the clients: whoever misses one leaves the register.
        kept = self.register.ask(clients, need, t)
        clients, need = clients[kept], need[kept]
        seekers = seekers[p.status[seekers] != Status.LAPSED]
        self.service.assign(rng, p, seekers)
        res = self.service.serve(rng, p, t, clients, need)
        self.handle_meetings(res, t, rng)

    def subsidy_costs(self, t: int) -> None:
        """The month's wage subsidies are paid (cost column ``wage_subsidy``)."""
        self.wage_subsidy.pay(t)

    def referral_starts(self, t: int) -> None:
        """Referrals whose wait ends this month, each started from the stream of its service."""
        for source, training, other in self.service_queue.take_due(self.people, t):
            self.start_referred(training, other, t, self._referral_streams[source])

    def service_costs(self, t: int) -> None:
        """Trainee- and client-months of the public service, by municipality."""
        p, rec, svc = self.people, self.recorder, self.config.scenario.services
        st = p.status
        in_svc = nonzero(((st == Status.TRAINING) | (st == Status.OTHER_SERVICE))
                         & (p.service_kind == 0))
        for status, price in ((Status.TRAINING, svc.training_cost_per_month),
                              (Status.OTHER_SERVICE, svc.other_service_cost_per_month)):
            who = in_svc[st[in_svc] == status]
            rec.tally_people("service_cost_eur", p, who, np.full(len(who), price))
        self.programmes.tally(p)

    def registration(self, t: int) -> None:
        """Inactivity begins, the monthly job-search reports are checked, the lapsed return."""
        self.register.month(t)

    def _service_chain(self, ending: np.ndarray, t: int, rng: np.random.Generator) -> np.ndarray:
        """Of people whose service ends, return those who go straight on to another service.

        The others become unemployed now. The share is ``services.service_chain_share``.
        """
        on = np.zeros(len(ending), bool)
        on[bernoulli_indices(rng, np.arange(len(ending)),
                             self.config.scenario.services.service_chain_share)] = True
        self.people.move(ending[~on], Status.UNEMPLOYED, t)
        return ending[on]

    def _education(self, t: int, erng: np.random.Generator) -> None:
        """Degree students graduate (or drop out) and enter the labour market or study on."""
        p, prog, cfg = self.people, self.programmes, self.config
        ending = prog.finishing(p, Status.STUDENT, t, self._due)
        done = prog.complete(erng, p, ending, None)
        p.programme[ending] = -1  # their places are free for the intake below
        prog.count(p)
        upper = done[p.edu[done] == 1]
        go_on = upper[erng.random(len(upper)) < 0.35]  # assumption: a third continue to tertiary
        cont, cprog = prog.place(erng, p, go_on, DEGREE, np.full(len(go_on), 2, np.int8))
        prog._start(erng, p, cont, cprog, t, 1.0)
        staying = np.zeros(p.capacity, bool)
        staying[cont] = True
        p.move(ending[~staying[ending]], Status.UNEMPLOYED, t)  # ending is sorted and unique
        # Students without a place (in-movers, 15-year-olds) take one; a year without -> register.
        waiting = nonzero((p.status == Status.STUDENT) & (p.programme < 0))
        lev = np.where(p.edu[waiting] >= 1, 2, 1).astype(np.int8)
        got, gprog = prog.place(erng, p, waiting, DEGREE, lev)
        prog._start(erng, p, got, gprog, t, 1.0)
        stuck = waiting[(p.programme[waiting] < 0) & (p.spell[waiting] >= 12)]
        p.move(stuck, Status.UNEMPLOYED, t)
        young = nonzero((p.status == Status.UNEMPLOYED) & (p.age_m < 25 * 12))
        applicants = bernoulli_indices(erng, young, cfg.region.population
                                       .student_enrol_rate_young_unemployed)
        self.enrol_students(applicants, t, erng)

    # ----------------------------------------------------- helpers for services and interventions
    def handle_meetings(self, res: MeetingResult, t: int, rng: np.random.Generator,
                        source: int = 0) -> None:
        """Record meetings and act on their referrals (vacancies, training, services, subsidy).

        ``source`` is the service that met them: 0 the public service, otherwise the
        intervention's ``kind_id``; ``rng`` is its stream.
        """
        p, rec, svc = self.people, self.recorder, self.config.scenario.services
        if res.coach_time or len(res.met):
            rec.tally_people("meetings", p, res.met, res.n_meetings.astype(float))
        self._referred.append(res.vacancy_referrals)
        rec.tally_people("referrals", p, res.vacancy_referrals)
        self.register.detected(res.detected, t)
        if svc.service_wait_months > 0:
            other = res.other_service_referrals
            self.service_queue.add(rng, p, res.training_referrals,
                                   other[p.status[other] == Status.UNEMPLOYED], t,
                                   svc.service_wait_months, source)
        else:
            self.start_referred(res.training_referrals, res.other_service_referrals, t, rng)
        self.wage_subsidy.place(t, res.subsidy_referrals, rng)

    def start_referred(self, training: np.ndarray, other: np.ndarray, t: int,
                       rng: np.random.Generator) -> None:
        """Start coaches' referrals: labour-market training (where there is a place) and others."""
        p, svc = self.people, self.config.scenario.services
        started = self.programmes.enrol(rng, p, training, TRAINING, None, t, Status.TRAINING,
                                        only=self.baseline_training)
        self.recorder.tally_people("training_starts", p, started)
        other = other[p.status[other] == Status.UNEMPLOYED]
        self.start_other_service(other, t, svc.other_service_months, svc.other_service_gain, rng)

    def start_other_service(self, idx: np.ndarray, t: int, months: float, gain: float,
                            rng: np.random.Generator, kind: int = 0) -> None:
        """Start people in another service (trial, rehabilitative work, purchased service)."""
        p = self.people
        if len(idx) == 0:
            return
        self.recorder.tally_people("other_service_starts", p, idx)
        p.move(idx, Status.OTHER_SERVICE, t)
        length = np.maximum(1, np.round(months * rng.uniform(0.5, 1.5, len(idx))))
        p.service_end[idx] = (t + length).astype(np.int16)
        p.service_gain[idx] = gain
        p.service_kind[idx] = kind

    def charge(self, name: str, idx: np.ndarray, euros_each: float | np.ndarray, payer: str,
               kind: str = "programme") -> float:
        """Charge a cost for people ``idx`` (simulated) to cost column ``name``; the real euros.

        ``payer`` is ``state`` or ``municipality`` (which then pays by the people's municipality);
        ``kind`` names the tallied indicator (``<kind>_cost_eur_<state|municipal>``).
        """
        if len(idx) == 0:
            return 0.0
        euros = np.broadcast_to(np.asarray(euros_each, float), idx.shape) / self.scale
        side = "municipal" if payer == "municipality" else "state"
        self.recorder.tally_people(f"{kind}_cost_eur_{side}", self.people, idx, euros * self.scale)
        self.recorder.add_cost(name, float(euros.sum()))
        if payer == "municipality":
            per = np.bincount(self.people.muni[idx], weights=euros,
                              minlength=len(self.municipalities))
            for muni, e in zip(self.municipalities, per, strict=True):
                if e:
                    muni.pay_services(float(e))
        return float(euros.sum())

    def enrol_students(self, idx: np.ndarray, t: int, rng: np.random.Generator) -> np.ndarray:
        """Enrol people in degree studies one level above their education, where there is room."""
        lev = np.minimum(self.people.edu[idx] + 1, 2).astype(np.int8)
        return self.programmes.enrol(rng, self.people, idx, DEGREE, lev, t, Status.STUDENT)

    # ---------------------------------------------------------------- matching
    def search_effort(self, t: int) -> None:
        """Who searches this month and how hard; the month's referrals to vacancies."""
        p, svc, eco = self.people, self.config.scenario.services, self.config.economy
        st = p.status
        searchers = nonzero(((st >= Status.UNEMPLOYED) & (st <= Status.OTHER_SERVICE))
                            | (st == Status.LAPSED))
        s_st, spell = st[searchers], p.spell[searchers]
        f32 = np.float32
        pc = self.config.region.population
        # Training, other services and wage-subsidised work: fixed shares of the effort of search.
        effort = np.where(s_st == Status.TRAINING, f32(svc.training_effort), f32(0.5))
        # The unemployed, and the lapsed at their share: a spell that began this month has had half
        # a month of search on average; effort falls with the spell (discouragement).
        own = nonzero((s_st == Status.UNEMPLOYED) | (s_st == Status.LAPSED))
        who = searchers[own]
        sp = np.minimum(spell[own], 24)
        e = self._effort_table(eco.discouragement, pc.laid_off_effort)[
            p.temp_laid[who].view(np.uint8) * 25 + sp.astype(np.intp)]
        # The inactive hardly search; while a sanctioned obligation is in force, benefit
        # recipients search harder for fear of a sanction.
        e[p.inactive[who]] *= f32(pc.inactive_effort)
        if self.register.sanctioned_obligation(t):
            paid = (p.benefit[who] != 0) & (p.sanction_days[who] <= 0)
            e[paid] *= f32(1.0 + pc.threat_effort)
        e[s_st[own] == Status.LAPSED] *= f32(pc.lapsed_search_effort)
        effort[own] = e
        referred = np.concatenate(self._referred) if self._referred else np.zeros(0, np.int64)
        self._searchers, self._effort = searchers, effort
        self.matching_inputs = MatchingInputs(
            referred=referred[p.status[referred] == Status.UNEMPLOYED],
            referral_boost=svc.referral_boost)

    def _effort_table(self, discouragement: float, laid_off: float) -> np.ndarray:
        """Search effort by (temporarily laid off, months of spell up to 24), as float32.

        The temporarily laid off search at ``laid_off`` of the others' effort; a spell begun this
        month has had half a month of search; effort falls with the spell (``discouragement``),
        flat after 24 months.
        """
        cached = getattr(self, "_effort_lut", None)
        if cached is None or cached[0] != (discouragement, laid_off):
            f32 = np.float32
            months = np.arange(25)
            table = (np.array([f32(1.0), f32(laid_off)], f32)[:, None]
                     * np.where(months == 0, f32(0.5), f32(1.0))[None, :]
                     * np.exp(f32(-discouragement) * months.astype(f32))[None, :])
            cached = self._effort_lut = ((discouragement, laid_off), table.astype(f32).ravel())
        return cached[1]

    def hiring(self, t: int) -> None:
        """Applications, employers' screening and hires through vacancies."""
        p, rec = self.people, self.recorder
        hires = match(self.streams["matching"], p, self.firms, self.config.economy,
                      self.app_weights, self._searchers, self._effort, self.matching_inputs)
        rec.tally_people("hires", p, hires.person)
        rec.tally_people("referral_hires", p, hires.person[hires.referred])
        rec.tally_people("presentation_hires", p, hires.person[hires.presented])
        p.move(hires.person, Status.EMPLOYED, t)
        p.employer[hires.person] = hires.firm
        self._applications = hires.applications

    # ---------------------------------------------------------------- benefits
    def payments(self, t: int) -> None:
        """Benefits due this month under the rules in force."""
        self._pay = self.rules.pay(self.people, t)

    def benefit_tallies(self, t: int) -> None:
        """Payments tallied; the municipalities pay their share."""
        p, rec, pay = self.people, self.recorder, self._pay
        rec.tally_people("benefit_eur", p, pay.person, pay.euros)
        rec.tally_people("benefit_eur_municipal", p, pay.person, pay.municipal)
        rec.tally_people("benefit_eur_state", p, pay.person, pay.euros - pay.municipal)
        lost = nonzero(pay.days_lost > 0)
        rec.tally_people("benefit_days_lost", p, pay.person[lost], pay.days_lost[lost].astype(float))
        rec.tally_people("benefit_eur_withheld", p, pay.person[lost], pay.withheld[lost])
        if pay.cut is not None:
            rec.tally_people("activation_cuts", p, pay.person[nonzero(pay.cut)])
        per_muni = np.bincount(p.muni[pay.person], weights=pay.municipal,
                               minlength=len(self.municipalities)) / self.scale
        for m, euros in zip(self.municipalities, per_muni, strict=True):
            m.pay_benefit_share(float(euros))

    # ---------------------------------------------------------------- indicators
    def close_month(self, t: int) -> None:
        """Close the month's histories and record all indicators."""
        p, rec = self.people, self.recorder
        p.close_month(self.rules.subsidised_work_accrues(t))
        svc = self.service
        seekers = is_jobseeker(p.status)
        advisors, person_years = len(svc.coaches), svc.person_years_per_month
        for iv in self.interventions:  # advisors of interventions (personal coaching)
            n, years = iv.staff()
            advisors += n
            person_years += years
        rec.set_region(t, "advisors", advisors)
        rec.set_region(t, "advisor_person_years", person_years)
        rec.set_region(t, "advisor_cost_eur", svc.person_years_per_month
                       * self.config.scenario.services.advisor_cost_per_year)
        municipal = svc.organisation == "municipality"
        advisor_cost = rec.region[t, rec._rg["advisor_cost_eur"]]
        rec.set_region(t, "advisor_cost_eur_municipal", advisor_cost * municipal)
        if municipal and advisor_cost:  # TE24: the municipalities pay, by their jobseekers
            per = np.bincount(p.muni[nonzero(seekers)], minlength=len(self.municipalities)).astype(float)
            per *= advisor_cost / max(per.sum(), 1.0)
            for m, euros in zip(self.municipalities, per, strict=True):
                m.pay_services(float(euros))
        rec.set_region(t, "clients", float(np.count_nonzero(seekers & (p.coach >= 0))))
        rec.set_region(t, "waiting_for_service", float(self.service_queue.waiting(p, t)))
        vac = self.firms.vacancies
        rec.set_region(t, "vacancies_hidden", float(vac.hidden.sum()))
        rec.set_region(t, "vacancies_public", float(len(vac) - vac.hidden.sum()))
        rec.set_region(t, "applications", float(getattr(self, "_applications", 0)))
        rec.set_region(t, "demand_index", float(self.demand[t]))
        rec.close(t, p, self.rules.entitled, p.take_transitions(), seekers)

    # ================================================================ results
    @property
    def headline(self) -> dict[str, float]:
        """The :data:`HEADLINE` indicators of the last simulated month (NaN before the first)."""
        if self.t == 0:
            return dict.fromkeys(HEADLINE, float("nan"))
        row = self.datacollector.values(self.t - 1, self.t - 1)[0]
        return dict(zip(HEADLINE, row.tolist(), strict=True))

    @property
    def month(self) -> str:
        """Label of the next month to simulate (``YYYY-MM``)."""
        return month_label(self.t)

    def indicator_frame(self, from_start: bool = True) -> pd.DataFrame:
        """Tidy indicators of the simulated months (from ``config.start`` if ``from_start``)."""
        last = self.t - 1
        first = self.config.start_index if from_start else 0
        if last < first:
            raise RuntimeError("no month has been simulated yet in the reporting window")
        return self.recorder.to_frame(first, last)

    def series(self, indicator: str, municipality: str = "region", group: str = "all") -> pd.Series:
        """One indicator as a monthly series (all simulated months), read from the recorder."""
        if self.t == 0:
            raise RuntimeError("no month has been simulated yet")
        values = self.recorder.values(indicator, municipality, group, 0, self.t - 1)
        months = pd.Index([month_label(t) for t in range(self.t)], name="month")
        return pd.Series(values, index=months, name=indicator, dtype=float)

    def value(self, indicator: str, month: str, municipality: str = "region",
              group: str = "all") -> float:
        """One indicator in one simulated month (``YYYY-MM``); NaN if that month was not run."""
        t = parse_month(month)
        if not 0 <= t < self.t:
            return float("nan")
        return float(self.recorder.values(indicator, municipality, group, t, t)[0])

    def population_frame(self) -> pd.DataFrame:
        """Everyone in the model now, one row per person, with readable municipality and field."""
        df = self.people.to_frame()
        df["municipality"] = pd.Categorical.from_codes(df.pop("muni"), self.muni_names)
        df["field"] = pd.Categorical.from_codes(df["field"], self.sector_names)
        return df

    def person(self, i: int, cohort: int | None = None) -> dict[str, Any]:
        """One person's attributes (slot ``i``; see :meth:`People.view` for ``cohort``)."""
        out = self.people.view(i, cohort)
        out["municipality"] = self.muni_names[out.pop("muni")]
        out["field"] = self.sector_names[out["field"]]
        return out

    def firm_frame(self) -> pd.DataFrame:
        """Firms, one row each.

        Columns: municipality, sector, employer type, regular employees (``employees``),
        wage-subsidised workers (``subsidised``), desired employment and open vacancies.
        """
        f, p = self.firms, self.people
        sub = nonzero(p.status == Status.SUBSIDISED)
        return pd.DataFrame({
            "municipality": pd.Categorical.from_codes(f.muni, self.muni_names),
            "sector": pd.Categorical.from_codes(f.sector, self.sector_names),
            "employer_type": pd.Categorical.from_codes(
                f.etype, EMPLOYER_TYPE_NAMES),
            "employees": f.employment(p),
            "subsidised": np.bincount(p.employer[sub], minlength=len(f)),
            "desired": f.desired,
            "open_vacancies": np.bincount(f.vacancies.firm, minlength=len(f)),
        }).rename_axis("firm")
