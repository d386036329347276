"""Observed figures of the Lahti region (``calibration/data/observed.csv``), with their sources.

:func:`load_observed` returns every row; :func:`monthly_points` the rows that are monthly points
(``YYYY-MM`` periods) of one metric, as used for plots, tests and calibration targets;
:func:`seasonal_factors` the national seasonal profile behind the labour-demand path.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "calibration" / "data" / "observed.csv"
_MONTH = re.compile(r"^\d{4}-\d{2}$")

#: National TEM unemployed jobseekers: unadjusted end-of-month counts and Statistics Finland's trend.
NATIONAL_UNADJUSTED = "unemployed jobseekers, whole country (TEM, unadjusted)"
NATIONAL_TREND = "unemployed jobseekers, whole country (TEM, seasonally adjusted trend)"

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


def seasonal_factors(year: int = 2019) -> list[float]:
    """Monthly seasonal factors of national register unemployment, January..December.

    Each month of ``year`` divides the unadjusted TEM count of unemployed jobseekers by Statistics
    Finland's seasonally adjusted trend; the twelve ratios are normalised to mean 1. This is the
    derivation of ``EconomyConfig.seasonal_factors``.
    """
    df = load_observed()
    nat = df[(df.area == "Finland") & df.period.str.startswith(f"{year}-")]

    def by_month(metric: str, per: float) -> pd.Series:
        sel = nat[nat.metric == metric]
        values = pd.to_numeric(sel.value).to_numpy() * per
        return pd.Series(values, index=sel.period.str[5:].astype(int).to_numpy()).sort_index()

    raw = by_month(NATIONAL_UNADJUSTED, 1.0)
    trend = by_month(NATIONAL_TREND, 1000.0)
    if list(raw.index) != list(range(1, 13)) or list(trend.index) != list(range(1, 13)):
        raise ValueError(f"observed.csv lacks a national month of {year} for the seasonal factors")
    ratio = raw / trend
    return [round(float(x), 3) for x in ratio / ratio.mean()]
