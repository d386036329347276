"""The policy sandbox: one scenario with its levers set, against the reference, as a paired comparison.

What the dashboard's sandbox page runs and shows, without the page: a :class:`Sandbox` is the
settings (scenario, lever values, scale, replications, end, seed); :func:`run_sandbox` runs it with
``kohtaanto compare``'s own function (the lever values apply to the scenario only, through
``compare.overrides``), so :meth:`Sandbox.command` — the command line shown on the page — gives the
same tables; the rest turns the tables into what the page shows.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.hydra_config import available_scenarios, compose_config
from model.params import ParamInfo
from scenarios.campaigns.compare import Horizons, run_comparison
from scenarios.campaigns.report import LABELS, effect_text
from scenarios.campaigns.runner import Workers
from scenarios.campaigns.trial import UNDECIDED

#: The page's defaults: a paired comparison to the end of the experiment window. At scale 0.5,
#: 6 replications (12 runs) the interval of the effect on structural unemployment (region,
#: experiment window) is about ±120 persons; the runs take about 10 s on 2 cores.
SCALE = 0.5
REPLICATIONS = 6
END = "2024-12"
REFERENCE = "te_office"

#: The outcomes of the page's table, in order.
OUTCOMES = ("structural_unemployment", "unemployment_rate", "employment", "employed_person_years",
            "long_term_unemployed", "lapsed", "benefit_eur_state", "benefit_eur_municipal",
            "intervention_cost_eur", "municipal_net_fiscal_effect_eur",
            "cost_per_employed_person_year_eur")
#: The effects followed month by month: (indicator, title, scale for display).
OVER_TIME = (("structural_unemployment", "Structurally unemployed (persons)", 1.0),
             ("unemployment_rate", "Unemployment rate (pp)", 100.0),
             ("employment", "Employed (persons)", 1.0),
             ("benefit_eur_municipal", "Municipal benefit cost (EUR a month)", 1.0))
#: How each part of the configuration is named on the page.
GROUP_NAMES = {"services": "Public employment service", "wage_subsidy": "Wage subsidy",
               "coaching": "Personal coaching", "strong_start": "Strong start",
               "training": "Conversion training", "apprenticeship": "Apprenticeships",
               "work_ability": "Work-ability assessment", "outreach": "Outreach (young people)",
               "firm_point": "Employer services (firm point)",
               "purchased_services": "Purchased services", "mobility": "Mobility support",
               "rehabilitative_work": "Rehabilitative work", "retention": "Keeping residents",
               "entrepreneurship": "Start-up grants", "green_jobs": "Green jobs"}


def scenarios() -> list[str]:
    """The scenarios a planner can choose (all but the reference)."""
    return [s for s in available_scenarios() if s != REFERENCE]


def lever_groups(scenario: str) -> dict[str, list[ParamInfo]]:
    """The scenario's declared levers, grouped by what they belong to (services, interventions)."""
    from model.parameters import levers

    groups: dict[str, list[ParamInfo]] = {}
    standing = ("services", "wage_subsidy")  # in every scenario: shown after its own measures
    found = levers(compose_config([f"scenario={scenario}"]))
    for p in sorted(found, key=lambda p: p.path.split(".")[1] in standing):
        part = p.path.split(".")[1]
        groups.setdefault(GROUP_NAMES.get(part, part), []).append(p)
    return groups


def lever_label(p: ParamInfo) -> str:
    """A lever's name on the page: its last path part in words."""
    return p.path.rsplit(".", 1)[1].replace("_", " ")


@dataclass(frozen=True)
class Sandbox:
    """One sandbox comparison: the scenario, its lever values and the run's settings."""

    scenario: str = "kuntakokeilu"
    levers: tuple[tuple[str, float], ...] = ()  # (dotted parameter, value) of the scenario
    scale: float = SCALE
    replications: int = REPLICATIONS
    end: str = END
    seed: int = 42
    reference: str = REFERENCE
    horizons: Horizons = field(default_factory=Horizons)

    def scenario_overrides(self) -> dict[str, dict[str, float]]:
        """``compare.overrides``: the lever values, for the scenario only."""
        return {self.scenario: dict(self.levers)} if self.levers else {}

    def base_overrides(self) -> list[str]:
        """The overrides of every arm, as ``kohtaanto compare`` composes them."""
        return [f"scale={self.scale}", f"end={self.end}", f"seed={self.seed}"]

    def command(self, scale: float | None = None, replications: int | None = None) -> str:
        """The ``kohtaanto compare`` command that gives this comparison's tables."""
        args = ["kohtaanto", "compare", f"compare.scenarios=[{self.reference},{self.scenario}]",
                f"compare.reference={self.reference}",
                f"compare.replications={replications or self.replications}",
                f"compare.scale={scale or self.scale}", f"compare.end={self.end}",
                f"seed={self.seed}"]
        if self.levers:
            values = ",".join(f"{k}:{_number(v)}" for k, v in self.levers)
            args.append(f"compare.overrides.{self.scenario}={{{values}}}")
        return shlex.join(args)


def _number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def with_levers(scenario: str, values: dict[str, float], **settings: Any) -> Sandbox:
    """A sandbox of ``scenario`` keeping only the lever values that differ from its defaults."""
    defaults = {p.path: float(p.value) for ps in lever_groups(scenario).values() for p in ps}
    changed = tuple((k, float(v)) for k, v in values.items()
                    if k in defaults and not np.isclose(float(v), defaults[k]))
    return Sandbox(scenario=scenario, levers=changed, **settings)


def run_sandbox(s: Sandbox, out: Path, workers: Workers = 0) -> dict:
    """Run the comparison (tables only) into ``out``; returns its record with the monthly results."""
    record = run_comparison([s.reference, s.scenario], s.reference, s.replications,
                            s.base_overrides(), s.seed, Path(out), workers, s.horizons,
                            progress=False, scenario_overrides=s.scenario_overrides(),
                            report=False)
    record["results"] = pd.read_parquet(Path(out) / "results.parquet")
    return record


def effect_table(eff: pd.DataFrame, label: str) -> pd.DataFrame:
    """The page's table: each outcome's effect with its 95 % interval, by horizon (region, all).

    A cell says why a ratio is not shown, and the ``note`` column says so in words where an
    interval spans zero.
    """
    sel = eff[(eff.label == label) & (eff.municipality == "region") & (eff.group == "all")
              & eff.indicator.isin(OUTCOMES)].copy()
    if sel.empty:
        return pd.DataFrame(columns=["outcome", "horizon", "effect", "low", "high", "text", "note"])
    sel["order"] = sel.indicator.map({k: i for i, k in enumerate(OUTCOMES)})
    sel = sel.sort_values(["order", "horizon"])
    spans = (sel.low < 0) & (sel.high > 0)
    why = sel.get("note", pd.Series("", index=sel.index)).fillna("").astype(str)
    return pd.DataFrame({
        "outcome": sel.indicator.map(lambda k: LABELS.get(k, k)),
        "indicator": sel.indicator, "horizon": sel.horizon,
        "effect": sel.effect, "low": sel.low, "high": sel.high,
        "text": sel.apply(effect_text, axis=1),
        "note": np.where(why != "", "", np.where(spans, UNDECIDED, "")),
    }).reset_index(drop=True)


def levels(results: pd.DataFrame, indicator: str = "unemployment_rate") -> pd.DataFrame:
    """Both arms' monthly level by municipality (mean over replications)."""
    sel = results[(results.indicator == indicator) & (results.group == "all")]
    return (sel.groupby(["label", "municipality", "month"], observed=True)["value"].mean()
            .reset_index())
