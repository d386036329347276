import dataclasses

import pytest

from model.config import ModelConfig, validate
from model.hydra_config import compose_config
from model.params import ConfigError, iter_params


def test_default_config_composes_with_the_five_municipalities():
    cfg = compose_config()
    assert [m.name for m in cfg.region.municipalities] == [
        "Lahti", "Hollola", "Orimattila", "Asikkala", "Kärkölä"]
    assert cfg.scale == 1.0 and cfg.start == "2018-01" and cfg.end == "2028-12"
    assert cfg.rules.regimes[0].day_thresholds == [300.0, 1000.0]


def test_every_declared_parameter_has_a_source_and_a_default_inside_its_bounds():
    cfg = compose_config()
    params = list(iter_params(cfg))
    assert len(params) > 80
    for p in params:
        assert p.source.strip(), p.path
        values = p.value if isinstance(p.value, list) else [p.value]
        for v in values:
            if isinstance(v, int | float) and not isinstance(v, bool):
                assert p.lo is None or v >= p.lo, p.path
                assert p.hi is None or v <= p.hi, p.path


def test_every_municipality_figure_names_its_source():
    cfg = compose_config()
    for m in cfg.region.municipalities:
        for key in ("population", "working_age_share", "participation", "unemployment_rate",
                    "foreign_language_share"):
            assert m.sources.get(key, "").strip(), (m.name, key)


@pytest.mark.parametrize("override, field, fragment", [
    ("scale=0", "scale", "allowed range"),
    ("scale=-0.5", "scale", "allowed range"),
    ("scale=2", "scale", "allowed range"),
    ("economy.quit_rate=-0.1", "economy.quit_rate", "allowed range"),
    ("region.population.mortality_per_year=-1", "region.population.mortality_per_year", "range"),
    ("scenario.services.caseload=0", "scenario.services.caseload", "allowed range"),
    ("end=2017-12", "end", "before start"),
    ("end=2030-13", "end", "YYYY-MM"),
    ("region.hub=Helsinki", "region.hub", "not a municipality"),
    ("economy.quit_rate=abc", "economy.quit_rate", "could not be converted"),
    ("+economy.quit_rat=1", "economy.quit_rat", "quit_rat"),
    ("region=nowhere", "region", "nowhere"),
])
def test_invalid_configuration_is_refused_naming_the_field(override, field, fragment):
    with pytest.raises(ConfigError) as err:
        compose_config([override])
    msg = str(err.value)
    assert field in msg and fragment.lower() in msg.lower(), msg


def test_sector_shares_must_sum_to_one():
    cfg = compose_config()
    cfg.economy.sectors[0].job_share += 0.2
    with pytest.raises(ConfigError, match="sum to"):
        validate(cfg)


def test_python_defaults_are_complete_dataclasses():
    cfg = ModelConfig()
    assert dataclasses.is_dataclass(cfg.economy)
    with pytest.raises(ConfigError, match="municipalities is empty"):
        validate(cfg)


def test_bounds_settings_take_parameter_paths_as_keys():
    """`calibrate.bounds={economy.quit_rate:[a,b]}` works as written (Hydra alone needs ++)."""
    from model.hydra_config import compose_raw

    cfg = compose_raw(["calibrate.bounds={economy.quit_rate:[0.004,0.012]}",
                       "sensitivity.bounds={economy.hire_scale:[1.0,2.0]}"])
    assert cfg.calibrate.bounds["economy.quit_rate"] == [0.004, 0.012]
    assert "economy.duration_penalty" in cfg.calibrate.bounds  # the defaults stay
    assert dict(cfg.sensitivity.bounds) == {"economy.hire_scale": [1.0, 2.0]}


def test_seasonal_factors_need_twelve_months():
    with pytest.raises(ConfigError, match="economy.seasonal_factors must have 12 values"):
        compose_config(["economy.seasonal_factors=[1.0,1.0]"])
    with pytest.raises(ConfigError, match=r"economy.seasonality = 3.0 is outside"):
        compose_config(["economy.seasonality=3.0"])


def test_levers_are_declared_with_ranges_inside_their_bounds():
    from model.hydra_config import compose_config
    from model.parameters import levers
    from model.params import param

    te = {p.path for p in levers(compose_config(["scenario=te_office"]))}
    kk = {p.path: p for p in levers(compose_config(["scenario=kuntakokeilu"]))}
    assert "scenario.services.caseload" in te and "scenario.coaching.caseload" not in te
    assert {"scenario.coaching.caseload", "scenario.strong_start.capacity",
            "scenario.purchased_services.budget_per_month"} <= set(kk)
    for p in kk.values():
        lo, hi = p.lever
        assert (p.lo is None or p.lo <= lo) and lo < hi and (p.hi is None or hi <= p.hi)
        assert p.unit
    with pytest.raises(ValueError, match="lever range"):
        param(1.0, 0.0, 2.0, source="test", lever=(0.0, 3.0))
