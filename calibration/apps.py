"""The ``sensitivity`` and ``calibrate`` commands (Hydra apps over ``conf/config.yaml``)."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from model.hydra_config import CONF_DIR, CalibrateConfig
from model.params import ConfigError


def _base(cfg: DictConfig, scale: float, end: str, extra: list[str] | None = None):
    from model.cli import _model_overrides
    from model.hydra_config import compose_config

    return compose_config([f"scale={scale}", f"end={end}"] + _model_overrides() + (extra or []))


@hydra.main(config_path=str(CONF_DIR), config_name="config", version_base="1.3")
def sensitivity_app(cfg: DictConfig) -> None:
    """``kohtaanto sensitivity``."""
    from calibration.parameters import Parameter, select
    from calibration.sensitivity import Campaign, run_campaign
    from model.cli import _fail, write_text_cfg

    logging.getLogger("MESA").setLevel(logging.WARNING)
    s = cfg.sensitivity
    out = Path(HydraConfig.get().runtime.output_dir)
    try:
        base = _base(cfg, s.scale, s.end, [f"scenario={s.reference}"])
        bounds = {k: list(v) for k, v in OmegaConf.to_container(s.bounds).items()}
        if s.model == "ishigami":
            import numpy as np

            params = [Parameter(f"x{i}", -np.pi, np.pi, 0.0, False, "Ishigami test function")
                      for i in (1, 2, 3)]
        else:
            params = select(base, list(s.parameters), float(s.spread), bounds)
        camp = Campaign(method=s.method, parameters=params, n=int(s.n), levels=int(s.levels),
                        second_order=bool(s.second_order), replicates=int(s.replicates),
                        noise_seeds=int(s.noise_seeds), outputs=list(s.outputs),
                        reference=s.reference, chunk_size=int(s.chunk_size), seed=int(cfg.seed),
                        model=s.model)
        res = run_campaign(camp, base, out, int(s.workers))
    except ConfigError as exc:
        _fail(str(exc))
    write_text_cfg(out, cfg)
    print(f"kohtaanto sensitivity: {res['rows']} sample rows; report in {out / 'report.md'}")
    key = "ST" if s.method == "sobol" else "mu_star"
    top = res["indices"].sort_values(key, ascending=False).groupby("output").head(3)
    print(top[["output", "parameter", key]].to_string(index=False))


def screen(params, base, keep: int, trajectories: int, seed: int, out: Path, workers: int):
    """Morris screening on the calibration distance; the ``keep`` most influential (mu*)."""
    from calibration.sensitivity import Campaign, run_campaign

    camp = Campaign(method="morris", parameters=params, n=trajectories, outputs=["distance"],
                    chunk_size=8, noise_seeds=2, seed=seed)
    idx = run_campaign(camp, base, out, workers)["indices"]
    top = idx.sort_values("mu_star", ascending=False).parameter.head(keep).tolist()
    return [p for p in params if p.name in top]


@hydra.main(config_path=str(CONF_DIR), config_name="config", version_base="1.3")
def calibrate_app(cfg: DictConfig) -> None:
    """``kohtaanto calibrate``."""
    from calibration.calibrate import INSTALL_DIR, Calibration, calibrate, fit_report, write_report
    from calibration.parameters import select, selected_names
    from calibration.targets import TARGET_END, targets
    from model.cli import _fail, write_text_cfg

    logging.getLogger("MESA").setLevel(logging.WARNING)
    c = cfg.calibrate
    out = Path(HydraConfig.get().runtime.output_dir)
    try:
        base = _base(cfg, c.scale, c.end)
        bounds = {k: list(v) for k, v in OmegaConf.to_container(c.bounds).items()}
        # the default bounds (CalibrateConfig) apply to the parameters that are calibrated
        defaults = CalibrateConfig().bounds
        selected = set(selected_names(base, list(c.parameters)))
        bounds = {k: v for k, v in bounds.items()
                  if k in selected or defaults.get(k) != [float(x) for x in v]}
        params = select(base, list(c.parameters), float(c.spread), bounds)
        if int(c.screen) > 0:
            params = screen(params, base, int(c.screen), int(c.screen_trajectories),
                            int(cfg.seed), out / "screening", int(c.workers))
            print("screened in: " + ", ".join(p.name for p in params))
        settings = Calibration(params, int(c.design), int(c.seeds), int(c.local_iterations),
                               float(c.accept), int(c.chunk_size), int(cfg.seed))
        tg = targets(last=min(c.end, TARGET_END))
        record = calibrate(settings, base, tg, out, int(c.workers))
    except ConfigError as exc:
        _fail(str(exc))
    ft = fit_report(base, record["values"], tg, out, seed=int(cfg.seed))
    write_report(out, record, ft, settings)
    write_text_cfg(out, cfg)
    if c.install:
        shutil.copy(out / "calibrated.yaml", INSTALL_DIR / "default.yaml")
        shutil.copy(out / "draws.csv", INSTALL_DIR / "draws.csv")
        print(f"installed as the defaults: {INSTALL_DIR / 'default.yaml'}")
    print(f"kohtaanto calibrate: distance {record['default_distance']:.3f} -> "
          f"{record['distance']:.3f}; report in {out / 'report.md'}")
    for k, v in record["values"].items():
        print(f"  {k} = {v}")
