"""The kohtaanto command, run as a user would (real Hydra, real files)."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

KOHTAANTO = [sys.executable, "-m", "model.cli"]


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
