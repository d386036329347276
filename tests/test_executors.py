"""Campaigns on every executor: the local pool, a Dask LocalCluster; progress, cancel, no orphans."""

import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pandas as pd
import psutil
import pytest

from calibration.sensitivity import Campaign, run_campaign
from model.hydra_config import compose_config
from model.parameters import select
from model.params import ConfigError
from scenarios.campaigns.compare import run_comparison
from scenarios.campaigns.executors import DaskSettings
from scenarios.campaigns.runner import (
    Cancelled,
    Job,
    JobFailed,
    Runner,
    jobs_for,
    load_results,
    run_scenario_job,
)

pytest.importorskip("distributed")  # `make test` installs it (the `cluster` extra)

BASE = ["scale=0.02", "end=2021-06"]
#: A LocalCluster of two worker processes on the loopback interface, with explicit timeouts.
CLUSTER = DaskSettings(local_workers=2, timeout=60.0, dashboard=False)
KOHTAANTO = [sys.executable, "-m", "scenarios.apps.cli"]


def dask_runner(**kw) -> Runner:
    return Runner("dask", dask=CLUSTER, progress=False, **kw)


def small_jobs(replications: int = 3, end: str = "2019-06") -> list[Job]:
    cfgs = {s: compose_config(["scale=0.02", f"end={end}", f"scenario={s}"])
            for s in ("te_office", "kuntakokeilu")}
    return jobs_for(cfgs, replications, 5)


def failing_job(job: Job) -> pd.DataFrame:
    if job.replication == 1:
        raise ValueError(f"no data for {job.label}")
    return pd.DataFrame({"x": [job.replication]})


@pytest.fixture(scope="module")
def local_comparison(tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    run_comparison(["te_office", "kuntakokeilu"], "te_office", 2, BASE, seed=7, out=out,
                   workers=2, progress=False)
    return out


def test_compare_on_a_local_cluster_equals_the_local_pool(local_comparison, tmp_path):
    with dask_runner() as runner:
        run_comparison(["te_office", "kuntakokeilu"], "te_office", 2, BASE, seed=7, out=tmp_path,
                       workers=runner, progress=False)
        assert "LocalCluster, 2 worker" in runner.description
    for name in ("results.parquet", "effects.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(local_comparison / name),
                                      pd.read_parquet(tmp_path / name))


def test_sensitivity_on_a_local_cluster_equals_the_local_pool(tmp_path):
    base = compose_config(["scale=0.02", "end=2019-06"])
    params = select(base, ["economy.quit_rate", "economy.hire_scale"], 0.5, {}, "sensitivity")
    camp = Campaign(method="morris", parameters=params, n=2, outputs=["unemployment_rate@2019-06"],
                    noise_seeds=2, chunk_size=2, seed=3)
    local = run_campaign(camp, base, tmp_path / "local", workers=2, progress=False)["indices"]
    with dask_runner() as runner:
        dask = run_campaign(camp, base, tmp_path / "dask", workers=runner)["indices"]
    pd.testing.assert_frame_equal(local, dask)


def test_a_killed_worker_does_not_change_the_results(tmp_path):
    jobs = small_jobs(4)
    with Runner("local", 1, progress=False) as runner:
        expected = load_results(runner.run_jobs(jobs, tmp_path / "local", run_scenario_job))
    killed = []

    def kill_one(p):
        if p.job is not None and not killed:
            pids = runner.dask_worker_pids()
            psutil.Process(pids[0]).kill()
            killed.append(pids[0])

    with dask_runner(followers=[kill_one]) as runner:
        got = load_results(runner.run_jobs(jobs, tmp_path / "dask", run_scenario_job))
    assert killed
    pd.testing.assert_frame_equal(expected, got)


@pytest.mark.parametrize("first,then", [("local", "dask"), ("dask", "local")])
def test_an_interrupted_campaign_resumes_on_the_other_executor(tmp_path, first, then):
    jobs = small_jobs(4)
    make = {"local": lambda **kw: Runner("local", 2, progress=False, **kw), "dask": dask_runner}
    seen = []

    def stop_after_three(p):
        seen.append(p)
        if p.finished >= 3:
            runner.cancel()

    with make[first](followers=[stop_after_three]) as runner, pytest.raises(Cancelled):
        runner.run_jobs(jobs, tmp_path, run_scenario_job)
    done = {f.name: f.stat().st_mtime_ns for f in tmp_path.glob("*.parquet")}
    assert 3 <= len(done) < len(jobs)
    progress = []
    with make[then](followers=[progress.append]) as runner:
        files = runner.run_jobs(jobs, tmp_path, run_scenario_job)
    assert progress[0].skipped == len(done) and progress[-1].finished == len(jobs)
    assert {f.name: f.stat().st_mtime_ns for f in tmp_path.glob("*.parquet")
            if f.name in done} == done  # finished jobs were not run again
    with Runner("local", 1, progress=False) as runner:
        expected = runner.run_jobs(jobs, tmp_path / "fresh", run_scenario_job)
    pd.testing.assert_frame_equal(load_results(expected), load_results(files))


def test_the_callback_follows_a_campaign_and_cancels_it_from_another_thread(tmp_path):
    jobs = small_jobs(5)
    seen = []
    runner = Runner("local", 2, progress=False, followers=[seen.append])
    result = {}

    def campaign():
        try:
            runner.run_jobs(jobs, tmp_path, run_scenario_job)
        except Cancelled as exc:
            result["cancelled"] = exc

    with runner:
        th = threading.Thread(target=campaign)
        th.start()
        while not any(p.finished >= 2 for p in seen):
            time.sleep(0.05)
            assert th.is_alive() or seen[-1].finished >= 2
        runner.cancel()
        th.join(timeout=30)
    assert not th.is_alive() and "cancelled" in result
    assert seen[0].finished == 0 and seen[0].job is None and seen[0].total == len(jobs)
    assert [p.finished for p in seen[1:]] == list(range(1, len(seen)))
    assert all(p.job in {j.key for j in jobs} for p in seen[1:])
    assert seen[1].remaining is not None and seen[1].remaining > 0
    assert 2 <= len(list(tmp_path.glob("*.parquet"))) < len(jobs)


@pytest.mark.parametrize("executor", ["local", "dask"])
def test_a_failing_job_is_reported_once_with_its_key_and_traceback(tmp_path, executor):
    jobs = [Job("arm", r, compose_config(["scale=0.02"])) for r in range(4)]
    runner = dask_runner() if executor == "dask" else Runner("local", 2, progress=False)
    with runner, pytest.raises(JobFailed) as err:
        runner.run_jobs(jobs, tmp_path, failing_job)
    assert err.value.key == "arm__rep001"
    assert "no data for arm" in str(err.value) and "failing_job" in str(err.value)
    assert not (tmp_path / "arm__rep001.parquet").exists()


ABORTS = """
import sys, threading
from scenarios.campaigns.executors import LocalPool
from scenarios.campaigns.runner import Cancelled


def big(n):
    return b"x" * 20_000_000  # long enough to send that a worker is often ended mid-message


if __name__ == "__main__":
    for trial in range(6):
        pool, cancel, got = LocalPool(2), threading.Event(), 0
        try:
            for _ in pool.run(big, list(range(40)), cancel):
                got += 1
                if got == 3:
                    cancel.set()
        except Cancelled:
            pass
    print("done", flush=True)
"""


def test_cancelled_local_pools_do_not_hold_the_interpreter_at_exit(tmp_path):
    """Cancelling ends running workers; one ended while it sent a result must not leave the
    pool's manager thread waiting for the rest of that message (it would block the exit)."""
    script = tmp_path / "aborts.py"
    script.write_text(ABORTS)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([os.getcwd(), os.environ.get("PYTHONPATH", "")])}
    try:
        r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                           timeout=150, env=env)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the process did not exit after six cancelled campaigns: {exc.stdout!r}")
    assert r.returncode == 0 and "done" in r.stdout, r.stderr[-2000:]


def test_bad_runner_settings_are_refused():
    with pytest.raises(ConfigError, match="runner.executor = 'ray'; allowed: local, dask"):
        Runner("ray")
    with pytest.raises(ConfigError, match="runner.dask.address and runner.dask.scheduler_file"):
        Runner("dask", dask=DaskSettings(address="tcp://h:1", scheduler_file="f"))
    with pytest.raises(ConfigError, match="runner.dask.local_workers = -1"):
        Runner("dask", dask=DaskSettings(local_workers=-1))
    with pytest.raises(ConfigError, match="runner.dask.address = 'host:8786'"):
        Runner("dask", dask=DaskSettings(address="host:8786"))


def test_the_command_line_refuses_a_bad_executor(tmp_path):
    r = subprocess.run(KOHTAANTO + ["compare", "runner.executor=ray", f"hydra.run.dir={tmp_path}"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert "runner.executor = 'ray'; allowed: local, dask" in r.stderr


@pytest.mark.parametrize("executor", [[], ["runner.executor=dask", "runner.dask.local_workers=2",
                                           "runner.dask.dashboard=false"]],
                         ids=["local", "dask"])
def test_a_killed_compare_leaves_no_worker_behind(tmp_path, executor):
    jobs = tmp_path / "run" / "jobs"
    cmd = KOHTAANTO + ["compare", "compare.scenarios=[te_office,kuntakokeilu]",
                       "compare.replications=20", "compare.scale=0.05", "compare.end=2022-12",
                       "compare.workers=2", f"hydra.run.dir={tmp_path / 'run'}", *executor]
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    try:
        proc = psutil.Process(p.pid)
        t0 = time.monotonic()
        while not (jobs.is_dir() and any(jobs.glob("*.parquet"))):
            assert p.poll() is None, "the comparison ended before it could be killed"
            assert time.monotonic() - t0 < 180, "no job finished within 180 s"
            time.sleep(0.1)
        children = proc.children(recursive=True)
        assert len(children) >= 2  # the workers are running
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=10)
        gone, alive = psutil.wait_procs(children, timeout=10)
        alive = [c for c in alive if c.status() != psutil.STATUS_ZOMBIE]
        assert not alive, f"workers still running 10 s after the command was killed: {alive}"
    finally:
        if p.poll() is None:
            p.kill()


def test_progress_bar_shows_on_a_terminal_only():
    from scenarios.campaigns.progress import Progress, TerminalBar

    class Tty:
        def __init__(self, tty):
            self.tty, self.text = tty, []

        def isatty(self):
            return self.tty

        def write(self, s):
            self.text.append(s)

        def flush(self):
            pass

    for tty in (True, False):
        stream = Tty(tty)
        bar = TerminalBar("compare", stream=stream)
        bar(Progress(0, 3, None, 0.0))
        for k in (1, 2, 3):
            bar(Progress(k, 3, f"job{k}", float(k)))
        out = "".join(stream.text)
        assert ("3/3" in out and "compare" in out) if tty else out == ""


def test_the_seeds_of_one_calibration_point_run_in_parallel_with_the_same_result():
    from calibration.calibrate import objective
    from calibration.targets import targets

    base = compose_config(["scale=0.02", "end=2019-12"])
    tg = targets(last="2019-12")
    names = ["economy.quit_rate"]
    one = objective(base, names, np.array([0.01]), tg, seeds=3, seed=4, workers=1)
    with Runner("local", 2, progress=False) as runner:
        two = objective(base, names, np.array([0.01]), tg, seeds=3, seed=4, workers=runner)
        assert "local pool, 2 worker" in runner.description
    assert one == two


def test_a_sweep_runs_through_the_submitit_local_launcher_and_is_collected(tmp_path):
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher")
    sweep = tmp_path / "sweep"
    r = subprocess.run(KOHTAANTO + ["run", "-m", "hydra/launcher=submitit_local", "seed=1,2",
                                    "scale=0.02", "end=2018-06", "output.plot=false",
                                    "hydra.launcher.timeout_min=10", f"hydra.sweep.dir={sweep}"],
                       capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "Submitit 'local' sweep" in r.stdout + r.stderr
    for job in ("0", "1"):
        assert (sweep / job / "indicators.parquet").exists() and (sweep / job / "run.json").exists()
    r = subprocess.run(KOHTAANTO + ["collect", str(sweep)], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    table = pd.read_csv(sweep / "collected.csv")
    assert sorted(table.seed) == [1, 2]


def test_the_slurm_example_composes():
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher")
    r = subprocess.run(KOHTAANTO + ["run", "hydra/launcher=slurm", "--cfg", "hydra"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "_target_: hydra_plugins.hydra_submitit_launcher.submitit_launcher.SlurmLauncher" in r.stdout
    assert "array_parallelism: 256" in r.stdout


def test_a_worker_that_dies_is_reported_with_the_jobs_it_may_have_run(tmp_path):
    jobs = [Job("arm", r, compose_config(["scale=0.02"])) for r in range(4)]
    with Runner("local", 2, progress=False) as runner, pytest.raises(JobFailed) as err:
        runner.run_jobs(jobs, tmp_path, dying_job)
    assert "a worker process died" in str(err.value) and "arm__rep002" in str(err.value)
    with Runner("local", 2, progress=False) as runner:  # a new pool works after that
        assert len(runner.map(failing_job, [jobs[0], jobs[0]])) == 2  # the same job twice


def dying_job(job: Job) -> pd.DataFrame:
    if job.replication == 2:
        os._exit(3)
    time.sleep(2.0)
    return pd.DataFrame({"x": [job.replication]})
