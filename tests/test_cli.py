"""The kohtaanto command, run as a user would (real Hydra, real files)."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

KOHTAANTO = [sys.executable, "-m", "scenarios.apps.cli"]


def run(args, cwd):
    return subprocess.run(KOHTAANTO + args, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_run_writes_indicators_config_provenance_and_figure(tmp_path):
    out = tmp_path / "out"
    r = run(["run", "scale=0.03", "end=2018-12", "seed=7", f"hydra.run.dir={out}"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "unemployment rate" in r.stdout
    df = pd.read_parquet(out / "indicators.parquet")
    assert set(df.month.astype(str).unique()) == {f"2018-{m:02d}" for m in range(1, 13)}
    assert {"unemployment_rate", "structural_unemployment", "activation_rate"} <= set(
        df.indicator.astype(str))
    record = json.loads((out / "run.json").read_text())
    assert record["seed"] == 7 and record["config"]["scale"] == 0.03
    assert record["versions"]["mesa"].startswith("3.5")
    assert (out / "config.yaml").read_text().count("seed: 7") == 1
    assert (out / "headline.png").stat().st_size > 10_000
    assert not list(out.glob(".*.tmp"))


def test_invalid_configuration_is_refused_before_any_run(tmp_path):
    out = tmp_path / "bad"
    r = run(["run", "scale=-1", f"hydra.run.dir={out}"], tmp_path)
    assert r.returncode == 2
    assert "scale" in r.stderr and "allowed range" in r.stderr
    assert not (out / "indicators.parquet").exists() and not (out / "run.json").exists()


def test_unknown_command_and_help(tmp_path):
    r = run(["frobnicate"], tmp_path)
    assert r.returncode == 2 and "unknown command" in r.stderr
    r = run(["--help"], tmp_path)
    assert r.returncode == 0 and "run" in r.stdout


def test_multirun_sweep_with_the_basic_launcher(tmp_path):
    sweep = tmp_path / "sweep"
    r = run(["run", "-m", "scale=0.02", "end=2018-03", "seed=1,2", f"hydra.sweep.dir={sweep}"],
            tmp_path)
    assert r.returncode == 0, r.stderr
    runs = sorted(Path(sweep).glob("*/run.json"))
    assert len(runs) == 2
    seeds = {json.loads(p.read_text())["seed"] for p in runs}
    assert seeds == {1, 2}


def test_a_sweep_is_validated_whole_before_any_job_runs(tmp_path):
    sweep = tmp_path / "sweep"
    r = run(["run", "-m", "scale=0.02", "end=2018-03", "scenario.services.caseload=40,5000,60",
             f"hydra.sweep.dir={sweep}"], tmp_path)
    assert r.returncode == 2
    assert "sweep job 1 of 3 checked" in r.stderr and "scenario.services.caseload" in r.stderr
    assert "nothing was run" in r.stderr
    assert not list(tmp_path.rglob("run.json"))


def test_sweeps_the_check_cannot_expand_are_left_to_hydra(tmp_path):
    sweep = tmp_path / "glob"
    r = run(["run", "-m", "scenario=glob(te_off*)", "scale=0.02", "end=2018-02", "output.plot=false",
             f"hydra.sweep.dir={sweep}"], tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert len(list(sweep.glob("*/run.json"))) == 1


def test_a_large_sweep_is_checked_one_value_at_a_time():
    from scenarios.apps.cli import _one_at_a_time

    combos = [[f"a={a}", f"b={b}", f"c={c}"] for a in (1, 2, 3) for b in (4, 5) for c in (6, 7)]
    checked = _one_at_a_time(combos)
    assert checked[0] == ["a=1", "b=4", "c=6"]
    assert sorted(map(tuple, checked[1:])) == [("a=1", "b=4", "c=7"), ("a=1", "b=5", "c=6"),
                                              ("a=2", "b=4", "c=6"), ("a=3", "b=4", "c=6")]


def test_bad_app_settings_get_a_message_not_a_traceback(tmp_path):
    for args, fragment in (
            (["compare", "compare.workers=-1"], "compare.workers = -1; allowed: 0"),
            (["trial", "trial.workers=-2"], "trial.workers = -2"),
            (["sensitivity", "sensitivity.workers=-1"], "sensitivity.workers = -1"),
            (["calibrate", "calibrate.workers=-1"], "calibrate.workers = -1"),
            (["calibrate", "calibrate.patterns=[lahti_rate,atlantis]"],
             "calibrate.patterns: unknown pattern(s) ['atlantis']; allowed: lahti_rate"),
            (["calibrate", "calibrate.patterns=[]"], "calibrate.patterns: choose at least one"),
            (["sensitivity", "sensitivity.reference=atlantis"], "sensitivity.reference = 'atlantis'"),
            (["compare", "+experiment=skills_package"], "+experiment=skills_package would apply"),
    ):
        r = run(args + [f"hydra.run.dir={tmp_path / 'out'}"], tmp_path)
        assert r.returncode == 2, (args, r.stderr[-500:])
        assert "invalid configuration: " + fragment in r.stderr, (args, r.stderr[-500:])
        assert "Traceback" not in r.stderr
    assert not list(tmp_path.rglob("run.json"))


def test_sensitivity_command_records_its_settings_seed_and_versions(tmp_path):
    out = tmp_path / "sens"
    r = run(["sensitivity", "sensitivity.model=ishigami", "sensitivity.n=4", "sensitivity.workers=1",
             "sensitivity.scale=0.02", "sensitivity.end=2018-06", "seed=5", f"hydra.run.dir={out}"],
            tmp_path)
    assert r.returncode == 0, r.stderr
    record = json.loads((out / "run.json").read_text())
    assert record["command"] == "sensitivity" and record["seed"] == 5
    assert record["versions"]["SALib"] and record["rows"] > 0
    assert (out / "config.yaml").read_text().startswith("# The command's settings")
    assert "end: 2018-06" in (out / "configs" / "base.yaml").read_text()
    assert (out / "indices.csv").exists()


def test_trial_command_records_the_configuration_it_ran(tmp_path):
    out = tmp_path / "trial"
    r = run(["trial", "trial.replications=2", "trial.follow_up=[6]", "trial.workers=1",
             "trial.scale=0.02", "seed=4", f"hydra.run.dir={out}"], tmp_path)
    assert r.returncode == 0, r.stderr
    record = json.loads((out / "run.json").read_text())
    assert record["command"] == "trial" and record["seed"] == 4 and record["scale"] == 0.02
    assert record["versions"]["numpy"]
    trial_cfg = (out / "configs" / "trial.yaml").read_text()
    assert "scale: 0.02" in trial_cfg and "end: 2021-09" in trial_cfg
    assert (out / "trial.md").exists()
