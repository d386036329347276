"""An installed kohtaanto (a built wheel, not the checkout) runs its commands from any directory."""

import os
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_of_the_source_tree_is_listed_for_the_wheel():
    from setuptools import find_packages

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = set(find_packages(str(ROOT), include=["model*", "agents*", "scenarios*", "calibration*"]))
    assert listed == found | {"kohtaanto_conf"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel built from the checkout, installed (not editable) into a new environment.

    The new environment sees the test environment's third-party packages through a path file
    (the project's dependencies, not the project: an editable install is activated by a path
    file of its own, which a plain path entry does not run).
    """
    tmp = tmp_path_factory.mktemp("wheel")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "-w", str(tmp / "dist"), str(ROOT)], capture_output=True, text=True,
                           timeout=300)
    assert build.returncode == 0, build.stderr[-3000:]
    wheel = next((tmp / "dist").glob("kohtaanto-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("kohtaanto_conf/config.yaml", "kohtaanto_conf/scenario/kuntakokeilu.yaml",
                   "kohtaanto_conf/calibration/draws.csv", "calibration/data/observed.csv",
                   "scenarios/apps/dashboard_app.py"):
        assert needed in names
    env_dir = tmp / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True,
                   timeout=120)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"], capture_output=True,
                             text=True, check=True).stdout.strip()
    Path(purelib, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    inst = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                           "--no-deps", "--no-index", str(wheel)], capture_output=True, text=True,
                          timeout=300)
    assert inst.returncode == 0, inst.stderr[-3000:]
    return env_dir


def _run(env_dir: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(env_dir / "bin" / "kohtaanto"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_the_installed_package_runs_from_outside_the_checkout(installed, tmp_path):
    where = subprocess.run([str(installed / "bin" / "python"), "-c",
                            "import model, kohtaanto_conf; print(model.__file__); "
                            "print(kohtaanto_conf.__file__)"], cwd=tmp_path, capture_output=True,
                           text=True, check=True).stdout
    assert str(ROOT) not in where and "site-packages" in where
    r = _run(installed, ["run", "scale=0.02", "end=2018-06", "hydra.run.dir=run"], tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert (tmp_path / "run" / "run.json").exists()
    r = _run(installed, ["compare", "compare.scenarios=[te_office,kuntakokeilu]",
                         "compare.replications=2", "compare.scale=0.02", "compare.end=2021-06",
                         "compare.workers=2", "hydra.run.dir=cmp"], tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert (tmp_path / "cmp" / "effects.csv").exists() and (tmp_path / "cmp" / "run.json").exists()
