"""Calibration by simulated moments: a global Sobol design, a local optimiser, accepted draws.

0. **Screening** (``calibrate.screen=k``): Morris elementary effects of the candidate parameters
   on the calibration distance pick the ``k`` most influential (``scenarios/apps/analyses.py``).

1. **Global exploration**: a scrambled Sobol design of ``design`` points over the parameters'
   ranges (plus the default point); each point's distance (``calibration.targets``) is the mean
   over ``seeds`` seeds — the same seeds at every point (common random numbers), so differences
   between points are not seed noise. Points are evaluated in resumable chunks in the worker pool.
2. **Local search**: Nelder–Mead (scipy) from the best design point, on the same seeds.
3. **Uncertainty**: the design points whose distance is within the best ``accept`` share are the
   accepted draws (an approximate-Bayesian acceptance step with a uniform prior over the ranges);
   their spread is the parameters' uncertainty, and ``kohtaanto compare
   compare.parameter_draws=true`` runs replication r with draw r.

Outputs: ``calibrated.yaml`` (a Hydra config that sets the chosen values), ``draws.csv``,
``design.csv``, ``fit.csv`` (every target: observed, simulated mean and band, error), ``fit.png``
and ``report.md``. With ``install`` the set and the draws are copied to ``conf/calibration/`` and
become the defaults of ``run``, ``compare`` and ``trial``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from calibration.sensitivity import Campaign, run_campaign
from calibration.targets import (
    DESTINATIONS,
    EXIT_TO_LAPSED,
    EXIT_TO_SERVICES,
    TARGET_END,
    distance,
    fit_table,
    held_out,
    simulated,
)
from model.hydra_config import CALIBRATION_DIR, CalibrateConfig
from model.output import atomic_write, write_table, write_text
from model.parameters import Parameter, apply
from model.params import ConfigError
from scenarios.campaigns.runner import Job, Runner, Workers, load_results, using

INSTALL_DIR = CALIBRATION_DIR


@dataclass
class Calibration:
    """Settings of a calibration: the parameters, and the rest as ``calibrate.*`` declares them."""

    parameters: list[Parameter]
    design: int = CalibrateConfig.design
    seeds: int = CalibrateConfig.seeds
    local_iterations: int = CalibrateConfig.local_iterations
    local_step: float = CalibrateConfig.local_step
    accept: float = CalibrateConfig.accept
    chunk_size: int = CalibrateConfig.chunk_size
    seed: int = 42  # the run's seed (``seed``)


def check(c: Calibration) -> None:
    """Refuse settings the calibration cannot run with, naming the setting and its range."""
    if len(c.parameters) < 1:
        raise ConfigError("calibrate.parameters: choose at least one parameter")
    for name, value, least in (("design", c.design, 4), ("seeds", c.seeds, 1),
                               ("local_iterations", c.local_iterations, 0),
                               ("chunk_size", c.chunk_size, 1)):
        if value < least:
            raise ConfigError(f"calibrate.{name} = {value}; it must be >= {least}")
    if not 0 < c.local_step <= 0.5:
        raise ConfigError(f"calibrate.local_step = {c.local_step}; allowed: (0, 0.5], the share of "
                          "each parameter's range the local search first steps")
    if not 0 < c.accept <= 1:
        raise ConfigError(f"calibrate.accept = {c.accept}; allowed: (0, 1], the share of design "
                          "points accepted as draws")


def _distance_job(job: Job) -> pd.DataFrame:
    """Distance of each design point in the chunk (mean over the seeds)."""
    from model.region_model import RegionModel

    spec = dict(job.extra)
    tg = spec["targets"]
    out = []
    for row in spec["rows"]:
        cfg = apply(job.config, dict(zip(spec["names"], row, strict=True)))
        ds = [distance(simulated(RegionModel(replace(cfg, seed=job.config.seed + k)).run(), tg), tg)
              for k in range(spec["seeds"])]
        out.append(float(np.mean(ds)))
    return pd.DataFrame({"row": np.arange(spec["first"], spec["first"] + len(out)),
                         "distance": out})


def _seed_distance(job: Job) -> float:
    """Distance of one seed's run at one point (the point is in the job's configuration)."""
    from model.region_model import RegionModel

    tg = dict(job.extra)["targets"]
    return float(distance(simulated(RegionModel(job.config).run(), tg), tg))


def objective(base, names: list[str], values: np.ndarray, tg: pd.DataFrame, seeds: int,
              seed: int, workers: Workers = 1) -> float:
    """Mean distance over the seeds at one point; the seeds run in parallel on ``workers``."""
    cfg = apply(base, dict(zip(names, values, strict=True)))
    jobs = [Job("point", k, replace(cfg, seed=seed + k), (("targets", tg),)) for k in range(seeds)]
    with using(workers) as runner:
        return float(np.mean(runner.map(_seed_distance, jobs)))


def calibrate(c: Calibration, base, tg: pd.DataFrame, out: Path, workers: Workers = 0,
              progress: bool = True) -> dict:
    """Run the calibration; returns the chosen values, the accepted draws and the design.

    The design's chunks and the local search's seeds run on ``workers`` (a runner, or a number
    of local processes kept for the whole calibration).
    """
    with using(workers) as runner:
        return _calibrate(c, base, tg, out, runner, progress)


def _calibrate(c: Calibration, base, tg: pd.DataFrame, out: Path, runner: Runner,
               progress: bool) -> dict:
    from scipy.optimize import minimize
    from scipy.stats import qmc

    check(c)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    names = [p.name for p in c.parameters]
    lo = np.array([p.low for p in c.parameters])
    hi = np.array([p.high for p in c.parameters])
    # the first ``design`` points of a Sobol sequence of the next power of two (the same points
    # as ``random(design)``, without scipy's warning; a power of two keeps the design balanced)
    m = int(np.ceil(np.log2(c.design)))
    unit = qmc.Sobol(len(names), scramble=True, seed=c.seed).random_base2(m)[:c.design]
    default = np.clip([p.default for p in c.parameters], lo, hi)  # the default, inside the ranges
    points = np.vstack([default, lo + unit * (hi - lo)])
    jobs = []
    for i, first in enumerate(range(0, len(points), c.chunk_size)):
        extra = (("rows", points[first:first + c.chunk_size].tolist()), ("names", names),
                 ("targets", tg), ("seeds", c.seeds), ("first", first))
        jobs.append(Job("design", i, replace(base, seed=c.seed), extra))
    files = runner.run_jobs(jobs, out / "chunks", _distance_job, progress)
    dist = load_results(files).sort_values("row").distance.to_numpy()
    design = pd.DataFrame(points, columns=names).assign(distance=dist)
    write_table(out / "design.csv", design)

    best = int(np.argmin(dist))
    x0 = (points[best] - lo) / (hi - lo)
    result = minimize(lambda z: objective(base, names, lo + np.clip(z, 0, 1) * (hi - lo), tg,
                                          c.seeds, c.seed, runner),
                      x0, method="Nelder-Mead", bounds=[(0, 1)] * len(names),
                      options={"maxfev": c.local_iterations, "xatol": 1e-3, "fatol": 1e-3,
                               "initial_simplex": first_simplex(x0, c.local_step)})
    chosen = lo + np.clip(result.x, 0, 1) * (hi - lo)
    if result.fun > dist[best]:
        chosen, fun = points[best], float(dist[best])
    else:
        fun = float(result.fun)
    cut = np.quantile(dist, c.accept)
    draws = design[design.distance <= cut].reset_index(drop=True)
    write_table(out / "draws.csv", draws)
    values = {n: _round(v, p) for n, v, p in zip(names, chosen, c.parameters, strict=True)}
    write_text(out / "calibrated.yaml", to_yaml(values, fun, c))
    return {"values": values, "distance": fun, "default_distance": float(dist[0]),
            "draws": draws, "design": design, "evaluations": int(result.nfev) + len(points)}


def first_simplex(x0: np.ndarray, step: float) -> np.ndarray:
    """The local search's first simplex in the unit cube: ``x0`` and one step along each axis.

    Each step is ``step`` of the range, inwards where ``x0`` is within ``step`` of the upper
    bound, so that every parameter is tried at a distance that can change the distance measure.
    """
    n = len(x0)
    simplex = np.repeat(x0[None, :], n + 1, axis=0)
    up = x0 + step <= 1.0
    simplex[1 + np.arange(n), np.arange(n)] = np.where(up, x0 + step, x0 - step)
    return simplex


def _round(v: float, p: Parameter) -> float:
    return int(round(v)) if p.integer else float(f"{v:.6g}")


def to_yaml(values: dict[str, float], fun: float, c: Calibration) -> str:
    """A Hydra config (``# @package _global_``) that sets the calibrated values."""
    tree: dict = {}
    for path, v in values.items():
        node = tree
        parts = path.split(".")
        for key in parts[:-1]:
            node = node.setdefault(key, {})
        node[parts[-1]] = v
    import yaml

    head = ("# @package _global_\n# Calibrated by `kohtaanto calibrate` (simulated moments against "
            "calibration/data/observed.csv;\n# see calibration/calibrate.py). "
            f"Distance {fun:.3f}; {c.design} design points x {c.seeds} seeds.\n")
    return head + yaml.safe_dump(tree, sort_keys=True, allow_unicode=True)


def _fit_job(job: Job) -> tuple[np.ndarray, pd.Series, pd.DataFrame]:
    """One seed of the fit report: the targets' values, Lahti's rate, the untargeted figures."""
    from model.region_model import RegionModel

    tg = dict(job.extra)["targets"]
    m = RegionModel(job.config).run()
    return simulated(m, tg), m.series("unemployment_rate", "Lahti"), untargeted_values(
        m, min(23, m.t - 1))


def fit_report(base, values: dict[str, float], tg: pd.DataFrame, out: Path, seeds: int = 4,
               seed: int = 42, workers: Workers = 0) -> pd.DataFrame:
    """Simulated bands at the calibrated values against every target; writes fit.csv/png."""
    cfg = apply(base, values)
    # the runs go on to the last held-out point (a seed's months before that do not change)
    hold = held_out(min(cfg.end, TARGET_END))
    run_cfg = replace(cfg, end=max(cfg.end, *hold.month)) if len(hold) else cfg
    jobs = [Job("fit", k, replace(run_cfg, seed=seed + k), (("targets", tg),))
            for k in range(seeds)]
    with using(workers) as runner:
        sims, lahti, untargeted = zip(*runner.map(_fit_job, jobs), strict=True)
    sims = np.array(sims)
    ft = fit_table(sims.mean(axis=0), tg)
    ft["simulated_low"], ft["simulated_high"] = sims.min(axis=0), sims.max(axis=0)
    write_table(Path(out) / "fit.csv", ft)
    band = pd.concat(lahti, axis=1)
    if len(hold):
        at = band.reindex(hold.month)
        write_table(Path(out) / "held_out.csv", hold.assign(
            simulated=at.mean(axis=1).to_numpy(), simulated_low=at.min(axis=1).to_numpy(),
            simulated_high=at.max(axis=1).to_numpy()))
    extra = pd.concat(untargeted).groupby(["what", "key"], sort=False).agg(
        observed=("observed", "first"), simulated=("simulated", "mean")).reset_index()
    write_table(Path(out) / "untargeted.csv", extra)
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
    x = pd.PeriodIndex(band.index, freq="M").to_timestamp()
    axes[0].fill_between(x, band.min(axis=1) * 100, band.max(axis=1) * 100, alpha=0.3,
                         label="model (seeds)")
    obs = tg[(tg.pattern == "lahti_rate")]
    axes[0].plot(pd.PeriodIndex(obs.month, freq="M").to_timestamp(), obs.value * 100, "o",
                 color="crimson", label="observed (targets)")
    if len(hold):
        axes[0].plot(pd.PeriodIndex(hold.month, freq="M").to_timestamp(), hold.value * 100, "o",
                     mfc="none", color="crimson", label="observed (held out)")
    axes[0].set_title("Lahti unemployment rate, %")
    axes[0].legend()
    d = ft[ft.pattern == "duration"]
    xs = np.arange(len(d))
    axes[1].bar(xs - 0.2, d.value, 0.4, label="Finland 2015")
    axes[1].bar(xs + 0.2, d.simulated, 0.4, label="model 2018-2019")
    axes[1].set_xticks(xs, [i.split("[")[1].rstrip("]") for i in d.indicator])
    axes[1].set_title("Monthly exit rate to work by duration (months)")
    axes[1].legend()
    for a in axes:
        a.grid(alpha=0.3)
    fig.tight_layout()
    atomic_write(Path(out) / "fit.png", lambda f: fig.savefig(f, format="png", dpi=100))
    plt.close(fig)
    return ft


def untargeted_values(model, end: int) -> pd.DataFrame:
    """The register's flows beside the run's values: exits to services and lapses by duration.

    Also the destinations of ended spells. The model's spells that ended in education (about 1 %)
    have no register counterpart here.
    """
    profile = model.recorder.duration_profile(0, end)
    svc, lapsed = profile["exit_to_services"], profile["exit_to_lapsed"]
    dest = model.recorder.destination_shares(0, end)
    rows = [("exit_to_services", k, v, float(svc[k])) for k, v in EXIT_TO_SERVICES.items()]
    rows += [("exit_to_lapsed", k, v, float(lapsed[k])) for k, v in EXIT_TO_LAPSED.items()]
    rows += [("ended_spells_share", k, v, float(dest[k])) for k, v in DESTINATIONS.items()]
    return pd.DataFrame(rows, columns=["what", "key", "observed", "simulated"])


def summary_numbers(ft: pd.DataFrame) -> dict:
    """RMSE of Lahti's rate (pp) and the exit-rate ratios by duration."""
    lr = ft[ft.pattern == "lahti_rate"]
    d = ft[ft.pattern == "duration"]
    return {"lahti_rmse_pp": float(np.sqrt(np.mean((lr.simulated - lr.value) ** 2)) * 100),
            "exit_ratio": {i.split("[")[1].rstrip("]"): float(s / v)
                           for i, s, v in zip(d.indicator, d.simulated, d.value, strict=True)}}


def write_report(out: Path, record: dict, ft: pd.DataFrame, c: Calibration) -> None:
    """A short Markdown report of the calibration."""
    nums = summary_numbers(ft)
    draws = record["draws"]
    lines = ["# Calibration", "",
             f"Distance at the defaults {record['default_distance']:.3f}; calibrated "
             f"{record['distance']:.3f} ({record['evaluations']} points evaluated, {c.seeds} seeds "
             "each).", "",
             f"Lahti's monthly unemployment rate 2018–2022: RMSE {nums['lahti_rmse_pp']:.2f} pp "
             "(aim: 1.0 pp).", "",
             "Exit rate to work, model / observed by duration: " + ", ".join(
                 f"{k} {v:.2f}" for k, v in nums["exit_ratio"].items()) + " (aim: 0.7–1.3).", "",
             "| parameter | calibrated | accepted draws: mean | sd | min | max |",
             "|---|---|---|---|---|---|"]
    for name, v in record["values"].items():
        col = draws[name]
        lines.append(f"| {name} | {v:.4g} | {col.mean():.4g} | {col.std():.3g} | {col.min():.4g} "
                     f"| {col.max():.4g} |")
    if (out / "held_out.csv").exists():
        hold = pd.read_csv(out / "held_out.csv", dtype={"month": str})
        err = (hold.simulated - hold.value) * 100
        lines += ["", f"Held out (Lahti's rate after the calibration window, never a target; "
                  f"`held_out.csv`): RMSE {np.sqrt(np.mean(err ** 2)):.2f} pp over {len(hold)} "
                  "points, " + ", ".join(f"{mo} {e:+.1f}" for mo, e in zip(hold.month, err,
                                                                           strict=True)) + "."]
    extra = pd.read_csv(out / "untargeted.csv") if (out / "untargeted.csv").exists() else None
    if extra is not None and len(extra):
        chosen = set(ft.pattern)
        said = [f"{what} {'a target' if pattern in chosen else 'not a target'} (`{pattern}`)"
                for what, pattern in (("exits to services by duration", "services_duration"),
                                      ("lapses by duration", "lapses_duration"),
                                      ("the destinations", "destinations"))]
        lines += ["", "The register's flows beside the fit (Finland 2015 register against the "
                  "model's 2018–2019: " + "; ".join(said) + "; `untargeted.csv`):", "",
                  "| figure | observed | model |",
                  "|---|---|---|"]
        lines += [f"| {r.what} {r.key} | {r.observed:.3g} | {r.simulated:.3g} |"
                  for r in extra.itertuples()]
    lines += ["", "Each target's error: `fit.csv`; bands against the targets: `fit.png`."]
    write_text(out / "report.md", "\n".join(lines) + "\n")
    write_text(out / "calibration.json", json.dumps(
        {"values": record["values"], "distance": record["distance"],
         "default_distance": record["default_distance"], **nums}, indent=2))


def screen(params, base, keep: int, trajectories: int, seed: int, out: Path, workers: Workers):
    """Morris screening on the calibration distance; the ``keep`` most influential (mu*)."""
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
