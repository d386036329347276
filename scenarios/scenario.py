"""A scenario: the public employment service's settings plus a set of interventions.

Every intervention has a field here holding its parameters (``scenario.<name>``); a scenario file
in ``conf/scenario/`` switches interventions on (``enabled: true``) and sets their intensity.
:data:`REGISTRY` lists the interventions in the fixed order the model calls them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from model.params import Settings
from scenarios.base import Intervention, InterventionParams
from scenarios.coaching import CoachingParams, PersonalCoaching
from scenarios.entrepreneurship import Entrepreneurship, EntrepreneurshipParams
from scenarios.firm_point import FirmPoint, FirmPointParams
from scenarios.green_jobs import GreenJobs, GreenJobsParams
from scenarios.mobility import Mobility, MobilityParams
from scenarios.outreach import Outreach, OutreachParams
from scenarios.purchased_services import PurchasedServices, PurchasedServicesParams
from scenarios.rehabilitative_work import RehabilitativeWork, RehabilitativeWorkParams
from scenarios.retention import Retention, RetentionParams
from scenarios.strong_start import StrongStart, StrongStartParams
from scenarios.training import (
    Apprenticeship,
    ApprenticeshipParams,
    ConversionTraining,
    TrainingParams,
)
from scenarios.wage_subsidy import WageSubsidy, WageSubsidyParams
from scenarios.work_ability import WorkAbilityParams, WorkAbilityTeam

#: name -> intervention class, in the order the model calls them each phase.
REGISTRY: dict[str, type[Intervention]] = {
    cls.name: cls
    for cls in (WageSubsidy, PersonalCoaching, StrongStart, Outreach, WorkAbilityTeam, FirmPoint,
                PurchasedServices, RehabilitativeWork, ConversionTraining, Apprenticeship,
                GreenJobs, Retention, Entrepreneurship, Mobility)
}


@dataclass
class InterventionsConfig(Settings):
    """Parameters of every intervention (``enabled: false`` unless a scenario switches it on)."""

    wage_subsidy: WageSubsidyParams = field(default_factory=WageSubsidyParams)
    coaching: CoachingParams = field(default_factory=CoachingParams)
    strong_start: StrongStartParams = field(default_factory=StrongStartParams)
    outreach: OutreachParams = field(default_factory=OutreachParams)
    work_ability: WorkAbilityParams = field(default_factory=WorkAbilityParams)
    firm_point: FirmPointParams = field(default_factory=FirmPointParams)
    purchased_services: PurchasedServicesParams = field(default_factory=PurchasedServicesParams)
    rehabilitative_work: RehabilitativeWorkParams = field(default_factory=RehabilitativeWorkParams)
    training: TrainingParams = field(default_factory=TrainingParams)
    apprenticeship: ApprenticeshipParams = field(default_factory=ApprenticeshipParams)
    green_jobs: GreenJobsParams = field(default_factory=GreenJobsParams)
    retention: RetentionParams = field(default_factory=RetentionParams)
    entrepreneurship: EntrepreneurshipParams = field(default_factory=EntrepreneurshipParams)
    mobility: MobilityParams = field(default_factory=MobilityParams)


def intervention_params(cfg: object) -> dict[str, InterventionParams]:
    """The intervention parameters of a scenario config, by name, in :data:`REGISTRY` order."""
    return {name: getattr(cfg, name) for name in REGISTRY}
