"""Where a campaign's jobs run: a local process pool, or a Dask cluster.

Both executors take a function and jobs, and yield ``(job, result)`` as each job finishes; the
caller (:func:`scenarios.campaigns.runner.run_jobs`) writes the result files, so a campaign resumes
the same way on either. Workers are long-lived processes that import the model once.

- :class:`LocalPool`: ``concurrent.futures.ProcessPoolExecutor`` with fresh (spawned)
  interpreters. Each worker watches its parent and exits within a second when the parent is gone,
  so a killed command leaves no worker behind.
- :class:`DaskExecutor`: a ``distributed.Client`` joined to a running scheduler (``address`` or
  ``scheduler_file``) or to a ``LocalCluster`` started in place. The scheduler retries the jobs of a
  lost worker elsewhere; a ``LocalCluster``'s workers exit when the process that started them dies
  (Dask's nanny watches its parent).

A job that raises is reported once as :class:`JobFailed` with its key and the worker's traceback;
the jobs still pending are cancelled, and the results already yielded stay with the caller.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Protocol

from model.params import ConfigError

#: How often (seconds) a waiting campaign looks at its cancel flag.
POLL = 0.2
#: Seconds to wait for a Dask client and a LocalCluster to shut down.
CLOSE_TIMEOUT = 60.0


class JobFailed(RuntimeError):
    """A job raised on its worker: the job's key and the worker's traceback."""

    def __init__(self, key: str, remote_traceback: str):
        super().__init__(f"job {key} failed on its worker:\n{remote_traceback.rstrip()}")
        self.key = key
        self.remote_traceback = remote_traceback


class Cancelled(RuntimeError):
    """The campaign was cancelled; the jobs finished before that keep their result files."""


class Executor(Protocol):
    """What :func:`~scenarios.campaigns.runner.run_jobs` needs of an executor."""

    description: str

    def run(self, work: Callable[[Any], Any], jobs: Sequence[Any], cancel: threading.Event,
            ) -> Iterator[tuple[Any, Any]]:
        """Yield ``(job, result)`` as jobs finish; raise JobFailed or Cancelled."""
        ...

    def close(self, abort: bool = False) -> None:
        """Release the workers (``abort``: without waiting for running jobs)."""
        ...


# --------------------------------------------------------------------------- the local pool


def _watch_parent(parent: int) -> None:
    """Exit this worker as soon as its parent process is gone (re-parented)."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


def _init_local_worker(parent: int) -> None:
    # Ctrl-C reaches the whole process group; the parent decides what happens to the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _key(job: Any) -> str:
    return str(getattr(job, "key", job))


class LocalPool:
    """Worker processes on this machine (``workers``, 0 = one per core)."""

    def __init__(self, workers: int = 0):
        if int(workers) < 0:
            raise ConfigError(f"workers = {workers}; allowed: 0 (one per core) or more")
        self.workers = int(workers) or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None
        self.description = f"local pool, {self.workers} worker process(es)"

    def _open(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # Fresh interpreters (spawn): forking a process with threads can deadlock.
            ctx = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx,
                                             initializer=_init_local_worker,
                                             initargs=(os.getpid(),))
        return self._pool

    def run(self, work, jobs, cancel):
        """Yield ``(job, result)`` as the pool finishes them."""
        pool = self._open()
        pending = {pool.submit(work, j): j for j in jobs}
        try:
            while pending:
                if cancel.is_set():
                    raise Cancelled("cancelled")
                finished, _ = wait(pending, timeout=POLL, return_when=FIRST_COMPLETED)
                for f in finished:
                    exc = f.exception()
                    if isinstance(exc, BrokenProcessPool):
                        # Every job not finished fails alike. The pool runs jobs in the order
                        # submitted and queues one more than it has workers, so the culprit is
                        # among the first unfinished ones in that order.
                        broken = [x for g, x in pending.items()
                                  if not g.done() or isinstance(g.exception(), BrokenProcessPool)]
                        keys = [_key(x) for x in broken[:self.workers + 1]]
                        pending.pop(f)
                        raise JobFailed(keys[0], "a worker process died (killed, or out of "
                                        "memory) while running one of: " + ", ".join(keys))
                    j = pending.pop(f)
                    if exc is not None:
                        tb = getattr(exc.__cause__, "tb", None) or "".join(
                            traceback.format_exception(exc))
                        raise JobFailed(_key(j), tb)
                    yield j, f.result()
        finally:
            if pending:  # failed, cancelled or abandoned: stop the rest now
                for f in pending:
                    f.cancel()
                self.close(abort=True)

    def close(self, abort: bool = False) -> None:
        """Shut the pool down; ``abort`` terminates running jobs' processes first."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if abort:
            # The executor has no public way to stop running jobs: end their processes.
            results = getattr(pool, "_result_queue", None)
            procs = list((getattr(pool, "_processes", None) or {}).values())
            for p in procs:
                p.terminate()
            for p in procs:
                p.join(timeout=10)
            pool.shutdown(wait=False, cancel_futures=True)
            # A worker ended while it sent a result leaves part of a message in the result
            # pipe, and the executor's manager thread would wait for the rest for ever (and
            # hold this interpreter's exit). With the workers gone, closing this process's
            # write end of the pipe turns that wait into end-of-file, and the thread ends.
            writer = getattr(results, "_writer", None)
            if writer is not None:
                writer.close()
        else:
            pool.shutdown(wait=True)


class InProcess:
    """Run the jobs one after another in this process (one worker, or one job)."""

    description = "in this process"

    def run(self, work, jobs, cancel):
        """Yield ``(job, result)`` one job at a time."""
        for j in jobs:
            if cancel.is_set():
                raise Cancelled("cancelled")
            try:
                result = work(j)
            except Exception as exc:
                raise JobFailed(_key(j), "".join(traceback.format_exception(exc))) from exc
            yield j, result

    def close(self, abort: bool = False) -> None:
        """Nothing to release."""


# --------------------------------------------------------------------------- Dask


@dataclass(frozen=True)
class DaskSettings:
    """How to reach Dask: a scheduler's address, its scheduler file, or a LocalCluster here."""

    address: str = ""
    scheduler_file: str = ""
    local_workers: int = 0  # LocalCluster worker processes (0 = one per core)
    timeout: float = 30.0  # seconds to connect, and to wait for a LocalCluster's workers
    dashboard: bool = True  # serve (LocalCluster) and print Dask's dashboard when bokeh is there

    def check(self) -> None:
        """Refuse settings that cannot work, naming the setting."""
        if self.address and self.scheduler_file:
            raise ConfigError("runner.dask.address and runner.dask.scheduler_file are both set; "
                              "give one (or neither, to start a LocalCluster here)")
        if int(self.local_workers) < 0:
            raise ConfigError(f"runner.dask.local_workers = {self.local_workers}; allowed: 0 "
                              "(one per core) or more")
        if (self.address or self.scheduler_file) and int(self.local_workers) > 0:
            raise ConfigError("runner.dask.local_workers starts a LocalCluster here; it cannot be "
                              "combined with runner.dask.address or runner.dask.scheduler_file")
        if not self.timeout > 0:
            raise ConfigError(f"runner.dask.timeout = {self.timeout}; allowed: > 0 seconds")
        if self.address and "://" not in self.address:
            raise ConfigError(f"runner.dask.address = {self.address!r}; expected a scheduler "
                              "address such as tcp://host:8786")


def _has_bokeh() -> bool:
    import importlib.util

    return importlib.util.find_spec("bokeh") is not None


class DaskExecutor:
    """Jobs as Dask tasks; the client keeps the results (and the caller writes them)."""

    def __init__(self, settings: DaskSettings):
        settings.check()
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise ConfigError("runner.executor = 'dask' needs Dask's distributed package: "
                              "pip install 'kohtaanto[cluster]'") from exc
        self.settings = settings
        self.cluster = None
        if settings.address:
            self.client = Client(settings.address, timeout=settings.timeout)
            where = settings.address
        elif settings.scheduler_file:
            if not os.path.exists(settings.scheduler_file):
                raise ConfigError(f"runner.dask.scheduler_file = {settings.scheduler_file!r} "
                                  "does not exist")
            self.client = Client(scheduler_file=settings.scheduler_file, timeout=settings.timeout)
            where = f"scheduler file {settings.scheduler_file}"
        else:
            n = int(settings.local_workers) or os.cpu_count() or 1
            dashboard = ("127.0.0.1:0" if settings.dashboard and _has_bokeh() else None)
            # Dask's statistical profiler samples each worker's stack every 10 ms, taking the
            # GIL from the single-threaded run it observes: off for the workers started here.
            with dask.config.set({"distributed.worker.profile.enabled": False}):
                self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                            host="127.0.0.1", dashboard_address=dashboard,
                                            silence_logs=logging.WARNING)
            try:
                self.client = Client(self.cluster, timeout=settings.timeout)
                self.client.wait_for_workers(n, timeout=settings.timeout)
            except BaseException:
                self.cluster.close(timeout=CLOSE_TIMEOUT)
                raise
            where = f"LocalCluster, {n} worker process(es)"
        self.description = f"Dask ({where})"
        threads = self.client.nthreads()
        if any(k > 1 for k in threads.values()):
            print(f"kohtaanto: warning: Dask workers with several threads ({max(threads.values())}"
                  "); a run is single-threaded and the model's set-up is not made for threads: "
                  "start workers with --nthreads 1", file=sys.stderr)
        self.dashboard_link = (self.client.dashboard_link if settings.dashboard and _has_bokeh()
                               else None)

    def run(self, work, jobs, cancel):
        """Submit every job, then yield ``(job, result)`` as tasks finish."""
        from distributed import as_completed

        campaign = uuid.uuid4().hex[:8]
        futures = {self.client.submit(work, j, key=f"{_key(j)}-{campaign}", pure=False): j
                   for j in jobs}
        done = as_completed(list(futures))
        remaining = len(futures)
        try:
            while remaining:
                if cancel.is_set():
                    raise Cancelled("cancelled")
                batch = done.next_batch(block=False)
                if not batch:
                    time.sleep(POLL / 4)
                    continue
                for f in batch:
                    remaining -= 1
                    j = futures.pop(f)
                    if f.status == "error":
                        tb = "".join(traceback.format_tb(f.traceback()))
                        exc = f.exception()
                        raise JobFailed(_key(j), f"{tb}{type(exc).__name__}: {exc}")
                    yield j, f.result()
                    f.release()
        finally:
            if futures:
                self.client.cancel(list(futures), force=True)

    def worker_pids(self) -> list[int]:
        """The process ids of the cluster's workers (for monitoring)."""
        return sorted(self.client.run(os.getpid).values())

    def close(self, abort: bool = False) -> None:
        """Disconnect; a LocalCluster started here is shut down with its workers."""
        try:
            self.client.close(timeout=CLOSE_TIMEOUT)
        finally:
            if self.cluster is not None:
                self.cluster.close(timeout=CLOSE_TIMEOUT)
