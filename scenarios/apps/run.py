"""``kohtaanto run``: simulate one scenario and write its indicators.

Writes into Hydra's output directory: ``indicators.parquet`` (the tidy indicator table),
``config.yaml`` (the resolved configuration), ``headline.png`` (the headline indicators against the
observed points) and ``run.json`` (seed, package versions, timings) last, marking a complete run.
A finished job of an interrupted sweep (``run -m``) is not run again.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from model.config import config_from_dict
from model.output import provenance, write_json, write_table, write_text
from model.region_model import RegionModel
from scenarios.apps.common import Command, hydra_app


def run_job(cfg: DictConfig, out_dir: Path) -> dict:
    """Validate ``cfg``, run the model and write its outputs into ``out_dir``."""
    container = OmegaConf.to_container(cfg, resolve=True)
    config = config_from_dict(container)
    t0 = time.perf_counter()
    model = RegionModel(config)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    df = model.indicator_frame()
    out_dir.mkdir(parents=True, exist_ok=True)
    write_table(out_dir / "indicators.parquet", df)
    write_text(out_dir / "config.yaml", OmegaConf.to_yaml(cfg))
    if container.get("output", {}).get("plot", True):
        from model.plots import headline_figure, save_figure

        title = f"kohtaanto · scenario {config.scenario.name} · seed {config.seed} · scale {config.scale}"
        save_figure(headline_figure(df, title), out_dir / "headline.png")
    record = provenance(config, timings_s={"build": round(t1 - t0, 3), "run": round(t2 - t1, 3)},
                        months=model.t, summary=_summary(df))
    write_json(out_dir / "run.json", record)
    return record


def _summary(df) -> dict:
    last = df.month.cat.categories.max()
    sel = df[(df.month == last) & (df.group == "all")]
    out = {"month": str(last)}
    for ind in ("unemployment_rate", "structural_unemployment", "activation_rate",
                "benefit_eur_municipal"):
        v = sel[sel.indicator == ind].set_index("municipality")["value"]
        out[ind] = {str(k): round(float(x), 4) for k, x in v.items()}
    return out


@hydra_app("run")
def run_app(cmd: Command) -> None:
    """Hydra entry point of ``kohtaanto run``."""
    cfg, out_dir = cmd.cfg, cmd.out
    done = out_dir / "run.json"
    if done.exists():  # a finished job of an interrupted sweep: do not run it again
        previous = json.loads(done.read_text()).get("config")
        now = asdict(config_from_dict(OmegaConf.to_container(cfg, resolve=True)))
        if json.loads(json.dumps(now, default=str)) == previous:
            print(f"kohtaanto run: {out_dir} is already complete; skipped")
            return
    record = run_job(cfg, out_dir)
    s = record["summary"]
    ur = s["unemployment_rate"]
    print(f"kohtaanto run: {record['months']} months simulated in {record['timings_s']['run']} s; "
          f"outputs in {out_dir}")
    print(f"  {s['month']}: unemployment rate " + ", ".join(
        f"{k} {v * 100:.1f} %" for k, v in ur.items()))
    print(f"  structural unemployment (region): {s['structural_unemployment']['region']:,.0f}")
