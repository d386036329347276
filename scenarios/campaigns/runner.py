"""Run many models in long-lived worker processes; keep each job's result as a file.

A *job* is one configuration (a scenario, or a trial arm) with one seed. Each finished job is
written atomically to ``<jobs_dir>/<key>.parquet`` by the calling process; a job whose file exists
is not run again, so an interrupted comparison resumes where it stopped, on any executor
(``scenarios/campaigns/executors.py``: a local process pool, or Dask). A :class:`Runner` holds the
executor, the followers of the campaign's progress and its cancel switch.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from model.config import ModelConfig
from model.output import write_table
from model.params import ConfigError
from scenarios.campaigns.executors import (
    Cancelled,
    DaskExecutor,
    DaskSettings,
    Executor,
    InProcess,
    JobFailed,
    LocalPool,
)
from scenarios.campaigns.progress import Progress, ProgressCallback, TerminalBar

__all__ = ["Cancelled", "JobFailed", "Job", "Runner", "run_jobs", "using", "Progress"]

#: The executors a runner can use (``runner.executor``).
EXECUTORS = ("local", "dask")

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
    out["label"] = job.label
    # categories: a quarter of the bytes to send back and write (load_results restores strings)
    for col in ("month", "group", "municipality", "indicator", "label"):
        out[col] = out[col].astype(str).astype("category")
    out["replication"] = job.replication
    out["seed"] = job.config.seed
    return out.reset_index(drop=True)


class Runner:
    """Where a command's campaigns run, who follows them, and how to cancel them.

    ``executor`` is ``"local"`` (a process pool of ``workers`` processes, 0 = one per core; one
    worker, or one job, runs in this process) or ``"dask"`` (``dask``: a running scheduler or a
    LocalCluster started here). The workers start at the first job and are kept for every
    campaign the runner runs until :meth:`close` (use it as a context manager). ``followers`` are
    called with a :class:`~scenarios.campaigns.progress.Progress` after every job; ``progress``
    adds the terminal bar. :meth:`cancel` (from any thread) stops the running campaign: pending
    jobs are cancelled, :class:`Cancelled` is raised, finished jobs keep their files; a cancelled
    runner stays cancelled (every later campaign on it raises at once), so start a new one.
    """

    def __init__(self, executor: str = "local", workers: int = 0, dask: DaskSettings | None = None,
                 progress: bool = True, followers: Iterable[ProgressCallback] = ()):
        if executor not in EXECUTORS:
            raise ConfigError(f"runner.executor = {executor!r}; allowed: {', '.join(EXECUTORS)}")
        if int(workers) < 0:
            raise ConfigError(f"workers = {workers}; allowed: 0 (one per core) or more")
        self.executor = executor
        self.workers = int(workers)
        self.dask = dask or DaskSettings()
        if executor == "dask":
            self.dask.check()
        self.progress = bool(progress)
        self.followers = list(followers)
        self._cancel = threading.Event()
        self._open: Executor | None = None
        self._used = ""  # where the last jobs ran

    @classmethod
    def from_config(cls, runner_cfg: Any, workers: int = 0, **kw: Any) -> Runner:
        """A runner from the ``runner`` settings of ``conf/config.yaml``."""
        d = runner_cfg.dask
        return cls(str(runner_cfg.executor), workers,
                   DaskSettings(str(d.address or ""), str(d.scheduler_file or ""),
                                int(d.local_workers), float(d.timeout), bool(d.dashboard)),
                   bool(runner_cfg.progress), **kw)

    def _executor(self, todo: int) -> Executor:
        if self.executor == "local" and (self.workers == 1 or (todo == 1 and self._open is None)):
            self._used = InProcess.description
            return InProcess()
        if self._open is None:
            if self.executor == "dask":
                self._open = DaskExecutor(self.dask)
                if self._open.dashboard_link:
                    print(f"kohtaanto: Dask dashboard at {self._open.dashboard_link}",
                          file=sys.stderr, flush=True)
            else:
                self._open = LocalPool(self.workers)
        self._used = self._open.description
        return self._open

    @property
    def description(self) -> str:
        """Where the jobs run (once workers have started)."""
        if self._open is not None:
            return self._open.description
        return self._used or f"{self.executor} (no job run)"

    def dask_worker_pids(self) -> list[int]:
        """The process ids of the Dask workers in use (empty before they start, or when local)."""
        return self._open.worker_pids() if isinstance(self._open, DaskExecutor) else []

    def cancel(self) -> None:
        """Stop the running campaign (safe from another thread)."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._cancel.is_set()

    def run_jobs(self, jobs: Iterable[Job], jobs_dir: Path, work: Callable[[Job], pd.DataFrame],
                 progress: bool = True, description: str = "") -> list[Path]:
        """Run the jobs whose result file is missing; write each result as it comes back.

        Returns the result files of all jobs, in job order.
        """
        jobs = list(jobs)
        jobs_dir = Path(jobs_dir)
        jobs_dir.mkdir(parents=True, exist_ok=True)
        todo = [j for j in jobs if not (jobs_dir / f"{j.key}.parquet").exists()]
        total, skipped = len(jobs), len(jobs) - len(todo)
        followers = list(self.followers)
        bar = TerminalBar(description) if (self.progress and progress) else None
        if bar is not None:
            followers.append(bar)
        t0 = time.perf_counter()

        def tell(done: int, key: str | None) -> None:
            p = Progress(done, total, key, time.perf_counter() - t0, skipped)
            for f in followers:
                f(p)

        try:
            tell(skipped, None)
            done = skipped
            if todo:
                for j, result in self._executor(len(todo)).run(work, todo, self._cancel):
                    write_table(jobs_dir / f"{j.key}.parquet", result)
                    done += 1
                    tell(done, j.key)
        finally:
            if bar is not None:
                bar.close()
        return [jobs_dir / f"{j.key}.parquet" for j in jobs]

    def map(self, work: Callable[[Job], Any], jobs: Iterable[Job]) -> list[Any]:
        """Run the jobs (no files) and return their results in job order."""
        jobs = list(jobs)
        results: dict[int, Any] = {}
        where: dict[int, list[int]] = {}
        for i, j in enumerate(jobs):
            where.setdefault(id(j), []).append(i)
        for j, r in self._executor(len(jobs)).run(work, jobs, self._cancel):
            results[where[id(j)].pop(0)] = r
        return [results[i] for i in range(len(jobs))]

    def close(self, abort: bool = False) -> None:
        """Release the workers; ``abort`` ends running jobs without waiting."""
        ex, self._open = self._open, None
        if ex is not None:
            ex.close(abort=abort)

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
            return
        try:  # the campaign's own error is the one to see, not a failure to shut down after it
            self.close(abort=True)
        except Exception as err:  # noqa: BLE001
            print(f"kohtaanto: while stopping the workers: {err!r}", file=sys.stderr)


#: What a campaign function takes as ``workers``: a number of local processes, or a runner.
Workers = int | Runner


def run_jobs(jobs: Iterable[Job], jobs_dir: Path, work: Callable[[Job], pd.DataFrame],
             workers: Workers = 0, progress: bool = True) -> list[Path]:
    """Run the jobs whose result file is missing; returns the result files in job order.

    ``workers`` is a :class:`Runner`, or a number of local processes (0 = one per core) for a
    runner that lives as long as this call.

    Returns the result files of all jobs, in job order.
    """
    if isinstance(workers, Runner):
        return workers.run_jobs(jobs, jobs_dir, work, progress)
    with Runner("local", workers, progress=progress) as runner:
        return runner.run_jobs(jobs, jobs_dir, work)


def using(workers: Workers) -> contextlib.AbstractContextManager[Runner]:
    """The given runner (left open when the block ends), or a local one for the block."""
    if isinstance(workers, Runner):
        return contextlib.nullcontext(workers)
    return Runner("local", workers)


def model_digest(configs: Iterable[ModelConfig]) -> str:
    """SHA-256 of the model that runs the jobs: the resolved configurations and the model's code.

    The code is the source of the packages that simulate (``model``, ``agents``,
    ``scenarios.interventions``), wherever they are installed; a change to any of them, or to a
    calibrated default, makes a new digest.
    """
    import hashlib
    import importlib.util
    from dataclasses import asdict

    h = hashlib.sha256()
    for c in configs:
        h.update(json.dumps(asdict(c), sort_keys=True, default=str).encode())
    for package in ("model", "agents", "scenarios.interventions"):
        spec = importlib.util.find_spec(package)
        for root in (spec.submodule_search_locations or []) if spec else []:
            for f in sorted(Path(root).glob("*.py")):
                h.update(f.name.encode())
                h.update(f.read_bytes())
    return h.hexdigest()


def claim_directory(out: Path, spec: dict, name: str) -> None:
    """Record what a run directory holds; refuse to resume a different run in it.

    Job results are reused by file name, so resuming is only safe when the settings are the same
    and the model is the same (``spec["model"]``, :func:`model_digest`, where the caller gives it).
    """
    from model.output import write_text
    from model.params import ConfigError

    out = Path(out)
    manifest = out / f"{name}.json"
    text = json.dumps(spec, sort_keys=True, default=str)
    if manifest.exists() and json.loads(manifest.read_text()) != json.loads(text):
        raise ConfigError(f"{out} holds a different {name} (see {manifest.name}: other settings, "
                          "or results of another version of the model); use another output "
                          "directory (hydra.run.dir=...), or the same settings and model to resume")
    out.mkdir(parents=True, exist_ok=True)
    write_text(manifest, text)


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
