import faulthandler
import sys

import pytest

from model.config import ModelConfig
from model.hydra_config import compose_config
from model.region_model import RegionModel


@pytest.fixture(scope="session")
def small_config() -> ModelConfig:
    """The default configuration at a small scale and a short horizon."""
    return compose_config(["scale=0.05", "end=2020-12"])


@pytest.fixture(scope="session")
def small_run(small_config) -> RegionModel:
    """One small model run, shared by read-only tests."""
    return RegionModel(small_config).run()


def pytest_unconfigure(config) -> None:
    """A thread or process left behind must fail the run where it waits, not hang it.

    If this interpreter has not exited three minutes after the session ended, every thread's
    stack is printed and the process exits with status 1.
    """
    faulthandler.dump_traceback_later(180, exit=True, file=sys.__stderr__)
