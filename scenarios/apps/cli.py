"""The ``kohtaanto`` command: ``kohtaanto <command> [hydra overrides]``.

Each command is a Hydra app over ``conf/config.yaml`` (``run``: :mod:`scenarios.apps.run`;
``compare``, ``trial``, ``collect``: :mod:`scenarios.apps.campaigns`; ``sensitivity``,
``calibrate``: :mod:`scenarios.apps.analyses`), sharing :mod:`scenarios.apps.common`. A bad setting
is refused before anything runs, with a message naming it (exit status 2); every output file is
written whole or not at all, ``run.json`` last.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from model.hydra_config import normalise_overrides
from model.params import ConfigError
from scenarios.apps.common import APP_KEYS, fail

COMMANDS = {
    "run": "simulate one scenario and write its indicators",
    "compare": "compare scenarios over paired replications: effects, costs, a report",
    "trial": "a virtual randomised trial of one intervention",
    "collect": "gather the jobs of a sweep directory into one table with plots",
    "sensitivity": "global sensitivity analysis (SALib Morris or Sobol)",
    "calibrate": "calibrate parameters to the observed data (simulated moments)",
    "dashboard": "the planners' web dashboard (solara run; --port N, --host H)",
    "plan": "print the month's plan: phases, the model's steps, each hook point's interventions",
}


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
            fail(f"sweep job {k} of {len(combos)} checked ({' '.join(combo)}): {exc}; "
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
        from scenarios.apps.run import run_app

        if "-m" in sys.argv or "--multirun" in sys.argv:
            check_sweep(sys.argv[1:])
        run_app()
    elif command in ("compare", "trial"):
        from scenarios.apps.campaigns import compare_app, trial_app

        _set_run_dir(command)
        (compare_app if command == "compare" else trial_app)()
    elif command in ("sensitivity", "calibrate"):
        from scenarios.apps.analyses import calibrate_app, sensitivity_app

        _set_run_dir(command)
        (sensitivity_app if command == "sensitivity" else calibrate_app)()
    elif command == "dashboard":
        raise SystemExit(dashboard_main(sys.argv[1:]))
    elif command == "collect":
        from scenarios.apps.campaigns import collect_main

        raise SystemExit(collect_main(sys.argv[1:]))
    elif command == "plan":
        raise SystemExit(plan_main(sys.argv[1:]))


def plan_main(argv: list[str]) -> int:
    """``kohtaanto plan [--all] [overrides]``: the month's plan as a Markdown table.

    The interventions listed at each hook point are those the configured scenario switches on
    (``scenario=kuntakokeilu``), or with ``--all`` every registered one.
    """
    from model.hydra_config import compose_config
    from model.intervention import month_plan
    from model.phases import plan_table

    every = "--all" in argv
    overrides = [a for a in argv if a != "--all"]
    try:
        scenario = None if every else compose_config(overrides).scenario
    except ConfigError as exc:
        fail(str(exc))
    print(plan_table(month_plan(scenario)))
    return 0


def dashboard_main(argv: list[str]) -> int:
    """Start the dashboard with ``solara run`` (arguments are passed on, e.g. ``--port 8765``).

    The process becomes the server (``exec``), so stopping ``kohtaanto dashboard`` stops it.
    """
    import subprocess

    app = Path(__file__).with_name("dashboard_app.py")
    cmd = [sys.executable, "-m", "solara", "run", str(app), "--production", *argv]
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
