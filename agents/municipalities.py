"""Municipalities: pay their share of unemployment benefits and tally the cost of their services."""

from __future__ import annotations

import mesa

from model.config import MunicipalityConfig


class Municipality(mesa.Agent):
    """One of the region's municipalities, with its running accounts in euros (real people)."""

    def __init__(self, model: mesa.Model, index: int, cfg: MunicipalityConfig):
        super().__init__(model)
        self.index = index
        self.name = cfg.name
        self.config = cfg
        self.benefit_share_paid = 0.0  # cumulative municipal share of unemployment benefits
        self.service_costs = 0.0  # cumulative cost of the municipality's own services
        self.last_month_benefit_share = 0.0

    def pay_benefit_share(self, euros: float) -> None:
        """Record this month's municipal share of unemployment benefits."""
        self.last_month_benefit_share = euros
        self.benefit_share_paid += euros

    def pay_services(self, euros: float) -> None:
        """Record the cost of services the municipality provides or buys."""
        self.service_costs += euros

    def __repr__(self) -> str:
        return (f"Municipality({self.name!r}, benefit share paid {self.benefit_share_paid:,.0f} EUR, "
                f"services {self.service_costs:,.0f} EUR)")
