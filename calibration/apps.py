"""The ``sensitivity`` and ``calibrate`` commands (Hydra apps over ``conf/config.yaml``)."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import replace
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
    from model.cli import _fail, write_app_record
    from model.output import write_model_config

    logging.getLogger("MESA").setLevel(logging.WARNING)
    s = cfg.sensitivity
    out = Path(HydraConfig.get().runtime.output_dir)
    try:
        from model.cli import check_workers
        from scenarios.compare import available_scenarios

        check_workers("sensitivity.workers", s.workers)
        if s.reference not in available_scenarios():
            raise ConfigError(f"sensitivity.reference = {s.reference!r}; allowed: "
                              f"{', '.join(available_scenarios())}")
        base = _base(cfg, s.scale, s.end, [f"scenario={s.reference}"])
        bounds = {k: list(v) for k, v in OmegaConf.to_container(s.bounds).items()}
        if s.model == "ishigami":
            import numpy as np

            params = [Parameter(f"x{i}", -np.pi, np.pi, 0.0, False, "Ishigami test function")
                      for i in (1, 2, 3)]
        else:
            params = select(base, list(s.parameters), float(s.spread), bounds, "sensitivity")
        camp = Campaign(method=s.method, parameters=params, n=int(s.n), levels=int(s.levels),
                        second_order=bool(s.second_order), replicates=int(s.replicates),
                        noise_seeds=int(s.noise_seeds), outputs=list(s.outputs),
                        reference=s.reference, chunk_size=int(s.chunk_size), seed=int(cfg.seed),
                        model=s.model)
        res = run_campaign(camp, base, out, int(s.workers))
    except ConfigError as exc:
        _fail(str(exc))
    write_model_config(out / "configs" / "base.yaml", base)
    write_app_record(out, cfg, "sensitivity", rows=res["rows"],
                     model_configs={"base": "configs/base.yaml"})
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


def install(out: Path, into: Path | None = None) -> None:
    """Make a calibration's parameter set and draws the defaults (``conf/calibration/``).

    Both files are first copied whole beside their targets and only then renamed over them (the
    draws first), so an interruption never leaves a half-written file.
    """
    from calibration.calibrate import INSTALL_DIR

    into = INSTALL_DIR if into is None else into
    staged: list[tuple[str, Path]] = []
    try:
        for src, dst in ((out / "draws.csv", into / "draws.csv"),
                         (out / "calibrated.yaml", into / "default.yaml")):
            fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=into)
            os.close(fd)
            staged.append((tmp, dst))
            shutil.copyfile(src, tmp)
            os.chmod(tmp, 0o644)
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    for tmp, dst in staged:
        os.replace(tmp, dst)


@hydra.main(config_path=str(CONF_DIR), config_name="config", version_base="1.3")
def calibrate_app(cfg: DictConfig) -> None:
    """``kohtaanto calibrate``."""
    from calibration.calibrate import (
        INSTALL_DIR,
        Calibration,
        calibrate,
        check,
        fit_report,
        write_report,
    )
    from calibration.parameters import select, selected_names
    from calibration.targets import TARGET_END, targets
    from model.cli import _fail, write_app_record
    from model.output import write_model_config

    logging.getLogger("MESA").setLevel(logging.WARNING)
    c = cfg.calibrate
    out = Path(HydraConfig.get().runtime.output_dir)
    try:
        from model.cli import check_workers

        check_workers("calibrate.workers", c.workers)
        if int(c.screen) > 0 and int(c.screen_trajectories) < 2:
            raise ConfigError(f"calibrate.screen_trajectories = {c.screen_trajectories}; Morris "
                              "screening needs at least 2")
        base = _base(cfg, c.scale, c.end)
        bounds = {k: list(v) for k, v in OmegaConf.to_container(c.bounds).items()}
        # the default bounds (CalibrateConfig) apply to the parameters that are calibrated
        defaults = CalibrateConfig().bounds
        selected = set(selected_names(base, list(c.parameters), "calibrate"))
        bounds = {k: v for k, v in bounds.items()
                  if k in selected or defaults.get(k) != [float(x) for x in v]}
        params = select(base, list(c.parameters), float(c.spread), bounds, "calibrate")
        settings = Calibration(params, int(c.design), int(c.seeds), int(c.local_iterations),
                               float(c.accept), int(c.chunk_size), int(cfg.seed))
        check(settings)  # before the screening, which takes minutes
        if int(c.screen) > 0:
            params = screen(params, base, int(c.screen), int(c.screen_trajectories),
                            int(cfg.seed), out / "screening", int(c.workers))
            print("screened in: " + ", ".join(p.name for p in params))
            settings = replace(settings, parameters=params)
        tg = targets(last=min(c.end, TARGET_END))
        record = calibrate(settings, base, tg, out, int(c.workers))
    except ConfigError as exc:
        _fail(str(exc))
    ft = fit_report(base, record["values"], tg, out, seed=int(cfg.seed))
    write_report(out, record, ft, settings)
    write_model_config(out / "configs" / "base.yaml", base)
    write_app_record(out, cfg, "calibrate", distance=record["distance"],
                     values=record["values"], model_configs={"base": "configs/base.yaml"})
    if c.install:
        install(out)
        print(f"installed as the defaults: {INSTALL_DIR / 'default.yaml'}")
    print(f"kohtaanto calibrate: distance {record['default_distance']:.3f} -> "
          f"{record['distance']:.3f}; report in {out / 'report.md'}")
    for k, v in record["values"].items():
        print(f"  {k} = {v}")
