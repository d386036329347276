"""``kohtaanto collect <sweep dir>``: one table and plots from every job of a Hydra sweep.

Each finished job directory (one with ``run.json``) contributes one row: the values of the swept
parameters (from ``.hydra/overrides.yaml``) and the job's outcomes — region, all people, averaged
over the experiment window 2021-03 … 2024-12 (or the whole run if it is shorter) and at the last
month. Writes ``collected.parquet`` / ``collected.csv`` and ``collected_<outcome>.png`` (each outcome
against each swept parameter) into the sweep directory.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import yaml

from model.output import atomic_write

OUTCOMES = ("unemployment_rate", "structural_unemployment", "broad_unemployment", "employment",
            "activation_rate", "long_term_unemployed")
WINDOW = ("2021-03", "2024-12")


def _overrides(job: Path) -> dict[str, str]:
    f = job / ".hydra" / "overrides.yaml"
    if not f.exists():
        return {}
    items = yaml.safe_load(f.read_text()) or []
    out = {}
    for item in items:
        if "=" in item and not item.startswith("hydra"):
            k, v = item.split("=", 1)
            out[k.lstrip("+~")] = v
    return out


def unfinished(sweep: Path) -> list[str]:
    """Job directories of ``sweep`` (Hydra's numbered subdirectories) without a finished run."""
    return sorted((d.name for d in Path(sweep).iterdir()
                   if d.is_dir() and d.name.isdigit()
                   and not ((d / "run.json").exists() and (d / "indicators.parquet").exists())),
                  key=int)


def collect(sweep: Path) -> pd.DataFrame:
    """One row per finished job of ``sweep``."""
    sweep = Path(sweep)
    if not sweep.is_dir():
        raise FileNotFoundError(f"no sweep directory {sweep}")
    rows = []
    for run_json in sorted(sweep.glob("*/run.json")):
        job = run_json.parent
        ind = job / "indicators.parquet"
        if not ind.exists():
            continue
        record = json.loads(run_json.read_text())
        df = pd.read_parquet(ind)
        df = df[(df.group == "all") & (df.municipality == "region")]
        df = df.assign(month=df.month.astype(str))
        months = df.month
        lo, hi = WINDOW if (months.min() <= WINDOW[0] and months.max() >= WINDOW[1]) else (
            months.min(), months.max())
        row = {"job": job.name, "seed": record.get("seed"), **_overrides(job)}
        for o in OUTCOMES:
            s = df[df.indicator == o].set_index("month")["value"].astype(float)
            row[f"{o}_window_mean"] = s[lo:hi].mean()
            row[f"{o}_last"] = s.iloc[-1] if len(s) else float("nan")
        rows.append(row)
    if not rows:
        raise FileNotFoundError(f"{sweep} has no finished jobs (directories with run.json)")
    return pd.DataFrame(rows)


def swept_parameters(table: pd.DataFrame) -> list[str]:
    """Parameters that take more than one value across the jobs."""
    skip = {"job"} | {c for c in table.columns if c.endswith(("_window_mean", "_last"))}
    return [c for c in table.columns if c not in skip and table[c].nunique(dropna=False) > 1]


def plot(table: pd.DataFrame, sweep: Path) -> list[Path]:
    """Each outcome against each swept parameter (mean over other parameters and seeds)."""
    params = [p for p in swept_parameters(table) if p != "seed"] or ["seed"]
    files = []
    for o in OUTCOMES:
        col = f"{o}_window_mean"
        fig, axes = plt.subplots(1, len(params), figsize=(4.5 * len(params), 3.6), squeeze=False)
        for ax, p in zip(axes[0], params, strict=True):
            x = pd.to_numeric(table[p], errors="coerce")
            if x.notna().all():
                g = table.assign(_x=x).groupby("_x")[col]
                ax.plot(table[p].astype(float), table[col], "o", alpha=0.4)
                ax.plot(g.mean().index, g.mean().values, "-", lw=2)
            else:
                g = table.groupby(p)[col].mean()
                ax.bar(g.index.astype(str), g.values)
                ax.tick_params(axis="x", rotation=45)
            ax.set_xlabel(p)
            ax.set_ylabel(o)
            ax.grid(alpha=0.3)
        fig.suptitle(f"{o}, mean {WINDOW[0]} … {WINDOW[1]} (region)")
        fig.tight_layout()
        path = sweep / f"collected_{o}.png"
        atomic_write(path, lambda f, fig=fig: fig.savefig(f, format="png", dpi=90))
        plt.close(fig)
        files.append(path)
    return files
