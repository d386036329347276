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
