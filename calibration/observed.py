"""Observed figures of the Lahti region (``calibration/data/observed.csv``), with their sources.

:func:`load_observed` returns every row; :func:`monthly_points` the rows that are monthly points
(``YYYY-MM`` periods) of one metric, as used for plots, tests and calibration targets.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parent / "data" / "observed.csv"
_MONTH = re.compile(r"^\d{4}-\d{2}$")

#: Metric names in observed.csv for the model's indicators (rates are in per cent there).
METRICS = {
    "unemployment_rate": "unemployment rate (TEM)",
    "unemployed": "unemployed jobseekers",
    "long_term_unemployed": "long-term unemployed (>1 yr)",
    "structural_share_of_unemployed": "structural unemployed share of unemployed",
}


@lru_cache(maxsize=1)
def load_observed() -> pd.DataFrame:
    """All observed rows: topic, area, period, metric, value, unit, source, note."""
    return pd.read_csv(DATA, dtype=str, keep_default_na=False)


def monthly_points(indicator: str, areas: list[str] | None = None) -> pd.DataFrame:
    """Observed monthly points of ``indicator`` (a key of :data:`METRICS`).

    Returns columns ``municipality, month, value, source``; rates are shares (0-1).
    """
    if indicator not in METRICS:
        raise KeyError(f"no observed metric for {indicator!r}; known: {', '.join(METRICS)}")
    df = load_observed()
    sel = df[(df.metric == METRICS[indicator]) & df.period.str.match(_MONTH)].copy()
    if areas is not None:
        sel = sel[sel.area.isin(areas)]
    sel["value"] = pd.to_numeric(sel.value, errors="coerce")
    sel = sel.dropna(subset=["value"])
    if sel.unit.eq("%").all():
        sel["value"] = sel.value / 100.0
    out = sel.rename(columns={"area": "municipality", "period": "month"})
    return out[["municipality", "month", "value", "source"]].sort_values(
        ["municipality", "month"]).reset_index(drop=True)
