"""The ``kohtaanto`` command: ``kohtaanto run [hydra overrides]``.

``run`` is a Hydra app over ``conf/config.yaml``. It validates the configuration before anything
runs, simulates the region, and writes into Hydra's output directory:

* ``indicators.parquet`` — the tidy indicator table (month × municipality × group × indicator);
* ``config.yaml`` — the resolved configuration; ``run.json`` — seed, package versions, timings;
* ``headline.png`` — the headline indicators against the observed points.

Every file is written whole or not at all; ``run.json`` is written last and marks a complete run.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from model.hydra_config import CONF_DIR, register_configs
from model.params import ConfigError

COMMANDS = {"run": "simulate one scenario and write its indicators"}


def _fail(message: str) -> None:
    print(f"kohtaanto: invalid configuration: {message}", file=sys.stderr)
    raise SystemExit(2)


def run_job(cfg: DictConfig, out_dir: Path) -> dict:
    """Validate ``cfg``, run the model and write its outputs into ``out_dir``."""
    from model.config import config_from_dict
    from model.output import provenance, write_json, write_table, write_text
    from model.region_model import RegionModel

    logging.getLogger("MESA").setLevel(logging.WARNING)
    container = OmegaConf.to_container(cfg, resolve=True)
    try:
        config = config_from_dict(container)
    except ConfigError as exc:
        _fail(str(exc))
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
    summary = _summary(df)
    record = provenance(config, timings_s={"build": round(t1 - t0, 3), "run": round(t2 - t1, 3)},
                        months=model.t, summary=summary)
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


register_configs()


@hydra.main(config_path=str(CONF_DIR), config_name="config", version_base="1.3")
def run_app(cfg: DictConfig) -> None:
    """Hydra entry point of ``kohtaanto run``."""
    out_dir = Path(HydraConfig.get().runtime.output_dir)
    record = run_job(cfg, out_dir)
    s = record["summary"]
    ur = s["unemployment_rate"]
    print(f"kohtaanto run: {record['months']} months simulated in {record['timings_s']['run']} s; "
          f"outputs in {out_dir}")
    print(f"  {s['month']}: unemployment rate " + ", ".join(
        f"{k} {v * 100:.1f} %" for k, v in ur.items()))
    print(f"  structural unemployment (region): {s['structural_unemployment']['region']:,.0f}")


def main() -> None:
    """Dispatch ``kohtaanto <command> [overrides]``."""
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print("usage: kohtaanto <command> [hydra overrides]\n\ncommands:")
        for name, text in COMMANDS.items():
            print(f"  {name:10s} {text}")
        print("\nexample: kohtaanto run scale=0.1 seed=3 end=2026-12")
        raise SystemExit(0 if len(sys.argv) >= 2 else 2)
    command = sys.argv.pop(1)
    if command not in COMMANDS:
        print(f"kohtaanto: unknown command {command!r}; known: {', '.join(COMMANDS)}",
              file=sys.stderr)
        raise SystemExit(2)
    sys.argv[0] = f"kohtaanto {command}"
    run_app()


if __name__ == "__main__":
    main()
