"""Job search and matching: applications to open vacancies, screening, and hiring.

Matching is vacancy-constrained: a filled vacancy is gone, so jobseekers compete and helping one
group can displace another. Each searcher sends a Poisson number of applications that grows with
search effort. An application goes to a public vacancy, or (a share ``network_share``) to a hidden
vacancy reached through networks; the vacancy's municipality and sector are drawn in proportion to
open vacancies weighted by commuting distance (Lahti is the hub) and field fit. Coach referrals are
extra applications to public vacancies whose score is multiplied by ``referral_boost``.

Employers screen: an application's score combines the applicant's employability, education,
language, work ability, field fit and unemployment duration (employers screen on duration, which
together with heterogeneity produces duration dependence), times noise. Each vacancy considers its
best remaining applicant and hires with probability ``1 - exp(-hire_scale * score)``; an applicant
picked by several vacancies takes one of them, and the others look again in the next round.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.firms import Firms
from agents.people import People
from model.config import EconomyConfig
from model.statuses import Status

ROUNDS = 3


@dataclass
class Hires:
    """This month's hires through vacancies."""

    person: np.ndarray
    firm: np.ndarray
    referred: np.ndarray  # hired through a coach referral
    applications: int
    referrals: int


def distance_matrix(hub_km: np.ndarray) -> np.ndarray:
    """Commuting distance between municipalities, travelling through the hub."""
    d = hub_km[:, None] + hub_km[None, :]
    np.fill_diagonal(d, 0.0)
    return d


def application_weights(dist: np.ndarray, n_sectors: int, cfg: EconomyConfig) -> np.ndarray:
    """Weight of a (vacancy municipality, sector) cell for a (home municipality, field) searcher."""
    m = dist.shape[0]
    commute = np.exp(-cfg.commute_friction_per_km * dist)  # [home, work]
    fit = np.where(np.eye(n_sectors, dtype=bool), 1.0, cfg.other_field_fit)  # [field, sector]
    w = commute[:, None, :, None] * fit[None, :, None, :]  # home, field, work, sector
    return w.reshape(m * n_sectors, m * n_sectors)


def _draw_cells(rng: np.random.Generator, weights: np.ndarray, counts: np.ndarray,
                types: np.ndarray) -> np.ndarray:
    """Draw a vacancy cell for each application of searcher ``types`` (-1 where none is open)."""
    p = weights * counts[None, :]
    tot = p.sum(axis=1)
    ok = tot[types] > 0
    cum = np.cumsum(p / np.where(tot > 0, tot, 1.0)[:, None], axis=1)
    cum[:, -1] = 1.0
    n_cells = weights.shape[1]
    flat = (np.arange(len(weights))[:, None] + cum).ravel()
    pos = np.searchsorted(flat, types + rng.random(len(types)) * (1 - 1e-12), side="right")
    cell = np.minimum(pos - types * n_cells, n_cells - 1)
    return np.where(ok, cell, -1)


def match(rng: np.random.Generator, people: People, firms: Firms, cfg: EconomyConfig,
          weights: np.ndarray, effort_base: np.ndarray, referred: np.ndarray,
          referral_boost: float) -> Hires:
    """Run one month's applications, screening and hiring; does not change statuses."""
    n_sec = int(firms.sector.max()) + 1 if len(firms) else 1
    vac = firms.vacancies
    empty = Hires(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, bool), 0, 0)
    searchers = np.flatnonzero(effort_base > 0)
    if len(vac) == 0 or len(searchers) == 0:
        return empty
    effort = effort_base[searchers] + people.effort[searchers]
    n_apps = rng.poisson(effort * cfg.applications_per_month)
    person = np.repeat(searchers, n_apps)
    hidden_pool = rng.random(len(person)) < cfg.network_share
    is_ref = np.zeros(len(person), bool)
    if len(referred):
        person = np.concatenate([person, referred])
        hidden_pool = np.concatenate([hidden_pool, np.zeros(len(referred), bool)])
        is_ref = np.concatenate([is_ref, np.ones(len(referred), bool)])
    types = people.muni[person].astype(np.int64) * n_sec + people.field[person]

    vcell = firms.muni[vac.firm].astype(np.int64) * n_sec + firms.sector[vac.firm]
    n_cells = weights.shape[1]
    target = np.full(len(person), -1, dtype=np.int64)
    for hidden in (False, True):
        in_pool = np.flatnonzero(vac.hidden == hidden)
        apps = np.flatnonzero(hidden_pool == hidden)
        if len(in_pool) == 0 or len(apps) == 0:
            continue
        counts = np.bincount(vcell[in_pool], minlength=n_cells)
        cell = _draw_cells(rng, weights, counts.astype(float), types[apps])
        order = in_pool[np.argsort(vcell[in_pool], kind="stable")]
        start = np.concatenate([[0], np.cumsum(counts)[:-1]])
        ok = cell >= 0
        pick = start[cell[ok]] + np.floor(rng.random(ok.sum()) * counts[cell[ok]]).astype(np.int64)
        target[apps[ok]] = order[pick]
    keep = target >= 0
    person, target, is_ref = person[keep], target[keep], is_ref[keep]
    if len(person) == 0:
        return empty

    sector = firms.sector[vac.firm[target]]
    unemp = people.status[person] == Status.UNEMPLOYED
    duration = np.where(unemp, people.spell[person], people.unemp_months16[person])
    score = (people.employability[person]
             * np.asarray(cfg.education_fit)[people.edu[person]]
             * np.where(people.foreign[person], cfg.language_fit, 1.0)
             * np.where(people.partial_wa[person], cfg.partial_work_ability_fit, 1.0)
             * np.where(people.field[person] == sector, 1.0, cfg.other_field_fit)
             * np.exp(-cfg.duration_penalty * np.minimum(duration, cfg.duration_penalty_months))
             * np.exp(cfg.score_noise_sd * rng.standard_normal(len(person)))
             * np.where(is_ref, referral_boost, 1.0))
    # Sort applications by vacancy, best score first, with one float key.
    # Group applications by vacancy (a radix sort on small integer keys).
    key_dtype = np.uint16 if len(vac) < 1 << 16 else np.int64
    order = np.argsort(target.astype(key_dtype), kind="stable")
    person, target, score, is_ref = person[order], target[order], score[order], is_ref[order]
    new_seg = np.concatenate([[True], target[1:] != target[:-1]])
    starts = np.flatnonzero(new_seg)
    seg = np.cumsum(new_seg) - 1

    hired_p, hired_v, hired_ref = [], [], []
    live = score.copy()  # 0 marks an application no longer considered
    gone_p = np.zeros(people.capacity, bool)
    for _ in range(ROUNDS):
        best = np.maximum.reduceat(live, starts)
        is_best = (live > 0) & (live == best[seg])
        cand = np.flatnonzero(is_best)
        if len(cand) == 0:
            break
        first = cand[np.concatenate([[True], seg[cand][1:] != seg[cand][:-1]])]
        accept = rng.random(len(first)) < 1.0 - np.exp(-cfg.hire_scale * live[first])
        offers = first[accept]
        # An applicant with several offers takes one at random.
        offers = offers[rng.permutation(len(offers))]
        _, uniq = np.unique(person[offers], return_index=True)
        won = offers[uniq]
        hired_p.append(person[won])
        hired_v.append(target[won])
        hired_ref.append(is_ref[won])
        # A vacancy that hired, or screened its best applicant and declined, is done this month;
        # one whose pick went elsewhere considers its next applicant in the next round.
        done_seg = np.zeros(len(starts), bool)
        done_seg[seg[won]] = True
        done_seg[seg[first[~accept]]] = True
        gone_p[person[won]] = True
        live[done_seg[seg] | gone_p[person]] = 0.0
        live[first] = 0.0

    hp = np.concatenate(hired_p)
    hv = np.concatenate(hired_v)
    hr = np.concatenate(hired_ref)
    firm = vac.firm[hv].astype(np.int64)
    filled = np.zeros(len(vac), bool)
    filled[hv] = True
    vac.keep(~filled)
    return Hires(hp, firm, hr, int(len(person)), int(is_ref.sum()))

