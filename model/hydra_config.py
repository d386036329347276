"""Compose the Hydra configuration from ``conf/`` outside a command-line app (notebooks, tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from model.config import ModelConfig
from model.params import ConfigError

CONF_DIR = Path(__file__).resolve().parents[1] / "conf"
SCHEMA = "kohtaanto_schema"


@dataclass
class OutputConfig:
    """What ``kohtaanto run`` writes besides the indicator table."""

    plot: bool = True


@dataclass
class RunConfig(ModelConfig):
    """The schema of ``conf/config.yaml``: the model's configuration plus output settings."""

    output: OutputConfig = field(default_factory=OutputConfig)


def register_configs() -> None:
    """Register the dataclass schema in Hydra's ConfigStore (as ``kohtaanto_schema``).

    Every declared parameter then exists in the composed config with its default, so any of them
    can be overridden on the command line (``economy.quit_rate=0.01``) and wrong types are
    refused when the config is composed.
    """
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name=SCHEMA, node=RunConfig)


def compose_raw(overrides: list[str] | None = None):
    """Return the composed Hydra ``DictConfig`` for ``conf/config.yaml`` with overrides applied."""
    from hydra import compose, initialize_config_dir
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    register_configs()
    try:
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
            return compose(config_name="config", overrides=list(overrides or []))
    except (HydraException, OmegaConfBaseException) as exc:
        parts, e = [], exc
        while e is not None and len(parts) < 4:
            parts.append(" ".join(str(e).split()))
            e = e.__cause__
        raise ConfigError("; ".join(dict.fromkeys(p for p in parts if p))) from exc


def compose_config(overrides: list[str] | None = None):
    """Compose ``conf/`` with overrides and return a validated :class:`~model.config.ModelConfig`."""
    from omegaconf import OmegaConf

    from model.config import config_from_dict

    raw = compose_raw(overrides)
    return config_from_dict(OmegaConf.to_container(raw, resolve=True))
