"""Paired effects of scenarios against a reference, with confidence intervals and costs.

Every scenario is run with the same R seeds as the reference (replication r uses seed + r in every
scenario), so the scenario minus reference difference of replication r shares its random numbers
(common random numbers). The effect of a scenario is the mean of the R paired differences with a
95 % t-interval; the unpaired interval (as if the runs were independent) is reported beside it.

Horizons: ``experiment`` is the experiment window (``measure_start`` … ``experiment_end``);
``+1y``, ``+2y``, ``+4y`` are 1, 2 and 4 years after the measures start. Stocks and rates are
averaged over the window (for ``+Ny``: the three months ending N years after the start); euros
and person-years are summed over the window (for ``+Ny``: from the start until then).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from model.calendar import month_label, parse_month

#: The four official components of structural unemployment, in their order.
COMPONENTS = ("structural_long_term", "structural_comparable", "structural_after_service",
              "structural_service_to_service")
STOCKS = ("structural_unemployment", "unemployment_rate", "broad_unemployment",
          "broad_unemployment_rate", "employment", "employment_rate", "unemployed",
          "long_term_unemployed", "activation_rate", "education_level", "in_services",
          "lapsed") + COMPONENTS
#: The register's own flows (docs/model.md 7.31-7.32), summed over a window like the euros.
REGISTER = ("spells_ended_to_lapsed", "reregistrations", "reminders", "waiting_periods",
            "work_requirements", "activation_cuts", "benefit_days_lost")
FLOWS = ("benefit_eur", "benefit_eur_state", "benefit_eur_municipal", "programme_cost_eur_state",
         "programme_cost_eur_municipal", "service_cost_eur", "advisor_cost_eur",
         "advisor_cost_eur_municipal", "employed_person_years") + REGISTER
#: Outcomes shown first, in this order.
HEADLINE = ("structural_unemployment", "unemployment_rate", "broad_unemployment", "employment",
            "long_term_unemployed", "activation_rate", "education_level",
            "employed_person_years", "benefit_eur_state", "benefit_eur_municipal",
            "intervention_cost_eur", "municipal_net_fiscal_effect_eur",
            "cost_per_employed_person_year_eur")


@dataclass(frozen=True)
class Horizons:
    """The comparison windows."""

    measure_start: str = "2021-03"
    experiment_end: str = "2024-12"

    def within(self, end: str) -> Horizons:
        """These windows checked against a run ending in ``end``, the experiment window cut there.

        Refuses months that are not months, an experiment end before the measures' start, and a
        start after the run's end.
        """
        from model.params import ConfigError

        s = parse_month(self.measure_start, "compare.measure_start")
        e = parse_month(self.experiment_end, "compare.experiment_end")
        last = parse_month(end, "end")
        if s > last:
            raise ConfigError(f"end = {end} is before compare.measure_start = "
                              f"{self.measure_start}; a comparison needs months after the start")
        if e < s:
            raise ConfigError(f"compare.experiment_end = {self.experiment_end} is before "
                              f"compare.measure_start = {self.measure_start}; allowed: "
                              f"{self.measure_start} or later")
        return Horizons(self.measure_start, month_label(min(e, last)))

    def windows(self, last_month: str) -> dict[str, tuple[str, str, str]]:
        """Map each horizon's name to (kind, first month, last month); kind: window or point."""
        s = parse_month(self.measure_start)
        last = parse_month(last_month)
        out = {"experiment": ("window", self.measure_start, self.experiment_end)}
        for years in (1, 2, 4):
            end = s + 12 * years - 1
            if end <= last:
                out[f"+{years}y"] = ("point", month_label(s), month_label(end))
        return out


def summarise(results: pd.DataFrame, horizons: Horizons) -> pd.DataFrame:
    """Per run (label × replication), municipality, group, outcome and horizon: one value."""
    df = results
    emp = df[df.indicator == "employment"].copy()
    emp["indicator"] = "employed_person_years"
    emp["value"] = emp["value"] / 12.0
    df = pd.concat([df, emp], ignore_index=True)
    last = df.month.max()
    rows = []
    keys = ["label", "replication", "municipality", "group", "indicator"]
    for name, (kind, first, end) in horizons.windows(last).items():
        stock_from = first if kind == "window" else month_label(parse_month(end) - 2)
        sel_s = df[df.indicator.isin(STOCKS) & (df.month >= stock_from) & (df.month <= end)]
        sel_f = df[(df.indicator.isin(FLOWS) | df.indicator.str.startswith("cost_"))
                   & (df.month >= first) & (df.month <= end)]
        a = sel_s.groupby(keys, observed=True)["value"].mean()
        b = sel_f.groupby(keys, observed=True)["value"].sum()
        part = pd.concat([a, b]).rename("value").reset_index()
        part["horizon"] = name
        rows.append(part)
    out = pd.concat(rows, ignore_index=True)
    return _derived(out)


def _derived(s: pd.DataFrame) -> pd.DataFrame:
    """Intervention cost, the municipality's costs and the cost per employed person-year."""
    idx = ["label", "replication", "municipality", "group", "horizon"]
    wide = s.pivot_table(index=idx, columns="indicator", values="value", aggfunc="first")
    cost_cols = [c for c in wide.columns if c.startswith("cost_")]
    zero = pd.Series(0.0, index=wide.index)

    def col(name: str) -> pd.Series:
        return wide[name].fillna(0.0) if name in wide.columns else zero

    region = wide.index.get_level_values("municipality") == "region"
    # Public cost of services: the interventions (incl. the standing wage subsidy), purchased
    # training and services of the public service, and its advisors.
    wide["intervention_cost_eur"] = (col("programme_cost_eur_state")
                                     + col("programme_cost_eur_municipal"))
    wide["public_service_cost_eur"] = (wide["intervention_cost_eur"] + col("service_cost_eur")
                                       + np.where(region, col("advisor_cost_eur"), 0.0))
    wide["municipal_cost_eur"] = (col("benefit_eur_municipal") + col("programme_cost_eur_municipal")
                                  + np.where(region, col("advisor_cost_eur_municipal"), 0.0))
    wide = wide.drop(columns=cost_cols)
    long = wide.reset_index().melt(id_vars=idx, var_name="indicator", value_name="value")
    return long.dropna(subset=["value"])


def effects(summary: pd.DataFrame, reference: str, confidence: float = 0.95) -> pd.DataFrame:
    """Paired effects (scenario − reference) with intervals, per municipality, group, horizon."""
    idx = ["municipality", "group", "indicator", "horizon", "replication"]
    ref = summary[summary.label == reference].set_index(idx)["value"]
    out, diffs = [], []
    for label, part in summary[summary.label != reference].groupby("label", observed=True):
        val = part.set_index(idx)["value"]
        both = pd.concat([val.rename("s"), ref.rename("r")], axis=1, join="inner")
        both["d"] = both["s"] - both["r"]
        diffs.append(both["d"].rename(label))
        g = both.groupby(level=["municipality", "group", "indicator", "horizon"], observed=True)
        res = g.agg(effect=("d", "mean"), sd=("d", "std"), n=("d", "size"),
                    scenario=("s", "mean"), reference=("r", "mean"),
                    var_s=("s", "var"), var_r=("r", "var"))
        res["label"] = label
        out.append(res.reset_index())
    if not out:
        return pd.DataFrame()
    eff = pd.concat(out, ignore_index=True)
    tq = stats.t.ppf(0.5 + confidence / 2, np.maximum(eff.n - 1, 1))
    se = eff.sd.fillna(0.0) / np.sqrt(eff.n)
    eff["low"], eff["high"] = eff.effect - tq * se, eff.effect + tq * se
    se_u = np.sqrt((eff.var_s.fillna(0.0) + eff.var_r.fillna(0.0)) / eff.n)
    eff["unpaired_low"], eff["unpaired_high"] = eff.effect - tq * se_u, eff.effect + tq * se_u
    eff = _cost_effectiveness(eff, pd.concat(diffs, axis=1), confidence)
    return eff.drop(columns=["var_s", "var_r"])


#: Why a cost per additional employed person-year is not shown (the ``note`` column).
NO_RATIO_NEGATIVE = "not shown: the employment effect is not positive, so the ratio has no meaning"
NO_RATIO_UNDECIDED = ("not shown: the employment effect's interval includes zero (raise "
                      "replications or scale)")


def _cost_effectiveness(eff: pd.DataFrame, diffs: pd.DataFrame,
                        confidence: float = 0.95) -> pd.DataFrame:
    """The municipalities' net fiscal effect and the cost per additional employed person-year.

    Both with intervals from the paired replications: the net fiscal effect is minus the
    municipalities' cost, so its interval is that of the cost reversed. The cost per employed
    person-year (public cost of services, gross; and net of the benefits saved) is the ratio of
    the mean paired differences, with a delta-method interval from the replications' variances and
    covariance; it is shown only where the employment gain is positive and its interval excludes
    zero, and otherwise the ``note`` says why not.
    """
    key = ["label", "municipality", "group", "horizon"]
    extra = []
    muni = eff[eff.indicator == "municipal_cost_eur"]
    if len(muni):
        e = muni.copy()
        e["indicator"] = "municipal_net_fiscal_effect_eur"
        e["effect"], e["scenario"], e["reference"] = -muni.effect, -muni.scenario, -muni.reference
        e["low"], e["high"] = -muni.high, -muni.low
        e["unpaired_low"], e["unpaired_high"] = -muni.unpaired_high, -muni.unpaired_low
        extra.append(e)
    names = set(diffs.index.get_level_values("indicator"))
    if {"public_service_cost_eur", "employed_person_years"} <= names:
        d = diffs.stack().rename("d").reset_index()
        d = d.rename(columns={d.columns[-2]: "label"})
        w = d.pivot_table(index=key + ["replication"], columns="indicator", values="d",
                          aggfunc="first")
        emp = eff[eff.indicator == "employed_person_years"].set_index(key)
        for name, cost in (("cost_per_employed_person_year_eur", w["public_service_cost_eur"]),
                           ("net_cost_per_employed_person_year_eur",
                            w["public_service_cost_eur"] + w.get("benefit_eur", 0.0))):
            extra.append(_ratio(name, cost, w["employed_person_years"], emp, confidence))
    if not extra:
        return eff
    return pd.concat([eff, *extra], ignore_index=True)


def _ratio(name: str, cost: pd.Series, years: pd.Series, emp: pd.DataFrame,
           confidence: float) -> pd.DataFrame:
    """Cost over employed person-years from paired per-replication differences (delta method)."""
    key = ["label", "municipality", "group", "horizon"]
    both = pd.DataFrame({"c": cost, "e": years}).dropna()
    g = both.groupby(level=key, observed=True)
    n = g.size()
    c, e = g["c"].mean(), g["e"].mean()
    var_c, var_e = g["c"].var().fillna(0.0) / n, g["e"].var().fillna(0.0) / n
    cov = g.apply(lambda x: x["c"].cov(x["e"]) if len(x) > 1 else 0.0).fillna(0.0) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        r = c / e
        se = np.sqrt(np.maximum(var_c + r ** 2 * var_e - 2 * r * cov, 0.0)) / e.abs()
    tq = stats.t.ppf(0.5 + confidence / 2, np.maximum(n - 1, 1))
    out = pd.DataFrame({"effect": r, "low": r - tq * se, "high": r + tq * se, "n": n})
    gain_low = emp["low"].reindex(out.index)
    out["note"] = ""
    negative = ~(e > 0)
    undecided = (e > 0) & ~(gain_low > 0)
    out.loc[negative, "note"] = NO_RATIO_NEGATIVE
    out.loc[undecided, "note"] = NO_RATIO_UNDECIDED
    out.loc[negative | undecided, ["effect", "low", "high"]] = np.nan
    out["indicator"] = name
    return out.reset_index()


def headline_table(eff: pd.DataFrame, horizon: str = "experiment", municipality: str = "region",
                   group: str = "all", outcomes: tuple[str, ...] = HEADLINE) -> pd.DataFrame:
    """Scenario × outcome (the headline ones by default): effect and interval, for the report."""
    sel = eff[(eff.horizon == horizon) & (eff.municipality == municipality) & (eff.group == group)
              & eff.indicator.isin(outcomes)]
    order = {k: i for i, k in enumerate(outcomes)}
    sel = sel.assign(_o=sel.indicator.map(order)).sort_values(["label", "_o"]).drop(columns="_o")
    cols = ["label", "indicator", "effect", "low", "high", "n"] + (["note"] if "note" in sel else [])
    return sel[cols].reset_index(drop=True)


def effect_over_time(results: pd.DataFrame, reference: str, label: str, indicator: str,
                     municipality: str = "region") -> pd.DataFrame:
    """The monthly paired effect (scenario − reference): mean and 95 % band over replications."""
    sel = results[(results.indicator == indicator) & (results.municipality == municipality)
                  & (results.group == "all")]
    p = sel.pivot_table(index=["label", "replication"], columns="month", values="value",
                        observed=True)
    if label not in p.index.get_level_values(0) or reference not in p.index.get_level_values(0):
        return pd.DataFrame(columns=["month", "effect", "low", "high"])
    d = p.loc[label] - p.loc[reference].loc[p.loc[label].index]
    n = len(d)
    m = d.mean()
    half = stats.t.ppf(0.975, max(n - 1, 1)) * d.std(ddof=1).fillna(0.0) / np.sqrt(n)
    return pd.DataFrame({"month": m.index.astype(str), "effect": m.to_numpy(),
                         "low": (m - half).to_numpy(), "high": (m + half).to_numpy()})
