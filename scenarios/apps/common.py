"""What every ``kohtaanto`` command shares: one way to start, fail, and record what was run.

A command is a Hydra app over ``conf/config.yaml`` (:func:`hydra_app`); its body receives a
:class:`Command`, which knows the output directory and the model's overrides from the command line,
checks worker counts, writes the model configurations actually run into ``configs/`` and finishes
with ``config.yaml`` and ``run.json`` (seed, package versions, settings and the command's figures).
A :class:`~model.params.ConfigError` anywhere in the body ends the command with one line naming
the setting and exit status 2, before or instead of any output.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from omegaconf import DictConfig, OmegaConf

from model.config import ModelConfig
from model.hydra_config import CONF_DIR, compose_config, register_configs
from model.output import provenance, write_json, write_model_config, write_text
from model.params import ConfigError
from scenarios.campaigns.runner import Runner

#: Keys of the Hydra config that configure a command, not the model.
APP_KEYS = ("runner.", "compare.", "trial.", "output.", "sensitivity.", "calibrate.", "hydra.", "hydra/")

#: The first line of a command's ``config.yaml``: the model settings in it are not what was run.
APP_CONFIG_NOTE = ("The command's settings as composed by Hydra. The model configurations "
                   "actually run (with the command's scale, end and scenarios) are in configs/.")


def fail(message: str) -> NoReturn:
    """Refuse a bad setting: one line on standard error, exit status 2."""
    print(f"kohtaanto: invalid configuration: {message}", file=sys.stderr)
    raise SystemExit(2)


def check_workers(name: str, value: int) -> None:
    """Refuse a negative number of worker processes (0 means one per core)."""
    if int(value) < 0:
        raise ConfigError(f"{name} = {value}; allowed: 0 (one per core) or more")


def model_overrides() -> list[str]:
    """The command line's overrides that configure the model (not a command, not Hydra)."""
    from hydra.core.hydra_config import HydraConfig

    task = list(HydraConfig.get().overrides.task)
    return [o for o in task if not o.lstrip("+~").startswith(APP_KEYS)]


@dataclass
class Command:
    """One command being run: its name, composed settings and output directory."""

    name: str
    cfg: DictConfig
    out: Path
    #: Model configurations written into ``configs/`` (name -> path relative to ``out``).
    model_configs: dict[str, str] = field(default_factory=dict)

    def overrides(self) -> list[str]:
        """The model's overrides from the command line."""
        return model_overrides()

    def base_config(self, scale: float, end: str, extra: list[str] | None = None) -> ModelConfig:
        """The model configuration of the command line at the command's ``scale`` and ``end``."""
        return compose_config([f"scale={scale}", f"end={end}"] + self.overrides() + (extra or []))

    def check_workers(self, section: str) -> int:
        """``<section>.workers``, refused if negative."""
        value = int(self.cfg[section].workers)
        check_workers(f"{section}.workers", value)
        return value

    def runner(self, section: str) -> Runner:
        """The command's :class:`Runner`: ``runner.*`` with ``<section>.workers`` local processes.

        Use it as a context manager: its workers end with the block.
        """
        return Runner.from_config(self.cfg.runner, self.check_workers(section))

    def save_config(self, name: str, config: ModelConfig) -> None:
        """Write a model configuration actually run as ``configs/<name>.yaml``."""
        write_model_config(self.out / "configs" / f"{name}.yaml", config)
        self.model_configs[name] = f"configs/{name}.yaml"

    def finish(self, **extra: Any) -> None:
        """Write ``config.yaml`` (the composed settings) and ``run.json`` last."""
        write_text(self.out / "config.yaml", f"# {APP_CONFIG_NOTE}\n" + OmegaConf.to_yaml(self.cfg))
        if self.model_configs:
            extra["model_configs"] = dict(self.model_configs)
        write_json(self.out / "run.json", provenance(OmegaConf.to_container(self.cfg, resolve=True),
                                                     command=self.name, **extra))


def hydra_app(name: str) -> Callable[[Callable[[Command], None]], Callable[[], None]]:
    """Make ``body(command)`` the Hydra app of ``kohtaanto <name>``.

    The app composes ``conf/config.yaml`` with the command line, quiets Mesa's logging, and turns
    a :class:`ConfigError` raised by the body into :func:`fail`.
    """
    import hydra
    from hydra.core.hydra_config import HydraConfig

    register_configs()

    def wrap(body: Callable[[Command], None]) -> Callable[[], None]:
        @hydra.main(config_path=str(CONF_DIR), config_name="config", version_base="1.3")
        def app(cfg: DictConfig) -> None:
            logging.getLogger("MESA").setLevel(logging.WARNING)
            command = Command(name, cfg, Path(HydraConfig.get().runtime.output_dir))
            try:
                body(command)
            except ConfigError as exc:
                fail(str(exc))
            except KeyboardInterrupt:
                # the runner has stopped its workers by now; finished jobs keep their files
                print(f"\nkohtaanto {name}: interrupted; finished runs are kept in "
                      f"{command.out} (the same command with hydra.run.dir={command.out} "
                      "resumes)", file=sys.stderr)
                raise SystemExit(130) from None

        app.__doc__ = body.__doc__
        return app

    return wrap
