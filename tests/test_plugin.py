"""An intervention defined here, in the test file alone, runs in the model: the extension point works.

Nothing in the project is edited: the class registers itself when it is defined, its parameters
become ``scenario.hiring_bonus.*`` in the Hydra configuration, its per-person state is added to the
people, and the model calls its hook at the ``matching`` point of the month's plan.
"""

from dataclasses import dataclass, field

import numpy as np
import pytest

from model.hydra_config import compose_config
from model.intervention import Eligibility, Intervention, InterventionParams, registered, unregister
from model.params import ConfigError, param
from model.region_model import RegionModel

SHORT = ["scale=0.05", "end=2019-06"]


@pytest.fixture
def hiring_bonus():
    """Define the intervention for one test, and take it out of the registry afterwards."""

    @dataclass
    class HiringBonusParams(InterventionParams):
        """A hiring bonus: employers see the bonus's holders as more attractive."""

        eligibility: Eligibility = field(
            default_factory=lambda: Eligibility(statuses=["unemployed"], min_months=6))
        boost: float = param(3.0, 1.0, 10.0, unit="x hiring score", source="assumption: a test")

    class HiringBonus(Intervention):
        """Up to ``capacity`` long-term unemployed a month get a bonus that employers value."""

        name = "hiring_bonus"
        params = HiringBonusParams
        order = 500
        person_fields = {"bonus_month": (np.int16, -1, False)}

        def matching(self, t: int, inputs) -> None:
            if not self.active(t):
                return
            people = self.model.people
            who = self.take(self.eligible())
            people.bonus_month[who] = t
            inputs.boost_people(who, self.p.boost)
            self.charge(who, self.p.unit_cost)
            self.participants_started += len(who)

    try:
        yield HiringBonus
    finally:
        unregister("hiring_bonus")
    assert "hiring_bonus" not in registered()


def test_an_intervention_defined_in_a_test_runs_and_has_its_effect(hiring_bonus):
    assert list(registered())[-1] == "hiring_bonus"
    off = RegionModel(compose_config(SHORT)).run()
    on = RegionModel(compose_config(SHORT + [
        "scenario.hiring_bonus.enabled=true", "scenario.hiring_bonus.start=2018-03",
        "scenario.hiring_bonus.capacity=400", "scenario.hiring_bonus.unit_cost=50"])).run()
    iv = on.interventions_by_name["hiring_bonus"]
    assert iv.participants_started > 0
    assert (on.people.bonus_month >= 0).any() and not (off.people.bonus_month >= 0).any()
    # its hook is in the month's plan, at the matching point
    plan = on.plan(live_only=True)
    row = plan[(plan.step == "matching") & (plan.kind == "hook")].iloc[0]
    assert "hiring_bonus" in row.by.split(", ")
    # it is charged to a cost column of its own
    col = on.recorder.cost_names.index("hiring_bonus")
    assert on.recorder.costs[:, col].sum() == pytest.approx(iv.cost_eur) and iv.cost_eur > 0
    # and it works: those unemployed for 6 months or more find work faster than without it
    def exit_after_six_months(m):
        return m.recorder.duration_profile(2, 17)["exit_to_work"][["6-12", "12-18"]].mean()

    assert exit_after_six_months(on) > 1.1 * exit_after_six_months(off)


def test_a_plugged_in_interventions_settings_are_checked(hiring_bonus):
    with pytest.raises(ConfigError, match=r"scenario.hiring_bonus.boost = 20"):
        compose_config(SHORT + ["scenario.hiring_bonus.boost=20"])


def test_an_intervention_that_is_off_changes_no_result(hiring_bonus):
    base = RegionModel(compose_config(SHORT)).run()
    unregister("hiring_bonus")
    without = RegionModel(compose_config(SHORT)).run()
    for name in ("stocks", "events", "flows"):
        assert np.array_equal(getattr(base.recorder, name), getattr(without.recorder, name))
