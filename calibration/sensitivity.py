"""Global sensitivity analysis with SALib: Morris screening and Sobol indices.

A campaign samples the chosen parameters (``model.parameters``) with SALib's ``ProblemSpec``
(Morris trajectories, or Sobol's sampler with N a power of two), evaluates every sample row by
running the model (``replicates`` seeds per row, averaged), and analyses the outputs with bootstrap
confidence intervals. Outputs are named:

* ``<indicator>@<YYYY-MM>`` — an indicator for the region at a month (e.g.
  ``structural_unemployment@2022-12``);
* ``effect:<scenario>:<indicator>`` — the paired effect (common random numbers) of a scenario
  against the reference on the indicator's mean over the experiment window 2021-03 … 2024-12;
* ``distance`` — the calibration distance (``calibration.targets``).

Rows are evaluated in chunks in the worker pool of ``scenarios.campaigns.runner``; each finished chunk is a
file, so an interrupted campaign resumes where it stopped and ends with the same indices. Seed
noise is measured apart: the outputs' variance over ``noise_seeds`` seeds at the default point,
reported beside the variance across the sample. Convergence: indices with the first N/4, N/2 and N
base samples (or trajectories).
"""

from __future__ import annotations

import json
from copy import deepcopy
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from model.hydra_config import SensitivityConfig
from model.output import atomic_write, write_table, write_text
from model.parameters import Parameter, apply
from model.params import ConfigError
from scenarios.campaigns.runner import Job, Workers, load_results, run_jobs

METHODS = ("morris", "sobol")


@dataclass
class Campaign:
    """What to sample, how, and what to measure (defaults: the ``sensitivity.*`` settings)."""

    method: str = SensitivityConfig.method
    parameters: list[Parameter] = field(default_factory=list)
    n: int = SensitivityConfig.n  # Sobol base samples (power of two) or Morris trajectories
    levels: int = SensitivityConfig.levels  # Morris grid levels
    second_order: bool = SensitivityConfig.second_order
    replicates: int = SensitivityConfig.replicates
    noise_seeds: int = SensitivityConfig.noise_seeds
    outputs: list[str] = field(default_factory=lambda: list(SensitivityConfig().outputs))
    reference: str = SensitivityConfig.reference
    chunk_size: int = SensitivityConfig.chunk_size
    seed: int = 42  # the run's seed (``seed``)
    model: str = SensitivityConfig.model  # or "ishigami" (SALib's test function)

    def problem(self) -> dict:
        """The SALib problem dictionary."""
        return {"num_vars": len(self.parameters), "names": [p.name for p in self.parameters],
                "bounds": [[p.low, p.high] for p in self.parameters], "outputs": self.outputs}


def check(c: Campaign, end: str | None = None) -> None:
    """Refuse campaigns SALib or the model cannot run, naming the setting.

    ``end`` is the last simulated month: outputs must lie within the run.
    """
    if c.method not in METHODS:
        raise ConfigError(f"sensitivity.method = {c.method!r}; allowed: {', '.join(METHODS)}")
    if len(c.parameters) < 2:
        raise ConfigError("sensitivity.parameters: choose at least 2 parameters")
    if c.model not in ("region", "ishigami"):
        raise ConfigError(f"sensitivity.model = {c.model!r}; allowed: region, ishigami")
    if c.method == "sobol" and (c.n < 2 or c.n & (c.n - 1)):
        raise ConfigError(f"sensitivity.n = {c.n}; Sobol needs a power of two (e.g. 64, 1024)")
    if c.method == "morris" and c.n < 2:
        raise ConfigError(f"sensitivity.n = {c.n}; Morris needs at least 2 trajectories")
    if c.method == "morris" and c.levels < 2:
        raise ConfigError(f"sensitivity.levels = {c.levels}; Morris needs at least 2 levels "
                          "(an even number such as 4)")
    for name, value, least in (("replicates", c.replicates, 1), ("chunk_size", c.chunk_size, 1),
                               ("noise_seeds", c.noise_seeds, 2)):
        if value < least:
            raise ConfigError(f"sensitivity.{name} = {value}; it must be >= {least}")
    if not c.outputs:
        raise ConfigError("sensitivity.outputs is empty; name at least one output")
    for o in c.outputs if c.model == "region" else []:
        check_output(o, end)


def check_output(o: str, end: str | None) -> None:
    """Refuse an output that is not a known indicator at a simulated month, an effect or distance."""
    from model.calendar import parse_month
    from model.hydra_config import available_scenarios
    from model.indicators import Recorder
    from model.intervention import registered

    known = Recorder.all_names(list(registered()))
    form = "<indicator>@<YYYY-MM>, effect:<scenario>:<indicator> or distance"
    if o == "distance":
        return
    if o.startswith("effect:"):
        parts = o.split(":")
        if len(parts) != 3:
            raise ConfigError(f"sensitivity.outputs: {o!r} is not {form}")
        scenario, ind = parts[1], parts[2]
        if scenario not in available_scenarios():
            raise ConfigError(f"sensitivity.outputs: {o!r} names the unknown scenario "
                              f"{scenario!r}; allowed: {', '.join(available_scenarios())}")
        if end is not None and parse_month(end) < parse_month(EFFECT_WINDOW[0]):
            raise ConfigError(f"sensitivity.outputs: {o!r} is a mean over "
                              f"{EFFECT_WINDOW[0]} … {EFFECT_WINDOW[1]}, which sensitivity.end = "
                              f"{end} does not reach")
    elif "@" in o:
        ind, month = o.split("@", 1)
        t = parse_month(month, f"sensitivity.outputs {o!r}: the month")
        if t < 0 or (end is not None and t > parse_month(end)):
            raise ConfigError(f"sensitivity.outputs: {o!r} is outside the run (2018-01 … "
                              f"{end if end is not None else 'sensitivity.end'}); give a month "
                              "within it")
    else:
        raise ConfigError(f"sensitivity.outputs: {o!r} is not {form}")
    if ind not in known:
        raise ConfigError(f"sensitivity.outputs: {o!r} names the unknown indicator {ind!r} "
                          "(see docs/model.md, section 4.10, for the indicators)")


def sample(c: Campaign) -> np.ndarray:
    """The sample matrix (rows × parameters), deterministic in the campaign's seed."""
    from SALib import ProblemSpec

    sp = ProblemSpec(c.problem())
    if c.method == "sobol":
        sp.sample_sobol(c.n, calc_second_order=c.second_order, seed=c.seed)
    else:
        sp.sample_morris(c.n, num_levels=c.levels, seed=c.seed)
    return np.asarray(sp.samples)


# ------------------------------------------------------------------------------ evaluation
def _outputs_of(model, outputs: list[str], effects_ref: dict | None, targets_df) -> list[float]:
    from calibration.targets import distance, simulated

    vals = []
    for o in outputs:
        if o == "distance":
            vals.append(distance(simulated(model, targets_df), targets_df))
        elif o.startswith("effect:"):
            vals.append(effects_ref[o])
        else:
            ind, month = o.split("@")
            vals.append(model.value(ind, month))
    return vals


#: The window of the ``effect:`` outputs: the experiment's months.
EFFECT_WINDOW = ("2021-03", "2024-12")


def _window_mean(model, indicator: str) -> float:
    s = model.series(indicator)
    return float(s[EFFECT_WINDOW[0]:EFFECT_WINDOW[1]].mean())


@lru_cache(maxsize=32)
def _scenario_config(scenario: str, scale: float, end: str):
    """A scenario's composed configuration (composing takes a while; a worker does it once)."""
    from model.hydra_config import compose_config

    return compose_config([f"scenario={scenario}", f"scale={scale}", f"end={end}"])


def evaluate_row(base, names: list[str], row: np.ndarray, outputs: list[str], seed: int,
                 reference: str, targets_df) -> list[float]:
    """Run the model at one parameter point with one seed; returns the outputs."""
    from model.region_model import RegionModel

    values = dict(zip(names, row, strict=True))
    cfg = replace(apply(base, values), seed=seed)
    effects = {}
    eff_outputs = [o for o in outputs if o.startswith("effect:")]
    if eff_outputs:
        # the reference is the base configuration; each effect scenario is composed and given the
        # same parameter values and seed (common random numbers)
        ref_model = RegionModel(cfg).run()
        for o in eff_outputs:
            _, scen, ind = o.split(":")
            sc_cfg = replace(apply(deepcopy(_scenario_config(scen, cfg.scale, cfg.end)), values),
                             seed=seed)
            m = RegionModel(sc_cfg).run()
            effects[o] = _window_mean(m, ind) - _window_mean(ref_model, ind)
        model = ref_model
    else:
        model = RegionModel(cfg).run()
    return _outputs_of(model, outputs, effects, targets_df)


def evaluate_chunk(job: Job) -> pd.DataFrame:
    """Evaluate a chunk of sample rows (a worker's unit of work)."""
    spec = dict(job.extra)
    rows = np.asarray(spec["rows"])
    outputs = list(spec["outputs"])
    if spec["model"] == "ishigami":
        from SALib.test_functions import Ishigami

        y = Ishigami.evaluate(rows)
        vals = np.repeat(y[:, None], len(outputs), axis=1)
    else:
        from calibration.targets import targets

        tg = targets() if "distance" in outputs else None
        vals = np.array([[np.mean(v) for v in zip(*[
            evaluate_row(job.config, spec["names"], row, outputs, job.config.seed + k,
                         spec["reference"], tg) for k in range(spec["replicates"])], strict=True)]
            for row in rows])
    df = pd.DataFrame(vals, columns=outputs)
    df.insert(0, "row", np.arange(spec["first"], spec["first"] + len(rows)))
    return df


def run_campaign(c: Campaign, base, out: Path, workers: Workers = 0, progress: bool = True) -> dict:
    """Sample, evaluate (in resumable chunks) and analyse; write tables, plots and a report."""
    check(c, base.end)
    out = Path(out)
    X = sample(c)
    names = [p.name for p in c.parameters]
    jobs = []
    for i, first in enumerate(range(0, len(X), c.chunk_size)):
        rows = X[first:first + c.chunk_size]
        extra = (("rows", rows.tolist()), ("names", names), ("outputs", tuple(c.outputs)),
                 ("model", c.model), ("replicates", c.replicates), ("reference", c.reference),
                 ("first", first))
        jobs.append(Job("chunk", i, replace(base, seed=c.seed), extra))
    # seed noise at the default point
    default = np.array([[p.default for p in c.parameters]])
    for k in range(c.noise_seeds):
        extra = (("rows", default.tolist()), ("names", names), ("outputs", tuple(c.outputs)),
                 ("model", c.model), ("replicates", 1), ("reference", c.reference), ("first", k))
        jobs.append(Job("noise", k, replace(base, seed=c.seed + 1000 + k), extra))
    manifest = out / "campaign.json"
    spec = {"method": c.method, "n": c.n, "levels": c.levels, "second_order": c.second_order,
            "seed": c.seed, "parameters": [p.__dict__ for p in c.parameters],
            "outputs": c.outputs, "rows": len(X), "model": c.model, "replicates": c.replicates}
    if manifest.exists() and json.loads(manifest.read_text()) != json.loads(json.dumps(spec)):
        raise ConfigError(f"{out} holds a different campaign; use another output directory")
    out.mkdir(parents=True, exist_ok=True)
    write_text(manifest, json.dumps(spec, indent=2))
    files = run_jobs(jobs, out / "chunks", evaluate_chunk, workers, progress)
    chunk_files = [f for f, j in zip(files, jobs, strict=True) if j.label == "chunk"]
    noise_files = [f for f, j in zip(files, jobs, strict=True) if j.label == "noise"]
    Y = load_results(chunk_files).sort_values("row")[c.outputs].to_numpy(float)
    noise = load_results(noise_files)[c.outputs]
    indices, conv = analyse(c, X, Y)
    var_sample = np.nanvar(Y, axis=0, ddof=1)
    var_noise = noise.var(ddof=1).to_numpy()
    noise_table = pd.DataFrame({"output": c.outputs, "variance_across_sample": var_sample,
                                "variance_across_seeds": var_noise,
                                "noise_share": var_noise / np.where(var_sample > 0, var_sample,
                                                                     np.nan)})
    write_table(out / "indices.parquet", indices)
    write_table(out / "indices.csv", indices)
    write_table(out / "convergence.csv", conv)
    write_table(out / "seed_noise.csv", noise_table)
    write_table(out / "samples.parquet", pd.DataFrame(
        np.column_stack([X, Y]), columns=names + c.outputs))
    _plots(c, indices, conv, out)
    write_text(out / "report.md", _report(c, indices, noise_table, len(X)))
    return {"indices": indices, "convergence": conv, "noise": noise_table, "rows": len(X)}


def analyse(c: Campaign, X: np.ndarray, Y: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Indices per output (with bootstrap intervals) and their convergence at N/4, N/2, N."""
    from SALib.analyze import morris as morris_an
    from SALib.analyze import sobol as sobol_an

    problem = c.problem()
    d = len(c.parameters)
    per = (2 * d + 2 if c.second_order else d + 2) if c.method == "sobol" else d + 1
    rows, conv = [], []
    for j, name in enumerate(c.outputs):
        y = Y[:, j]
        ks = sorted({max(int(c.n * f), 2) for f in (0.25, 0.5)} | {c.n})
        for k in ks:
            m = k * per
            if c.method == "sobol":
                r = sobol_an.analyze(problem, y[:m], calc_second_order=c.second_order,
                                     seed=c.seed, print_to_console=False)
                cols = {"S1": r["S1"], "S1_conf": r["S1_conf"], "ST": r["ST"],
                        "ST_conf": r["ST_conf"]}
            else:
                r = morris_an.analyze(problem, X[:m], y[:m], num_levels=c.levels, seed=c.seed,
                                      print_to_console=False)
                cols = {"mu": r["mu"], "mu_star": r["mu_star"], "sigma": r["sigma"],
                        "mu_star_conf": r["mu_star_conf"]}
            frame = pd.DataFrame({"output": name, "parameter": problem["names"], "n": k,
                                  **{kk: np.asarray(v, float) for kk, v in cols.items()}})
            conv.append(frame)
            if k == c.n:
                rows.append(frame)
    return pd.concat(rows, ignore_index=True), pd.concat(conv, ignore_index=True)


def _plots(c: Campaign, idx: pd.DataFrame, conv: pd.DataFrame, out: Path) -> None:
    for name, part in idx.groupby("output", sort=False):
        safe = name.replace("@", "_at_").replace(":", "_")
        fig, ax = plt.subplots(figsize=(7, 0.35 * len(part) + 2))
        if c.method == "sobol":
            y = np.arange(len(part))
            ax.barh(y - 0.2, part.S1, 0.4, xerr=part.S1_conf, label="S1")
            ax.barh(y + 0.2, part.ST, 0.4, xerr=part.ST_conf, label="ST")
            ax.set_yticks(y, part.parameter)
            ax.legend()
            ax.set_title(f"Sobol indices: {name}")
        else:
            ax.errorbar(part.mu_star, part.sigma, xerr=part.mu_star_conf, fmt="o")
            for r in part.itertuples():
                ax.annotate(r.parameter, (r.mu_star, r.sigma), fontsize=7)
            ax.set_xlabel("mu*")
            ax.set_ylabel("sigma")
            ax.set_title(f"Morris screening: {name}")
        ax.grid(alpha=0.3)
        fig.tight_layout()
        atomic_write(out / f"indices_{safe}.png", lambda f, fig=fig: fig.savefig(f, format="png"))
        plt.close(fig)
        key = "ST" if c.method == "sobol" else "mu_star"
        cv = conv[conv.output == name].pivot(index="n", columns="parameter", values=key)
        fig, ax = plt.subplots(figsize=(7, 4))
        cv.plot(ax=ax, marker="o", legend=len(cv.columns) <= 12)
        ax.set_title(f"Convergence of {key}: {name}")
        ax.grid(alpha=0.3)
        fig.tight_layout()
        atomic_write(out / f"convergence_{safe}.png",
                     lambda f, fig=fig: fig.savefig(f, format="png"))
        plt.close(fig)


def _report(c: Campaign, idx: pd.DataFrame, noise: pd.DataFrame, n_rows: int) -> str:
    key = "ST" if c.method == "sobol" else "mu_star"
    lines = [f"# Sensitivity analysis ({c.method})", "",
             f"{len(c.parameters)} parameters, {n_rows} sample rows × {c.replicates} seed(s); "
             f"model: {c.model}; sampling seed {c.seed}.", "",
             "## Seed noise against parameter variance", "",
             "| output | variance across the sample | variance across seeds | share |",
             "|---|---|---|---|"]
    for r in noise.itertuples():
        lines.append(f"| {r.output} | {r.variance_across_sample:.4g} | "
                     f"{r.variance_across_seeds:.4g} | {r.noise_share:.2f} |")
    for name, part in idx.groupby("output", sort=False):
        lines += ["", f"## {name}", "", f"| parameter | {key} | interval |", "|---|---|---|"]
        conf = part["ST_conf"] if c.method == "sobol" else part["mu_star_conf"]
        for (_, r), cf in zip(part.sort_values(key, ascending=False).iterrows(),
                              conf.loc[part.sort_values(key, ascending=False).index], strict=True):
            lines.append(f"| {r.parameter} | {r[key]:.4g} | ± {cf:.3g} |")
    return "\n".join(lines) + "\n"
