"""Figures of the headline indicators against the observed points."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from model.observed import monthly_points
from model.output import atomic_write


def _series(df: pd.DataFrame, indicator: str, municipality: str, group: str = "all") -> pd.Series:
    sel = df[(df.indicator == indicator) & (df.municipality == municipality) & (df.group == group)]
    s = sel.set_index("month")["value"].astype(float)
    s.index = pd.PeriodIndex(s.index.astype(str), freq="M").to_timestamp()
    return s


def headline_figure(df: pd.DataFrame, title: str = "") -> plt.Figure:
    """The headline figure, with observed points where the data has them.

    Four panels: unemployment rate by municipality, structural unemployment, activation rate and
    the municipal share of benefits.
    """
    munis = [m for m in df.municipality.cat.categories if m != "region"]
    fig, axes = plt.subplots(2, 2, figsize=(12, 8), sharex=True)
    ax = axes[0, 0]
    first, last = str(df.month.astype(str).min()), str(df.month.astype(str).max())
    obs = monthly_points("unemployment_rate")
    obs = obs[(obs.month >= first) & (obs.month <= last)]
    for i, m in enumerate(munis):
        color = f"C{i}"
        ax.plot(_series(df, "unemployment_rate", m) * 100, color=color, lw=1.4, label=m)
        o = obs[obs.municipality == m]
        if len(o):
            ax.plot(pd.PeriodIndex(o.month, freq="M").to_timestamp(), o.value * 100, "o",
                    color=color, ms=4)
    ax.set_title("Unemployment rate, % (lines: model; dots: observed)")
    ax.legend(fontsize=8, ncol=2)
    ax = axes[0, 1]
    for name, label in (("structural_unemployment", "structural"),
                        ("long_term_unemployed", "long-term"), ("unemployed", "unemployed")):
        ax.plot(_series(df, name, "Lahti"), label=f"Lahti {label}")
    ltu = monthly_points("long_term_unemployed", ["Lahti"])
    ax.plot(pd.PeriodIndex(ltu.month, freq="M").to_timestamp(), ltu.value, "o", color="C1", ms=4,
            label="Lahti long-term (observed)")
    un = monthly_points("unemployed", ["Lahti"])
    ax.plot(pd.PeriodIndex(un.month, freq="M").to_timestamp(), un.value, "o", color="C2", ms=4,
            label="Lahti unemployed (observed)")
    ax.set_title("Lahti: unemployed, long-term and structurally unemployed (persons)")
    ax.legend(fontsize=8)
    ax = axes[1, 0]
    for g in ("all", "foreign_language", "under30"):
        ax.plot(_series(df, "activation_rate", "region", g) * 100, label=g)
    ax.plot(_series(df, "activation_rate_long_term", "region") * 100, label="long-term")
    ax.set_title("Activation rate, % (region)")
    ax.legend(fontsize=8)
    ax = axes[1, 1]
    for m in munis:
        ax.plot(_series(df, "benefit_eur_municipal", m) / 1e6, label=m)
    ax.set_title("Municipal share of unemployment benefits, M EUR a month")
    ax.legend(fontsize=8, ncol=2)
    for a in axes.ravel():
        a.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def save_figure(fig: plt.Figure, path: str | Path, dpi: int = 110) -> Path:
    """Save a figure atomically as PNG and close it."""
    try:
        return atomic_write(path, lambda p: fig.savefig(p, dpi=dpi, format="png"))
    finally:
        plt.close(fig)
