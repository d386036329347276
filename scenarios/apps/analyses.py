"""The analysis commands: ``kohtaanto sensitivity`` and ``kohtaanto calibrate``."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from omegaconf import OmegaConf

from calibration.calibrate import (
    INSTALL_DIR,
    Calibration,
    calibrate,
    check,
    fit_report,
    install,
    screen,
    write_report,
)
from calibration.sensitivity import Campaign, run_campaign
from calibration.targets import TARGET_END, targets
from model.hydra_config import CalibrateConfig, available_scenarios
from model.parameters import Parameter, select, selected_names
from model.params import ConfigError
from scenarios.apps.common import Command, hydra_app


@hydra_app("sensitivity")
def sensitivity_app(cmd: Command) -> None:
    """``kohtaanto sensitivity``: SALib Morris or Sobol over declared parameters."""
    cfg, s = cmd.cfg, cmd.cfg.sensitivity
    runner = cmd.runner("sensitivity")
    if s.reference not in available_scenarios():
        raise ConfigError(f"sensitivity.reference = {s.reference!r}; allowed: "
                          f"{', '.join(available_scenarios())}")
    base = cmd.base_config(s.scale, s.end, [f"scenario={s.reference}"])
    bounds = {k: list(v) for k, v in OmegaConf.to_container(s.bounds).items()}
    if s.model == "ishigami":
        params = [Parameter(f"x{i}", -np.pi, np.pi, 0.0, False, "Ishigami test function")
                  for i in (1, 2, 3)]
    else:
        params = select(base, list(s.parameters), float(s.spread), bounds, "sensitivity")
    camp = Campaign(method=s.method, parameters=params, n=int(s.n), levels=int(s.levels),
                    second_order=bool(s.second_order), replicates=int(s.replicates),
                    noise_seeds=int(s.noise_seeds), outputs=list(s.outputs),
                    reference=s.reference, chunk_size=int(s.chunk_size), seed=int(cfg.seed),
                    model=s.model)
    with runner:
        res = run_campaign(camp, base, cmd.out, runner)
        executor = runner.description
    cmd.save_config("base", base)
    cmd.finish(rows=res["rows"], executor=executor)
    print(f"kohtaanto sensitivity: {res['rows']} sample rows; report in {cmd.out / 'report.md'}")
    key = "ST" if s.method == "sobol" else "mu_star"
    top = res["indices"].sort_values(key, ascending=False).groupby("output").head(3)
    print(top[["output", "parameter", key]].to_string(index=False))


@hydra_app("calibrate")
def calibrate_app(cmd: Command) -> None:
    """``kohtaanto calibrate``: simulated moments over a Sobol design, then a local search."""
    cfg, c, out = cmd.cfg, cmd.cfg.calibrate, cmd.out
    runner = cmd.runner("calibrate")
    if int(c.screen) > 0 and int(c.screen_trajectories) < 2:
        raise ConfigError(f"calibrate.screen_trajectories = {c.screen_trajectories}; Morris "
                          "screening needs at least 2")
    base = cmd.base_config(c.scale, c.end)
    bounds = {k: list(v) for k, v in OmegaConf.to_container(c.bounds).items()}
    # the default bounds (CalibrateConfig) apply to the parameters that are calibrated
    defaults = CalibrateConfig().bounds
    selected = set(selected_names(base, list(c.parameters), "calibrate"))
    bounds = {k: v for k, v in bounds.items()
              if k in selected or defaults.get(k) != [float(x) for x in v]}
    params = select(base, list(c.parameters), float(c.spread), bounds, "calibrate")
    settings = Calibration(params, int(c.design), int(c.seeds), int(c.local_iterations),
                           float(c.local_step), float(c.accept), int(c.chunk_size), int(cfg.seed))
    check(settings)  # before the screening, which takes minutes
    try:
        tg = targets(last=min(c.end, TARGET_END), patterns=list(c.patterns))
    except ValueError as exc:
        raise ConfigError(f"calibrate.patterns: {exc}") from None
    with runner:
        if int(c.screen) > 0:
            params = screen(params, base, int(c.screen), int(c.screen_trajectories),
                            int(cfg.seed), out / "screening", runner)
            print("screened in: " + ", ".join(p.name for p in params))
            settings = replace(settings, parameters=params)
        record = calibrate(settings, base, tg, out, runner)
        ft = fit_report(base, record["values"], tg, out, seed=int(cfg.seed), workers=runner)
        executor = runner.description
    write_report(out, record, ft, settings)
    cmd.save_config("base", base)
    cmd.finish(distance=record["distance"], values=record["values"], executor=executor)
    if c.install:
        install(out)
        print(f"installed as the defaults: {INSTALL_DIR / 'default.yaml'}")
    print(f"kohtaanto calibrate: distance {record['default_distance']:.3f} -> "
          f"{record['distance']:.3f}; report in {out / 'report.md'}")
    for k, v in record["values"].items():
        print(f"  {k} = {v}")
