"""The campaign commands: ``kohtaanto compare``, ``kohtaanto trial`` and ``kohtaanto collect``."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from omegaconf import OmegaConf

from model.output import write_table
from model.params import ConfigError
from scenarios.apps.common import Command, hydra_app
from scenarios.campaigns.collect import collect, plot, swept_parameters, unfinished
from scenarios.campaigns.compare import Horizons, run_comparison
from scenarios.campaigns.report import summary_frame
from scenarios.campaigns.trial import run_trial


@hydra_app("compare")
def compare_app(cmd: Command) -> None:
    """Hydra entry point of ``kohtaanto compare``."""
    cfg, c = cmd.cfg, cmd.cfg.compare
    overrides = [f"scale={c.scale}", f"end={c.end}"] + [
        o for o in cmd.overrides() if not o.startswith("scenario=")]
    runner = cmd.runner("compare")
    package = [o for o in overrides if o.lstrip("+~").startswith("experiment=")]
    if package:
        raise ConfigError(f"{package[0]} would apply to the reference and to every scenario "
                          "alike; compare scenarios (compare.scenarios) and run a package "
                          "with kohtaanto run +experiment=<name>")
    with runner:
        record = run_comparison(list(c.scenarios), c.reference, int(c.replications), overrides,
                                int(cfg.seed), cmd.out, runner,
                                Horizons(c.measure_start, c.experiment_end),
                                parameter_draws=bool(c.parameter_draws),
                                scenario_overrides=OmegaConf.to_container(c.overrides))
        executor = runner.description
    eff = record.pop("effects")
    record.pop("summary")
    cmd.finish(**record, executor=executor)
    print(f"kohtaanto compare: {record['jobs']} runs in {record['seconds']} s; report in "
          f"{cmd.out / 'report.html'}")
    table = summary_frame(eff)
    if not table.empty:
        cols = ["structural_unemployment", "unemployment_rate", "employment",
                "cost_per_employed_person_year_eur"]
        cols = [x for x in cols if x in table.columns]
        with pd.option_context("display.width", 200, "display.max_colwidth", 40):
            print(table[cols].to_string())


@hydra_app("trial")
def trial_app(cmd: Command) -> None:
    """Hydra entry point of ``kohtaanto trial``: a virtual randomised trial of one intervention."""
    cfg, tc = cmd.cfg, cmd.cfg.trial
    overrides = [f"scale={tc.scale}"] + cmd.overrides()
    with cmd.runner("trial") as runner:
        res = run_trial(overrides, tc.intervention, float(tc.share), tc.assign,
                        int(tc.replications), list(tc.follow_up), int(cfg.seed), cmd.out, runner,
                        days_months=int(tc.days_months))
        executor = runner.description
    cmd.finish(rows=len(res), scale=float(tc.scale), executor=executor,
               model_configs={"trial": "configs/trial.yaml"})
    print(f"kohtaanto trial: results in {cmd.out / 'trial.md'}")
    if len(res):
        show = res[res.outcome.isin(["employed", "unemployed"])]
        print(show[["months", "outcome", "treated", "control", "effect", "mde", "note"]]
              .round(3).to_string(index=False))
    days = res.attrs.get("days")
    if days is not None and len(days):
        print(f"days per person over the first {int(tc.days_months)} months:")
        print(days[["outcome", "treated", "control", "effect", "effect_low", "effect_high", "mde",
                    "note"]].round(1).to_string(index=False))


def collect_main(argv: list[str]) -> int:
    """Command-line entry: ``kohtaanto collect <sweep dir>``."""
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print("usage: kohtaanto collect <sweep directory>", file=sys.stderr)
        return 2
    sweep = Path(argv[0])
    try:
        table = collect(sweep)
    except FileNotFoundError as exc:
        print(f"kohtaanto collect: {exc}", file=sys.stderr)
        return 2
    write_table(sweep / "collected.parquet", table)
    write_table(sweep / "collected.csv", table)
    plot(table, sweep)
    missing = unfinished(sweep)
    print(f"kohtaanto collect: {len(table)} jobs; swept: {', '.join(swept_parameters(table))}; "
          f"table {sweep / 'collected.csv'}")
    if missing:
        print(f"kohtaanto collect: {len(missing)} of {len(table) + len(missing)} jobs unfinished "
              f"and left out: {', '.join(missing)} (run the sweep again to finish them)",
              file=sys.stderr)
    return 0
