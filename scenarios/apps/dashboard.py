"""The planners' dashboard (``kohtaanto dashboard``): a policy sandbox and a step-by-step view.

**Policy sandbox** (the first tab): choose a scenario and move its levers (declared with
``param(lever=...)``); **Run** starts a paired comparison against the reference in the background
(``scenarios/apps/sandbox.py``: ``kohtaanto compare``'s own function on the worker pool, progress on
the page, a new Run cancels the one going) and shows the effects over time with their bands, a
table of effects with 95 % intervals, costs by payer and the cost per additional employed
person-year where it means something, both arms' levels by municipality with the observed
points, the command line that reproduces it, and the tables as CSV.

**Step by step** (the second tab, for researchers): the chosen scenario and the reference run side
by side with the same seed, a month or a year per click, with the month named on the charts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model.calendar import month_label
from model.indicators import EVENTS, STOCKS
from model.region_model import RegionModel
from scenarios.apps.sandbox import REFERENCE

#: The step-by-step view's scale (a tenth of the population: a month takes a few milliseconds).
STEP_SCALE = 0.1


def _compose(scenario: str, scale: float, seed: int, values: dict[str, float]):
    from model.hydra_config import compose_config
    from model.parameters import apply

    cfg = compose_config([f"scenario={scenario}", f"scale={scale}", f"seed={seed}"])
    return apply(cfg, values)


class DashboardModel(RegionModel):
    """The chosen scenario, with the reference stepped alongside (same seed).

    ``levers`` (dotted parameter -> value) set the scenario's levers; the reference is the TE
    office as it is.
    """

    def __init__(self, scenario: str = "kuntakokeilu", levers: dict[str, float] | None = None,
                 scale: float = STEP_SCALE, seed: int = 42, municipality: str = "region"):
        super().__init__(_compose(scenario, scale, int(seed), dict(levers or {})))
        self.reference = RegionModel(_compose(REFERENCE, scale, int(seed), {}))
        self.scenario_name = scenario
        self.view = municipality  # whose structural unemployment, activation and costs to show

    def step(self) -> None:
        """One month of the scenario and of the reference."""
        super().step()
        if self.reference.t < self.t:
            self.reference.step()


def headline(model: RegionModel, municipality: str = "region") -> dict[str, np.ndarray]:
    """Headline monthly series of the months simulated so far (real people, euros).

    ``ur`` is by municipality; the other series are for ``municipality`` (or the region).
    """
    rec, t = model.recorder, model.t
    per = 1.0 / model.scale
    s = rec.stocks[:t, 0] * per  # month, municipality, stock
    e = rec.events[:t, 0] * per
    ur_all = None
    if municipality != "region":
        k = model.muni_names.index(municipality)
        ur_all = s
        s, e = s[:, k:k + 1], e[:, k:k + 1]
    col = {k: i for i, k in enumerate(STOCKS)}
    ev = {k: i for i, k in enumerate(EVENTS)}
    lf = (s[..., col["employed"]] + s[..., col["self_employed"]] + s[..., col["subsidised"]]
          + s[..., col["unemployed"]])
    svc = s[..., col["subsidised"]] + s[..., col["training"]] + s[..., col["other_service"]]
    structural = sum(s[..., col[k]] for k in ("structural_long_term", "structural_comparable",
                                                 "structural_after_service",
                                                 "structural_service_to_service"))
    if ur_all is not None:
        lf_all = (ur_all[..., col["employed"]] + ur_all[..., col["self_employed"]]
                  + ur_all[..., col["subsidised"]] + ur_all[..., col["unemployed"]])
        with np.errstate(invalid="ignore", divide="ignore"):
            ur = ur_all[..., col["unemployed"]] / lf_all
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            ur = s[..., col["unemployed"]] / lf
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "ur": ur,
            "ur_region": s[..., col["unemployed"]].sum(1) / lf.sum(1),
            "structural": structural.sum(1),
            "activation": svc.sum(1) / (svc.sum(1) + s[..., col["unemployed"]].sum(1)),
            "municipal_benefits": e[..., ev["benefit_eur_municipal"]].sum(1),
        }


def figure(model: DashboardModel) -> Figure:
    """The four headline panels, scenario (solid) against the reference (dashed)."""
    fig = Figure(figsize=(11, 7))
    axes = fig.subplots(2, 2)
    if model.t == 0:
        for ax in axes.ravel():
            ax.text(0.5, 0.5, "press Step", ha="center", va="center")
        return fig
    view = getattr(model, "view", "region")
    a, b = headline(model, view), headline(model.reference, view)
    months = [month_label(i) for i in range(model.t)]
    x = np.arange(model.t)
    ticks = x[:: max(1, len(x) // 6)]
    ax = axes[0, 0]
    for i, name in enumerate(model.muni_names):
        ax.plot(x, a["ur"][:, i] * 100, color=f"C{i}", label=name)
        ax.plot(x, b["ur"][:, i] * 100, color=f"C{i}", ls="--", lw=0.8)
    ax.set_title("Unemployment rate, % (dashed: te_office)")
    ax.legend(fontsize=7)
    for ax, key, title, k in ((axes[0, 1], "structural", f"Structurally unemployed, {view}", 1),
                              (axes[1, 0], "activation", f"Activation rate, %, {view}", 100),
                              (axes[1, 1], "municipal_benefits",
                               f"Municipal share of benefits, EUR a month, {view}", 1)):
        ax.plot(x, a[key] * k, label=model.scenario_name)
        ax.plot(x, b[key] * k, ls="--", label="te_office")
        ax.set_title(title)
        ax.legend(fontsize=7)
    for ax in axes.ravel():
        ax.set_xticks(ticks, [months[i] for i in ticks], fontsize=7)
        ax.grid(alpha=0.3)
    fig.suptitle(f"{model.scenario_name} vs te_office — {months[-1]}")
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------------ the sandbox's charts


def effects_figure(results: pd.DataFrame, reference: str, label: str) -> Figure:
    """The monthly paired effects on the headline outcomes (region), mean and 95 % band."""
    from scenarios.apps.sandbox import OVER_TIME
    from scenarios.campaigns.effects import effect_over_time

    fig = Figure(figsize=(12, 6.5))
    axes = fig.subplots(2, 2)
    for ax, (ind, title, k) in zip(axes.ravel(), OVER_TIME, strict=True):
        e = effect_over_time(results, reference, label, ind)
        x = pd.PeriodIndex(e.month, freq="M").to_timestamp()
        ax.fill_between(x, e.low * k, e.high * k, alpha=0.25, lw=0, label="95 % band")
        ax.plot(x, e.effect * k, lw=1.5, label="mean paired effect")
        ax.axhline(0, color="k", lw=0.8)
        ax.axvspan(pd.Timestamp("2021-03-01"), pd.Timestamp("2024-12-31"), color="0.9", zorder=0)
        ax.set_title(f"Effect on {title[0].lower()}{title[1:]}", fontsize=10)
        ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=8, loc="lower left")
    fig.suptitle(f"{label} − {reference}, region (shaded: the experiment 2021-03 … 2024-12)")
    fig.tight_layout()
    return fig


def levels_figure(results: pd.DataFrame, reference: str, label: str) -> Figure:
    """Both arms' unemployment rate by municipality, with the observed monthly points."""
    from model.observed import monthly_points
    from scenarios.apps.sandbox import levels

    lv = levels(results)
    obs = monthly_points("unemployment_rate")
    places = ["region"] + [m for m in lv.municipality.unique() if m != "region"]
    fig = Figure(figsize=(12, 6.5))
    axes = fig.subplots(2, 3)
    for ax, place in zip(axes.ravel(), places, strict=False):
        for arm, style in ((label, "-"), (reference, "--")):
            a = lv[(lv.label == arm) & (lv.municipality == place)]
            ax.plot(pd.PeriodIndex(a.month, freq="M").to_timestamp(), a.value * 100, style,
                    lw=1.3, label=arm)
        o = obs[obs.municipality == place]
        if len(o):
            ax.plot(pd.PeriodIndex(o.month, freq="M").to_timestamp(), o.value * 100, "o",
                    ms=3, color="crimson", label="observed")
        ax.set_title(f"Unemployment rate, %: {place}", fontsize=10)
        ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=8)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------------ the page


class _Holder:
    """The runner of the comparison going (so that a new Run can cancel it)."""

    runner: Any = None


def make_page():
    """The page: the policy sandbox and the step-by-step view, on two tabs."""
    import datetime
    import time
    import uuid
    from pathlib import Path

    import solara
    import solara.lab

    from scenarios.apps.sandbox import (
        END,
        REPLICATIONS,
        SCALE,
        effect_table,
        lever_groups,
        lever_label,
        run_sandbox,
        scenarios,
        with_levers,
    )
    from scenarios.campaigns.runner import Cancelled, Runner

    scenario = solara.reactive("kuntakokeilu")
    values: solara.Reactive[dict[str, float]] = solara.reactive({})
    progress = solara.reactive("")

    @solara.lab.task(prefer_threaded=True)
    def run(s, holder: _Holder) -> dict | None:
        stamp = datetime.datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
        out = Path("outputs") / "dashboard" / f"{stamp}_{uuid.uuid4().hex[:6]}"
        t0 = time.perf_counter()

        def follow(p) -> None:
            if not run.is_current():  # a newer Run took over: stop this one
                runner.cancel()
                return
            run.progress = 100 * p.fraction
            left = "" if p.remaining is None else f", about {p.remaining:.0f} s left"
            progress.set(f"{p.finished} of {p.total} runs{left}")

        runner = Runner("local", 0, progress=False, followers=[follow])
        holder.runner = runner
        try:
            with runner:
                record = run_sandbox(s, out, runner)
        except Cancelled:
            return None
        finally:
            if holder.runner is runner:
                holder.runner = None
        return {"settings": s, "record": record, "out": out,
                "seconds": time.perf_counter() - t0}

    @solara.component
    def Levers():
        groups = solara.use_memo(lambda: lever_groups(scenario.value), [scenario.value])
        current = values.value
        for group, params in groups.items():
            with solara.Card(group, margin=0, style={"margin-bottom": "8px"}):
                for p in params:
                    lo, hi = p.lever
                    v = float(current.get(p.path, p.value))

                    def set_value(x, path=p.path):
                        values.set({**values.value, path: round(float(x), 6)})

                    changed = "" if np.isclose(v, p.value) else f" (scenario: {p.value:g})"
                    solara.Markdown(f"**{lever_label(p)}**: {v:g} {p.unit}{changed}",
                                    style={"font-size": "0.85em", "margin-bottom": "-12px"})
                    solara.SliderFloat("", value=v, min=lo, max=hi, step=_step(lo, hi, p.value),
                                       on_value=set_value, thumb_label=False)

    @solara.component
    def Results(result: dict):
        s, record = result["settings"], result["record"]
        eff, results = record["effects"], record["results"]
        table = effect_table(eff, s.scenario)
        window = table[table.horizon == "experiment"]
        structural = window[window.indicator == "structural_unemployment"]
        if len(structural):
            r = structural.iloc[0]
            solara.Markdown(
                f"### {s.scenario} against {s.reference}\n"
                f"Structurally unemployed over the experiment window (2021-03 … 2024-12), region: "
                f"**{r.effect:+,.0f} persons**, 95 % interval [{r.low:+,.0f}, {r.high:+,.0f}] "
                f"(±{(r.high - r.low) / 2:,.0f}). {s.replications} paired replications at scale "
                f"{s.scale:g} to {s.end}, ran in {result['seconds']:.0f} s.")
        solara.FigureMatplotlib(effects_figure(results, s.reference, s.scenario), format="png",
                                dpi=90)
        solara.Markdown("#### Effects (region, all people): mean paired difference [95 % interval]")
        shown = table.pivot_table(index="outcome", columns="horizon", values="text",
                                  aggfunc="first", sort=False)
        order = [h for h in ("experiment", "+1y", "+2y", "+4y") if h in shown.columns]
        solara.DataFrame(shown[order].reset_index(), items_per_page=20)
        undecided = table[(table.note != "") & (table.horizon == "experiment")]
        for r in undecided.itertuples():
            solara.Warning(f"{r.outcome}: {r.note}", dense=True)
        solara.Markdown("#### Both arms by municipality, with the observed points")
        solara.FigureMatplotlib(levels_figure(results, s.reference, s.scenario), format="png",
                                dpi=90)
        solara.Markdown("#### Reproduce it\nThis comparison (the same tables, exactly):")
        wrap = "white-space: pre-wrap; word-break: break-all; font-size: 0.85em"
        solara.Preformatted(s.command(), style_=wrap)
        solara.Markdown("The whole region with 16 replications:")
        solara.Preformatted(s.command(scale=1.0, replications=16), style_=wrap)
        with solara.Row():
            solara.FileDownload(table.to_csv(index=False), filename="sandbox_effects.csv",
                                label="This table (CSV)")
            solara.FileDownload(lambda: (result["out"] / "effects.csv").read_bytes(),
                                filename="effects.csv", label="All effects (CSV)")
            solara.FileDownload(lambda: (result["out"] / "summary.csv").read_bytes(),
                                filename="summary.csv", label="Per replication (CSV)")
        solara.Text(f"Tables written to {result['out']}", style={"font-size": "0.8em"})

    @solara.component
    def SandboxView():
        holder = solara.use_memo(_Holder, [])

        def start():
            if holder.runner is not None:
                holder.runner.cancel()
            progress.set("starting the workers")
            run(with_levers(scenario.value, values.value), holder)

        def choose(name):
            values.set({})
            scenario.set(name)

        with solara.Columns([1, 3]):
            with solara.Column():
                solara.Select("Scenario (against te_office)", values=scenarios(),
                              value=scenario.value, on_value=choose)
                Levers()
                solara.Button("Run", on_click=start, color="primary")
                solara.Text(f"{REPLICATIONS} paired replications at scale {SCALE:g} "
                            f"(a share of the population simulated), 2018-01 … {END}, seeds 42 …",
                            style={"font-size": "0.8em"})
            with solara.Column():
                if run.pending:
                    solara.ProgressLinear(run.progress if run.progress else True)
                    solara.Text(f"Running: {progress.value}")
                if run.error:
                    solara.Error(f"The run failed: {run.exception}")
                if run.latest:
                    Results(run.latest)
                elif not run.pending:
                    solara.Info("Choose a scenario, set its levers and press Run: a paired "
                                "comparison against te_office with intervals.")

    @solara.component
    def StepView():
        model, set_model = solara.use_state(None)
        tick, set_tick = solara.use_state(0)

        def fresh():
            return DashboardModel(scenario.value, dict(values.value))

        def step(months: int):
            m = model or fresh()
            for _ in range(months):
                if m.running:
                    m.step()
            set_model(m)
            set_tick(tick + 1)

        with solara.Row():
            solara.Button("Step a month", on_click=lambda: step(1))
            solara.Button("Step a year", on_click=lambda: step(12))
            solara.Button("Reset", on_click=lambda: (set_model(None), set_tick(tick + 1)))
        if model is None or model.t == 0:
            solara.Info(f"{scenario.value} (levers as set on the sandbox tab) and te_office, "
                        f"one run each at scale {STEP_SCALE:g}, seed 42: press Step.")
            return
        a, b = headline(model), headline(model.reference)
        solara.Markdown(
            f"**{month_label(model.t - 1)}** — unemployment rate {a['ur_region'][-1] * 100:.1f} % "
            f"(te_office {b['ur_region'][-1] * 100:.1f} %), structurally unemployed "
            f"{a['structural'][-1]:,.0f} (te_office {b['structural'][-1]:,.0f}); one run each: "
            "differences here include sampling noise (the sandbox gives intervals).")
        solara.FigureMatplotlib(figure(model), format="png", dpi=90, dependencies=[tick])

    @solara.component
    def Page():
        solara.Title("kohtaanto — Lahti-region employment policies")
        with solara.lab.Tabs():
            with solara.lab.Tab("Policy sandbox"):
                SandboxView()
            with solara.lab.Tab("Step by step"):
                StepView()

    return Page


def _step(lo: float, hi: float, value: float) -> float:
    """A slider step: a round number near a hundredth of the range with ``value`` on a step."""
    raw = (hi - lo) / 100
    steps = sorted((m * 10.0 ** e for e in range(-6, 7) for m in (1, 2, 5)),
                   key=lambda c: abs(np.log(c / raw)))
    for c in steps:
        if np.isclose((value - lo) / c, round((value - lo) / c)):
            return float(c)
    return raw
