"""Policy comparison, virtual trials, reports, sweeps and resume."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model.params import ConfigError
from scenarios.campaigns.compare import Horizons, check_settings, effects, run_comparison, summarise
from scenarios.campaigns.runner import Job, jobs_for, run_jobs, run_scenario_job
from scenarios.campaigns.trial import run_trial

BASE = ["scale=0.03", "end=2022-06"]
KOHTAANTO = [sys.executable, "-m", "scenarios.apps.cli"]


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp")
    rec = run_comparison(["te_office", "kuntakokeilu", "wage_subsidy"], "te_office", 3, BASE,
                         seed=11, out=out, workers=2, progress=False)
    return out, rec


def test_reference_against_itself_has_exactly_zero_effect(comparison):
    out, _ = comparison
    results = pd.read_parquet(out / "results.parquet")
    ref = results[results.label == "te_office"]
    twin = ref.assign(label="te_office_again")
    summary = summarise(pd.concat([ref, twin]), Horizons())
    eff = effects(summary, "te_office")
    assert len(eff) > 100
    assert (eff.dropna(subset=["low"]).effect == 0).all()
    assert (eff.dropna(subset=["low"]).low == 0).all()


def test_paired_interval_is_narrower_than_unpaired(comparison):
    out, rec = comparison
    eff = rec["effects"]
    sel = eff[(eff.horizon == "experiment") & (eff.municipality == "region") & (eff.group == "all")
              & eff.indicator.isin(["unemployment_rate", "structural_unemployment", "employment"])]
    assert len(sel) == 6
    ratio = (sel.high - sel.low) / (sel.unpaired_high - sel.unpaired_low)
    # Common random numbers shrink the intervals. With 3 replications a width is itself very
    # uncertain (a standard deviation from 2 degrees of freedom), and the streams are common per
    # phase, not per person: at this scale a scenario that changes matching as much as
    # kuntakokeilu decorrelates employment within months. So the test asks for a clear shrinkage
    # on average and in most cases, not in every one of the six.
    shown = sel.assign(ratio=ratio)[["label", "indicator", "ratio"]]
    assert ratio.mean() < 0.8, shown
    assert (ratio < 1.0).sum() >= 4, shown


def test_report_and_tables_contain_the_scenarios_asked_for(comparison):
    out, rec = comparison
    for name in ("report.html", "summary.md", "effects.parquet", "effects.csv",
                 "summary.parquet", "results.parquet", "results.csv"):
        assert (out / name).stat().st_size > 500, name
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") >= 6
    for s in ("kuntakokeilu", "wage_subsidy"):
        assert s in html and s in (out / "summary.md").read_text()
    eff = pd.read_parquet(out / "effects.parquet")
    assert set(eff.label) == {"kuntakokeilu", "wage_subsidy"}
    assert {"experiment", "+1y"} <= set(eff.horizon)
    assert {"Lahti", "Hollola", "region"} <= set(eff.municipality)
    assert {"all", "target", "under30", "foreign_language"} <= set(eff.group)
    for ind in ("structural_unemployment", "unemployment_rate", "broad_unemployment",
                "employment", "long_term_unemployed", "activation_rate", "education_level",
                "benefit_eur_state", "benefit_eur_municipal", "intervention_cost_eur",
                "municipal_net_fiscal_effect_eur", "cost_per_employed_person_year_eur",
                "structural_long_term", "structural_comparable", "structural_after_service",
                "structural_service_to_service"):
        assert ind in set(eff.indicator), ind
    summary = (out / "summary.md").read_text()
    assert "by its four official components" in summary and "moved from service to service" in summary
    assert "Structural unemployment by component" in html
    # the components add up to structural unemployment in every run and month
    res = pd.read_parquet(out / "results.parquet")
    res = res[(res.municipality == "region") & (res.group == "all")]
    wide = res.pivot_table(index=["label", "replication", "month"], columns="indicator",
                           values="value")
    parts = wide[["structural_long_term", "structural_comparable", "structural_after_service",
                  "structural_service_to_service"]].sum(axis=1)
    np.testing.assert_allclose(parts, wide["structural_unemployment"], rtol=1e-9)
    assert len(list((out / "figures").glob("*.png"))) == 8


def test_each_scenario_configuration_is_recorded_as_run(comparison):
    import yaml

    out, rec = comparison
    for s in ("te_office", "kuntakokeilu", "wage_subsidy"):
        cfg = yaml.safe_load((out / "configs" / f"{s}.yaml").read_text())
        assert cfg["scale"] == 0.03 and cfg["end"] == "2022-06" and cfg["scenario"]["name"] == s
        assert rec["model_configs"][s] == f"configs/{s}.yaml"
    assert rec["window"] == "2021-03 … 2022-06"  # the experiment window ends with the run
    assert "2021-03 … 2022-06" in (out / "summary.md").read_text()


def test_comparison_windows_are_checked_and_cut_at_the_end_of_the_run():
    h = Horizons("2021-03", "2024-12")
    assert h.within("2021-12").experiment_end == "2021-12"
    assert h.within("2026-12").experiment_end == "2024-12"
    with pytest.raises(ConfigError, match="compare.experiment_end = 'abc' is not a month"):
        Horizons("2021-03", "abc").within("2026-12")
    with pytest.raises(ConfigError, match="compare.measure_start = 'x' is not a month"):
        Horizons("x", "2024-12").within("2026-12")
    with pytest.raises(ConfigError, match="compare.experiment_end = 2020-01 is before"):
        Horizons("2021-03", "2020-01").within("2026-12")
    with pytest.raises(ConfigError, match="before compare.measure_start"):
        h.within("2020-12")


def test_parameter_draws_keep_the_parameters_set_on_the_command_line(tmp_path):
    from model.hydra_config import compose_config
    from scenarios.campaigns.compare import overridden_keys, with_parameter_draws

    draws = tmp_path / "draws.csv"
    pd.DataFrame({"economy.quit_rate": [0.001, 0.002], "economy.hire_scale": [1.1, 1.2],
                  "distance": [7.0, 8.0]}).to_csv(draws, index=False)
    overrides = ["scale=0.02", "economy.quit_rate=0.01"]
    assert overridden_keys(overrides + ["+experiment=x", "~foo"]) == {
        "scale", "economy.quit_rate", "experiment"}
    cfg = compose_config(overrides)
    jobs = [Job("te_office", r, cfg) for r in range(2)]
    got = with_parameter_draws(jobs, draws, keep=overridden_keys(overrides))
    assert [j.config.economy.quit_rate for j in got] == [0.01, 0.01]  # the user's value
    assert [j.config.economy.hire_scale for j in got] == [1.1, 1.2]  # drawn


def test_resume_skips_finished_jobs(tmp_path):
    from dataclasses import replace

    from model.hydra_config import compose_config

    cfg = compose_config(["scale=0.02", "end=2018-06"])
    jobs = jobs_for({"te_office": cfg}, 2, 5)
    files = run_jobs(jobs, tmp_path, run_scenario_job, workers=1, progress=False)
    stamp = [f.stat().st_mtime_ns for f in files]
    calls = []

    def counting(job: Job):
        calls.append(job.key)
        return run_scenario_job(job)

    extra = jobs + [Job("te_office", 2, replace(cfg, seed=7))]
    run_jobs(extra, tmp_path, counting, workers=1, progress=False)
    assert calls == ["te_office__rep002"]
    assert [f.stat().st_mtime_ns for f in files] == stamp


def test_replications_share_seeds_across_scenarios():
    from model.hydra_config import compose_config

    a, b = compose_config(["scenario=te_office"]), compose_config(["scenario=kuntakokeilu"])
    jobs = jobs_for({"te_office": a, "kuntakokeilu": b}, 3, 100)
    seeds = {}
    for j in jobs:
        seeds.setdefault(j.replication, set()).add(j.config.seed)
    assert all(len(s) == 1 for s in seeds.values())
    assert sorted(min(s) for s in seeds.values()) == [100, 101, 102]


@pytest.mark.parametrize("scenarios, reference, reps, fragment", [
    (["te_office", "nowhere"], "te_office", 2, "unknown scenario 'nowhere'"),
    ([], "te_office", 2, "compare.scenarios is empty"),
    (["te_office", "kuntakokeilu"], "te_office", 1, "at least 2"),
    (["te_office"], "te_office", 2, "besides the reference"),
    (["te_office", "kuntakokeilu"], "nothing", 2, "compare.reference"),
])
def test_bad_comparison_settings_are_refused(scenarios, reference, reps, fragment):
    with pytest.raises(ConfigError, match=fragment):
        check_settings(scenarios, reference, reps)


@pytest.mark.parametrize("overrides, intervention, share, assign, follow_up, fragment", [
    ([], "coaching", 0.0, "2021-03", [6], r"trial.share = 0.0 .*\(0, 1\)"),
    ([], "coaching", 1.0, "2021-03", [6], r"trial.share = 1.0"),
    ([], "coaching", 0.5, "2017-01", [6], r"trial.assign = 2017-01; allowed: 2018-02"),
    ([], "coaching", 0.5, "2021-03", [400], r"trial.follow_up = \[400\].*at most 237 months"),
    ([], "wage_subsidy", 0.5, "2021-03", [6], r"scenario.wage_subsidy.capacity = 0"),
    ([], "green_jobs", 0.5, "2021-03", [6], r"green_jobs.*takes in no people"),
])
def test_trials_that_could_not_treat_anyone_are_refused(tmp_path, overrides, intervention, share,
                                                        assign, follow_up, fragment):
    with pytest.raises(ConfigError, match=fragment):
        run_trial(BASE + overrides, intervention, share, assign, 2, follow_up, seed=3,
                  out=tmp_path, workers=1, progress=False)
    assert not list(tmp_path.iterdir())  # refused before anything is written


def test_a_wage_subsidy_trial_with_a_capacity_treats_people(tmp_path):
    res = run_trial(BASE + ["scenario=wage_subsidy"], "wage_subsidy", 0.5, "2021-03", 2, [6],
                    seed=3, out=tmp_path, workers=1, progress=False)
    row = res[res.outcome == "in_services"].iloc[0]
    assert row.treated > row.control + 0.05  # the treated got subsidised jobs


def test_trial_reports_treated_and_control_with_intervals(tmp_path):
    res = run_trial(BASE, "coaching", 0.5, "2021-03", 3, [6, 12], seed=3, out=tmp_path,
                    workers=2, progress=False, days_months=12)
    assert set(res.months) == {6, 12}
    assert {"employed", "unemployed", "in_services", "outside_labour_force"} <= set(res.outcome)
    row = res[(res.months == 6) & (res.outcome == "employed")].iloc[0]
    assert row.n_treated > 50 and row.n_control > 50
    assert row.effect_low <= row.effect <= row.effect_high
    total = res[res.months == 6].groupby("months")[["treated", "control"]].sum()
    np.testing.assert_allclose(total.values, 1.0)
    assert (res.mde > 0).all()
    undecided = (res.effect_low < 0) & (res.effect_high > 0)
    assert (res.note[undecided].str.startswith("sign not decided")).all()
    assert (res.note[~undecided] == "").all()
    # days per person over the follow-up (here the 12 months the runs last)
    days = res.attrs["days"].set_index("outcome")
    status_days = days.loc[["days_employed", "days_unemployed", "days_in_services",
                            "days_outside_register"], ["treated", "control"]].sum()
    assert (status_days <= 12 * 365.25 / 12 + 1e-6).all() and (status_days > 300).all()
    assert (days.mde > 0).all() and (days.effect_low <= days.effect).all()
    assert days.loc["benefit_eur", "control"] > 1000
    assert "days per person" in (tmp_path / "trial.md").read_text()


def test_compare_command_line_refuses_bad_input(tmp_path):
    r = subprocess.run(KOHTAANTO + ["compare", "compare.replications=1",
                                    f"hydra.run.dir={tmp_path}/c"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and "at least 2" in r.stderr
    r = subprocess.run(KOHTAANTO + ["compare", "compare.scenarios=[te_office,atlantis]",
                                    f"hydra.run.dir={tmp_path}/c"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and "atlantis" in r.stderr
    assert not (Path(tmp_path) / "c" / "report.html").exists()


def test_sweep_with_joblib_launcher_then_collect_and_resume(tmp_path):
    sweep = tmp_path / "sweep"
    args = ["run", "-m", "hydra/launcher=joblib", "hydra.launcher.n_jobs=2", "scale=0.02",
            "end=2018-06", "output.plot=false", "economy.quit_rate=0.006,0.01",
            f"hydra.sweep.dir={sweep}"]
    r = subprocess.run(KOHTAANTO + args, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert len(list(sweep.glob("*/run.json"))) == 2
    r = subprocess.run(KOHTAANTO + ["collect", str(sweep)], cwd=tmp_path, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    table = pd.read_csv(sweep / "collected.csv")
    assert sorted(table["economy.quit_rate"]) == [0.006, 0.01]
    assert (sweep / "collected_unemployment_rate.png").exists()
    # running the same sweep again (basic launcher) skips the finished jobs
    again = [a for a in args if not a.startswith("hydra/launcher") and "n_jobs" not in a]
    r = subprocess.run(KOHTAANTO + again, cwd=tmp_path, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0 and r.stdout.count("already complete; skipped") == 2
    # a job without its run.json is unfinished: collect leaves it out and says so
    (sweep / "1" / "run.json").unlink()
    r = subprocess.run(KOHTAANTO + ["collect", str(sweep)], cwd=tmp_path, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0 and "1 jobs" in r.stdout
    assert "1 of 2 jobs unfinished and left out: 1" in r.stderr
    assert json.loads((sweep / "0" / "run.json").read_text())["config"]["economy"]["quit_rate"] \
        in (0.006, 0.01)


def test_collect_refuses_a_directory_without_jobs(tmp_path):
    r = subprocess.run(KOHTAANTO + ["collect", str(tmp_path)], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 2 and "no finished jobs" in r.stderr


def test_a_directory_refuses_to_resume_a_different_comparison(tmp_path):
    short = ["scale=0.02", "end=2021-06"]
    run_comparison(["te_office", "kuntakokeilu"], "te_office", 2, short, seed=1, out=tmp_path,
                   workers=1, progress=False)
    with pytest.raises(ConfigError, match="holds a different comparison"):
        run_comparison(["te_office", "wage_subsidy"], "te_office", 2, short, seed=1,
                       out=tmp_path, workers=1, progress=False)
    # the same settings resume; results of another version of the model do not
    manifest = tmp_path / "comparison.json"
    spec = json.loads(manifest.read_text())
    assert len(spec["model"]) == 64
    run_comparison(["te_office", "kuntakokeilu"], "te_office", 2, short, seed=1, out=tmp_path,
                   workers=1, progress=False)
    manifest.write_text(json.dumps({**spec, "model": "0" * 64}))
    with pytest.raises(ConfigError, match="another version of the model"):
        run_comparison(["te_office", "kuntakokeilu"], "te_office", 2, short, seed=1,
                       out=tmp_path, workers=1, progress=False)
    with pytest.raises(ConfigError, match="before compare.measure_start"):
        run_comparison(["te_office", "wage_subsidy"], "te_office", 2,
                       ["scale=0.02", "end=2019-06"], seed=1, out=tmp_path / "x", workers=1,
                       progress=False)


def test_cost_per_employed_person_year_only_where_the_gain_is_positive_and_decided():
    from scenarios.campaigns.effects import NO_RATIO_NEGATIVE, NO_RATIO_UNDECIDED

    rows = []
    gains = {"ref": [0, 0, 0, 0], "decided": [100, 110, 90, 105], "negative": [-50, -40, -60, -45],
             "undecided": [80, -70, 60, -50]}
    for label, gain in gains.items():
        for r, g in enumerate(gain):
            for ind, v in (("employed_person_years", 1000 + g), ("public_service_cost_eur",
                           1e6 + (0 if label == "ref" else 2e6 + 1e4 * r)),
                           ("benefit_eur", 5e6 - 1e4 * g), ("municipal_cost_eur", 3e6 + 100 * r
                                                           + (0 if label == "ref" else 5e4))):
                rows.append(dict(label=label, replication=r, municipality="region", group="all",
                                 indicator=ind, horizon="experiment", value=float(v)))
    eff = effects(pd.DataFrame(rows), "ref").set_index(["label", "indicator"])
    ratio = eff.loc[("decided", "cost_per_employed_person_year_eur")]
    cost = np.mean([2e6 + 1e4 * r for r in range(4)])
    assert ratio.effect == pytest.approx(cost / np.mean(gains["decided"]))
    assert ratio.low < ratio.effect < ratio.high and not ratio.note
    for label, note in (("negative", NO_RATIO_NEGATIVE), ("undecided", NO_RATIO_UNDECIDED)):
        row = eff.loc[(label, "cost_per_employed_person_year_eur")]
        assert np.isnan(row.effect) and row.note == note
    net = eff.loc[("decided", "municipal_net_fiscal_effect_eur")]
    muni = eff.loc[("decided", "municipal_cost_eur")]
    assert net.effect == pytest.approx(-muni.effect) and net.effect == pytest.approx(-5e4)
    assert (net.low, net.high) == pytest.approx((-muni.high, -muni.low))


def test_overrides_of_one_scenario_leave_the_reference_as_it_is(tmp_path):
    base = ["scale=0.02", "end=2021-06"]
    run_comparison(["te_office", "coaching_intensity"], "te_office", 2, base, seed=4,
                   out=tmp_path / "plain", workers=1, progress=False, report=False)
    own = run_comparison(["te_office", "coaching_intensity"], "te_office", 2, base, seed=4,
                         out=tmp_path / "own", workers=1, progress=False, report=False,
                         scenario_overrides={"coaching_intensity":
                                             {"scenario.coaching.caseload": 30.0}})
    cfg = (tmp_path / "own" / "configs" / "coaching_intensity.yaml").read_text()
    assert "caseload: 30" in cfg
    assert (tmp_path / "own" / "configs" / "te_office.yaml").read_text() == (
        tmp_path / "plain" / "configs" / "te_office.yaml").read_text()
    res = {k: pd.read_parquet(tmp_path / k / "results.parquet") for k in ("plain", "own")}
    ref = {k: r[r.label == "te_office"].reset_index(drop=True) for k, r in res.items()}
    pd.testing.assert_frame_equal(ref["plain"], ref["own"])
    arm = {k: r[r.label == "coaching_intensity"].value.to_numpy() for k, r in res.items()}
    assert not np.array_equal(arm["plain"], arm["own"])
    assert own["scenario_overrides"] == {"coaching_intensity": ["scenario.coaching.caseload=30"]}
    assert not (tmp_path / "own" / "report.html").exists()  # report=False: the tables only
    with pytest.raises(ConfigError, match="compare.overrides.kuntakokeilu: 'kuntakokeilu' is not"):
        run_comparison(["te_office", "coaching_intensity"], "te_office", 2, base, seed=4,
                       out=tmp_path / "x", workers=1, progress=False,
                       scenario_overrides={"kuntakokeilu": {"scenario.coaching.caseload": 30}})


def test_per_scenario_overrides_from_the_command_line(tmp_path):
    r = subprocess.run(KOHTAANTO + ["compare", "compare.scenarios=[te_office,coaching_intensity]",
                                    "compare.replications=2", "compare.scale=0.02",
                                    "compare.end=2021-06", "compare.workers=1",
                                    "compare.overrides.coaching_intensity={scenario.coaching.caseload:30}",
                                    f"hydra.run.dir={tmp_path}"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "caseload: 30" in (tmp_path / "configs" / "coaching_intensity.yaml").read_text()
    assert "caseload: 30" not in (tmp_path / "configs" / "te_office.yaml").read_text()


def test_scenario_overrides_take_nested_and_quoted_values():
    from scenarios.campaigns.compare import check_scenario_overrides

    got = check_scenario_overrides({"kuntakokeilu": {"scenario": {"coaching": {"caseload": 60.0}},
                                                     "scenario.coaching.start": "2022-01"}},
                                   ["te_office", "kuntakokeilu"])
    assert got == {"kuntakokeilu": ["scenario.coaching.caseload=60",
                                    "scenario.coaching.start='2022-01'"]}
