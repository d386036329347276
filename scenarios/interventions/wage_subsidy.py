"""The wage-subsidy lever: extra subsidised placements on top of the standing programme.

The programme itself (rates, employers' decisions, deadweight, retention, its monthly cost) runs in
every scenario and lives in :mod:`agents.wage_subsidy`; its parameters are ``scenario.wage_subsidy``.
This lever uses the same parameters: while it is active (``start`` .. ``end``) it places up to
``capacity`` eligible people a month, drawn from its own random stream.
"""

from __future__ import annotations

from agents.wage_subsidy import WageSubsidyParams
from model.intervention import Intervention, InterventionParams


class WageSubsidy(Intervention):
    """Extra wage-subsidy placements (see the module docstring)."""

    name = "wage_subsidy"
    params = WageSubsidyParams
    order = 10

    @classmethod
    def trial_obstacle(cls, params: InterventionParams) -> str | None:
        """Only the lever's extra placements go through eligibility (coaches' referrals do not)."""
        if params.capacity <= 0:
            return (f"its trial arm is the lever's extra placements, and "
                    f"scenario.wage_subsidy.capacity = {params.capacity:g} makes none; set a "
                    "capacity > 0 (scenario=wage_subsidy has 100 a month)")
        return None

    def subsidy_placements(self, t: int) -> None:
        """Up to ``capacity`` placements a month among the eligible, between start and end."""
        p = self.p
        if p.enabled and p.capacity > 0 and self.active(t):
            placed = self.model.wage_subsidy.place(t, self.take(self.eligible()), self.rng)
            self.participants_started += len(placed)
