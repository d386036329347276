"""RegionModel under Mesa's own machinery: ``rng=`` seeding, the DataCollector and ``batch_run``."""

from dataclasses import replace

import mesa
import numpy as np
import pandas as pd
import pytest

from model.calendar import month_label
from model.hydra_config import compose_config
from model.region_model import HEADLINE, RegionModel


def arrays(m: RegionModel) -> dict[str, np.ndarray]:
    """Every array the model's recorder holds."""
    return {k: v for k, v in vars(m.recorder).items() if isinstance(v, np.ndarray)}


def assert_same_arrays(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)


@pytest.fixture(scope="module")
def batch() -> pd.DataFrame:
    rows = mesa.batch_run(RegionModel, parameters={"scale": 0.02, "end": "2019-12"}, rng=[1, 2],
                          data_collection_period=1, max_steps=24, number_processes=1,
                          display_progress=False)
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def short_run() -> RegionModel:
    return RegionModel(scale=0.02, end="2018-06", rng=7).run()


def test_batch_run_gives_the_headline_indicators_of_every_month(batch):
    assert set(HEADLINE) <= set(batch.columns)
    assert {"RunId", "iteration", "Step", "rng", "scale", "end"} <= set(batch.columns)
    assert len(batch) == 48
    for rng, run in batch.groupby("rng"):
        assert rng in (1, 2)
        # Mesa numbers the rows by model time: step k is month k - 1 (2018-01 is step 1)
        assert run.Step.tolist() == list(range(1, 25))
        assert run[list(HEADLINE)].notna().all().all()
    one = batch[batch.rng == 1].unemployment_rate.to_numpy()
    two = batch[batch.rng == 2].unemployment_rate.to_numpy()
    assert not np.array_equal(one, two)


def test_batch_rows_line_up_with_the_months(batch):
    m = RegionModel(scale=0.02, end="2019-12", rng=2).run()
    run = batch[batch.rng == 2].set_index("Step")
    for name in ("unemployment_rate", "structural_unemployment", "benefit_eur_municipal"):
        series = m.series(name)
        assert len(series) == 24
        np.testing.assert_array_equal(run[name].to_numpy(), series.to_numpy(), err_msg=name)


def test_batch_run_stops_at_the_configured_end():
    rows = mesa.batch_run(RegionModel, parameters={"scale": 0.02, "end": "2018-03"}, rng=[3],
                          data_collection_period=1, max_steps=1000, number_processes=1,
                          display_progress=False)
    assert [r["Step"] for r in rows] == [1, 2, 3]


def test_rng_is_the_seed(short_run):
    assert short_run.config.seed == 7
    by_seed = RegionModel(scale=0.02, end="2018-06", seed=7).run()
    assert_same_arrays(arrays(short_run), arrays(by_seed))
    cfg = compose_config(["scale=0.02", "end=2018-06"])  # seed 42, replaced by rng
    assert_same_arrays(arrays(short_run), arrays(RegionModel(cfg, rng=np.int64(7)).run()))


def test_rng_none_keeps_the_configured_seed():
    cfg = compose_config(["scale=0.02", "end=2018-01", "seed=5"])
    assert RegionModel(cfg, rng=None).config.seed == 5
    assert RegionModel(scale=0.02, end="2018-01", seed=6, rng=None).config.seed == 6
    assert RegionModel(scale=0.02, end="2018-01").config.seed == 42
    assert RegionModel(replace(cfg, seed=9), rng=9).config.seed == 9


@pytest.mark.parametrize("rng", [1.5, True, [1, 2], np.random.SeedSequence(1),
                                 np.random.default_rng(1)])
def test_rng_must_be_an_int(rng):
    with pytest.raises(TypeError, match="rng must be an int seed"):
        RegionModel(scale=0.02, end="2018-01", rng=rng)


def test_rng_and_a_different_seed_are_refused():
    with pytest.raises(TypeError, match="two different seeds"):
        RegionModel(scale=0.02, end="2018-01", rng=3, seed=4)
    assert RegionModel(scale=0.02, end="2018-01", rng=3, seed=3).config.seed == 3


def test_datacollector_equals_the_recorder(short_run):
    df = short_run.datacollector.get_model_vars_dataframe()
    assert list(df.columns) == list(HEADLINE)
    assert len(df) == short_run.t == 6
    assert short_run.datacollector._collection_steps == [1, 2, 3, 4, 5, 6]
    for name in HEADLINE:
        series = short_run.series(name)
        assert list(series.index) == [month_label(t) for t in range(6)]
        np.testing.assert_array_equal(df[name].to_numpy(), series.to_numpy(), err_msg=name)
    assert short_run.headline["unemployment_rate"] == short_run.value("unemployment_rate",
                                                                       "2018-06")
