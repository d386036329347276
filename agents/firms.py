"""Firms and their open vacancies, as arrays; labour demand follows an exogenous national path.

Each firm has a desired employment that moves with the regional demand index and with its own
idiosyncratic growth (heavy-tailed across firms). Employees quit, excess staff are laid off
(temporarily or for good), temporarily laid-off workers are recalled when demand returns, and the
remaining hiring gap is opened as vacancies: public (notified to the employment service) or hidden.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.people import People
from model.calendar import DAYS_PER_MONTH, parse_month
from model.config import EconomyConfig, ModelConfig
from model.indices import nonzero
from model.rng import bernoulli_indices
from model.statuses import Status


def _national_trend_and_season(cfg: EconomyConfig, n_months: int) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([parse_month(k.month) for k in cfg.demand_path], dtype=np.int64)
    u = np.array([k.national_unemployment_rate for k in cfg.demand_path])
    season = 1.0 + cfg.seasonality * (np.asarray(cfg.seasonal_factors, dtype=float) - 1.0)
    months = np.arange(n_months)
    trend = np.interp(months, x.astype(float), u / season[x % 12])
    return trend, season[months % 12]


def national_rate_path(cfg: EconomyConfig, n_months: int) -> np.ndarray:
    """The national register unemployment rate by month (0 = 2018-01), with its seasons.

    The knots are unadjusted monthly figures. Each is divided by its calendar month's seasonal
    factor, the adjusted knots are interpolated linearly (flat outside them), and the result is
    multiplied back by the month's factor. Factors are ``1 + seasonality × (f - 1)``, so
    ``seasonality = 0`` gives the plain interpolation and every knot month keeps its figure.
    """
    trend, season = _national_trend_and_season(cfg, n_months)
    return trend * season


def demand_index(cfg: EconomyConfig, n_months: int) -> np.ndarray:
    """Regional labour demand by month, 1.0 at month 0.

    Demand is ``(1 - u_national)`` (:func:`national_rate_path`) raised to ``demand_elasticity``
    relative to month 0, times ``(1 + regional_trend)`` per year since 2018-01.
    """
    level = 1.0 - national_rate_path(cfg, n_months)
    trend = (1.0 + cfg.regional_trend) ** (np.arange(n_months) / 12.0)
    return (level / level[0]) ** cfg.demand_elasticity * trend


def demand_drop(demand: np.ndarray) -> np.ndarray:
    """Share by which regional demand falls from the month before (0 where it does not fall).

    Every firm lays that share of its employees off temporarily in that month
    (:meth:`Firms.separations`): the season ends fixed-term and seasonal jobs (June, July,
    November, December), or a shock closes workplaces (spring 2020).
    """
    drop = np.zeros(len(demand))
    drop[1:] = np.maximum(0.0, 1.0 - demand[1:] / demand[:-1])
    return drop


@dataclass
class Vacancies:
    """Open vacancies (small arrays, rebuilt as vacancies open, fill and expire)."""

    firm: np.ndarray
    hidden: np.ndarray
    age: np.ndarray

    @classmethod
    def empty(cls) -> Vacancies:
        """No open vacancies."""
        return cls(np.zeros(0, np.int32), np.zeros(0, bool), np.zeros(0, np.int16))

    def __len__(self) -> int:
        return len(self.firm)

    def keep(self, mask: np.ndarray) -> None:
        """Keep only the vacancies where ``mask`` is true."""
        self.firm, self.hidden, self.age = self.firm[mask], self.hidden[mask], self.age[mask]

    def add(self, firm: np.ndarray, hidden: np.ndarray) -> None:
        """Open new vacancies."""
        self.firm = np.concatenate([self.firm, firm.astype(np.int32)])
        self.hidden = np.concatenate([self.hidden, hidden])
        self.age = np.concatenate([self.age, np.zeros(len(firm), np.int16)])


class SeparationRisk:
    """Relative separation hazard of a worker: education, language, youth and municipality.

    ``factor = (personal relative risk) ** elasticity * municipality factor``, scaled so that the
    employed at the start average 1. The municipality factors make each municipality's initial
    unemployment rate its steady state: they are proportional to the odds of its observed rate
    over its workers' mean personal factor.
    """

    def __init__(self, people: People, cfg: ModelConfig):
        pc = cfg.region.population
        k = cfg.economy.separation_risk_elasticity
        self.edu = np.array([pc.rel_risk_basic, pc.rel_risk_upper, 1.0]) ** k
        self.foreign = pc.rel_risk_foreign ** k
        self.young = pc.rel_risk_young ** k
        emp = nonzero(people.status == Status.EMPLOYED)
        personal = self._personal(people, emp)
        munis = cfg.region.municipalities
        mean_p = np.bincount(people.muni[emp], weights=personal, minlength=len(munis)) / np.maximum(
            np.bincount(people.muni[emp], minlength=len(munis)), 1)
        ur = np.array([m.unemployment_rate for m in munis])
        self.muni = (ur / (1 - ur)) / np.maximum(mean_p, 1e-9)
        total = personal * self.muni[people.muni[emp]]
        self.muni /= total.mean() if len(total) else 1.0
        self.workplace_retention = 0.0  # set by the coaching intervention while it runs
        self.max_factor = float(self.edu.max() * max(self.foreign, 1.0) * max(self.young, 1.0)
                                * self.muni.max())
        # The factor of every (education, foreign, young, municipality), in the order of the
        # products in _personal and factor (so that a look-up gives the same number).
        e, f, y, m = np.meshgrid(np.arange(3), [False, True], [False, True],
                                 np.arange(len(self.muni)), indexing="ij")
        self._table = ((self.edu[e] * np.where(f, self.foreign, 1.0)
                        * np.where(y, self.young, 1.0)) * self.muni[m]).ravel()
        self._n_muni = len(self.muni)

    def _personal(self, people: People, idx: np.ndarray) -> np.ndarray:
        return (self.edu[people.edu[idx]] * np.where(people.foreign[idx], self.foreign, 1.0)
                * np.where(people.age_m[idx] < 25 * 12, self.young, 1.0))

    def factor(self, people: People, idx: np.ndarray) -> np.ndarray:
        """Relative separation hazard of people ``idx`` (a look-up by their risk group)."""
        i16 = np.int16  # small integers: 3 x 2 x 2 x municipalities groups
        code = people.edu[idx] * i16(2) + people.foreign[idx]
        code = code * i16(2) + (people.age_m[idx] < 25 * 12)
        code = code * i16(self._n_muni) + people.muni[idx]
        return self._table[code]

    def draw(self, rng: np.random.Generator, people: People, idx: np.ndarray,
             rate: float, t: int = 0) -> np.ndarray:
        """Who of ``idx`` separates this month at average ``rate`` (thinning at the top rate).

        Workers coached at an employer in the last 12 months separate at
        ``1 - workplace_retention`` of their rate (set by the coaching intervention).
        """
        p_max = min(rate * self.max_factor, 1.0)
        cand = bernoulli_indices(rng, idx, p_max)
        p = np.minimum(rate * self.factor(people, cand), 1.0)
        if self.workplace_retention > 0:
            recent = (t - people.employer_contact[cand]) < 12
            p = np.where(recent, p * (1.0 - self.workplace_retention), p)
        return cand[rng.random(len(cand)) * p_max < p]


class Firms:
    """Employers: municipality, sector, employer type, desired employment and vacancies."""

    def __init__(self, muni: np.ndarray, sector: np.ndarray, etype: np.ndarray, base: np.ndarray):
        self.muni = muni.astype(np.int8)
        self.sector = sector.astype(np.int8)
        self.etype = etype.astype(np.int8)
        self.base = base.astype(float)  # desired employment at demand index 1
        self.log_level = np.zeros(len(muni))  # idiosyncratic growth
        self.desired = self.base.copy()
        self.vacancies = Vacancies.empty()
        self.separation_risk: SeparationRisk | None = None

    def __len__(self) -> int:
        return len(self.muni)

    def employment(self, people: People, employed: np.ndarray | None = None) -> np.ndarray:
        """Regular (unsubsidised) employees per firm (``employed``: them, if already found)."""
        if employed is None:
            employed = nonzero(people.status == Status.EMPLOYED)
        return np.bincount(people.employer[employed], minlength=len(self))

    def laid_off(self, people: People) -> np.ndarray:
        """Temporarily laid-off workers per firm, waiting for recall."""
        return np.bincount(people.employer[nonzero(people.temp_laid)], minlength=len(self))

    def update_demand(self, rng: np.random.Generator, cfg: EconomyConfig, index: float,
                      total_base: float) -> None:
        """Move each firm's desired employment with the demand index and its own growth shock."""
        self.log_level = 0.98 * self.log_level + cfg.firm_shock_sd * rng.standard_normal(len(self))
        weight = self.base * np.exp(self.log_level)
        self.desired = weight * (index * total_base / weight.sum())

    def separations(self, rng: np.random.Generator, people: People, cfg: EconomyConfig, t: int,
                    emp: np.ndarray, drop: float = 0.0,
                    employed: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Quits, layoffs (temporary or permanent) and expiry of long temporary layoffs.

        ``drop`` is the share by which demand fell this month (:func:`demand_drop`): every firm
        lays that share off temporarily, the riskier employees first. Firms still above their
        desired size then shed part of the excess. ``emp`` (regular employees per firm) is
        updated in place. ``employed`` are the regular employees, if the caller has them.
        """
        if employed is None:
            employed = nonzero(people.status == Status.EMPLOYED)
        quits = self.separation_risk.draw(rng, people, employed, cfg.quit_rate, t)
        emp -= np.bincount(people.employer[quits], minlength=len(self))
        people.move(quits, Status.UNEMPLOYED, t)
        employed = employed[people.status[employed] == Status.EMPLOYED]
        dropped = np.zeros(0, np.int64)
        if drop > 0:
            dropped = bernoulli_indices(rng, employed, self.layoff_probability(
                people, employed, np.full(len(self), drop)))
            self._lay_off(people, dropped, np.ones(len(dropped), bool), t, emp)
            employed = employed[people.status[employed] == Status.EMPLOYED]

        excess = emp - self.desired
        p_lay = np.clip(np.where(emp > 0, excess * cfg.layoff_speed / np.maximum(emp, 1), 0), 0, 1)
        shrinking = p_lay > 0
        laid = np.zeros(0, np.int64)
        if np.any(shrinking):
            at_risk = employed[nonzero(shrinking[people.employer[employed]])]
            laid = bernoulli_indices(rng, at_risk, self.layoff_probability(people, at_risk, p_lay))
        temp = rng.random(len(laid)) < cfg.temporary_layoff_share
        self._lay_off(people, laid, temp, t, emp)
        short = self.short_layoffs(rng, people, cfg, t, emp, employed)

        expired = nonzero(people.temp_laid & (people.spell >= cfg.temporary_layoff_max_months))
        people.temp_laid[expired] = False
        people.employer[expired] = -1
        return {"quits": quits, "layoffs": np.concatenate([dropped, laid]),
                "temporary_layoffs": np.concatenate([dropped, laid[temp]]), "short_layoffs": short}

    def short_layoffs(self, rng: np.random.Generator, people: People, cfg: EconomyConfig, t: int,
                      emp: np.ndarray, employed: np.ndarray) -> np.ndarray:
        """Layoffs of under four weeks when work runs short within the month.

        Besides the layoffs that bring a firm to its month-end size, firms lay staff off for a
        fixed term of days (``short_layoff_rate`` of their employees a month, the riskier ones
        more often; lengths uniform up to ``2 × short_layoff_days``). A layoff begins on a random
        day and ends on its date whatever the firm's demand (:meth:`recalls`): within the month,
        or early the next month when it outlasts the rest of this one.
        """
        if cfg.short_layoff_rate <= 0:
            return np.zeros(0, np.int64)
        employed = employed[people.status[employed] == Status.EMPLOYED]
        short = self.separation_risk.draw(rng, people, employed, cfg.short_layoff_rate, t)
        self._lay_off(people, short, np.ones(len(short), bool), t, emp)
        days_left = rng.random(len(short)) * DAYS_PER_MONTH
        length = rng.random(len(short)) * (2.0 * cfg.short_layoff_days)
        people.layoff_end[short] = t + (length > days_left)
        return short

    def _lay_off(self, people: People, laid: np.ndarray, temporary: np.ndarray, t: int,
                 emp: np.ndarray) -> None:
        """Move ``laid`` into unemployment; the ``temporary`` ones keep their firm for recall.

        A temporary layoff lasts until recall; :meth:`short_layoffs` sets a fixed end instead.
        """
        firm = people.employer[laid]
        emp -= np.bincount(firm, minlength=len(self))
        people.move(laid, Status.UNEMPLOYED, t)
        people.temp_laid[laid[temporary]] = True
        people.employer[laid[temporary]] = firm[temporary]
        people.layoff_end[laid[temporary]] = -1

    def layoff_probability(self, people: People, at_risk: np.ndarray,
                           p_lay: np.ndarray) -> np.ndarray:
        """Each at-risk employee's layoff probability.

        A firm sheds ``p_lay`` of its employees (``layoff_speed`` × its excess); who goes depends
        on the same relative risk as quits (the municipality's included), relative to the firm's
        own employees, so the firm's expected layoffs stay ``p_lay × E`` (up to clipping at 1).
        """
        firm = people.employer[at_risk]
        f = self.separation_risk.factor(people, at_risk)
        n_at = np.bincount(firm, minlength=len(self))
        f_mean = np.bincount(firm, weights=f, minlength=len(self)) / np.maximum(n_at, 1)
        return np.minimum(p_lay[firm] * f / f_mean[firm], 1.0)

    def recalls(self, rng: np.random.Generator, people: People, cfg: EconomyConfig, t: int,
                emp: np.ndarray) -> np.ndarray:
        """Temporarily laid-off workers return to their firm when it wants staff again.

        Workers laid off this month (spell 0) wait at least until the next month. Fixed-term
        layoffs (:meth:`short_layoffs`) end on their date first, whatever the firm's demand; they
        lasted under four weeks, and their spell is booked so (ended in its first month).
        """
        laid = nonzero(people.temp_laid)
        due = laid[people.layoff_end[laid] == t]
        if len(due):
            firm = people.employer[due]
            people.spell[due] = 0
            people.move(due, Status.EMPLOYED, t)
            people.employer[due] = firm
            emp += np.bincount(firm, minlength=len(self))
        laid = laid[people.temp_laid[laid] & (people.spell[laid] > 0)]
        if len(laid) == 0:
            return due
        gap = self.desired - emp
        waiting = np.bincount(people.employer[laid], minlength=len(self))
        p_firm = np.clip(cfg.recall_rate * np.maximum(gap, 0) / np.maximum(waiting, 1), 0,
                         cfg.recall_rate)
        back = bernoulli_indices(rng, laid, p_firm[people.employer[laid]])
        firm = people.employer[back]
        people.move(back, Status.EMPLOYED, t)
        people.employer[back] = firm
        emp += np.bincount(firm, minlength=len(self))
        return np.concatenate([due, back])

    def open_vacancies(self, rng: np.random.Generator, people: People, cfg: EconomyConfig,
                       emp: np.ndarray) -> None:
        """Age and expire vacancies, close them where firms shrink, open new ones for the gap."""
        vac = self.vacancies
        vac.age += 1
        gap = self.desired - emp - self.laid_off(people)
        vac.keep((vac.age < cfg.vacancy_max_months) & (gap[vac.firm] > 0))
        open_now = np.bincount(vac.firm, minlength=len(self))
        want = np.maximum(gap - open_now, 0.0) * cfg.vacancy_speed
        n_new = np.floor(want + rng.random(len(self))).astype(np.int64)
        firms = np.repeat(np.arange(len(self)), n_new)
        hidden = rng.random(len(firms)) >= cfg.public_vacancy_share
        vac.add(firms, hidden)
