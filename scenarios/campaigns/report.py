"""The comparison report: figures, a self-contained HTML page, a Markdown summary, tables."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from model.observed import monthly_points
from model.output import write_table, write_text
from scenarios.campaigns.effects import COMPONENTS, HEADLINE, effect_over_time, headline_table

LABELS = {
    "structural_unemployment": "structurally unemployed (persons)",
    "unemployment_rate": "unemployment rate",
    "broad_unemployment": "broad unemployment (persons)",
    "employment": "employed (persons)",
    "long_term_unemployed": "long-term unemployed (persons)",
    "activation_rate": "activation rate",
    "education_level": "share with upper-secondary or more",
    "employed_person_years": "employed person-years",
    "benefit_eur_state": "benefits paid by the state (EUR)",
    "benefit_eur_municipal": "benefits paid by municipalities (EUR)",
    "intervention_cost_eur": "cost of interventions (EUR)",
    "municipal_net_fiscal_effect_eur": "municipalities' net fiscal effect (EUR)",
    "cost_per_employed_person_year_eur": "cost per additional employed person-year (EUR)",
    "structural_long_term": "long-term unemployed",
    "structural_comparable": "unemployed 12 of the last 16 months",
    "structural_after_service": "unemployed after a service",
    "structural_service_to_service": "moved from service to service",
}


def _color(i: int):
    """A distinct colour for the i-th scenario (20 before repeating)."""
    return plt.cm.tab20(i % 20)


def _ts(df: pd.DataFrame) -> pd.Index:
    return pd.PeriodIndex(df, freq="M").to_timestamp()


def fig_series(results: pd.DataFrame, indicator: str, municipality: str, observed: str | None,
               reference: str) -> plt.Figure:
    """Monthly indicator per scenario: replication mean with a min–max band, observed points."""
    sel = results[(results.indicator == indicator) & (results.municipality == municipality)
                  & (results.group == "all")]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    labels = [reference] + sorted(set(sel.label) - {reference})
    for i, label in enumerate(labels):
        p = sel[sel.label == label].pivot_table(index="month", columns="replication",
                                                values="value")
        if p.empty:
            continue
        x = _ts(p.index)
        lw, color = (2.2, "black") if label == reference else (1.0, _color(i))
        ax.plot(x, p.mean(axis=1), lw=lw, color=color, label=label)
        ax.fill_between(x, p.min(axis=1), p.max(axis=1), color=color, alpha=0.12, lw=0)
    if observed:
        o = monthly_points(observed, [municipality]) if municipality != "region" else None
        if o is not None:
            o = o[(o.month >= sel.month.min()) & (o.month <= sel.month.max())]
        if o is not None and len(o):
            ax.plot(_ts(o.month), o.value, "o", color="crimson", ms=5, label="observed")
    ax.set_title(f"{LABELS.get(indicator, indicator)} — {municipality} (bands: replications)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=3)
    fig.tight_layout()
    return fig


def fig_effects(eff: pd.DataFrame, indicator: str, horizon: str = "experiment") -> plt.Figure:
    """Effect of each scenario on one outcome, with paired 95 % intervals (and unpaired)."""
    sel = eff[(eff.indicator == indicator) & (eff.horizon == horizon)
              & (eff.municipality == "region") & (eff.group == "all")].sort_values("effect")
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(sel) + 1.5))
    y = np.arange(len(sel))
    if "unpaired_low" in sel:
        ax.hlines(y, sel.unpaired_low, sel.unpaired_high, color="0.75", lw=6, label="unpaired")
    ax.hlines(y, sel.low, sel.high, color="C0", lw=2.5, label="paired (CRN)")
    ax.plot(sel.effect, y, "o", color="C0")
    ax.axvline(0, color="k", lw=0.8)
    ax.set_yticks(y, sel.label)
    ax.set_title(f"Effect on {LABELS.get(indicator, indicator)}, {horizon}, 95 % intervals")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="x")
    fig.tight_layout()
    return fig


def fig_effects_over_time(results: pd.DataFrame, reference: str, indicator: str) -> plt.Figure:
    """Monthly paired effect on one outcome (region), mean and 95 % band over replications."""
    fig, ax = plt.subplots(figsize=(10, 4.5))
    labels = set(results.label[results.indicator == indicator])
    if reference in labels:
        for i, label in enumerate(sorted(labels - {reference})):
            e = effect_over_time(results, reference, label, indicator)
            x = _ts(e.month)
            ax.plot(x, e.effect, lw=1.2, color=_color(i), label=label)
            ax.fill_between(x, e.low, e.high, color=_color(i), alpha=0.12, lw=0)
    ax.axhline(0, color="k", lw=0.8)
    ax.set_title(f"Effect on {LABELS.get(indicator, indicator)} over time (vs {reference})")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=3)
    fig.tight_layout()
    return fig


def fig_cost_effectiveness(eff: pd.DataFrame, horizon: str = "experiment") -> plt.Figure:
    """Cost-effectiveness plane: additional employed person-years against additional cost."""
    def pick(ind):
        return eff[(eff.indicator == ind) & (eff.horizon == horizon)
                   & (eff.municipality == "region") & (eff.group == "all")].set_index("label")
    x, y = pick("employed_person_years"), pick("public_service_cost_eur")
    both = x.add_suffix("_x").join(y.add_suffix("_y"), how="inner")
    fig, ax = plt.subplots(figsize=(7, 5.5))
    for i, (label, r) in enumerate(both.iterrows()):
        ax.errorbar(r.effect_x, r.effect_y / 1e6,
                    xerr=[[r.effect_x - r.low_x], [r.high_x - r.effect_x]],
                    yerr=[[(r.effect_y - r.low_y) / 1e6], [(r.high_y - r.effect_y) / 1e6]],
                    fmt="o", color=_color(i), capsize=3, label=label)
    ax.axhline(0, color="k", lw=0.8)
    ax.axvline(0, color="k", lw=0.8)
    ax.set_xlabel("additional employed person-years")
    ax.set_ylabel("additional public cost of services, M EUR")
    ax.set_title(f"Cost-effectiveness plane ({horizon})")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def _png(fig: plt.Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return buf.getvalue()


def _fmt(v: float, indicator: str) -> str:
    if not np.isfinite(v):
        return "–"
    if indicator.endswith("_rate") or indicator in ("activation_rate", "education_level"):
        return f"{v * 100:+.2f} pp"
    if abs(v) >= 1e5:
        return f"{v / 1e6:+.2f} M"
    return f"{v:+,.0f}"


def effect_text(row: pd.Series) -> str:
    """'effect [low, high]' formatted for the outcome, or why it is not shown."""
    ind = row.indicator
    note = row.get("note", "")
    if isinstance(note, str) and note:
        return note
    if not np.isfinite(row.get("low", np.nan)):
        return _fmt(row.effect, ind)
    return f"{_fmt(row.effect, ind)} [{_fmt(row.low, ind)}, {_fmt(row.high, ind)}]"


def summary_frame(eff: pd.DataFrame, horizon: str = "experiment",
                  outcomes: tuple[str, ...] = HEADLINE) -> pd.DataFrame:
    """Scenario × outcome table of formatted effects (the headline outcomes by default)."""
    t = headline_table(eff, horizon, outcomes=outcomes)
    if t.empty:
        return pd.DataFrame()
    t["text"] = t.apply(effect_text, axis=1)
    wide = t.pivot(index="label", columns="indicator", values="text")
    cols = [c for c in outcomes if c in wide.columns]
    return wide[cols]


#: Why the components are shown: a policy can move people between them without a job.
COMPONENTS_NOTE = ("Structural unemployment by its four official components (persons): a policy "
                   "can lower one and raise another without anyone finding work, e.g. a service "
                   "that ends in unemployment turns someone long-term unemployed into someone "
                   "unemployed after a service.")


def write_report(out: Path, results: pd.DataFrame, summary: pd.DataFrame, eff: pd.DataFrame,
                 reference: str, meta: dict, figures: bool = True) -> dict[str, Path]:
    """Write tables, figures, ``report.html`` and ``summary.md`` into ``out``.

    Without ``figures`` only the tables are written.
    """
    out = Path(out)
    files = {}
    for name, df in (("results", results), ("summary", summary), ("effects", eff)):
        files[f"{name}.parquet"] = write_table(out / f"{name}.parquet", df)
        if name == "results":  # the monthly CSV keeps all people (every group is in Parquet)
            df = df[df.group == "all"]
        files[f"{name}.csv"] = write_table(out / f"{name}.csv", df)
    if not figures:
        return files
    figs = {
        "Unemployment rate, Lahti": fig_series(results, "unemployment_rate", "Lahti",
                                               "unemployment_rate", reference),
        "Structural unemployment, region": fig_series(results, "structural_unemployment",
                                                      "region", None, reference),
        "Effects on structural unemployment": fig_effects(eff, "structural_unemployment"),
        "Effects on the unemployment rate": fig_effects(eff, "unemployment_rate"),
        "Effects on broad unemployment": fig_effects(eff, "broad_unemployment"),
        "Effects on employment": fig_effects(eff, "employment"),
        "Effect on structural unemployment over time": fig_effects_over_time(
            results, reference, "structural_unemployment"),
        "Cost-effectiveness plane": fig_cost_effectiveness(eff),
    }
    pngs = {title: _png(f) for title, f in figs.items()}
    for i, (title, data) in enumerate(pngs.items()):
        path = out / "figures" / f"{i + 1:02d}_{title.lower().replace(' ', '_').replace(',', '')}.png"
        from model.output import atomic_write

        files[path.name] = atomic_write(path, lambda p, d=data: p.write_bytes(d))
    table = summary_frame(eff)
    components = summary_frame(eff, outcomes=COMPONENTS)
    md = _markdown(table, eff, reference, meta, components)
    files["summary.md"] = write_text(out / "summary.md", md)
    files["report.html"] = write_text(out / "report.html",
                                      _html(table, eff, pngs, reference, meta, components))
    return files


def _by_muni_group(eff: pd.DataFrame, indicator: str) -> pd.DataFrame:
    sel = eff[(eff.indicator == indicator) & (eff.horizon == "experiment")].copy()
    if sel.empty:
        return sel
    sel["text"] = sel.apply(effect_text, axis=1)
    return sel.pivot_table(index=["label", "municipality"], columns="group", values="text",
                           aggfunc="first")


def _markdown_table(table: pd.DataFrame) -> list[str]:
    cols = list(table.columns)
    lines = ["| scenario | " + " | ".join(LABELS.get(c, c) for c in cols) + " |",
             "|---|" + "---|" * len(cols)]
    for label, row in table.iterrows():
        lines.append(f"| {label} | " + " | ".join(str(row[c]) for c in cols) + " |")
    return lines


def _markdown(table: pd.DataFrame, eff: pd.DataFrame, reference: str, meta: dict,
              components: pd.DataFrame | None = None) -> str:
    lines = ["# Policy comparison", "",
             f"Reference: **{reference}**; {meta.get('replications')} replications with common "
             f"random numbers (seeds {meta.get('seeds')}); scale {meta.get('scale')}; "
             f"{meta.get('start')} … {meta.get('end')}.", "",
             "Effects are scenario minus reference over the experiment window "
             f"({meta.get('window')}), region, all people: mean [95 % interval] of the paired "
             "differences. Euros are totals over the window.", ""]
    if not table.empty:
        lines += _markdown_table(table)
    if components is not None and not components.empty:
        lines += ["", COMPONENTS_NOTE, ""] + _markdown_table(components)
    lines += ["", "Horizons: " + ", ".join(sorted(set(eff.horizon))) + ". Full tables: "
              "`effects.csv` (by municipality, group and horizon), `summary.csv` (per run), "
              "`results.csv` (monthly).", ""]
    return "\n".join(lines)


def _html(table: pd.DataFrame, eff: pd.DataFrame, pngs: dict[str, bytes], reference: str,
          meta: dict, components: pd.DataFrame | None = None) -> str:
    esc = html.escape
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>kohtaanto comparison</title>",
             "<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;}"
             "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;"
             "padding:3px 6px;text-align:right}th{background:#eee}img{max-width:100%}</style>",
             "</head><body>", "<h1>Policy comparison</h1>",
             f"<p>Reference <b>{esc(reference)}</b>; {meta.get('replications')} replications "
             f"with common random numbers (seeds {esc(str(meta.get('seeds')))}); scale "
             f"{meta.get('scale')}; {esc(str(meta.get('start')))} … {esc(str(meta.get('end')))}. "
             f"Effects: scenario minus reference, mean [95 % interval] of the paired differences, "
             f"experiment window {esc(str(meta.get('window')))}, region, all people.</p>"]
    if not table.empty:
        parts.append(table.rename(columns=LABELS).to_html(escape=True))
    if components is not None and not components.empty:
        parts += [f"<h2>Structural unemployment by component</h2><p>{esc(COMPONENTS_NOTE)}</p>",
                  components.rename(columns=LABELS).to_html(escape=True)]
    for title, data in pngs.items():
        b64 = base64.b64encode(data).decode()
        parts.append(f"<h2>{esc(title)}</h2><img alt='{esc(title)}' "
                     f"src='data:image/png;base64,{b64}'>")
    for ind in ("structural_unemployment", "unemployment_rate"):
        t = _by_muni_group(eff, ind)
        if len(t):
            parts.append(f"<h2>Effect on {esc(LABELS.get(ind, ind))} by municipality and group "
                         "(experiment window)</h2>")
            parts.append(t.to_html(escape=True))
    parts.append(f"<h2>Provenance</h2><pre>{esc(str(meta.get('versions')))}</pre>")
    parts.append("</body></html>")
    return "\n".join(parts)
