"""Sensitivity analysis and calibration pipelines."""

import numpy as np
import pandas as pd
import pytest

from calibration.calibrate import Calibration, calibrate
from calibration.sensitivity import Campaign, check, run_campaign
from calibration.targets import PATTERNS, distance, simulated, targets
from model.hydra_config import compose_config
from model.parameters import Parameter, apply, select
from model.params import ConfigError
from model.region_model import RegionModel

ISHIGAMI = [Parameter(f"x{i}", -np.pi, np.pi, 0.0, False, "test") for i in (1, 2, 3)]
# Analytic Ishigami indices (a = 7, b = 0.1)
S1 = np.array([0.3139, 0.4424, 0.0])
ST = np.array([0.5576, 0.4424, 0.2437])


@pytest.fixture(scope="module")
def small():
    return compose_config(["scale=0.03", "end=2020-06"])


def test_sobol_pipeline_recovers_ishigami_indices(tmp_path):
    c = Campaign(method="sobol", parameters=ISHIGAMI, n=1024, outputs=["y"], model="ishigami",
                 chunk_size=2048, noise_seeds=2, seed=3)
    res = run_campaign(c, compose_config(["scale=0.02"]), tmp_path, workers=1, progress=False)
    idx = res["indices"].set_index("parameter")
    np.testing.assert_allclose(idx.S1.to_numpy(), S1, atol=0.06)
    np.testing.assert_allclose(idx.ST.to_numpy(), ST, atol=0.06)
    conv = res["convergence"]
    assert sorted(conv.n.unique()) == [256, 512, 1024]
    for name in ("indices.csv", "indices.parquet", "convergence.csv", "seed_noise.csv",
                 "report.md", "indices_y.png", "convergence_y.png"):
        assert (tmp_path / name).exists(), name


def test_morris_pipeline_ranks_ishigami_x3_lowest_in_mu_star(tmp_path):
    c = Campaign(method="morris", parameters=ISHIGAMI, n=64, outputs=["y"], model="ishigami",
                 chunk_size=1000, noise_seeds=2, seed=3)
    idx = run_campaign(c, compose_config(["scale=0.02"]), tmp_path, 1, False)["indices"]
    order = idx.sort_values("mu_star").parameter.tolist()
    assert order[0] == "x3"


def test_interrupted_campaign_resumes_with_the_same_indices(tmp_path, small):
    params = select(small, ["economy.quit_rate", "economy.hire_scale"])
    c = Campaign(method="morris", parameters=params, n=2, outputs=["unemployment_rate@2020-06"],
                 chunk_size=2, noise_seeds=2, seed=5)
    first = run_campaign(c, small, tmp_path / "a", workers=1, progress=False)["indices"]
    chunks = sorted((tmp_path / "a" / "chunks").glob("chunk__*.parquet"))
    assert len(chunks) == 3
    chunks[1].unlink()  # as if the campaign had stopped before this chunk
    (tmp_path / "a" / "chunks" / "noise__rep001.parquet").unlink()
    again = run_campaign(c, small, tmp_path / "a", workers=1, progress=False)["indices"]
    pd.testing.assert_frame_equal(first, again)
    assert len(list((tmp_path / "a" / "chunks").glob("chunk__*.parquet"))) == 3


def test_seed_noise_is_reported_beside_parameter_variance(tmp_path, small):
    params = select(small, ["economy.quit_rate", "economy.hire_scale"])
    c = Campaign(method="morris", parameters=params, n=2,
                 outputs=["structural_unemployment@2020-06"], chunk_size=6, noise_seeds=3)
    noise = run_campaign(c, small, tmp_path, 1, False)["noise"]
    assert noise.variance_across_seeds.iloc[0] > 0
    assert noise.variance_across_sample.iloc[0] > 0


@pytest.mark.parametrize("kwargs, fragment", [
    ({"method": "fast"}, "sensitivity.method"),
    ({"method": "sobol", "n": 100}, "power of two"),
    ({"outputs": ["nonsense"]}, "sensitivity.outputs"),
    ({"parameters": ISHIGAMI[:1]}, "at least 2"),
    ({"levels": 1}, r"sensitivity.levels = 1; Morris needs at least 2"),
    ({"chunk_size": 0}, r"sensitivity.chunk_size = 0; it must be >= 1"),
    ({"noise_seeds": 1}, r"sensitivity.noise_seeds = 1; it must be >= 2"),
    ({"outputs": []}, "sensitivity.outputs is empty"),
    ({"outputs": ["nosuch@2020-06"]}, "unknown indicator 'nosuch'"),
    ({"outputs": ["unemployment_rate@2030-12"]}, r"outside the run \(2018-01 … 2022-12\)"),
    ({"outputs": ["unemployment_rate@2017-06"]}, "outside the run"),
    ({"outputs": ["unemployment_rate@2020-13"]}, "is not a month"),
    ({"outputs": ["effect:atlantis:unemployment_rate"]}, "unknown scenario 'atlantis'"),
    ({"outputs": ["effect:kuntakokeilu:nosuch"]}, "unknown indicator 'nosuch'"),
])
def test_bad_campaigns_are_refused(kwargs, fragment):
    c = Campaign(**{"parameters": ISHIGAMI, **kwargs})
    with pytest.raises(ConfigError, match=fragment):
        check(c, "2022-12")


def test_an_effect_needs_a_run_that_reaches_the_experiment():
    c = Campaign(parameters=ISHIGAMI, outputs=["effect:kuntakokeilu:structural_unemployment"])
    with pytest.raises(ConfigError, match="sensitivity.end = 2020-12 does not reach"):
        check(c, "2020-12")


def test_good_outputs_pass_the_check():
    c = Campaign(parameters=ISHIGAMI, outputs=[
        "structural_unemployment@2022-12", "effect:kuntakokeilu:structural_unemployment",
        "distance", "cost_coaching@2021-06", "clients_per_advisor@2020-01"])
    check(c, "2022-12")


@pytest.mark.parametrize("field, value, fragment", [
    ("design", 2, r"calibrate.design = 2; it must be >= 4"),
    ("seeds", 0, r"calibrate.seeds = 0"),
    ("local_iterations", -5, r"calibrate.local_iterations = -5; it must be >= 0"),
    ("chunk_size", 0, r"calibrate.chunk_size = 0"),
    ("accept", 0.0, r"calibrate.accept = 0.0; allowed: \(0, 1\]"),
    ("local_step", 0.0, r"calibrate.local_step = 0.0; allowed: \(0, 0.5\]"),
])
def test_bad_calibration_settings_are_refused(field, value, fragment):
    from dataclasses import replace

    from calibration.calibrate import Calibration
    from calibration.calibrate import check as check_calibration

    c = replace(Calibration(ISHIGAMI), **{field: value})
    with pytest.raises(ConfigError, match=fragment):
        check_calibration(c)


def test_the_first_simplex_steps_every_parameter_inside_the_ranges():
    from calibration.calibrate import first_simplex

    x0 = np.array([0.0, 0.5, 0.95, 1.0])
    s = first_simplex(x0, 0.1)
    assert s.shape == (5, 4) and np.array_equal(s[0], x0)
    assert np.allclose(np.diag(s[1:]), [0.1, 0.6, 0.85, 0.9])  # inwards at the upper bound
    off = ~np.eye(4, dtype=bool)
    assert np.array_equal(s[1:][off], np.tile(x0, (4, 1))[off])
    assert ((s >= 0) & (s <= 1)).all()


def test_install_replaces_both_files_or_neither(tmp_path):
    from calibration.calibrate import install

    into = tmp_path / "conf"
    into.mkdir()
    (into / "default.yaml").write_text("old defaults")
    (into / "draws.csv").write_text("old draws")
    out = tmp_path / "cal"
    out.mkdir()
    (out / "calibrated.yaml").write_text("new defaults")
    with pytest.raises(FileNotFoundError):  # no draws.csv: nothing may change
        install(out, into)
    assert (into / "default.yaml").read_text() == "old defaults"
    assert (into / "draws.csv").read_text() == "old draws"
    assert sorted(p.name for p in into.iterdir()) == ["default.yaml", "draws.csv"]
    (out / "calibrated.yaml").unlink()
    (out / "draws.csv").write_text("new draws")
    with pytest.raises(FileNotFoundError):  # the draws are staged, the defaults missing: no change
        install(out, into)
    assert (into / "draws.csv").read_text() == "old draws"
    assert sorted(p.name for p in into.iterdir()) == ["default.yaml", "draws.csv"]
    (out / "calibrated.yaml").write_text("new defaults")
    install(out, into)
    assert (into / "default.yaml").read_text() == "new defaults"
    assert (into / "draws.csv").read_text() == "new draws"
    assert sorted(p.name for p in into.iterdir()) == ["default.yaml", "draws.csv"]


def test_parameter_bounds_are_validated(small):
    with pytest.raises(ConfigError, match="declared range"):
        select(small, ["economy.quit_rate"], bounds={"economy.quit_rate": [-0.1, 0.02]})
    with pytest.raises(ConfigError, match="sensitivity.parameters: unknown parameter.*"
                                          "docs/parameters.md"):
        select(small, ["economy.no_such_thing"])
    with pytest.raises(ConfigError, match=r"calibrate.spread = -1.0; it must be > 0"):
        select(small, ["economy.quit_rate"], spread=-1.0, app="calibrate")
    with pytest.raises(ConfigError, match="not among the selected"):
        select(small, ["economy.quit_rate"], bounds={"economy.hire_scale": [1, 2]})
    for bad in ([1, "high"], 5, [1, 2, 3], [True, 2]):
        with pytest.raises(ConfigError, match="two numbers"):
            select(small, ["economy.hire_scale"], bounds={"economy.hire_scale": bad})
    (whole,) = select(small, ["economy.duration_penalty_months"],
                      bounds={"economy.duration_penalty_months": [6, 12]})
    assert (whole.low, whole.high) == (6.0, 12.0)
    group = select(small, ["scenario.wage_subsidy"])
    assert {p.name for p in group} >= {"scenario.wage_subsidy.rate",
                                       "scenario.wage_subsidy.deadweight"}
    for p in group:
        assert p.low < p.high


def test_apply_sets_nested_values_and_keeps_types(small):
    cfg = apply(small, {"economy.quit_rate": 0.011, "economy.vacancy_max_months": 4.4})
    assert cfg.economy.quit_rate == 0.011 and cfg.economy.vacancy_max_months == 4
    assert small.economy.quit_rate != 0.011  # the original is unchanged


def test_targets_cover_every_pattern_with_sources():
    tg = targets()
    assert set(tg.pattern) == set(PATTERNS)
    assert tg.source.str.len().min() > 10
    assert (tg[tg.pattern == "lahti_rate"].month.between("2018-01", "2022-12")).all()


def test_the_lapses_by_duration_are_a_pattern_a_calibration_may_add(small_run):
    assert "lapses_duration" not in set(targets().pattern)
    tg = targets(last="2020-12", patterns=[*PATTERNS, "lapses_duration"])
    lapses = tg[tg.pattern == "lapses_duration"]
    assert len(lapses) == 7 and (lapses.kind == "log").all()
    sim = simulated(small_run, tg)
    assert np.isfinite(sim[(tg.pattern == "lapses_duration").to_numpy()]).all()
    # the pattern counts in the distance: a model without lapses is far from it
    without = sim.copy()
    without[(tg.pattern == "lapses_duration").to_numpy()] = 1e-6
    assert distance(without, tg) > distance(sim, tg) + 10
    with pytest.raises(ValueError, match="unknown pattern"):
        targets(patterns=["atlantis"])


def test_calibration_recovers_a_known_parameter_from_simulated_data(tmp_path):
    """Data simulated by the model (mean of 3 seeds) at demand_elasticity = 1.6; calibrate it
    from [0.8, 2.4] with two other seeds.

    Scale 0.2: at 0.05 the seed-to-seed noise of the small municipalities' rates is larger than
    the parameter's effect on 2018-2020, and the distance surface has no usable minimum.
    """
    from dataclasses import replace

    base = compose_config(["scale=0.2", "end=2020-12"])
    truth = apply(base, {"economy.demand_elasticity": 1.6})
    tg = targets(last="2020-12")
    tg = tg[tg.pattern.isin(["lahti_rate", "municipal_rates", "lahti_counts"])].copy()
    tg["value"] = np.mean([simulated(RegionModel(replace(truth, seed=s)).run(), tg)
                           for s in (101, 102, 103)], axis=0)
    params = select(base, ["economy.demand_elasticity"],
                    bounds={"economy.demand_elasticity": [0.8, 2.4]})
    rec = calibrate(Calibration(params, design=16, seeds=2, local_iterations=10, chunk_size=4,
                                accept=0.25), base, tg, tmp_path, workers=2, progress=False)
    draws = rec["draws"]["economy.demand_elasticity"]
    # the accepted draws (the approximate posterior) centre on the truth and bracket it
    assert len(draws) >= 3
    assert draws.mean() == pytest.approx(1.6, rel=0.2)
    assert draws.min() <= 1.6 <= draws.max()
    assert rec["values"]["economy.demand_elasticity"] == pytest.approx(1.6, rel=0.4)
    assert rec["distance"] <= rec["default_distance"]
    text = (tmp_path / "calibrated.yaml").read_text()
    assert text.startswith("# @package _global_") and "demand_elasticity" in text


def test_distance_is_zero_against_its_own_simulation(small):
    m = RegionModel(small).run()
    tg = targets(last="2020-06")
    tg = tg[tg.pattern != "duration"].copy()
    tg["value"] = simulated(m, tg)
    tg = tg.dropna(subset=["value"])
    assert distance(simulated(m, tg), tg) == pytest.approx(0.0, abs=1e-12)


def test_calibrate_command_screens_then_calibrates_and_writes_the_fit(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "cal"
    r = subprocess.run(
        [sys.executable, "-m", "scenarios.apps.cli", "calibrate", "calibrate.screen=2",
         "calibrate.screen_trajectories=2", "calibrate.design=4", "calibrate.seeds=1",
         "calibrate.local_iterations=2", "calibrate.scale=0.03", "calibrate.end=2020-12",
         "calibrate.parameters=[economy.quit_rate,economy.hire_scale,economy.vacancy_speed]",
         f"hydra.run.dir={out}"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert "screened in:" in r.stdout
    for name in ("calibrated.yaml", "draws.csv", "design.csv", "fit.csv", "fit.png", "report.md",
                 "screening/indices.csv", "untargeted.csv", "held_out.csv", "configs/base.yaml"):
        assert (out / name).exists(), name
    import json

    record = json.loads((out / "run.json").read_text())
    assert record["command"] == "calibrate" and record["seed"] == 42
    assert record["versions"]["SALib"] and record["values"]
    assert set(record["values"]) <= {"economy.quit_rate", "economy.hire_scale",
                                     "economy.vacancy_speed"}
    assert "scale: 0.03" in (out / "configs" / "base.yaml").read_text()
    # Lahti's points after the calibration window are compared out of sample, never fitted
    hold = pd.read_csv(out / "held_out.csv", dtype={"month": str})
    assert hold.month.min() > "2020-12" and {"2021-02", "2025-01"} <= set(hold.month)
    assert hold.simulated.between(0.05, 0.35).all()
    assert "Held out" in (out / "report.md").read_text()
    extra = pd.read_csv(out / "untargeted.csv")
    shares = extra[extra.what == "ended_spells_share"]
    assert set(shares.key) == {"work", "services", "outside", "lapsed"}
    assert 0.9 < shares.simulated.sum() <= 1.0  # the rest ended in education
    lapses = extra[extra.what == "exit_to_lapsed"]
    assert len(lapses) == 7 and (lapses.simulated > 0).all()
    assert "The register's flows beside the fit" in (out / "report.md").read_text()
    fit = pd.read_csv(out / "fit.csv")
    assert {"value", "simulated", "simulated_low", "simulated_high", "error_in_units",
            "source"} <= set(fit.columns)


def test_held_out_points_are_never_targets():
    from calibration.targets import TARGET_END, held_out

    hold = held_out()
    assert len(hold) >= 5 and (hold.month > TARGET_END).all() and "2025-01" in set(hold.month)
    tg = targets()
    lahti = tg[tg.pattern == "lahti_rate"]
    assert (lahti.month <= TARGET_END).all() and not set(lahti.month) & set(hold.month)


def test_bounds_from_the_command_line_may_be_whole_numbers():
    """``calibrate.bounds={x:[6,12]}`` composes (Hydra would refuse ints in a list of floats)."""
    from model.hydra_config import compose_raw

    raw = compose_raw(["calibrate.bounds={economy.duration_penalty_months:[6,12]}",
                       "sensitivity.bounds={economy.hire_scale:[1,2.5]}"])
    assert list(raw.calibrate.bounds["economy.duration_penalty_months"]) == [6, 12]
    assert list(raw.sensitivity.bounds["economy.hire_scale"]) == [1, 2.5]
