"""The planners' dashboard: a Mesa ``SolaraViz`` page (``kohtaanto dashboard``).

Sliders and selectors for the scenario and its main levers — their ranges read from the declared
parameters (``model.parameters``) — and live charts of the headline indicators for the chosen
scenario against the TE-office reference, run side by side with the same seed (common random
numbers): unemployment rate by municipality, structural unemployment, activation rate and the
municipalities' share of benefits. Small scale by default, so it stays responsive.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from model.calendar import month_label
from model.hydra_config import available_scenarios
from model.indicators import EVENTS, STOCKS
from model.region_model import RegionModel

#: The levers on the page: (keyword, dotted parameter, label).
LEVERS = [
    ("caseload", "scenario.coaching.caseload", "Personal coaching: clients per coach"),
    ("meetings_per_month", "scenario.coaching.meetings_per_month", "Coaching meetings a month"),
    ("subsidy_rate", "scenario.wage_subsidy.rate", "Wage subsidy rate from 2023-07"),
    ("training_capacity", "scenario.training.capacity", "Conversion training starts a month"),
]
#: The scenarios of ``conf/scenario/`` in their listing order, the reference last.
SCENARIOS = [s for s in available_scenarios() if s != "te_office"] + ["te_office"]


def _compose(scenario: str, scale: float, seed: int, values: dict[str, float]):
    from model.hydra_config import compose_config
    from model.parameters import apply

    cfg = compose_config([f"scenario={scenario}", f"scale={scale}", f"seed={seed}"])
    return apply(cfg, values)


class DashboardModel(RegionModel):
    """The chosen scenario, with a TE-office reference stepped alongside (same seed)."""

    def __init__(self, scenario: str = "kuntakokeilu", caseload: float = 145.0,
                 meetings_per_month: float = 1.0, subsidy_rate: float = 0.5,
                 training_capacity: float = 100.0, scale: float = 0.03, seed: int = 42,
                 municipality: str = "region"):
        values = {"scenario.coaching.caseload": caseload,
                  "scenario.coaching.meetings_per_month": meetings_per_month,
                  "scenario.wage_subsidy.rate": subsidy_rate,
                  "scenario.training.capacity": training_capacity}
        super().__init__(_compose(scenario, scale, int(seed), values))
        # The reference is the TE office as it is: the levers are the scenario's policy.
        self.reference = RegionModel(_compose("te_office", scale, int(seed), {}))
        self.scenario_name = scenario
        self.view = municipality  # whose structural unemployment, activation and costs to show

    def step(self) -> None:
        """One month of the scenario and of the reference."""
        super().step()
        if self.reference.t < self.t:
            self.reference.step()


def lever_params() -> dict[str, dict[str, Any]]:
    """SolaraViz ``model_params``: a scenario selector and sliders over declared ranges."""
    from model.hydra_config import compose_config
    from model.parameters import select

    cfg = compose_config(["scenario=kuntakokeilu"])
    ranges = {p.name: p for p in select(cfg, [dotted for _, dotted, _ in LEVERS], spread=0.9)}
    params: dict[str, dict[str, Any]] = {
        "scenario": {"type": "Select", "value": "kuntakokeilu", "values": SCENARIOS,
                     "label": "Scenario (against te_office)"},
    }
    for key, dotted, label in LEVERS:
        p = ranges[dotted]
        step = (p.high - p.low) / 50
        params[key] = {"type": "SliderFloat", "value": p.default, "min": round(p.low, 4),
                       "max": round(p.high, 4), "step": round(step, 4), "label": label}
    params["scale"] = {"type": "SliderFloat", "value": 0.03, "min": 0.01, "max": 0.2,
                       "step": 0.01, "label": "Scale (share of the population simulated)"}
    params["seed"] = {"type": "InputText", "value": 42, "label": "Seed"}
    names = [m.name for m in cfg.region.municipalities]
    params["municipality"] = {"type": "Select", "value": "region", "values": ["region", *names],
                              "label": "Municipality (structural, activation, benefits)"}
    return params


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
            ax.text(0.5, 0.5, "press Step or Play", ha="center", va="center")
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


def make_page():
    """The SolaraViz page."""
    import solara
    from mesa.visualization import SolaraViz
    from mesa.visualization.utils import update_counter

    @solara.component
    def Charts(model):
        update_counter.get()
        solara.FigureMatplotlib(figure(model), format="png", dpi=80)

    @solara.component
    def Summary(model):
        update_counter.get()
        if model.t == 0:
            solara.Markdown("No month simulated yet.")
            return
        a, b = headline(model), headline(model.reference)
        solara.Markdown(
            f"**{month_label(model.t - 1)}** — unemployment rate {a['ur_region'][-1] * 100:.1f} % "
            f"(te_office {b['ur_region'][-1] * 100:.1f} %), structurally unemployed "
            f"{a['structural'][-1]:,.0f} (te_office {b['structural'][-1]:,.0f})")

    model = DashboardModel()
    return SolaraViz(model, components=[(Summary, 0), (Charts, 0)], model_params=lever_params(),
                     name="kohtaanto — Lahti-region employment policies", play_interval=150)
