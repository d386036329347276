"""The ``kohtaanto`` command: ``kohtaanto run [hydra overrides]``.

``run`` is a Hydra app over ``conf/config.yaml``. It validates the configuration before anything
runs, simulates the region, and writes into Hydra's output directory:

* ``indicators.parquet`` — the tidy indicator table (month × municipality × group × indicator);
* ``config.yaml`` — the resolved configuration; ``run.json`` — seed, package versions, timings;
* ``headline.png`` — the headline indicators against the observed points.

Every file is written whole or not at all; ``run.json`` is written last and marks a complete run.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from model.hydra_config import CONF_DIR, normalise_overrides, register_configs
from model.params import ConfigError

COMMANDS = {
    "run": "simulate one scenario and write its indicators",
    "compare": "compare scenarios over paired replications: effects, costs, a report",
    "trial": "a virtual randomised trial of one intervention",
    "collect": "gather the jobs of a sweep directory into one table with plots",
    "sensitivity": "global sensitivity analysis (SALib Morris or Sobol)",
    "calibrate": "calibrate parameters to the observed data (simulated moments)",
    "dashboard": "the planners' web dashboard (solara run; --port N, --host H)",
}
#: Keys of the Hydra config that configure an app, not the model.
APP_KEYS = ("compare.", "trial.", "output.", "sensitivity.", "calibrate.", "hydra.", "hydra/")


def check_workers(name: str, value: int) -> None:
    """Refuse a negative number of worker processes (0 means one per core)."""
    if int(value) < 0:
        raise ConfigError(f"{name} = {value}; allowed: 0 (one per core) or more")


#: Sweeps with more combinations than this are checked one swept value at a time.
SWEEP_CHECK_ALL = 24


def check_sweep(args: list[str]) -> None:
    """Validate the combinations of a ``run -m`` sweep before any job starts (exit 2 if one is bad).

    Hydra validates a sweep job by job as it launches them; this checks them first, so that a bad
    value does not stop a sweep half-way. Up to :data:`SWEEP_CHECK_ALL` combinations are each
    composed; a larger sweep is checked one swept value at a time (the other keys at their first
    value), since composing takes about half a second. Sweeps this check cannot expand (``glob``,
    ``interval``, another config directory or search path) are left to Hydra.
    """
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    from model.hydra_config import compose_config

    if any(a.startswith(("--config-dir", "-cd", "--config-path", "-cp", "--config-name", "-cn"))
           or "hydra.searchpath" in a for a in args):
        return
    model = [a for a in args if not a.startswith("-") and "=" in a
             and not a.lstrip("+~").startswith(APP_KEYS)]
    try:
        parsed = OverridesParser.create().parse_overrides(model)
        combos = [c for batch in BasicSweeper.split_arguments(parsed, None) for c in batch]
    except Exception:  # noqa: BLE001 - not expandable here (glob, interval, grammar): Hydra's job
        return
    if len(combos) > SWEEP_CHECK_ALL:
        combos = _one_at_a_time(combos)
    for k, combo in enumerate(combos):
        try:
            compose_config(combo)
        except ConfigError as exc:
            _fail(f"sweep job {k} of {len(combos)} checked ({' '.join(combo)}): {exc}; "
                  "nothing was run")
        except Exception:  # noqa: BLE001 - anything but a bad value: Hydra reports it
            return


def _one_at_a_time(combos: list[list[str]]) -> list[list[str]]:
    """The first combination, and each other value of each swept key with the rest as in it."""
    first = combos[0]
    seen = {(i, o) for i, o in enumerate(first)}
    out = [first]
    for combo in combos[1:]:
        for i, o in enumerate(combo):
            if (i, o) not in seen:
                seen.add((i, o))
                out.append(first[:i] + [o] + first[i + 1:])
    return out


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
    done = out_dir / "run.json"
    if done.exists():  # a finished job of an interrupted sweep: do not run it again
        previous = json.loads(done.read_text()).get("config")
        from dataclasses import asdict

        from model.config import config_from_dict

        try:
            now = asdict(config_from_dict(OmegaConf.to_container(cfg, resolve=True)))
        except ConfigError as exc:
            _fail(str(exc))
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


def _model_overrides() -> list[str]:
    """The command line's overrides that configure the model (not the app, not Hydra)."""
    task = list(HydraConfig.get().overrides.task)
    return [o for o in task if not o.lstrip("+~").startswith(APP_KEYS)]


@hydra.main(config_path=str(CONF_DIR), config_name="config", version_base="1.3")
def compare_app(cfg: DictConfig) -> None:
    """Hydra entry point of ``kohtaanto compare``."""
    from scenarios.compare import Horizons, run_comparison
    from scenarios.report import summary_frame

    logging.getLogger("MESA").setLevel(logging.WARNING)
    out = Path(HydraConfig.get().runtime.output_dir)
    c = cfg.compare
    overrides = [f"scale={c.scale}", f"end={c.end}"] + [
        o for o in _model_overrides() if not o.startswith("scenario=")]
    try:
        check_workers("compare.workers", c.workers)
        package = [o for o in overrides if o.lstrip("+~").startswith("experiment=")]
        if package:
            raise ConfigError(f"{package[0]} would apply to the reference and to every scenario "
                              "alike; compare scenarios (compare.scenarios) and run a package "
                              "with kohtaanto run +experiment=<name>")
    except ConfigError as exc:
        _fail(str(exc))
    try:
        record = run_comparison(list(c.scenarios), c.reference, int(c.replications), overrides,
                                int(cfg.seed), out, int(c.workers),
                                Horizons(c.measure_start, c.experiment_end),
                                parameter_draws=bool(c.parameter_draws))
    except ConfigError as exc:
        _fail(str(exc))
    eff = record.pop("effects")
    write_app_record(out, cfg, "compare", **record)
    print(f"kohtaanto compare: {record['jobs']} runs in {record['seconds']} s; report in "
          f"{out / 'report.html'}")
    table = summary_frame(eff)
    if not table.empty:
        cols = ["structural_unemployment", "unemployment_rate", "employment",
                "cost_per_employed_person_year_eur"]
        cols = [x for x in cols if x in table.columns]
        with __import__("pandas").option_context("display.width", 200, "display.max_colwidth", 40):
            print(table[cols].to_string())


def write_text_cfg(out: Path, cfg: DictConfig, note: str = "") -> None:
    """Write the resolved configuration beside the outputs (``note``: a first comment line)."""
    from model.output import write_text

    head = f"# {note}\n" if note else ""
    write_text(out / "config.yaml", head + OmegaConf.to_yaml(cfg))


#: The first line of an app's ``config.yaml``: the model settings in it are not what was run.
APP_CONFIG_NOTE = ("The command's settings as composed by Hydra. The model configurations "
                   "actually run (with the app's scale, end and scenarios) are in configs/.")


def write_app_record(out: Path, cfg: DictConfig, command: str, **extra) -> None:
    """Write an app's ``config.yaml`` and its ``run.json`` (seed, versions, settings, extras)."""
    from model.output import provenance, write_json

    write_text_cfg(out, cfg, APP_CONFIG_NOTE)
    write_json(out / "run.json", provenance(OmegaConf.to_container(cfg, resolve=True),
                                            command=command, **extra))


def main() -> None:
    """Dispatch ``kohtaanto <command> [overrides]``."""
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print("usage: kohtaanto <command> [hydra overrides]\n\ncommands:")
        for name, text in COMMANDS.items():
            print(f"  {name:10s} {text}")
        print("\nexamples: kohtaanto run scale=0.1 seed=3 end=2026-12\n"
              "          kohtaanto compare compare.replications=8 scale=0.1")
        raise SystemExit(0 if len(sys.argv) >= 2 else 2)
    # Commands only write figures to files: no window system, in this process or its workers.
    # (The library modules leave the backend alone, so notebooks keep theirs.)
    os.environ.setdefault("MPLBACKEND", "Agg")
    command = sys.argv.pop(1)
    if command not in COMMANDS:
        print(f"kohtaanto: unknown command {command!r}; known: {', '.join(COMMANDS)}",
              file=sys.stderr)
        raise SystemExit(2)
    sys.argv[0] = f"kohtaanto {command}"
    sys.argv[1:] = normalise_overrides(sys.argv[1:])
    if command == "run":
        if "-m" in sys.argv or "--multirun" in sys.argv:
            check_sweep(sys.argv[1:])
        run_app()
    elif command == "compare":
        _set_run_dir("compare")
        compare_app()
    elif command == "trial":
        from scenarios.trial import trial_app

        _set_run_dir("trial")
        trial_app()
    elif command in ("sensitivity", "calibrate"):
        from calibration.apps import calibrate_app, sensitivity_app

        _set_run_dir(command)
        (sensitivity_app if command == "sensitivity" else calibrate_app)()
    elif command == "dashboard":
        raise SystemExit(dashboard_main(sys.argv[1:]))
    elif command == "collect":
        from scenarios.collect import collect_main

        raise SystemExit(collect_main(sys.argv[1:]))


def dashboard_main(argv: list[str]) -> int:
    """Start the dashboard with ``solara run`` (arguments are passed on, e.g. ``--port 8765``).

    The process becomes the server (``exec``), so stopping ``kohtaanto dashboard`` stops it.
    """
    import subprocess

    from model.hydra_config import CONF_DIR

    app = CONF_DIR.parent / "dashboard" / "app.py"
    solara = Path(sys.executable).with_name("solara")
    cmd = [str(solara), "run", str(app), "--production", *argv]
    print("kohtaanto dashboard: " + " ".join(cmd), flush=True)
    if os.name == "posix":
        os.execv(cmd[0], cmd)
    return subprocess.call(cmd)


def _set_run_dir(name: str) -> None:
    """Put an app's outputs under outputs/<name>/ unless the command line says otherwise."""
    if not any(a.startswith("hydra.run.dir=") for a in sys.argv[1:]):
        sys.argv.append(f"hydra.run.dir=outputs/{name}/${{now:%Y-%m-%d_%H-%M-%S}}")


if __name__ == "__main__":
    main()
