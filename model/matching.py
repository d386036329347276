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

from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtri

from agents.firms import Firms
from agents.people import People
from model.config import EconomyConfig
from model.indices import nonzero
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
    presented: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))


@dataclass
class MatchingInputs:
    """What services and interventions add to a month's matching.

    Attributes:
        referred: Coach referrals: one extra application each, score × ``referral_boost``.
        hidden_reach: Share of referrals that may go to hidden vacancies (the firm point).
        presented: Candidate presentations (one application each, to any open vacancy).
        presentation_boost: Score multiplier of each presentation.
        boosts: (people, factor) pairs multiplying those people's scores this month.
        mobility: People whose commuting friction is lowered, and the weights that apply to them.
    """

    referred: np.ndarray
    referral_boost: float = 1.0
    hidden_reach: float = 0.0
    presented: list[np.ndarray] = field(default_factory=list)
    presentation_boost: list[float] = field(default_factory=list)
    boosts: list[tuple[np.ndarray, float]] = field(default_factory=list)
    mobility: tuple[np.ndarray, np.ndarray] | None = None

    def add_presentations(self, idx: np.ndarray, boost: float) -> None:
        """Present candidates ``idx`` to employers."""
        self.presented.append(np.asarray(idx, np.int64))
        self.presentation_boost.append(boost)

    def boost_people(self, idx: np.ndarray, factor: float) -> None:
        """Multiply the hiring score of people ``idx`` by ``factor`` this month."""
        if len(idx):
            self.boosts.append((np.asarray(idx, np.int64), factor))

    def support_mobility(self, idx: np.ndarray, weights: np.ndarray) -> None:
        """Let people ``idx`` apply with the application weights ``weights`` (lower friction)."""
        self.mobility = (np.asarray(idx, np.int64), weights)


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


def lut_size(n_draws: int, n_rows: int) -> int:
    """Buckets per row of the lookup table: about one per expected draw, 16 to 256."""
    per_row = max(n_draws / max(n_rows, 1), 1.0)
    return int(min(256, max(16, 1 << int(np.ceil(np.log2(per_row))))))


def draw_categories(rng: np.random.Generator, probs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Draw one category per element of ``rows`` from the row's distribution ``probs[row]``.

    ``probs`` is (rows × categories) and each used row sums to 1. A lookup table of ``size``
    buckets per row (:func:`lut_size`) starts the inverse-CDF search near the answer, then steps
    forward; the draw is exact (the same distribution as a full binary search) whatever the size.
    """
    n_rows, n_cat = probs.shape
    cum = np.cumsum(probs, axis=1)
    cum[:, -1] = 1.0 + 1e-9  # guard against rounding: every u < 1 falls inside
    size = lut_size(len(rows), n_rows)
    # lut[r, j] = number of categories with cum < j / size: a lower bound of the answer for any
    # u in bucket j. cum * size is exact (size is a power of two), so the bound is never above.
    first_bucket = np.minimum(np.floor(cum * size).astype(np.int64) + 1, size)
    first_bucket += np.arange(n_rows)[:, None] * (size + 1)
    lut = np.cumsum(np.bincount(first_bucket.ravel(), minlength=n_rows * (size + 1))
                    .reshape(n_rows, size + 1), axis=1)
    u = rng.random(len(rows))
    cat = lut.ravel()[rows * (size + 1) + (u * size).astype(np.int64)]
    flat_cum = cum.ravel()
    todo = nonzero(flat_cum[rows * n_cat + cat] <= u)
    while len(todo):
        cat[todo] += 1
        still = flat_cum[rows[todo] * n_cat + cat[todo]] <= u[todo]
        todo = todo[still]
    return np.minimum(cat, n_cat - 1)


#: Normal quantiles at the midpoints of 2**16 equal-probability bins: a draw is one random
#: 16-bit integer and a look-up (a normal discretised to 65,536 levels, |z| <= 4.2).
_NORMAL_LEVELS = ndtri((np.arange(1 << 16) + 0.5) / (1 << 16)).astype(np.float32)


def standard_normal_f32(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` draws of the discretised standard normal ``_NORMAL_LEVELS`` (float32)."""
    return _NORMAL_LEVELS[np.frombuffer(rng.bytes(2 * n), np.uint16)]


def match(rng: np.random.Generator, people: People, firms: Firms, cfg: EconomyConfig,
          weights: np.ndarray, searchers: np.ndarray, effort: np.ndarray,
          inputs: MatchingInputs) -> Hires:
    """Run one month's applications, screening and hiring; does not change statuses.

    Args:
        rng: The matching phase's random stream.
        people: The population.
        firms: Employers; their open vacancies are filled (removed) here.
        cfg: The economy's matching parameters.
        weights: Application weights of (home municipality, field) for (municipality, sector).
        searchers: People who search this month.
        effort: Their search effort before coaching (``searchers`` with 0 send nothing).
        inputs: Referrals, presentations, score boosts and mobility support.
    """
    n_sec = len(cfg.sectors)
    vac = firms.vacancies
    empty = Hires(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, bool), 0, 0)
    active = effort > 0
    if not active.all():
        searchers, effort = searchers[active], effort[active]
    referred = inputs.referred
    presented = (np.concatenate(inputs.presented) if inputs.presented
                 else np.zeros(0, np.int64))
    if len(vac) == 0 or len(searchers) + len(referred) + len(presented) == 0:
        return empty
    # Everything about the applicant is computed once per applicant; applications index into it.
    # Scores are kept as logarithms: products become sums and the maximum is the same.
    who = np.concatenate([searchers, referred, presented])
    n_s, n_r, n_p = len(searchers), len(referred), len(presented)
    f32 = np.float32
    unemp = people.status[who] == Status.UNEMPLOYED
    duration = np.where(unemp, people.spell[who], people.unemp_months16[who])
    with np.errstate(divide="ignore"):
        own = (np.log(people.employability[who])
               + np.log(np.asarray(cfg.education_fit, f32))[people.edu[who]]
               + np.where(people.foreign[who], f32(np.log(cfg.language_fit)), f32(0.0))
               + np.where(people.partial_wa[who], f32(np.log(cfg.partial_work_ability_fit)),
                          f32(0.0))
               - f32(cfg.duration_penalty)
               * np.minimum(duration, cfg.duration_penalty_months).astype(f32))
        own[n_s:n_s + n_r] += f32(np.log(inputs.referral_boost))
        if n_p:
            own[n_s + n_r:] += np.repeat(np.log(np.asarray(inputs.presentation_boost, f32)),
                                         [len(x) for x in inputs.presented])
        if inputs.boosts:
            add = np.zeros(people.capacity, f32)
            for idx, factor in inputs.boosts:
                add[idx] += f32(np.log(factor))
            own += add[who]
    n_types = weights.shape[0]
    types = people.muni[who].astype(np.int64) * n_sec + people.field[who]
    if inputs.mobility is not None and len(inputs.mobility[0]):
        supported = np.zeros(people.capacity, bool)
        supported[inputs.mobility[0]] = True
        types = np.where(supported[who], types + n_types, types)
        weights = np.vstack([weights, inputs.mobility[1]])
    n_rows, n_cells = weights.shape
    # Extra effort from coaching has diminishing returns: applications grow with
    # (1 + extra effort) ** effort_returns.
    rate = effort * (1.0 + people.effort[searchers]) ** cfg.effort_returns * cfg.applications_per_month
    sent = np.repeat(np.arange(n_s), rng.poisson(rate))
    n_sent = len(sent)
    # Each application goes to the public or the hidden pool. Referrals go to public vacancies
    # unless the firm point opens hidden ones to coaches; presented candidates go wherever the
    # firm point finds vacancies.
    hidden_app = np.zeros(n_sent + n_r + n_p, bool)
    hidden_app[:n_sent] = rng.random(n_sent, dtype=f32) < cfg.network_share
    if inputs.hidden_reach > 0 and n_r:
        hidden_app[n_sent:n_sent + n_r] = rng.random(n_r) < inputs.hidden_reach
    if n_p:
        hidden_app[n_sent + n_r:] = rng.random(n_p) < float(vac.hidden.mean())
    app = np.concatenate([sent, np.arange(n_s, len(who))])

    # The (pool, municipality, sector) cell is drawn in proportion to open vacancies times the
    # applicant type's weights; row = pool * n_rows + type.
    vcell = (vac.hidden.astype(np.int64) * n_cells
             + firms.muni[vac.firm].astype(np.int64) * n_sec + firms.sector[vac.firm])
    counts = np.bincount(vcell, minlength=2 * n_cells)
    probs = weights[None, :, :] * counts.reshape(2, 1, n_cells)
    tot = probs.sum(axis=2).ravel()
    probs = probs.reshape(2 * n_rows, n_cells) / np.where(tot > 0, tot, 1.0)[:, None]
    row = hidden_app.astype(np.int64) * n_rows + types[app]
    reachable = tot[row] > 0
    if not reachable.all():
        app, row = app[reachable], row[reachable]
    if len(app) == 0:
        return empty
    cell = draw_categories(rng, probs, row)
    pool_cell = (row // n_rows) * n_cells + cell
    by_cell = np.argsort(vcell, kind="stable")
    first_in_cell = np.cumsum(counts) - counts
    target = by_cell[first_in_cell[pool_cell]
                     + (rng.random(len(cell)) * counts[pool_cell]).astype(np.int64)]
    # Field fit of a (row, cell) pair: row % n_sec is the applicant's field, cell % n_sec the
    # vacancy's sector.
    log_fit = np.where(np.arange(2 * n_rows)[:, None] % n_sec == np.arange(n_cells)[None, :] % n_sec,
                       f32(0.0), f32(np.log(cfg.other_field_fit))).astype(f32)
    score = (own[app] + log_fit.take(row * n_cells + cell)
             + f32(cfg.score_noise_sd) * standard_normal_f32(rng, len(app)))
    n_apps = len(app)
    n_referrals = int(np.count_nonzero((app >= n_s) & (app < n_s + n_r)))

    # Screening rounds: each vacancy's best remaining application (a scatter-maximum over the
    # vacancies, no sorting); what is settled is dropped after each round.
    n_vac = len(vac)
    live = score
    keep = live > -np.inf  # employability 0: nobody hires them
    if not keep.all():
        app, target, live = app[keep], target[keep], live[keep]
    person = who[app]
    won_app, won_vac = [], []
    gone_p = np.zeros(people.capacity, bool)
    for r in range(ROUNDS):
        if len(live) == 0:
            break
        best = np.full(n_vac, -np.inf, f32)
        np.maximum.at(best, target, live)
        cand = nonzero(live == best[target])
        pick = np.full(n_vac, -1, np.int64)
        pick[target[cand]] = cand  # one application per vacancy (ties: any one of them)
        first = pick[pick >= 0]
        accept = rng.random(len(first)) < -np.expm1(-cfg.hire_scale * np.exp(live[first]))
        offers = first[accept]
        # An applicant with several offers takes one at random.
        offers = offers[rng.permutation(len(offers))]
        _, uniq = np.unique(person[offers], return_index=True)
        won = offers[uniq]
        won_app.append(app[won])
        won_vac.append(target[won])
        if r == ROUNDS - 1:
            break
        # A vacancy that hired, or screened its best applicant and declined, is done this month;
        # one whose pick went elsewhere considers its next applicant in the next round.
        done = np.zeros(n_vac, bool)
        done[target[won]] = True
        done[target[first[~accept]]] = True
        gone_p[person[won]] = True
        alive = ~(done[target] | gone_p[person])
        alive[first] = False
        left = nonzero(alive)
        app, target, live, person = app[left], target[left], live[left], person[left]

    wa = np.concatenate(won_app) if won_app else np.zeros(0, np.int64)
    hv = np.concatenate(won_vac) if won_vac else np.zeros(0, np.int64)
    firm = vac.firm[hv].astype(np.int64)
    filled = np.zeros(len(vac), bool)
    filled[hv] = True
    vac.keep(~filled)
    is_ref = (wa >= n_s) & (wa < n_s + n_r)
    return Hires(who[wa], firm, is_ref, n_apps, n_referrals, wa >= n_s + n_r)
