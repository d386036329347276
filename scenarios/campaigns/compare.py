"""``compare``: scenarios over paired replications, their effects, costs and a report.

The effects are computed by :mod:`scenarios.campaigns.effects` (common random numbers, paired
intervals); the report is written by :mod:`scenarios.campaigns.report`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from model.hydra_config import available_scenarios
from scenarios.campaigns.effects import Horizons, effects, summarise
from scenarios.campaigns.report import write_report
from scenarios.campaigns.runner import (
    Workers,
    claim_directory,
    jobs_for,
    load_results,
    model_digest,
    run_jobs,
    run_scenario_job,
)

__all__ = ["Horizons", "check_settings", "effects", "run_comparison", "summarise"]


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

    from model.hydra_config import CALIBRATION_DIR as INSTALL_DIR
    from model.parameters import apply
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


def check_scenario_overrides(overrides: dict[str, dict[str, Any]],
                             scenarios: list[str]) -> dict[str, list[str]]:
    """``compare.overrides`` as Hydra overrides by scenario; refuses a scenario not compared."""
    from model.params import ConfigError

    out = {}
    for scenario, values in overrides.items():
        if scenario not in scenarios:
            raise ConfigError(f"compare.overrides.{scenario}: {scenario!r} is not among the "
                              f"compared scenarios ({', '.join(scenarios)})")
        if not isinstance(values, dict):
            raise ConfigError(f"compare.overrides.{scenario} = {values!r}; expected parameter "
                              "values, e.g. {scenario.coaching.caseload:60}")
        if values:
            out[scenario] = [f"{k}={_value(v)}" for k, v in _flat(values).items()]
    return out


def _flat(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{scenario: {coaching: {caseload: 60}}}`` as ``{scenario.coaching.caseload: 60}``."""
    out: dict[str, Any] = {}
    for k, v in values.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _value(v: Any) -> str:
    """A value as a Hydra override writes it (a whole float without its ``.0``, strings quoted)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, str):
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return str(v)


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
                   list[str], seed: int, out: Path, workers: Workers = 0,
                   horizons: Horizons | None = None, progress: bool = True,
                   parameter_draws: bool = False,
                   scenario_overrides: dict[str, dict[str, Any]] | None = None,
                   report: bool = True) -> dict:
    """Run a comparison and write its tables and report into ``out``.

    Every scenario is composed (with ``base_overrides``, then its own ``scenario_overrides``:
    dotted parameter -> value, for that scenario only) and run for each replication with common
    random numbers; returns a record of what was done (its ``effects`` and ``summary`` tables
    too). ``report=False`` writes the tables but not the figures and the HTML report.
    """
    import time

    from model.hydra_config import compose_config
    from model.output import package_versions, write_model_config

    horizons = horizons or Horizons()
    ordered = check_settings(scenarios, reference, replications)
    own = check_scenario_overrides(scenario_overrides or {}, ordered)
    configs = {s: compose_config(list(base_overrides) + [f"scenario={s}", f"seed={seed}"]
                                 + own.get(s, [])) for s in ordered}
    first_cfg = next(iter(configs.values()))
    horizons = horizons.within(first_cfg.end)  # the window ends with the run if it ends first
    claim_directory(Path(out), {"scenarios": ordered, "replications": replications,
                                "overrides": list(base_overrides), "seed": seed,
                                "parameter_draws": parameter_draws,
                                "model": model_digest(configs.values()),
                                **({"scenario_overrides": own} if own else {})}, "comparison")
    for s, c in configs.items():
        write_model_config(Path(out) / "configs" / f"{s}.yaml", c)
    t0 = time.perf_counter()
    jobs = jobs_for(configs, replications, seed)
    if parameter_draws:
        jobs = with_parameter_draws(jobs, keep=overridden_keys(
            list(base_overrides) + [o for ovs in own.values() for o in ovs]))
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
    if own:
        meta["scenario_overrides"] = own
    written = write_report(Path(out), results, summary, eff, reference, meta, figures=report)
    return {"scenarios": ordered, "reference": reference, "jobs": len(jobs),
            "seconds": round(time.perf_counter() - t0, 1), "files": sorted(written),
            "effects": eff, "summary": summary, **meta}
