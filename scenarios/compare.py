"""Policy comparison: paired effects with confidence intervals, costs and cost-effectiveness.

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
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from model.calendar import month_label, parse_month

#: The four official components of structural unemployment, in their order.
COMPONENTS = ("structural_long_term", "structural_comparable", "structural_after_service",
              "structural_service_to_service")
STOCKS = ("structural_unemployment", "unemployment_rate", "broad_unemployment",
          "broad_unemployment_rate", "employment", "employment_rate", "unemployed",
          "long_term_unemployed", "activation_rate", "education_level", "in_services") + COMPONENTS
FLOWS = ("benefit_eur", "benefit_eur_state", "benefit_eur_municipal", "programme_cost_eur_state",
         "programme_cost_eur_municipal", "service_cost_eur", "advisor_cost_eur",
         "advisor_cost_eur_municipal", "employed_person_years")
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
    out = []
    for label, part in summary[summary.label != reference].groupby("label", observed=True):
        val = part.set_index(idx)["value"]
        both = pd.concat([val.rename("s"), ref.rename("r")], axis=1, join="inner")
        both["d"] = both["s"] - both["r"]
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
    eff = _cost_effectiveness(eff)
    return eff.drop(columns=["var_s", "var_r"])


def _cost_effectiveness(eff: pd.DataFrame) -> pd.DataFrame:
    """Municipal net fiscal effect and cost per additional employed person-year (from means)."""
    key = ["label", "municipality", "group", "horizon"]
    w = eff.pivot_table(index=key, columns="indicator", values="effect", aggfunc="first")
    extra = []
    if "municipal_cost_eur" in w.columns:
        e = (-w["municipal_cost_eur"]).rename("effect").reset_index()
        e["indicator"] = "municipal_net_fiscal_effect_eur"
        extra.append(e)
    if {"public_service_cost_eur", "employed_person_years"} <= set(w.columns):
        py = w["employed_person_years"]
        gross = w["public_service_cost_eur"] / py.where(py.abs() > 1e-9)
        net = (w["public_service_cost_eur"] + w.get("benefit_eur", 0.0)) / py.where(py.abs() > 1e-9)
        for name, v in (("cost_per_employed_person_year_eur", gross),
                        ("net_cost_per_employed_person_year_eur", net)):
            e = v.rename("effect").reset_index()
            e["indicator"] = name
            extra.append(e)
    if not extra:
        return eff
    add = pd.concat(extra, ignore_index=True)
    return pd.concat([eff, add], ignore_index=True)


def headline_table(eff: pd.DataFrame, horizon: str = "experiment", municipality: str = "region",
                   group: str = "all", outcomes: tuple[str, ...] = HEADLINE) -> pd.DataFrame:
    """Scenario × outcome (the headline ones by default): effect and interval, for the report."""
    sel = eff[(eff.horizon == horizon) & (eff.municipality == municipality) & (eff.group == group)
              & eff.indicator.isin(outcomes)]
    order = {k: i for i, k in enumerate(outcomes)}
    sel = sel.assign(_o=sel.indicator.map(order)).sort_values(["label", "_o"]).drop(columns="_o")
    return sel[["label", "indicator", "effect", "low", "high", "n"]].reset_index(drop=True)


# ------------------------------------------------------------------------------ the command
def overridden_keys(overrides: list[str]) -> set[str]:
    """The dotted keys that command-line overrides such as ``economy.quit_rate=0.01`` set."""
    return {o.lstrip("+~").split("=", 1)[0] for o in overrides if "=" in o}


def with_parameter_draws(jobs: list, draws_file: Path | None = None,
                         keep: set[str] | None = None) -> list:
    """Give replication r the parameters of accepted calibration draw r (in every scenario).

    The intervals then carry parameter uncertainty as well as seed noise. Parameters in ``keep``
    (those the user set on the command line) keep their values in every replication.
    """
    from dataclasses import replace as dc_replace

    from calibration.calibrate import INSTALL_DIR
    from calibration.parameters import apply
    from model.params import ConfigError

    path = draws_file or INSTALL_DIR / "draws.csv"
    if not path.exists():
        raise ConfigError(f"compare.parameter_draws needs {path}; run kohtaanto calibrate "
                          "calibrate.install=true first")
    draws = pd.read_csv(path).drop(columns=["distance"], errors="ignore")
    draws = draws.drop(columns=[c for c in draws.columns if c in (keep or set())])
    out = []
    for j in jobs:
        values = draws.iloc[j.replication % len(draws)].to_dict()
        out.append(dc_replace(j, config=apply(j.config, values)))
    return out


DEFAULT_SET = ["te_office", "kuntakokeilu", "coaching_intensity", "retraining", "wage_subsidy",
               "strong_start", "outreach", "firm_point", "work_ability_team", "green_jobs",
               "retention", "entrepreneurship", "mobility"]


def available_scenarios() -> list[str]:
    """Scenario names in ``conf/scenario``."""
    from model.hydra_config import CONF_DIR

    return sorted(p.stem for p in (CONF_DIR / "scenario").glob("*.yaml"))


def check_settings(scenarios: list[str], reference: str, replications: int) -> list[str]:
    """Validate a comparison's scenario list; returns it with the reference first."""
    from model.params import ConfigError

    if not scenarios:
        raise ConfigError("compare.scenarios is empty; name at least the reference and one "
                          f"scenario, from: {', '.join(available_scenarios())}")
    known = available_scenarios()
    unknown = [s for s in scenarios if s not in known]
    if unknown:
        raise ConfigError(f"compare.scenarios: unknown scenario {unknown[0]!r}; known: "
                          f"{', '.join(known)}")
    if reference not in known:
        raise ConfigError(f"compare.reference = {reference!r} is not a scenario; known: "
                          f"{', '.join(known)}")
    if replications < 2:
        raise ConfigError(f"compare.replications = {replications}; at least 2 are needed for an "
                          "interval")
    ordered = [reference] + [s for s in dict.fromkeys(scenarios) if s != reference]
    if len(ordered) < 2:
        raise ConfigError("compare.scenarios must name at least one scenario besides the reference")
    return ordered


def run_comparison(scenarios: list[str], reference: str, replications: int, base_overrides:
                   list[str], seed: int, out: Path, workers: int = 0,
                   horizons: Horizons | None = None, progress: bool = True,
                   parameter_draws: bool = False) -> dict:
    """Run a comparison and write its tables and report into ``out``.

    Every scenario is composed (with ``base_overrides``) and run for each replication with common
    random numbers; returns a record of what was done.
    """
    import time

    from model.hydra_config import compose_config
    from model.output import package_versions, write_model_config
    from scenarios.report import write_report
    from scenarios.runner import claim_directory, jobs_for, load_results, run_jobs, run_scenario_job

    horizons = horizons or Horizons()
    ordered = check_settings(scenarios, reference, replications)
    configs = {s: compose_config(list(base_overrides) + [f"scenario={s}", f"seed={seed}"])
               for s in ordered}
    first_cfg = next(iter(configs.values()))
    horizons = horizons.within(first_cfg.end)  # the window ends with the run if it ends first
    claim_directory(Path(out), {"scenarios": ordered, "replications": replications,
                                "overrides": list(base_overrides), "seed": seed,
                                "parameter_draws": parameter_draws}, "comparison")
    for s, c in configs.items():
        write_model_config(Path(out) / "configs" / f"{s}.yaml", c)
    t0 = time.perf_counter()
    jobs = jobs_for(configs, replications, seed)
    if parameter_draws:
        jobs = with_parameter_draws(jobs, keep=overridden_keys(base_overrides))
    files = run_jobs(jobs, Path(out) / "jobs", run_scenario_job, workers, progress)
    results = load_results(files)
    summary = summarise(results, horizons)
    eff = effects(summary, reference)
    first = next(iter(configs.values()))
    meta = {"replications": replications, "seeds": [seed + r for r in range(replications)],
            "scale": first.scale, "start": first.start, "end": first.end,
            "window": f"{horizons.measure_start} … {horizons.experiment_end}",
            "versions": package_versions(),
            "model_configs": {s: f"configs/{s}.yaml" for s in configs},
            "parameter_draws": ({"file": "conf/calibration/draws.csv",
                                 "kept_overrides": sorted(overridden_keys(base_overrides))}
                                if parameter_draws else None)}
    written = write_report(Path(out), results, summary, eff, reference, meta)
    return {"scenarios": ordered, "reference": reference, "jobs": len(jobs),
            "seconds": round(time.perf_counter() - t0, 1), "files": sorted(written),
            "effects": eff, **meta}
