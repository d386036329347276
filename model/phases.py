"""The month, stated once: phases of the model's own steps and the hook points between them.

:meth:`model.region_model.RegionModel.step` runs :data:`MONTH` in order: each phase's steps one
after the other, a *model step* by calling the model's method of that name, a *hook point* by
calling the method of that name on every live intervention that implements it, in the
interventions' order (:mod:`model.intervention`). Everything an intervention does happens at one
of these hook points; :func:`plan` lists them with the interventions that act there, and
``kohtaanto plan`` prints that list.

Each phase draws from its own random stream (:mod:`model.rng`), named after the phase; an
intervention draws from its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One step of the month: the model's own (``hook=False``) or a hook point for interventions."""

    name: str
    doc: str
    hook: bool = False
    #: For a hook point: the model attribute passed to the hook after ``t`` (None: only ``t``).
    arg: str | None = None


def own(name: str, doc: str) -> Step:
    """A model step: :class:`~model.region_model.RegionModel` has a method ``name(t)``."""
    return Step(name, doc)


def hook(name: str, doc: str, arg: str | None = None) -> Step:
    """A hook point: interventions may implement ``name(t)`` (or ``name(t, arg)``)."""
    return Step(name, doc, hook=True, arg=arg)


@dataclass(frozen=True)
class Phase:
    """A phase of the month: a name, what it does, and its steps in order."""

    name: str
    doc: str
    steps: tuple[Step, ...]


MONTH: tuple[Phase, ...] = (
    Phase("month_start", "The month's bookkeeping opens; modifiers are set.", (
        own("open_month", "durations at the start, group flags, this month's live interventions"),
        own("observe_start", "observers (a virtual trial) see the month begin"),
        hook("month_start", "set this month's modifiers (dropout, out-migration, separations)"),
    )),
    Phase("demography", "Ageing, exits, entrants, participation flows, self-employment, migration.", (
        own("demography", "ageing, exits at 65 and by death, 15-year-olds, participation flows, "
                          "self-employment, migration across the border"),
        hook("demography", "after the month's demography"),
    )),
    Phase("labour_demand", "Firms follow the demand path.", (
        own("adjust_firms", "desired employment, quits and layoffs, recalls"),
        hook("labour_demand", "after separations, before the vacancies open"),
        own("open_vacancies", "new vacancies, public or hidden"),
    )),
    Phase("services", "Programmes end, people study, coaches meet their clients and refer them.", (
        own("service_ends", "training and other services end; some go straight on to another"),
        own("subsidy_ends", "wage-subsidised jobs end: the employer keeps the worker or not"),
        own("education", "degree students graduate or drop out; new students enrol"),
        own("staff_changes", "the Nordic model's extra staff; the municipalities take over (TE24)"),
        own("effort_decay", "search effort from earlier coaching decays"),
        hook("assign_clients", "interventions claim their clients from the public service"),
        own("public_service", "the public service meets its clients within capacity and refers"),
        hook("subsidy_placements", "extra wage-subsidy placements, before the month's costs"),
        own("subsidy_costs", "the wage subsidies of the month are paid"),
        hook("services", "interventions act: their meetings, services and placements"),
        own("referral_starts", "referrals whose wait ends start training or another service"),
        own("service_costs", "trainee- and client-months are paid by municipality"),
        own("registration", "inactivity begins; job-search reports checked; the lapsed return"),
    )),
    Phase("matching", "Applications, employers' screening and hiring.", (
        own("search_effort", "who searches and how hard; referrals made this month"),
        hook("matching", "change the month's matching inputs (boosts, mobility, referrals)",
             arg="matching_inputs"),
        own("hiring", "applications, screening and hires"),
    )),
    Phase("benefits", "Entitlement and payments; the municipal share.", (
        own("payments", "benefits due this month"),
        hook("benefits", "after the payments, before they are tallied"),
        own("benefit_tallies", "payments tallied; the municipalities pay their share"),
    )),
    Phase("indicators", "Month-end histories, stocks and events recorded.", (
        own("close_month", "histories closed, every indicator recorded"),
        own("observe_end", "observers (a virtual trial) follow up their cohort"),
    )),
)

#: Hook points in the order the month reaches them.
HOOKS: tuple[str, ...] = tuple(s.name for ph in MONTH for s in ph.steps if s.hook)


def steps() -> Iterator[tuple[Phase, Step]]:
    """Every (phase, step) of the month in order."""
    for ph in MONTH:
        for s in ph.steps:
            yield ph, s


def plan(interventions: Iterable[tuple[str, frozenset[str]]]) -> list[dict[str, str]]:
    """The month's plan: one row per step, with the interventions acting at each hook point.

    ``interventions`` are (name, hooks it implements) pairs in the order they are called.
    """
    ivs = list(interventions)
    rows = []
    for ph, s in steps():
        who = ", ".join(name for name, hooks in ivs if s.name in hooks) if s.hook else "model"
        rows.append({"phase": ph.name, "step": s.name, "kind": "hook" if s.hook else "model",
                     "by": who or "-", "what": s.doc})
    return rows


def plan_table(rows: list[dict[str, str]]) -> str:
    """The plan as a Markdown table (what ``kohtaanto plan`` prints and docs/model.md shows)."""
    head = "| # | phase | step | kind | by | what |\n|---|---|---|---|---|---|"
    body = [f"| {i} | {r['phase']} | `{r['step']}` | {r['kind']} | {r['by']} | {r['what']} |"
            for i, r in enumerate(rows, start=1)]
    return "\n".join([head, *body])
