"""The initial population (2018-01) and the demographic and participation flows of each month.

The synthetic population reproduces the observed stocks of each municipality: working-age
population, labour force, unemployed (with the observed relative risks by education, language and
age), people in services, students, the long-term unemployed share and education levels. Where the
data are silent the choices are parameters in :class:`~model.config.PopulationConfig`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from agents.people import People
from model.config import ModelConfig
from model.indices import nonzero
from model.rng import bernoulli_indices, categorical, cdf_of
from model.statuses import Benefit, Status

AGE_BAND_EDGES = np.array([20, 25, 30, 45])  # bands 15-19, 20-24, 25-29, 30-44, 45-64
STUDENT_BAND_EDGES = np.array([20, 25, 30, 35])  # 15-19, 20-24, 25-29, 30-34, 35+
#: Relative labour-force participation by age band (assumption: prime age participates most).
LF_AGE_WEIGHT = np.array([0.5, 0.8, 1.0, 1.0, 0.75])


def stochastic_round(rng: np.random.Generator, x: float) -> int:
    """Round ``x`` up with probability equal to its fractional part (unbiased at small scales)."""
    base = np.floor(x)
    return int(base + (rng.random() < x - base))


def duration_mixture(ltu_share: float) -> tuple[float, float, float]:
    """Weights and means of a two-geometric mixture of spell lengths with P(spell >= 12) given."""
    short, long = 4.0, 30.0
    p_s, p_l = (1 - 1 / short) ** 12, (1 - 1 / long) ** 12
    w = float(np.clip((p_l - ltu_share) / (p_l - p_s), 0.0, 1.0))
    return w, short, long


def synthesise(cfg: ModelConfig, rng: np.random.Generator, sector_shares: np.ndarray,
               extra_fields: dict[str, tuple[Any, Any, bool]] | None = None) -> People:
    """Build the 2018-01 working-age population of the region at ``cfg.scale``.

    ``extra_fields`` are the per-person arrays the interventions declare (see :class:`People`).
    """
    reg, pc = cfg.region, cfg.region.population
    sizes = [stochastic_round(rng, m.population * m.working_age_share * cfg.scale)
             for m in reg.municipalities]
    n = int(sum(sizes))
    people = People(capacity=int(n * 1.05) + 64, n_muni=len(sizes), extra_fields=extra_fields)
    idx = np.arange(n)
    muni = np.repeat(np.arange(len(sizes)), sizes)
    people.muni[idx] = muni
    bw = np.asarray(pc.age_band_weights, float)
    band5 = rng.choice(len(bw), size=n, p=bw / bw.sum())
    people.age_m[idx] = (15 + 5 * band5) * 12 + rng.integers(0, 60, n)
    age = people.age_m[idx] // 12
    people.sex[idx] = rng.random(n) < 0.5
    fl_share = np.array([m.foreign_language_share for m in reg.municipalities])[muni]
    people.foreign[idx] = rng.random(n) < fl_share
    people.immigrant[idx] = people.foreign[idx] & (rng.random(n) < pc.immigrant_given_foreign_language)
    people.field[idx] = rng.choice(len(sector_shares), size=n, p=sector_shares)

    u = rng.random(n)
    adult = np.where(u < pc.share_basic, 0, np.where(u < 1 - pc.share_tertiary, 1, 2))
    young = np.where(u < 0.3, 0, np.where(u < 0.9, 1, 2))  # assumption for ages 20-24
    people.edu[idx] = np.where(age < 20, 0, np.where(age < 25, young, adult))

    status = np.full(n, Status.OUTSIDE, dtype=np.uint8)
    sband = np.searchsorted(STUDENT_BAND_EDGES, age, side="right")
    student = rng.random(n) < np.array(pc.student_share_by_age)[sband]
    status[student] = Status.STUDENT

    risk = (np.array([pc.rel_risk_basic, pc.rel_risk_upper, 1.0])[people.edu[idx]]
            * np.where(people.foreign[idx], pc.rel_risk_foreign, 1.0)
            * np.where(age < 25, pc.rel_risk_young, 1.0))
    band = np.searchsorted(AGE_BAND_EDGES, age, side="right")
    for m, mc in enumerate(reg.municipalities):
        here = nonzero((muni == m) & ~student)
        n_lf = min(len(here), stochastic_round(rng, mc.participation * sizes[m]))
        w = LF_AGE_WEIGHT[band[here]]
        lf = rng.choice(here, size=n_lf, replace=False, p=w / w.sum())
        n_u = stochastic_round(rng, mc.unemployment_rate * n_lf)
        unemp = rng.choice(lf, size=n_u, replace=False, p=risk[lf] / risk[lf].sum())
        status[lf] = Status.EMPLOYED
        status[unemp] = Status.UNEMPLOYED
        rest = np.setdiff1d(here, lf)
        act = pc.activation_rate_2018
        # the service stock: 30 % wage-subsidised work (taken from the employed, assumption),
        # the rest training (30 %) and other services from those outside the labour force
        n_all = n_u * act / (1 - act)
        n_s = min(len(rest), stochastic_round(rng, 0.7 * n_all))
        # (at a tiny scale everyone of working age can be in the labour force: nobody is left)
        svc = (rng.choice(rest, size=n_s, replace=False, p=risk[rest] / risk[rest].sum())
               if len(rest) else rest)
        kind = rng.random(n_s)
        status[svc] = np.where(kind < 0.3, Status.TRAINING, Status.OTHER_SERVICE)
        employed = np.setdiff1d(lf, unemp)
        sub = bernoulli_indices(rng, employed, 0.3 * n_all / max(len(employed), 1))
        status[sub] = Status.SUBSIDISED
        self_emp = bernoulli_indices(rng, np.setdiff1d(employed, sub), pc.self_employed_share)
        status[self_emp] = Status.SELF_EMPLOYED
    people.status[idx] = status
    people.prev_status[idx] = Status.OUTSIDE

    seeker = (status == Status.UNEMPLOYED) | (status == Status.TRAINING) | (
        status == Status.OTHER_SERVICE) | (status == Status.SUBSIDISED)
    people.partial_wa[idx] = rng.random(n) < np.where(
        seeker, pc.partial_work_ability_unemployed, pc.partial_work_ability_other)
    people.fund[idx] = rng.random(n) < cfg.rules.fund_membership
    _initial_histories(cfg, rng, people, idx)
    people.cohort[idx] = -1
    return people


def survivors_z(rng: np.random.Generator, spell: np.ndarray, hazard: float, sd: float,
                candidates: int = 64) -> np.ndarray:
    """Latent employability (standard-normal scale) of people unemployed for ``spell`` months.

    The initial conditions of a duration model: whoever is unemployed in 2018-01 survived their
    spell so far, at an exit hazard ``hazard * exp(sd * z)`` that rises with employability. Each
    person's ``z`` is drawn from the standard normal weighted by that survival probability
    (importance resampling over ``candidates`` draws), so long spells hold the least employable,
    as they would after the model's own selection.
    """
    n = len(spell)
    if n == 0:
        return np.zeros(0)
    cand = rng.standard_normal((n, candidates))
    h = np.minimum(hazard * np.exp(sd * cand), 0.999)
    log_s = spell[:, None].astype(float) * np.log1p(-h)
    w = np.exp(log_s - log_s.max(axis=1, keepdims=True)).cumsum(axis=1)
    pick = (w < rng.random(n)[:, None] * w[:, -1:]).sum(axis=1)
    return cand[np.arange(n), pick]


def miss_factors(rng: np.random.Generator, n: int, variance: float,
                 exposure: np.ndarray | None = None) -> np.ndarray:
    """Lasting factors on the chance to miss a contact: gamma with mean 1 and ``variance``.

    ``exposure`` (per person: lapse hazard at factor 1 times months registered) gives the factors
    of those whose registration has survived that long: with a gamma prior of shape ``k`` and rate
    ``k`` and survival ``exp(-factor * exposure)``, they are gamma of shape ``k`` and rate
    ``k + exposure``, so long spells hold those who keep their contacts.
    """
    if variance <= 0:
        return np.ones(n, np.float32)
    k = 1.0 / variance
    rate = k if exposure is None else k + exposure
    return rng.gamma(k, 1.0 / rate, n).astype(np.float32)


def _initial_histories(cfg: ModelConfig, rng: np.random.Generator, people: People,
                       idx: np.ndarray) -> None:
    """Spells, unemployment and work histories, benefits and employability consistent with status."""
    pc, rules, eco = cfg.region.population, cfg.rules, cfg.economy
    n = len(idx)
    st = people.status[idx]
    emp = np.isin(st, [Status.EMPLOYED, Status.SELF_EMPLOYED, Status.SUBSIDISED])
    un = st == Status.UNEMPLOYED
    svc = np.isin(st, [Status.TRAINING, Status.OTHER_SERVICE, Status.SUBSIDISED])

    w, short, long = duration_mixture(pc.ltu_share_2018)
    mean = np.where(rng.random(n) < w, short, long)
    u_spell = rng.geometric(1 / mean)  # completed months, >= 1
    spell = np.where(un, u_spell, np.where(emp, rng.integers(1, 120, n), rng.integers(1, 12, n)))
    people.spell[idx] = np.minimum(spell, 400)

    hist = np.zeros(n, np.uint32)
    k = np.minimum(u_spell, 16)
    hist[un] = ((1 << k[un]) - 1).astype(np.uint32)
    # Some shorter spells follow earlier unemployment in the 16-month window (repeat unemployment).
    repeat = un & (u_spell < 15) & (rng.random(n) < 0.3)
    for bit in range(2, 16):
        on = repeat & (bit > u_spell) & (rng.random(n) < 0.7)
        hist[on] |= np.uint32(1 << bit)
    people.unemp_hist[idx] = (hist & 0xFFFF).astype(np.uint16)
    people.work_hist[idx] = np.where(emp, (1 << 28) - 1, 0).astype(np.uint32)
    people.lt_before_service[idx] = svc & ~emp & (rng.random(n) < 0.5) | (
        (st == Status.SUBSIDISED) & (rng.random(n) < 0.5))
    people.prev_status[idx[svc]] = Status.UNEMPLOYED

    days = people.spell[idx].astype(np.float32) * rules.days_per_month
    erb = un & people.fund[idx] & (days < rules.earnings_related_max_days) & (rng.random(n) < 0.7)
    basic = (un | (svc & ~emp)) & ~erb
    people.benefit[idx[erb]] = Benefit.EARNINGS_RELATED
    people.benefit[idx[basic]] = Benefit.BASIC
    people.erb_days_left[idx[erb]] = rules.earnings_related_max_days - days[erb]
    people.lms_days[idx[basic]] = days[basic] + rng.uniform(0, 300, basic.sum()).astype(np.float32)
    people.ub_days[idx[un | svc]] = days[un | svc]

    z = rng.standard_normal(n)
    z[un] = survivors_z(rng, people.spell[idx[un]], pc.initial_selection_hazard,
                        eco.employability_sd)
    people.employability[idx] = np.exp(eco.employability_sd * z).astype(np.float32)
    # everyone's lasting factor on the miss rate; the unemployed's as survivors of their spell
    exposure = np.where(un, pc.initial_lapse_hazard * people.spell[idx].astype(float), 0.0)
    people.miss_factor[idx] = miss_factors(rng, n, pc.miss_heterogeneity, exposure)
    # Services under way: some months left of their usual length.
    left = np.where(st == Status.SUBSIDISED, rng.integers(1, 10, n),
                    np.maximum(1, np.round(rng.uniform(0, 1, n) * cfg.scenario.services
                                           .other_service_months)))
    people.service_end[idx[svc]] = left[svc].astype(np.int16)
    people.service_gain[idx[st == Status.OTHER_SERVICE]] = cfg.scenario.services.other_service_gain
    met = rng.integers(-3, 0, n)
    people.last_meeting[idx] = np.where(un | svc, met, -999)
    people.plan_date[idx] = np.where(un | svc, met, -999)


def new_people(people: People, rng: np.random.Generator, n: int, muni: np.ndarray,
               age_m: np.ndarray, edu: np.ndarray, foreign: np.ndarray, n_fields: int,
               cfg: ModelConfig, slots: np.ndarray | None = None) -> np.ndarray:
    """Fill ``n`` free slots with new people's attributes (not yet given a status).

    ``slots`` are ``n`` slots the caller has allocated already; by default they are allocated here.
    """
    idx = people.allocate(n) if slots is None else slots
    pc = cfg.region.population
    people.muni[idx] = muni
    people.age_m[idx] = age_m
    people.sex[idx] = rng.random(n) < 0.5
    people.edu[idx] = edu
    people.foreign[idx] = foreign
    people.immigrant[idx] = foreign & (rng.random(n) < pc.immigrant_given_foreign_language)
    shares = np.array([s.job_share for s in cfg.economy.sectors[:n_fields]], float)
    people.field[idx] = categorical(rng, cdf_of(shares), n)  # as the jobs
    people.partial_wa[idx] = rng.random(n) < pc.partial_work_ability_other
    people.fund[idx] = rng.random(n) < cfg.rules.fund_membership
    people.employability[idx] = np.exp(cfg.economy.employability_sd * rng.standard_normal(n))
    people.miss_factor[idx] = miss_factors(rng, n, pc.miss_heterogeneity)
    return idx
