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


LUT_SIZE = 256


def draw_categories(rng: np.random.Generator, probs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Draw one category per element of ``rows`` from the row's distribution ``probs[row]``.

    ``probs`` is (rows × categories) and each used row sums to 1. Uses a lookup table of
    ``LUT_SIZE`` buckets per row to start the inverse-CDF search near the answer, then steps
    forward; the draw is exact (the same distribution as a full binary search).
    """
    n_cat = probs.shape[1]
    cum = np.cumsum(probs, axis=1)
    cum[:, -1] = 1.0 + 1e-9  # guard against rounding: every u < 1 falls inside
    n_rows = len(probs)
    grid = np.arange(LUT_SIZE) / LUT_SIZE
    # lut[r, j] = first category whose cumulative probability exceeds j / LUT_SIZE (one sorted
    # search over all rows: row r's values are offset by 2r, which keeps rows apart)
    offset = 2.0 * np.arange(n_rows)[:, None]
    flat = (offset + cum).ravel()
    lut = (np.searchsorted(flat, (offset + grid[None, :]).ravel(), side="right").reshape(
        n_rows, LUT_SIZE) - np.arange(n_rows)[:, None] * n_cat)
    u = rng.random(len(rows))
    cat = lut[rows, (u * LUT_SIZE).astype(np.int64)]
    todo = np.flatnonzero(cum[rows, cat] <= u)
    while len(todo):
        cat[todo] += 1
        still = cum[rows[todo], cat[todo]] <= u[todo]
        todo = todo[still]
    return np.minimum(cat, n_cat - 1)


def match(rng: np.random.Generator, people: People, firms: Firms, cfg: EconomyConfig,
          weights: np.ndarray, effort_base: np.ndarray, inputs: MatchingInputs) -> Hires:
    """Run one month's applications, screening and hiring; does not change statuses."""
    n_sec = len(cfg.sectors)
    vac = firms.vacancies
    empty = Hires(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, bool), 0, 0)
    searchers = np.flatnonzero(effort_base > 0)
    referred = inputs.referred
    presented = (np.concatenate(inputs.presented) if inputs.presented
                 else np.zeros(0, np.int64))
    if len(vac) == 0 or len(searchers) + len(referred) + len(presented) == 0:
        return empty
    # Everything about the applicant is computed once per searcher; applications index into it.
    who = np.concatenate([searchers, referred, presented])
    n_s, n_r = len(searchers), len(referred)
    unemp = people.status[who] == Status.UNEMPLOYED
    duration = np.where(unemp, people.spell[who], people.unemp_months16[who])
    own = (people.employability[who]
           * np.asarray(cfg.education_fit, np.float32)[people.edu[who]]
           * np.where(people.foreign[who], np.float32(cfg.language_fit), np.float32(1.0))
           * np.where(people.partial_wa[who], np.float32(cfg.partial_work_ability_fit),
                      np.float32(1.0))
           * np.exp(np.float32(-cfg.duration_penalty)
                    * np.minimum(duration, cfg.duration_penalty_months).astype(np.float32)))
    own[n_s:n_s + n_r] *= np.float32(inputs.referral_boost)
    if len(presented):
        own[n_s + n_r:] *= np.repeat(np.asarray(inputs.presentation_boost, np.float32),
                                     [len(x) for x in inputs.presented])
    if inputs.boosts:
        mult = np.ones(people.capacity, np.float32)
        for idx, factor in inputs.boosts:
            mult[idx] *= np.float32(factor)
        own *= mult[who]
    n_types = weights.shape[0]
    types = people.muni[who].astype(np.int64) * n_sec + people.field[who]
    if inputs.mobility is not None and len(inputs.mobility[0]):
        supported = np.zeros(people.capacity, bool)
        supported[inputs.mobility[0]] = True
        types = np.where(supported[who], types + n_types, types)
        weights = np.vstack([weights, inputs.mobility[1]])
    # Extra effort from coaching has diminishing returns: applications grow with
    # (1 + extra effort) ** effort_returns.
    rate = (effort_base[searchers] * (1.0 + people.effort[searchers]) ** cfg.effort_returns
            * cfg.applications_per_month)

    vcell = firms.muni[vac.firm].astype(np.int64) * n_sec + firms.sector[vac.firm]
    n_cells = weights.shape[1]
    apps, targets = [], []
    sent = np.repeat(np.arange(n_s), rng.poisson(rate))
    hidden_app = np.concatenate([rng.random(len(sent), dtype=np.float32) < cfg.network_share,
                                 np.zeros(n_r + len(presented), bool)])
    sent = np.concatenate([sent, np.arange(n_s, len(who))])
    # Referrals go to public vacancies unless the firm point opens hidden ones to coaches;
    # presented candidates go wherever the firm point finds vacancies.
    if inputs.hidden_reach > 0 and n_r:
        hidden_app[len(sent) - n_r - len(presented):len(sent) - len(presented)] = (
            rng.random(n_r) < inputs.hidden_reach)
    if len(presented):
        share_hidden = float(vac.hidden.mean())
        hidden_app[len(sent) - len(presented):] = rng.random(len(presented)) < share_hidden
    for hidden in (False, True):
        app = sent[hidden_app == hidden]
        in_pool = np.flatnonzero(vac.hidden == hidden)
        if len(in_pool) == 0 or len(app) == 0:
            continue
        counts = np.bincount(vcell[in_pool], minlength=n_cells)
        p = weights * counts[None, :]
        tot = p.sum(axis=1)
        p /= np.where(tot > 0, tot, 1.0)[:, None]
        app = app[tot[types[app]] > 0]
        cell = draw_categories(rng, p, types[app])
        order = in_pool[np.argsort(vcell[in_pool], kind="stable")]
        start = np.concatenate([[0], np.cumsum(counts)[:-1]])
        pick = start[cell] + (rng.random(len(cell)) * counts[cell]).astype(np.int64)
        apps.append(app)
        targets.append(order[pick])
    if not apps:
        return empty
    app = np.concatenate(apps)
    target = np.concatenate(targets)
    if len(app) == 0:
        return empty
    same_field = (types[app] % n_sec) == firms.sector[vac.firm[target]]
    score = (own[app]
             * np.where(same_field, np.float32(1.0), np.float32(cfg.other_field_fit))
             * np.exp(np.float32(cfg.score_noise_sd)
                      * rng.standard_normal(len(app), dtype=np.float32)))
    person = who[app]
    is_ref = (app >= n_s) & (app < n_s + n_r)
    is_pres = app >= n_s + n_r

    # Group applications by vacancy (a radix sort on small integer keys).
    key_dtype = np.uint16 if len(vac) < 1 << 16 else np.int64
    order = np.argsort(target.astype(key_dtype), kind="stable")
    person, target, score = person[order], target[order], score[order]
    is_ref, is_pres = is_ref[order], is_pres[order]
    new_seg = np.concatenate([[True], target[1:] != target[:-1]])
    starts = np.flatnonzero(new_seg)
    seg = np.cumsum(new_seg) - 1

    hired_p, hired_v = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    hired_ref, hired_pres = [np.zeros(0, bool)], [np.zeros(0, bool)]
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
        hired_pres.append(is_pres[won])
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
    return Hires(hp, firm, hr, int(len(person)), int(is_ref.sum()), np.concatenate(hired_pres))

