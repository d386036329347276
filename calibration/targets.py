"""Calibration targets from the observed data, and the distance of a run from them.

Patterns (pattern-oriented modelling: several at once, not one series), 2018–2022:

* ``lahti_rate`` — Lahti's monthly register unemployment rate (error unit: 1 percentage point);
* ``municipal_rates`` — the other municipalities' observed rates (1 pp);
* ``lahti_counts`` — Lahti's unemployed and long-term unemployed (error unit: 10 %);
* ``composition`` — Lahti's under-30 unemployed, foreign-language unemployment rate, structural
  share of the unemployed, the experiment's customers in 2021-03 (total, under 30,
  foreign-language) and the activation rate of jobseekers aged 60–64 over that at 25–29 in
  2021-05 (10 %, 1 pp or a factor of 1.3);
* ``duration`` — Finland's monthly exit-to-work rate by unemployment duration (error unit: a
  factor of 1.3, i.e. ±30 %), against the model's profile over 2018–2019 by elapsed duration,
  as the register measures it (``Recorder.duration_profile``);
* ``services_duration`` — the monthly exits to services by duration, likewise (±30 %);
* ``destinations`` — where the ended spells of 2018–2019 went: work, services, out of the labour
  force, lapsed registration (error unit: 20 % of the share).

One more pattern can be chosen (``calibrate.patterns``), not among the defaults:

* ``lapses_duration`` — the monthly lapses of registration by duration, likewise (±30 %); used for
  the alternative set ``calibration=lapse_sorting`` (docs/calibration.md).

Distance = Σ over patterns of weight × mean of the squared errors in those units, so each pattern
counts equally whatever its number of points.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.observed import load_observed, monthly_points

PATTERNS = ("lahti_rate", "municipal_rates", "lahti_counts", "composition", "duration",
            "services_duration", "destinations")
#: Patterns a calibration may add to the defaults (``calibrate.patterns``).
OPTIONAL_PATTERNS = ("lapses_duration",)
MUNIS = ["Lahti", "Hollola", "Orimattila", "Asikkala", "Kärkölä"]
#: Finland 2015 monthly exit-to-work rates by duration (evidence.md, Labore): the duration pattern.
EXIT_TO_WORK = {"<1": 0.183, "1-3": 0.093, "3-6": 0.060, "6-12": 0.035, "12-18": 0.016,
                "18-24": 0.011, ">24": 0.003}
#: Finland 2015 monthly exits to services by duration, and the destinations of ended spells
#: (evidence.md, Labore; the remaining 3 % went to other destinations, education among them).
EXIT_TO_SERVICES = {"<1": 0.080, "1-3": 0.064, "3-6": 0.044, "6-12": 0.033, "12-18": 0.027,
                    "18-24": 0.025, ">24": 0.016}
DESTINATIONS = {"work": 0.44, "services": 0.31, "outside": 0.06, "lapsed": 0.16}
#: Finland 2015 monthly lapses of registration ("did not renew the job search") by duration, the
#: same source's counts over 12 and the mean stock of each bucket (33,063 / 12 / 48,967, ...);
#: reported beside the fit, a target only of the optional ``lapses_duration`` pattern.
EXIT_TO_LAPSED = {"<1": 0.0563, "1-3": 0.0412, "3-6": 0.0183, "6-12": 0.0120, "12-18": 0.0098,
                  "18-24": 0.0083, ">24": 0.0055}
EXIT_SOURCE = ("Labore blog 'Mihin työttömät siirtyvät ja milloin?' (TEM register 2015), "
               "https://labore.fi/julkaisu/mihin-tyottomat-siirtyvat-ja-milloin/")


def _row(metric: str, area: str, period: str) -> tuple[float, str]:
    df = load_observed()
    sel = df[(df.metric == metric) & (df.area == area) & (df.period == period)]
    if sel.empty:
        raise KeyError(f"observed.csv has no {metric!r} for {area} {period}")
    return float(sel.value.iloc[0]), str(sel.source.iloc[0])


#: The last month of the calibration window; observed points after it are held out.
TARGET_END = "2022-12"


def held_out(after: str = TARGET_END) -> pd.DataFrame:
    """Lahti's observed monthly unemployment rate after the calibration window (never a target).

    Columns ``month, value, source``; the fit report compares the model with them out of sample.
    """
    obs = monthly_points("unemployment_rate", ["Lahti"])
    return obs[obs.month > after][["month", "value", "source"]].reset_index(drop=True)


def targets(first: str = "2018-01", last: str = TARGET_END,
            patterns: tuple[str, ...] | list[str] = PATTERNS) -> pd.DataFrame:
    """The targets of ``patterns`` (the seven defaults unless chosen).

    Columns: pattern, indicator, municipality, group, month, value, unit, kind, source.
    """
    if not len(patterns):
        raise ValueError("choose at least one pattern")
    unknown = sorted(set(patterns) - set(PATTERNS + OPTIONAL_PATTERNS))
    if unknown:
        raise ValueError(f"unknown pattern(s) {unknown}; allowed: "
                         + ", ".join(PATTERNS + OPTIONAL_PATTERNS))
    rows = []

    def add(pattern, indicator, muni, group, month, value, kind, unit, source):
        rows.append(dict(pattern=pattern, indicator=indicator, municipality=muni, group=group,
                         month=month, value=value, kind=kind, unit=unit, source=source))

    ur = monthly_points("unemployment_rate", MUNIS)
    ur = ur[(ur.month >= first) & (ur.month <= last)]
    for r in ur.itertuples():
        pattern = "lahti_rate" if r.municipality == "Lahti" else "municipal_rates"
        add(pattern, "unemployment_rate", r.municipality, "all", r.month, r.value, "abs", 0.01,
            r.source)
    for ind in ("unemployed", "long_term_unemployed"):
        pts = monthly_points(ind, ["Lahti"])
        pts = pts[(pts.month >= first) & (pts.month <= last)]
        for r in pts.itertuples():
            add("lahti_counts", ind, "Lahti", "all", r.month, r.value, "rel", 0.1, r.source)
    # composition (Lahti)
    for month in ("2021-03", "2021-05"):
        if not first <= month <= last:
            continue
        u25, src = _row("unemployed under 25", "Lahti", month)
        u2529, _ = _row("unemployed aged 25-29", "Lahti", month)
        add("composition", "unemployed", "Lahti", "under30", month, u25 + u2529, "rel", 0.1,
            src + " (under 25 plus 25-29)")
        share, src = _row("structural unemployed share of unemployed", "Lahti", month)
        add("composition", "structural_share_of_unemployed", "Lahti", "all", month, share / 100,
            "abs", 0.01, src)
        rate, src = _row("foreign-citizen unemployment rate", "Lahti", month)
        add("composition", "unemployment_rate", "Lahti", "foreign_language", month, rate / 100,
            "abs", 0.02, src + " (foreign citizens; the model's group is foreign-language)")
    if first <= "2021-05" <= last:
        # Services go to the young far more than to the old: the activation rate at 60-64 over
        # that at 25-29 (the ratio, not the levels: the level also depends on how long services
        # last, which these patterns do not pin down).
        young, src = _row("activation rate age 25-29", "Lahti", "2021-05")
        old, _ = _row("activation rate age 60-64", "Lahti", "2021-05")
        add("composition", "activation_age_ratio", "Lahti", "all", "2021-05", old / young, "log",
            np.log(1.3), src + " (60-64 over 25-29)")
    if first <= "2021-03" <= last:
        for group, metric, period in (
                ("target", "experiment customers resident in Lahti", "2021-03/04 (early pilot)"),
                ("under30", "experiment customers in Lahti aged under 30", "2021 early pilot"),
                ("foreign_language", "foreign-language (vieraskieliset) experiment customers in "
                 "Lahti", "2021 early pilot")):
            v, src = _row(metric, "Lahti", period)
            add("composition", "jobseekers", "Lahti", group, "2021-03", v, "rel", 0.1, src)
    if first <= "2019-12" and last >= "2018-12":
        for bucket, v in EXIT_TO_WORK.items():
            add("duration", f"exit_to_work[{bucket}]", "region", "all", "2018-01..2019-12", v,
                "log", np.log(1.3), EXIT_SOURCE)
        for bucket, v in EXIT_TO_SERVICES.items():
            add("services_duration", f"exit_to_services[{bucket}]", "region", "all",
                "2018-01..2019-12", v, "log", np.log(1.3), EXIT_SOURCE)
        for dest, v in DESTINATIONS.items():
            add("destinations", f"ended_to[{dest}]", "region", "all", "2018-01..2019-12", v,
                "rel", 0.2, EXIT_SOURCE)
        for bucket, v in EXIT_TO_LAPSED.items():
            add("lapses_duration", f"exit_to_lapsed[{bucket}]", "region", "all",
                "2018-01..2019-12", v, "log", np.log(1.3), EXIT_SOURCE)
    tg = pd.DataFrame(rows)
    return tg[tg.pattern.isin(list(patterns))].reset_index(drop=True)


def simulated(model, tg: pd.DataFrame) -> np.ndarray:
    """The model's value for every target row (NaN where the run does not cover it)."""
    from model.calendar import parse_month
    from model.statuses import GROUPS

    rec = model.recorder
    values = rec.array(0, model.t - 1)  # month, group, municipality (+ region), indicator
    munis = rec.munis + ["region"]
    names = {n: k for k, n in enumerate(rec.indicator_names)}
    out = np.full(len(tg), np.nan)
    last = min(23, model.t - 1)
    profile = rec.duration_profile(0, last)
    shares = rec.destination_shares(0, last)
    for i, r in enumerate(tg.itertuples()):
        if r.pattern in ("duration", "services_duration", "destinations", "lapses_duration"):
            name, key = r.indicator.rstrip("]").split("[")
            out[i] = shares[key] if r.pattern == "destinations" else profile[name][key]
            continue
        t = parse_month(r.month)
        known = r.municipality in munis and r.group in GROUPS and r.indicator in names
        if known and 0 <= t < model.t:
            out[i] = values[t, GROUPS.index(r.group), munis.index(r.municipality), names[r.indicator]]
    return out


def errors(sim: np.ndarray, tg: pd.DataFrame) -> np.ndarray:
    """Each target's error in its unit (see the module docstring)."""
    obs = tg.value.to_numpy(float)
    unit = tg.unit.to_numpy(float)
    kind = tg.kind.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        e = np.where(kind == "abs", (sim - obs) / unit,
                     np.where(kind == "rel", (sim / obs - 1.0) / unit,
                              np.log(np.maximum(sim, 1e-6) / obs) / unit))
    return e


def distance(sim: np.ndarray, tg: pd.DataFrame, weights: dict[str, float] | None = None) -> float:
    """Weighted sum over patterns of the mean squared error (targets the run lacks are skipped)."""
    e = errors(sim, tg)
    total = 0.0
    for pattern in PATTERNS + OPTIONAL_PATTERNS:
        sel = (tg.pattern.to_numpy() == pattern) & np.isfinite(e)
        if sel.any():
            total += (weights or {}).get(pattern, 1.0) * float(np.mean(e[sel] ** 2))
    return total


def fit_table(sim: np.ndarray, tg: pd.DataFrame) -> pd.DataFrame:
    """Targets with the simulated value and the error, for the fit report."""
    out = tg.copy()
    out["simulated"] = sim
    out["error_in_units"] = errors(sim, tg)
    return out
