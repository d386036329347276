"""Throughput of a comparison's runs on the local pool and on a Dask LocalCluster, interleaved.

Usage: ``python benchmarks/bench_executors.py [--runs 40] [--scale 0.1] [--end 2026-12]
[--rounds 2] [--trivial 200]``

Every round measures, in turn, one process (the in-process baseline), the local pool of 2 workers
and a LocalCluster of 1 and of 2 workers. Each executor runs the same ``runs`` comparison jobs
twice on one runner: the first (cold) campaign includes starting the workers, the second (warm)
does not; start-up is their difference. The per-job overhead of Dask is measured on ``trivial``
jobs that do nothing, and again as the warm 1-worker cluster's time per run over the in-process
run's. From the measured cost per run and per job it estimates the wall time of a Sobol design of
N=1024, D=20 (N(D+2) = 22,528 runs, in chunks of ``sensitivity.chunk_size`` = 16) on 64 and 512
cores.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model.hydra_config import SensitivityConfig, compose_config  # noqa: E402
from scenarios.campaigns.executors import DaskSettings  # noqa: E402
from scenarios.campaigns.runner import Job, Runner, jobs_for, run_scenario_job  # noqa: E402

SCENARIOS = ("te_office", "kuntakokeilu", "coaching_intensity", "wage_subsidy")


def trivial(job: Job) -> pd.DataFrame:
    """A job that does nothing: what is left is the executor's own cost."""
    return pd.DataFrame({"replication": [job.replication]})


def executors() -> dict[str, callable]:
    cluster = {n: DaskSettings(local_workers=n, timeout=120.0, dashboard=False) for n in (1, 2)}
    return {"one process": lambda: Runner("local", 1, progress=False),
            "local pool, 2": lambda: Runner("local", 2, progress=False),
            "LocalCluster, 1": lambda: Runner("dask", dask=cluster[1], progress=False),
            "LocalCluster, 2": lambda: Runner("dask", dask=cluster[2], progress=False)}


def measure(make, jobs: list[Job], tmp: Path) -> tuple[float, float]:
    """Seconds for a cold campaign (workers start) and a warm one on the same runner."""
    with make() as runner:
        t0 = time.perf_counter()
        runner.run_jobs(jobs, tmp / "cold", run_scenario_job)
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        runner.run_jobs(jobs, tmp / "warm", run_scenario_job)
        warm = time.perf_counter() - t0
    return cold, warm


def overhead(make, n: int, tmp: Path) -> float:
    """Seconds per trivial job on a started runner."""
    jobs = [Job("trivial", r, None) for r in range(n)]  # type: ignore[arg-type]
    with make() as runner:
        runner.run_jobs(jobs[:4], tmp / "warmup", trivial)
        t0 = time.perf_counter()
        runner.run_jobs(jobs, tmp / "trivial", trivial)
        return (time.perf_counter() - t0) / n


def row_seconds(repeat: int = 2) -> float:
    """Seconds for one row of ``kohtaanto sensitivity``'s default campaign (best of ``repeat``)."""
    from calibration.sensitivity import evaluate_row
    from calibration.targets import targets

    s = SensitivityConfig()
    base = compose_config([f"scale={s.scale}", f"end={s.end}", f"scenario={s.reference}"])
    tg = targets()
    best = float("inf")
    for k in range(repeat):
        t0 = time.perf_counter()
        evaluate_row(base, [], [], list(s.outputs), 42 + k, s.reference, tg)
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--end", default="2026-12")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--trivial", type=int, default=200)
    args = ap.parse_args(argv)
    per = math.ceil(args.runs / len(SCENARIOS))
    configs = {s: compose_config([f"scale={args.scale}", f"end={args.end}", f"scenario={s}"])
               for s in SCENARIOS}
    jobs = jobs_for(configs, per, 42)[:args.runs]
    makers = executors()
    cold: dict[str, list[float]] = {k: [] for k in makers}
    warm: dict[str, list[float]] = {k: [] for k in makers}
    for r in range(args.rounds):
        for name, make in makers.items():
            with tempfile.TemporaryDirectory() as tmp:
                c, w = measure(make, jobs, Path(tmp))
            cold[name].append(c)
            warm[name].append(w)
            print(f"round {r + 1}: {name:16s} cold {c:6.1f} s, warm {w:6.1f} s", flush=True)
    over = {}
    for name in ("local pool, 2", "LocalCluster, 1", "LocalCluster, 2"):
        with tempfile.TemporaryDirectory() as tmp:
            over[name] = overhead(makers[name], args.trivial, Path(tmp))
    n = len(jobs)
    print(f"\n{n} comparison runs at scale {args.scale} to {args.end} ({args.rounds} rounds, "
          "median):")
    print(f"{'executor':16s} {'runs/s warm':>12s} {'runs/s cold':>12s} {'start-up s':>11s}")
    med = {k: (statistics.median(cold[k]), statistics.median(warm[k])) for k in makers}
    for k, (c, w) in med.items():
        print(f"{k:16s} {n / w:12.3f} {n / c:12.3f} {c - w:11.1f}")
    run_cost = med["one process"][1] / n
    dask_extra = med["LocalCluster, 1"][1] / n - run_cost
    eff_12 = med["LocalCluster, 1"][1] / (2 * med["LocalCluster, 2"][1])
    vs_pool = med["local pool, 2"][1] / med["LocalCluster, 2"][1]
    print(f"\nper-run cost in one process: {run_cost:.3f} s")
    print("per-job overhead, trivial jobs: " + ", ".join(f"{k} {v * 1000:.1f} ms"
                                                         for k, v in over.items()))
    print(f"per-run overhead of a 1-worker LocalCluster over one process: {dask_extra * 1000:.0f} ms")
    print(f"efficiency 1 -> 2 Dask workers: {eff_12:.0%}; LocalCluster(2) / local pool(2) "
          f"throughput: {vs_pool:.0%}")
    # Sobol N=1024, D=20: N(D+2) sample rows in chunks of 16, each row with `kohtaanto
    # sensitivity`'s default outputs and settings (a reference and a kuntakokeilu run to 2024-12)
    row = row_seconds()
    print(f"one sample row of the default sensitivity campaign: {row:.2f} s")
    runs, chunk = 1024 * 22, SensitivityConfig.chunk_size
    chunks = math.ceil(runs / chunk)
    per_chunk = chunk * row + over["LocalCluster, 2"]
    for cores in (64, 512):
        waves = math.ceil(chunks / cores)
        print(f"Sobol N=1024, D=20 ({runs:,} runs, {chunks:,} chunks of {chunk}) on {cores} cores: "
              f"about {waves * per_chunk / 60:.1f} min ({waves} waves of {per_chunk:.0f} s; the "
              "scheduler's per-task cost, "
              f"{over['LocalCluster, 2'] * 1000:.1f} ms x {chunks:,}, is "
              f"{chunks * over['LocalCluster, 2']:.0f} s in all), plus the cluster's start-up")
    return {"cold": cold, "warm": warm, "overhead": over, "run_cost": run_cost}


if __name__ == "__main__":
    main()
