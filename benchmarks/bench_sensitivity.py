"""Throughput of a Sobol campaign, extrapolated to the 20-parameter, N=1024 target.

Usage: ``python benchmarks/bench_sensitivity.py [--n 16] [--end 2022-12] [--workers 0]``

Runs a real campaign (20 declared parameters, Sobol first order, N base samples, scale 0.1) in
the worker pool and reports model runs per second and the time N = 1024 (22,528 runs) would take.
"""

from __future__ import annotations

import argparse
import tempfile
import time

PARAMS = ["economy.quit_rate", "economy.hire_scale", "economy.duration_penalty",
          "economy.employability_sd", "economy.demand_elasticity", "economy.vacancy_speed",
          "economy.discouragement", "region.population.unemployed_to_outside_rate",
          "economy.network_share", "economy.commute_friction_per_km", "economy.layoff_speed",
          "economy.temporary_layoff_share", "economy.recall_rate", "economy.other_field_fit",
          "economy.score_noise_sd", "economy.applications_per_month",
          "scenario.services.contact.effort_boost", "scenario.services.contact.vacancy_referral",
          "scenario.services.effort_decay", "region.population.outside_reentry_rate"]


def main() -> None:
    """Run the benchmark campaign and print its throughput."""
    from calibration.sensitivity import Campaign, run_campaign
    from model.hydra_config import compose_config
    from model.parameters import select

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=16)
    ap.add_argument("--end", default="2022-12")
    ap.add_argument("--workers", type=int, default=0)
    args = ap.parse_args()
    base = compose_config(["scale=0.1", f"end={args.end}"])
    params = select(base, PARAMS)
    c = Campaign(method="sobol", parameters=params, n=args.n,
                 outputs=["unemployment_rate@2021-06", "structural_unemployment@2022-12"],
                 chunk_size=32, noise_seeds=2)
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        res = run_campaign(c, base, out, args.workers, progress=False)
        dt = time.perf_counter() - t0
    runs = res["rows"] + c.noise_seeds
    full = 1024 * (len(params) + 2)
    print(f"{len(params)} parameters, N={args.n}: {runs} runs in {dt:.1f} s "
          f"({runs / dt:.2f} runs/s, {dt / runs:.3f} s per run, 2018-01..{args.end}, scale 0.1)")
    print(f"extrapolated N=1024 ({full} runs): {full / (runs / dt) / 60:.0f} minutes")


if __name__ == "__main__":
    main()
