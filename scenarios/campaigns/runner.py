"""Run many models in long-lived worker processes; keep each job's result as a file.

A *job* is one configuration (a scenario, or a trial arm) with one seed. Each finished job is
written atomically to ``<jobs_dir>/<key>.parquet``; a job whose file exists is not run again, so
an interrupted comparison resumes where it stopped. Workers are separate processes (one per core
by default) that import the model once and run many jobs each.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from model.config import ModelConfig
from model.output import write_table

#: Indicators kept from every comparison run (the tidy table is filtered to these).
OUTCOMES = (
    "structural_unemployment", "unemployment_rate", "broad_unemployment", "broad_unemployment_rate",
    "employment", "employment_rate", "unemployed", "long_term_unemployed", "activation_rate",
    "education_level", "in_services", "labour_force", "working_age", "benefit_eur",
    "benefit_eur_state", "benefit_eur_municipal", "programme_cost_eur_state",
    "programme_cost_eur_municipal", "service_cost_eur", "structural_long_term",
    "structural_comparable", "structural_after_service", "structural_service_to_service",
    "lapsed", "spells_ended_to_lapsed", "reregistrations", "reminders", "waiting_periods",
    "work_requirements", "activation_cuts", "benefit_days_lost",
)
REGION_OUTCOMES = ("advisor_cost_eur", "advisor_cost_eur_municipal", "clients_per_advisor")


@dataclass(frozen=True)
class Job:
    """One model run: a label (scenario or arm), a replication number and its configuration."""

    label: str
    replication: int
    config: ModelConfig
    extra: tuple[tuple[str, Any], ...] = ()

    @property
    def key(self) -> str:
        """File name of the job's result."""
        return f"{self.label}__rep{self.replication:03d}"


def replication_seed(base_seed: int, replication: int) -> int:
    """Seed of replication ``r``: the same in every scenario (common random numbers)."""
    return int(base_seed) + int(replication)


def jobs_for(configs: dict[str, ModelConfig], replications: int, base_seed: int) -> list[Job]:
    """Scenario × replication jobs; replication r has the same seed in every scenario."""
    return [Job(label, r, replace(cfg, seed=replication_seed(base_seed, r)))
            for r in range(replications) for label, cfg in configs.items()]


def run_scenario_job(job: Job) -> pd.DataFrame:
    """Run one job and return its outcomes (a tidy table, all months, real people/euros)."""
    from model.region_model import RegionModel

    m = RegionModel(job.config).run()
    df = m.indicator_frame(from_start=False)
    keep = df.indicator.isin(OUTCOMES) | (df.indicator.isin(REGION_OUTCOMES)
                                          | df.indicator.astype(str).str.startswith("cost_"))
    out = df[keep].copy()
    for col in ("month", "group", "municipality", "indicator"):
        out[col] = out[col].astype(str)
    out["label"] = job.label
    out["replication"] = job.replication
    out["seed"] = job.config.seed
    return out.reset_index(drop=True)


def run_jobs(jobs: Iterable[Job], jobs_dir: Path, work: Callable[[Job], pd.DataFrame],
             workers: int = 0, progress: bool = True) -> list[Path]:
    """Run the jobs whose result file is missing, in ``workers`` processes (0 = one per core).

    Returns the result files of all jobs, in job order.
    """
    jobs = list(jobs)
    jobs_dir = Path(jobs_dir)
    jobs_dir.mkdir(parents=True, exist_ok=True)
    todo = [j for j in jobs if not (jobs_dir / f"{j.key}.parquet").exists()]
    done = len(jobs) - len(todo)
    total = len(jobs)
    if progress and done:
        _progress(done, total, f"{done} finished job(s) found, skipped")
    n = workers or os.cpu_count() or 1
    t0 = time.perf_counter()
    if todo and (n == 1 or len(todo) == 1):
        for j in todo:
            write_table(jobs_dir / f"{j.key}.parquet", work(j))
            done += 1
            if progress:
                _progress(done, total, f"{j.key} ({time.perf_counter() - t0:.0f} s)")
    elif todo:
        # Fresh interpreters (spawn): forking a process with threads can deadlock.
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(n, len(todo)), mp_context=ctx) as pool:
            pending = {pool.submit(work, j): j for j in todo}
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for f in finished:
                    j = pending.pop(f)
                    write_table(jobs_dir / f"{j.key}.parquet", f.result())
                    done += 1
                    if progress:
                        _progress(done, total, f"{j.key} ({time.perf_counter() - t0:.0f} s)")
    if progress and total:
        print(file=sys.stderr)
    return [jobs_dir / f"{j.key}.parquet" for j in jobs]


def claim_directory(out: Path, spec: dict, name: str) -> None:
    """Record what a run directory holds; refuse to resume a different run in it.

    Job results are reused by file name, so resuming is only safe when the settings are the same.
    """
    from model.output import write_text
    from model.params import ConfigError

    out = Path(out)
    manifest = out / f"{name}.json"
    text = json.dumps(spec, sort_keys=True, default=str)
    if manifest.exists() and json.loads(manifest.read_text()) != json.loads(text):
        raise ConfigError(f"{out} holds a different {name} (see {manifest.name}); use another "
                          "output directory (hydra.run.dir=...) or the same settings to resume")
    out.mkdir(parents=True, exist_ok=True)
    write_text(manifest, text)


def _progress(done: int, total: int, text: str) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    bar = "#" * filled + "-" * (width - filled)
    print(f"\r[{bar}] {done}/{total} {text[:60]:<60}", end="", file=sys.stderr, flush=True)


def load_results(files: Iterable[Path]) -> pd.DataFrame:
    """Concatenate job results."""
    frames = [pd.read_parquet(f) for f in files]
    if not frames:
        return pd.DataFrame()
    df = pd.concat(frames, ignore_index=True)
    for col in ("month", "group", "municipality", "indicator", "label"):
        if col in df:
            df[col] = df[col].astype(str)
    return df
