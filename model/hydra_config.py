"""Compose the Hydra configuration from ``conf/`` outside a command-line app (notebooks, tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.config import ModelConfig
from model.params import ConfigError


def _conf_dir() -> Path:
    """The configuration directory: ``conf/`` of a checkout, else the package ``kohtaanto_conf``.

    A wheel carries ``conf/`` under that name. The checkout's own ``conf/`` comes first, so a
    second checkout never reads another one's configuration through an install.
    """
    import importlib.util

    beside = Path(__file__).resolve().parents[1] / "conf"
    if (beside / "config.yaml").is_file():
        return beside
    spec = importlib.util.find_spec("kohtaanto_conf")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))).resolve()
    return beside


CONF_DIR = _conf_dir()
#: The installed calibration: the parameter set (``default.yaml``) and its draws (``draws.csv``).
CALIBRATION_DIR = CONF_DIR / "calibration"
SCHEMA = "kohtaanto_schema"


def available_scenarios() -> list[str]:
    """The scenarios of ``conf/scenario/``, in their listing order (each file's ``order``)."""
    import yaml

    found = []
    for path in (CONF_DIR / "scenario").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        found.append((int(data.get("order", 100)), path.stem))
    return [name for _, name in sorted(found)]


@dataclass
class OutputConfig:
    """What ``kohtaanto run`` writes besides the indicator table."""

    plot: bool = True


@dataclass
class DaskConfig:
    """``runner.dask``: a running Dask scheduler to join, or a LocalCluster to start here."""

    address: str = ""  # e.g. tcp://host:8786 (a scheduler started with `dask scheduler`)
    scheduler_file: str = ""  # the file a scheduler wrote (`dask scheduler --scheduler-file f`)
    local_workers: int = 0  # neither given: a LocalCluster with this many processes (0 = cores)
    timeout: float = 30.0  # seconds to connect and to wait for a LocalCluster's workers
    dashboard: bool = True  # serve and print Dask's dashboard (needs bokeh)


@dataclass
class RunnerConfig:
    """``runner``: where every batch command (compare, trial, sensitivity, calibrate) runs its jobs.

    Not part of what a resumed output directory must match: a campaign started on one executor
    resumes on another.
    """

    executor: str = "local"  # local (a process pool of <command>.workers) or dask
    progress: bool = True  # a progress bar on standard error when it is a terminal
    dask: DaskConfig = field(default_factory=DaskConfig)


@dataclass
class CompareConfig:
    """``kohtaanto compare``: which scenarios, how many replications, how many workers."""

    scenarios: list[str] = field(default_factory=available_scenarios)  # all of conf/scenario/
    reference: str = "te_office"
    replications: int = 4
    scale: float = 0.1  # used unless scale= is given on the command line
    end: str = "2026-12"  # used unless end= is given on the command line
    workers: int = 0  # worker processes; 0 = one per core
    measure_start: str = "2021-03"
    experiment_end: str = "2024-12"
    parameter_draws: bool = False  # replication r uses accepted calibration draw r
    # settings of one scenario only, e.g. compare.overrides.kuntakokeilu={scenario.coaching.caseload:60}
    # (overrides given on the command line apply to every scenario, the reference included)
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class TrialConfig:
    """``kohtaanto trial``: a virtual randomised trial of one intervention."""

    intervention: str = "coaching"
    share: float = 0.5  # share of the eligible assigned to treatment
    assign: str = "2021-03"  # month of assignment
    # 40 replications of the whole region detect a 1-point effect on the share employed at 12
    # months (MDE 0.004 coaching, 0.004 training, 0.007 strong start; 83-91 s on 2 cores; at 16
    # strong start's was 0.014).
    replications: int = 40
    scale: float = 1.0  # used unless scale= is given on the command line
    workers: int = 0
    follow_up: list[int] = field(default_factory=lambda: [6, 12, 24, 36])
    days_months: int = 24  # months from assignment over which days per person are counted


CALIBRATED = ["economy.quit_rate", "economy.hire_scale", "economy.duration_penalty",
              "economy.employability_sd",
              "economy.demand_elasticity", "economy.vacancy_speed", "economy.discouragement",
              "region.population.unemployed_to_outside_rate", "economy.seasonality",
              "region.population.initial_selection_hazard", "economy.recall_rate",
              "economy.short_layoff_rate",
              # the register's own flows (docs/model.md 7.31-7.32)
              "region.population.inactivity_rate", "region.population.miss_rate",
              "region.population.reregistration_rate", "region.population.unavailable_share",
              "scenario.services.contact.detection", "scenario.services.contact.training_referral",
              "scenario.services.contact.other_service_referral",
              "scenario.services.contact.referral_age_decline",
              "scenario.services.service_wait_months",
              # local labour demand (docs/model.md 7.4)
              "economy.local_demand_share"]


@dataclass
class SensitivityConfig:
    """``kohtaanto sensitivity``: SALib Morris or Sobol over declared parameters."""

    method: str = "morris"
    parameters: list[str] = field(default_factory=lambda: list(CALIBRATED) + [
        "scenario.services.contact.effort_boost", "scenario.services.contact.vacancy_referral",
        "economy.network_share",
        "economy.commute_friction_per_km"])
    bounds: dict[str, list[Any]] = field(default_factory=dict)  # [low, high] by parameter
    spread: float = 0.5  # range around the default when no bounds are given
    n: int = 8  # Morris trajectories, or Sobol base samples (a power of two)
    levels: int = 4
    second_order: bool = False
    replicates: int = 1
    noise_seeds: int = 8
    outputs: list[str] = field(default_factory=lambda: [
        "structural_unemployment@2022-12", "unemployment_rate@2021-06",
        "effect:kuntakokeilu:structural_unemployment", "distance"])
    reference: str = "te_office"
    chunk_size: int = 16
    workers: int = 0
    scale: float = 0.1
    end: str = "2024-12"
    model: str = "region"


@dataclass
class CalibrateConfig:
    """``kohtaanto calibrate``: simulated moments over a Sobol design, then a local search."""

    parameters: list[str] = field(default_factory=lambda: list(CALIBRATED))
    # Callbacks fall by roughly 45 % over the first 8 months of unemployment (Kroft, Lange &
    # Notowidigdo 2013, QJE 128(3)), a log penalty of about 0.07 a month over the declared 8
    # months (duration_penalty_months, not calibrated): the screening penalty is kept near that;
    # heterogeneity then carries the rest of the duration dependence.
    bounds: dict[str, list[Any]] = field(default_factory=lambda: {
        "economy.duration_penalty": [0.03, 0.10], "economy.employability_sd": [0.4, 1.6],
        "economy.seasonality": [0.5, 2.0], "region.population.initial_selection_hazard": [0.03, 0.4],
        "economy.recall_rate": [0.1, 0.9], "economy.short_layoff_rate": [0.0, 0.002],
        "region.population.unemployed_to_outside_rate": [0.0002, 0.006],
        "region.population.inactivity_rate": [0.003, 0.06], "region.population.miss_rate": [0.005, 0.08],
        "region.population.reregistration_rate": [0.03, 0.4],
        "region.population.miss_heterogeneity": [0.0, 4.0],
        "region.population.unavailable_share": [0.1, 0.9],
        "scenario.services.contact.detection": [0.05, 0.8],
        "scenario.services.contact.training_referral": [0.03, 0.2],
        "scenario.services.contact.other_service_referral": [0.04, 0.3],
        "scenario.services.contact.referral_age_decline": [0.0, 0.15],
        "scenario.services.service_wait_months": [0.5, 3.0],
        "economy.local_demand_share": [0.0, 0.6]})
    spread: float = 0.5
    design: int = 192
    seeds: int = 3
    # Model evaluations of the local search (Nelder-Mead's maxfev): its first simplex alone takes
    # one per parameter and one more, so 60 ended soon after it over 22 parameters.
    local_iterations: int = 250
    # The local search's first simplex steps this share of each parameter's range from the start
    # (towards the inside at an upper bound); SciPy's own first step is 5 % of the value, and
    # 0.00025 of the range for a parameter at its lower bound, which then barely moves.
    local_step: float = 0.1
    accept: float = 0.1
    chunk_size: int = 8
    workers: int = 0
    # The scale of the reported fit: optima found at 0.3 did not carry over to 1.0 (the small
    # municipalities' seed noise and the stochastic rounding of flows differ); ~10 min on 2 cores.
    scale: float = 1.0
    end: str = "2022-12"
    install: bool = False  # copy the result to conf/calibration/ (the new defaults)
    # The patterns of the distance (calibration/targets.py); "lapses_duration" may be added.
    patterns: list[str] = field(default_factory=lambda: [
        "lahti_rate", "municipal_rates", "lahti_counts", "composition", "duration",
        "services_duration", "destinations"])
    screen: int = 0  # > 0: Morris-screen these parameters first and calibrate the top `screen`
    screen_trajectories: int = 6


@dataclass
class RunConfig(ModelConfig):
    """The schema of ``conf/config.yaml``: the model's configuration plus the apps' settings."""

    output: OutputConfig = field(default_factory=OutputConfig)
    runner: RunnerConfig = field(default_factory=RunnerConfig)
    compare: CompareConfig = field(default_factory=CompareConfig)
    trial: TrialConfig = field(default_factory=TrialConfig)
    sensitivity: SensitivityConfig = field(default_factory=SensitivityConfig)
    calibrate: CalibrateConfig = field(default_factory=CalibrateConfig)


def register_configs() -> None:
    """Register the dataclass schema in Hydra's ConfigStore (as ``kohtaanto_schema``).

    Every declared parameter then exists in the composed config with its default, so any of them
    can be overridden on the command line (``economy.quit_rate=0.01``) and wrong types are
    refused when the config is composed.
    """
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name=SCHEMA, node=RunConfig)


#: Settings that map parameter paths to values; their keys are new to the (empty) default dict.
DICT_SETTINGS = ("sensitivity.bounds", "calibrate.bounds", "compare.overrides")


def normalise_overrides(overrides: list[str]) -> list[str]:
    """Let ``calibrate.bounds={economy.quit_rate:[0.004,0.012]}`` work as written.

    Hydra refuses new keys in a structured config's dict (even an empty one) unless the override
    is forced with ``++``; these settings exist to take new keys, so they are forced here (also
    one key of them: ``compare.overrides.kuntakokeilu={…}``).
    """

    def forced(key: str) -> bool:
        return any(key == d or key.startswith(d + ".") for d in DICT_SETTINGS)

    return [f"++{o}" if forced(o.split("=", 1)[0]) else o for o in overrides]


def compose_raw(overrides: list[str] | None = None):
    """Return the composed Hydra ``DictConfig`` for ``conf/config.yaml`` with overrides applied."""
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    register_configs()
    try:
        if GlobalHydra.instance().is_initialized():  # inside a Hydra app: same search path
            return compose(config_name="config", overrides=normalise_overrides(list(overrides or [])))
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
            return compose(config_name="config", overrides=normalise_overrides(list(overrides or [])))
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


def default_config(**overrides: Any) -> ModelConfig:
    """The default configuration of ``kohtaanto run``, composed from ``conf/`` by Hydra.

    Args:
        **overrides: Hydra-style overrides, e.g. ``scale=0.1`` or ``economy.quit_rate=0.01``.
    """
    def value(v: Any) -> str:
        # Strings are quoted so that commas, spaces and non-ASCII letters stay one value; lists
        # and numbers keep Hydra's own syntax. (A group choice such as scenario=kuntakokeilu is
        # a string as well, and Hydra accepts it quoted.)
        if isinstance(v, str):
            return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return str(v)

    return compose_config([f"{k}={value(v)}" for k, v in overrides.items()])
