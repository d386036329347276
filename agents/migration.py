"""Migration flows across the region's border, by age band, education and status.

Out-migration is a monthly probability by age band, higher for young people with a tertiary degree.
Domestic in-migration is the expected out-flow of each age band plus the observed net migration, with
in-movers more often with basic education and unemployed. Immigration from abroad follows the
observed yearly totals. In-movers who come for a job take an open vacancy (so migration does not
bypass the vacancy constraint); without one they arrive unemployed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from agents.people import People
from agents.population import AGE_BAND_EDGES, new_people
from model.config import ModelConfig
from model.indices import nonzero
from model.rng import categorical, cdf_of
from model.statuses import Status

BAND_LO = np.array([15, 20, 25, 30, 45])
BAND_HI = np.array([20, 25, 30, 45, 65])
#: Age band of an age in months (ages of 65 and over fall in the last band).
BAND_OF_MONTH = np.minimum(np.searchsorted(AGE_BAND_EDGES, np.arange(100 * 12) // 12, side="right"), 4)
#: Immigrants' age bands (assumption).
IMMIGRANT_AGE_CDF = cdf_of([0.08, 0.22, 0.25, 0.35, 0.10])


def _per_year(pair: list[float], t: int) -> float:
    """A yearly figure given for 2017 and 2023, linear between (mid-years) and flat outside."""
    a, b = pair
    year = 2018 + t / 12.0
    return a + (b - a) * min(max((year - 2017.5) / 6.0, 0.0), 1.0)


def immigration_per_month(cfg: ModelConfig, t: int) -> float:
    """Working-age immigrants from abroad per month (real people) in month ``t`` (0 = 2018-01)."""
    mig = cfg.region.migration
    return (_per_year(mig.immigration_per_year, t) * mig.immigration_region_factor
            * mig.immigrant_working_age_share / 12.0)


def emigration_per_month(cfg: ModelConfig, t: int) -> float:
    """Working-age emigrants abroad per month (real people) in month ``t`` (0 = 2018-01)."""
    mig = cfg.region.migration
    return (_per_year(mig.emigration_per_year, t) * mig.immigration_region_factor
            * mig.emigrant_working_age_share / 12.0)


def max_out_migration_hazard(cfg: ModelConfig) -> float:
    """The highest monthly out-migration hazard anyone has (the bound used for thinning)."""
    mig = cfg.region.migration
    return max(mig.out_rate_by_age) / 12.0 * max(mig.tertiary_out_factor_young, 1.0)


def out_migration_hazard(people: People, cfg: ModelConfig, idx: np.ndarray) -> np.ndarray:
    """Monthly out-migration probability of people ``idx`` (by age band and education)."""
    mig = cfg.region.migration
    rates = np.array(mig.out_rate_by_age) / 12.0
    age = people.age_m[idx] // 12
    p = rates[np.searchsorted(AGE_BAND_EDGES, age, side="right")]
    return np.where((people.edu[idx] == 2) & (age < 30), p * mig.tertiary_out_factor_young, p)


def out_migration(rng: np.random.Generator, people: People, cfg: ModelConfig, t: int,
                  factor: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """People who leave the region this month; returns (leavers, expected leavers by age band)."""
    mig = cfg.region.migration
    rates = np.array(mig.out_rate_by_age) / 12.0
    # People at or above each band's lower age (free slots are at age 0; nobody active is).
    at_least = np.array([np.count_nonzero(people.age_m > 0)]
                        + [np.count_nonzero(people.age_m >= a * 12) for a in AGE_BAND_EDGES])
    n_band = (at_least - np.append(at_least[1:], 0)).astype(float)
    expected = n_band * rates
    yt_age = people.age_m[nonzero((people.edu == 2) & (people.age_m < 30 * 12))]  # free: edu 0
    yt_band = np.bincount(BAND_OF_MONTH[yt_age], minlength=5)[:5]
    expected += yt_band * rates * (mig.tertiary_out_factor_young - 1.0)
    # Thinning: candidates at the highest rate, each kept with its own rate / highest.
    p_max = max_out_migration_hazard(cfg)
    cand = people.sample_active(rng, p_max)
    p = out_migration_hazard(people, cfg, cand)
    if factor is not None and len(factor):
        p = p * factor[cand]
    leave = cand[rng.random(len(cand)) * p_max < p]
    return leave, expected


def emigration(rng: np.random.Generator, people: People, cfg: ModelConfig, t: int,
               expected_out: np.ndarray) -> np.ndarray:
    """People who move abroad this month.

    ``emigrant_foreign_share`` of them speak a foreign language; within each language group the
    chance to leave follows the out-migration hazard by age and education (young graduates most).
    ``expected_out`` is the month's expected domestic out-movers by age band: its sum is the sum
    of everyone's hazard, so only the foreign-language speakers' part has to be added up here.
    """
    mig = cfg.region.migration
    n = emigration_per_month(cfg, t) * cfg.scale
    if n <= 0:
        return np.zeros(0, np.int64)
    foreign = nonzero(people.foreign)  # free slots hold no one: their flag is False
    h_foreign = float(out_migration_hazard(people, cfg, foreign).sum())
    h_other = max(float(expected_out.sum()) - h_foreign, 0.0)
    share = mig.emigrant_foreign_share
    # Each person leaves with c x hazard, c set per language group to give its expected number.
    c = np.array([(1 - share) * n / h_other if h_other > 0 else 0.0,
                  share * n / h_foreign if h_foreign > 0 else 0.0])
    p_max = min(float(c.max()) * max_out_migration_hazard(cfg), 1.0)
    cand = people.sample_active(rng, p_max)
    p = c[people.foreign[cand].view(np.uint8)] * out_migration_hazard(people, cfg, cand)
    return cand[rng.random(len(cand)) * p_max < p]


def in_migration(rng: np.random.Generator, people: People, cfg: ModelConfig, t: int,
                 expected_out: np.ndarray, n_fields: int,
                 take_vacancy: Callable[[np.ndarray], np.ndarray],
                 unemployed_factor: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Create this month's domestic in-movers and immigrants; returns them by kind.

    ``unemployed_factor`` (by municipality) scales the domestic in-movers' unemployed share:
    movers resemble the residents of the municipality they move to. Both kinds enter the model
    together, domestic in-movers first.
    """
    reg, mig = cfg.region, cfg.region.migration
    pops = np.array([m.population for m in reg.municipalities]) * cfg.scale
    muni_cdf = cdf_of(pops)
    net = np.array(mig.net_per_1000_by_age) / 1000.0 / 12.0 * pops.sum()
    n_dom = rng.poisson(np.maximum(expected_out + net, 0.0))
    n_imm = rng.poisson(immigration_per_month(cfg, t) * cfg.scale)
    fl_share = np.array([m.foreign_language_share for m in reg.municipalities])
    kinds = (("domestic", int(n_dom.sum())), ("immigrant", int(n_imm)))
    slots = people.allocate(sum(n for _, n in kinds))
    out, statuses, hired, firms = {}, [], [], []
    start = 0
    for kind, n in kinds:
        idx = slots[start:start + n]
        start += n
        out[kind] = idx
        if n == 0:
            continue
        if kind == "immigrant":
            band = categorical(rng, IMMIGRANT_AGE_CDF, n)
        else:
            band = np.repeat(np.arange(5), n_dom)
        age_m = rng.integers(BAND_LO[band] * 12, BAND_HI[band] * 12)
        muni = categorical(rng, muni_cdf, n)
        u = rng.random(n)
        tert = (1 - mig.in_basic_share) * 0.4
        edu = np.where(u < mig.in_basic_share, 0, np.where(u < 1 - tert, 1, 2))
        edu = np.where(age_m < 20 * 12, 0, edu)
        foreign = np.ones(n, bool) if kind == "immigrant" else rng.random(n) < fl_share[muni]
        new_people(people, rng, n, muni, age_m, edu.astype(np.int8), foreign, n_fields, cfg, idx)
        if kind == "immigrant":
            s = categorical(rng, cdf_of(mig.immigrant_status_shares), n)
            status = np.array([Status.EMPLOYED, Status.UNEMPLOYED, Status.STUDENT,
                               Status.OUTSIDE], dtype=np.uint8)[s]
        else:
            r = rng.random(n)
            share = mig.in_unemployed_share * (1.0 if unemployed_factor is None
                                               else unemployed_factor[muni])
            status = np.where(r < np.minimum(share, 0.85), Status.UNEMPLOYED,
                              np.where(r < 0.85, Status.EMPLOYED, Status.OUTSIDE)).astype(np.uint8)
            status = np.where(age_m < 20 * 12, Status.STUDENT, status).astype(np.uint8)
        # Movers who come for a job take an open vacancy; without one they arrive unemployed.
        for_job = nonzero(status == Status.EMPLOYED)
        firm = take_vacancy(idx[for_job])
        got = firm >= 0
        status[for_job[~got]] = Status.UNEMPLOYED
        statuses.append(status)
        hired.append(idx[for_job[got]])
        firms.append(firm[got])
    if statuses:
        people.enter(slots, np.concatenate(statuses), t)
        people.employer[np.concatenate(hired)] = np.concatenate(firms)
    return out
