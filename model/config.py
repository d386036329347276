"""The model's configuration: typed dataclasses whose fields declare bounds and sources.

The Hydra YAML files under ``conf/`` fill these dataclasses; Python users get the defaults of
``kohtaanto run`` from :func:`model.hydra_config.default_config` (a bare ``ModelConfig()`` has no
region, sectors or demand path: those come from the YAML files) and change them with
``dataclasses.replace``. A built
model keeps a read-only copy (:class:`~model.params.Settings`). Numbers marked
``assumption:`` are not in the project's data; they are parameters so that calibration and
sensitivity analysis can move them. The region's observed figures live in
``conf/region/lahti_region.yaml`` with their sources.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, make_dataclass
from typing import Any

from agents.wage_subsidy import WageSubsidyParams
from model.calendar import parse_month
from model.intervention import InterventionParams, registered, validate_params
from model.params import ConfigError, Settings, check_bounds, from_mapping, param

OBS = "calibration/data/observed.csv"
EVID = "shared evidence: "


# --------------------------------------------------------------------------------------- region
@dataclass
class MunicipalityConfig(Settings):
    """One municipality's observed starting figures (sources in the region YAML)."""

    name: str = ""
    population: float = param(0.0, 1, 1e7, source="region YAML", unit="persons")
    working_age_share: float = param(0.6, 0.3, 0.8, source="region YAML", unit="share 15-64")
    child_share: float = param(0.15, 0.05, 0.3, source="region YAML", unit="share 0-14")
    participation: float = param(0.77, 0.4, 0.95, source="region YAML",
                                 unit="labour force / working-age (excl. students)")
    unemployment_rate: float = param(0.12, 0.0, 0.5, source="region YAML",
                                     unit="register rate at 2018-01")
    foreign_language_share: float = param(0.05, 0.0, 0.5, source="region YAML",
                                          unit="share of working-age population")
    job_self_sufficiency: float = param(1.0, 0.2, 2.0, source="region YAML",
                                        unit="jobs / employed residents")
    distance_to_hub_km: float = param(0.0, 0.0, 300.0, source="region YAML", unit="km")
    sources: dict[str, str] = field(default_factory=dict)


@dataclass
class PopulationConfig(Settings):
    """How the 2018-01 population is synthesised and how people flow in and out."""

    activation_rate_2018: float = param(0.25, 0.0, 0.8, unit="in services / (unemployed + in services)",
                                        source=f"{OBS}: Lahti 2021-05 activation 32.1 % at 25-29, "
                                        "6.4 % at 60-64; overall assumed")
    initial_selection_hazard: float = param(
        0.062, 0.0, 0.5, unit="exit-to-work hazard a month at median employability",
        source=f"assumption: set to the average monthly exit-to-work rate 0.062 of {EVID}TEM "
        "register 2015 (Labore), which already mixes durations; the initial unemployed are those "
        "whose spell survived this hazard, scaled by employability (it ignores the screening "
        "penalty on duration, and the 2018-2019 exits of long spells depend on it)")
    ltu_share_2018: float = param(0.31, 0.0, 0.9, source=f"{OBS}: Lahti 2018-12 LTU 2520 of 8110 "
                                  "(derived from 2019-12 2071 and -449 yoy)", unit="share")
    rel_risk_basic: float = param(4.0, 1.0, 10.0, source=f"{OBS}: Päijät-Häme, unemployment of "
                                  "no post-basic is 4x tertiary", unit="x tertiary")
    rel_risk_upper: float = param(2.0, 1.0, 10.0, source=f"{OBS}: Päijät-Häme, no post-basic is "
                                  "2x upper-secondary", unit="x tertiary")
    rel_risk_foreign: float = param(2.0, 1.0, 5.0, source=f"{OBS}: Lahti 2021-02 foreign-background"
                                    " 34.1 % vs all 17.0 %", unit="x")
    rel_risk_young: float = param(1.3, 0.5, 3.0, source=f"{OBS}: Lahti 2021-02 under-25 21.7 % vs "
                                  "all 17.0 %", unit="x")
    share_basic: float = param(0.27, 0.05, 0.6, source=f"{OBS}: Lahti 2022, 73 % of 15+ have at "
                               "least upper-secondary", unit="share of 25-64")
    share_tertiary: float = param(0.30, 0.05, 0.6, source=f"{OBS}: Lahti 2022 tertiary 30.1 % of 15+",
                                  unit="share of 25-64")
    age_band_weights: list[float] = param(
        [0.9, 0.9, 0.95, 0.95, 0.95, 0.95, 1.0, 1.1, 1.15, 1.2], 0.1, 5.0,
        unit="relative size of the 5-year bands 15-19 ... 60-64",
        source="assumption: older working-age cohorts are larger (Lahti 65+ share 24.9 %, 2020)")
    student_share_by_age: list[float] = param(
        [0.80, 0.30, 0.10, 0.03, 0.01], 0.0, 1.0, unit="share, ages 15-19/20-24/25-29/30-34/35+",
        source="assumption: gives ~13 % students, as Lahti's 9,143 students of ~73,800 aged 15-64 "
        "(2015, observed.csv)")
    self_employed_share: float = param(0.09, 0.0, 0.3, unit="share of the employed",
                                       source="assumption: regional self-employment not in the data")
    partial_work_ability_unemployed: float = param(
        0.20, 0.0, 0.8, unit="share", source=f"{EVID}Kerätär et al. 2016: 27 % of long-term "
        "unemployed could not work in the open market, 20 % needed care or rehabilitation")
    partial_work_ability_other: float = param(0.05, 0.0, 0.5, unit="share",
                                              source="assumption: partial work ability among others")
    immigrant_given_foreign_language: float = param(
        0.95, 0.0, 1.0, unit="share", source=f"{OBS}: Lahti 2022 born abroad 9,706 vs "
        "foreign-language 10,018")
    mortality_per_year: float = param(0.0025, 0.0, 0.02, unit="per person-year",
                                      source="assumption: Finnish working-age mortality ~2-3 per 1000")
    outside_reentry_rate: float = param(
        0.06, 0.0, 0.5, unit="per month, for those who left work, unemployment or a service",
        source="assumption: returns after a lapsed registration or a break from work")
    outside_entry_rate: float = param(
        0.003, 0.0, 0.2, unit="per month, for others outside the labour force",
        source="assumption: keeps the outside stock roughly stable")
    entry_local_elasticity: float = param(
        1.0, 0.0, 2.0, unit="elasticity to the municipality's unemployment odds",
        source="assumption: entries into unemployment from outside the labour force, and the "
        "unemployed share of domestic in-movers, are higher where jobs are scarce, like "
        "separations (SeparationRisk); 0 = the same everywhere")
    employed_to_outside_rate: float = param(0.0015, 0.0, 0.05, unit="per month",
                                            source="assumption")
    unemployed_to_outside_rate: float = param(
        0.012, 0.0, 0.1, unit="per month", source=f"{EVID}TEM 2015: 6 % of ended spells out of the "
        "labour force and 16 % lapsed registration, with exits ~0.11 a month")
    # ---- registration: inactivity, missed contacts, lapses and returns (docs/model.md 7.31)
    inactivity_rate: float = param(
        0.02, 0.0, 0.3, unit="per month, of the registered unemployed",
        source="assumption: some of the registered stop searching or become unavailable (care, "
        "illness, informal work) without telling the service; calibrated to the destinations of "
        f"ended spells ({EVID}TEM 2015: 6 % out of the labour force, 16 % lapsed, of which "
        "unreported exits to work are a part: unreported_work_share)")
    laid_off_effort: float = param(
        0.22, 0.0, 1.0, unit="x search effort of the temporarily laid off (for another employer)",
        source="Statistics Finland (Hulkko, Tieto&trendit 3/2009): of the laid off in 2009 Q1 "
        "about half were laid off indefinitely, and of these 44 % had searched actively for a new "
        "job; the other half, on fixed-term layoffs, wait for their return: 0.5 x 0.44")
    inactive_effort: float = param(0.2, 0.0, 1.0, unit="x search effort while inactive",
                                   source="assumption: the inactive hardly search")
    miss_rate: float = param(
        0.03, 0.0, 0.5, unit="probability of missing a contact asked (a meeting), or of not "
        "making a monthly job-search report", source="assumption: a missed meeting ends the "
        "registration (Act on Public Employment and Business Service 916/2012 ch. 2 §; from 2022-05 "
        "act 380/2022), a report not made is a failure of the obligation; calibrated to the lapsed "
        f"share of ended spells, 16 % ({EVID}TEM 2015), with the unreported exits to work")
    miss_inactive: float = param(5.0, 1.0, 30.0, unit="x miss_rate while inactive",
                                 source="assumption: those who stopped searching keep fewer contacts")
    miss_earnings_related: float = param(
        0.5, 0.0, 1.0, unit="x miss_rate on earnings-related allowance",
        source="assumption: more to lose by a lapsed registration (the allowance needs it)")
    miss_without_benefit: float = param(
        3.0, 1.0, 20.0, unit="x miss_rate while no benefit is paid (a waiting period)",
        source="assumption: people with no benefit have least reason to stay registered")
    miss_young: float = param(1.5, 1.0, 5.0, unit="x miss_rate under 25",
                              source="assumption: the young leave the register more often")
    miss_heterogeneity: float = param(
        0.0, 0.0, 4.0, unit="variance of a person's lasting factor on miss_rate (gamma, mean 1; "
        "0: none)", source="assumption: people differ lastingly in keeping the contacts asked, so "
        "those who keep them poorly lapse early and long spells hold those who keep them, as "
        "duration dependence comes partly from who is left (shared evidence, job finding and "
        "duration); the register's lapses fall "
        "from 0.056 a month under one month to 0.006 beyond 24 (TEM register 2015, Labore). Off "
        "(0) in the installed set; 1.70 in the set calibration=lapse_sorting (docs/calibration.md)")
    initial_lapse_hazard: float = param(
        0.0138, 0.0, 0.2, unit="lapses for a missed contact a month at a miss factor of 1, for "
        "the initial unemployed", source="derived, an approximation: the register's average "
        "hazard of a lapse not for work, 0.062 exits to work a month x 16 % lapsed x (1 - 0.39 "
        f"of them in work, as for unreported_work_share) / 44 % to work ({EVID}TEM register 2015, "
        "Labore); the initial unemployed are those whose registration survived it, scaled by "
        "their miss factor (an average over the register's stock, already lowered by its sorting)")
    unavailable_share: float = param(
        0.4, 0.0, 1.0, unit="share of detected inactivity that is unavailability (registration "
        "ends: out of the labour force)", source="assumption: the rest fail the job-search "
        "obligation and face the rules' sanctions")
    reregistration_rate: float = param(
        0.12, 0.0, 1.0, unit="per month, of the lapsed",
        source="assumption: lapsed registrations are renewed within months (a new spell, the "
        "history kept); calibrated to the inflow into unemployment")
    unreported_work_share: float = param(
        0.124, 0.0, 0.5, unit="share of exits to work from registered unemployment that the "
        "register records as a lapsed registration (the jobseeker did not tell the office)",
        source="39 % of jobseekers who left the Swedish employment service for an unknown reason "
        "had found work (Arbetsförmedlingen 2010-03-04, 'Arbetssökande som lämnar "
        "Arbetsförmedlingen av okänd orsak', survey 2005-2006), applied to the Finnish register's "
        f"16 % lapsed and 44 % to work ({EVID}TEM 2015): 0.39 x 16 / (44 + 0.39 x 16)")
    lapsed_search_effort: float = param(0.5, 0.0, 1.0, unit="x an unemployed person's search effort",
                                        source="assumption: the lapsed search on their own")
    lapsed_exit_rate: float = param(0.05, 0.0, 1.0, unit="per month, lapsed -> outside the labour "
                                    "force", source="assumption: some stop searching")
    threat_effort: float = param(
        0.1, 0.0, 1.0, unit="x extra search effort of benefit recipients while a sanctioned "
        "obligation is in force", source="assumption; ex ante effect of monitoring and sanctions "
        "(Lalive, van Ours & Zweimüller 2005, JEEA 3(6): warnings raise exits before any sanction)")
    sanction_effort: float = param(
        0.5, 0.0, 3.0, unit="extra search effort after a sanction",
        source="assumption; ex post effect (Lalive et al. 2005; Arni, Lalive & van Ours 2013, JAE "
        "28: sanctions raise exits to work and out of the labour force)")
    sanction_lapse: float = param(
        0.15, 0.0, 1.0, unit="probability a sanctioned person leaves the register",
        source="assumption; Arni, Lalive & van Ours 2013: sanctions raise exits from the register "
        "besides exits to work")
    student_enrol_rate_young_unemployed: float = param(0.01, 0.0, 0.2, unit="per month, under 25",
                                                       source="assumption")


@dataclass
class MigrationConfig(Settings):
    """Flows across the region's border by age band (15-19, 20-24, 25-29, 30-44, 45-64)."""

    out_rate_by_age: list[float] = param(
        [0.03, 0.09, 0.07, 0.03, 0.012], 0.0, 0.5, unit="per year",
        source="assumption: scaled to Lahti's gross out-migration 4,696 moves in 2023-01..10 "
        f"({OBS}) less moves inside the region")
    net_per_1000_by_age: list[float] = param(
        [1.8, -1.3, -0.7, -0.7, 1.9], -20.0, 20.0, unit="net movers a year per 1000 inhabitants",
        source=f"{OBS}: Lahti 2020 net inter-municipal migration by age (+215; -160; -88; "
        "-69-58+46; +67+52+45+59) per 120,000 inhabitants")
    tertiary_out_factor_young: float = param(
        1.8, 1.0, 5.0, unit="x", source="assumption: educated under-30s leave (the plan; "
        f"{OBS} Lahti 2013 net: tertiary +19, upper-secondary -202, basic +225)")
    in_basic_share: float = param(0.40, 0.0, 1.0, unit="share of adult in-movers",
                                  source=f"assumption: from {OBS} Lahti 2013 net +225 basic")
    in_unemployed_share: float = param(0.25, 0.0, 1.0, unit="share of in-movers in the labour force",
                                       source="assumption: the plan says unemployed people move in")
    immigration_per_year: list[float] = param(
        [587.0, 1442.0], 0.0, 20000.0, unit="persons a year, 2017 and 2023",
        source=f"{OBS}: Lahti immigration from abroad 2017 587, 2023 1,442; linear between, flat after")
    immigration_region_factor: float = param(1.15, 1.0, 2.0, unit="x Lahti",
                                             source="assumption: the four others add ~15 % "
                                             "(applied to emigration too)")
    immigrant_working_age_share: float = param(0.75, 0.3, 1.0, unit="share",
                                               source="assumption")
    emigration_per_year: list[float] = param(
        [270.0, 219.0], 0.0, 20000.0, unit="persons a year, 2017 and 2023",
        source=f"{OBS}: Lahti emigration abroad 2017 270, 2023 219; linear between, flat after")
    emigrant_working_age_share: float = param(0.8, 0.3, 1.0, unit="share",
                                              source="assumption: mostly adults of working age")
    emigrant_foreign_share: float = param(
        0.4, 0.0, 1.0, unit="share of working-age emigrants who speak a foreign language",
        source="assumption: earlier immigrants moving on or back, besides Finnish speakers")
    immigrant_status_shares: list[float] = param(
        [0.15, 0.40, 0.15, 0.30], 0.0, 1.0, unit="employed/unemployed/student/outside",
        source="assumption: newcomers mostly start as jobseekers or outside the labour force")


@dataclass
class ProgrammeConfig(Settings):
    """One educator's programme: a field (or any), a level, places, duration and completion."""

    kind: str = "labour_market_training"  # or "degree"
    field: str = "any"
    level: int = param(1, 0, 2, source="0 basic, 1 upper-secondary, 2 tertiary")
    places: float = param(100.0, 0.0, 1e6, unit="places at scale 1", source="region YAML")
    duration_months: float = param(6.0, 1.0, 72.0, unit="months", source="region YAML")
    completion: float = param(0.8, 0.0, 1.0, unit="share completing", source="region YAML")


@dataclass
class EducatorConfig(Settings):
    """An educational institution and its programmes."""

    name: str = ""
    kind: str = "vocational"
    programmes: list[ProgrammeConfig] = field(default_factory=list)


@dataclass
class RegionConfig(Settings):
    """The five municipalities, their people, migration and educators."""

    name: str = "lahti_region"
    hub: str = "Lahti"
    municipalities: list[MunicipalityConfig] = field(default_factory=list)
    population: PopulationConfig = field(default_factory=PopulationConfig)
    migration: MigrationConfig = field(default_factory=MigrationConfig)
    educators: list[EducatorConfig] = field(default_factory=list)


# ------------------------------------------------------------------------------------- economy
@dataclass
class DemandKnot(Settings):
    """A point on the labour-demand path: the national register unemployment rate in a month.

    The rate is the published, unadjusted end-of-month figure; the demand path removes the
    month's seasonal factor before interpolating (``EconomyConfig.seasonal_factors``).
    """

    month: str = "2018-01"
    national_unemployment_rate: float = param(0.1, 0.0, 0.5, source="economy YAML", unit="share")
    source: str = ""


@dataclass
class SectorConfig(Settings):
    """A sector of the regional economy."""

    name: str = ""
    job_share: float = param(0.1, 0.0, 1.0, source="economy YAML", unit="share of jobs")
    employer_type_shares: list[float] = param([1.0, 0.0, 0.0], 0.0, 1.0,
                                              unit="private/municipality/third sector",
                                              source="economy YAML")
    source: str = ""


@dataclass
class EconomyConfig(Settings):
    """Labour demand, firms, separations, vacancies and the matching technology."""

    name: str = "baseline"
    demand_path: list[DemandKnot] = field(default_factory=list)
    sectors: list[SectorConfig] = field(default_factory=list)
    demand_elasticity: float = param(
        1.25, 0.0, 4.0, unit="regional / national", source=f"{OBS}: Lahti rose 4.7 pp 2019-12..2020-12"
        " while Finland rose 3.8 pp")
    regional_trend: float = param(
        0.0, -0.03, 0.03, unit="a year, regional demand relative to the national path",
        source="assumption: 0 = the region follows the nation; a drift of the region's own "
        "(industry mix, population) that the national path does not carry")
    local_demand_share: float = param(
        0.0, 0.0, 0.8, unit="share of the region's labour demand that follows its working-age "
        "population rather than the national path",
        source="assumption: jobs in local services, retail and the public sector serve the "
        "region's own residents, so an emigrant takes part of a job with them and an immigrant "
        "brings some; 0 = all demand follows the national path (the data give no share)")
    seasonal_factors: list[float] = param(
        [1.052, 1.024, 0.993, 0.952, 0.932, 1.055, 1.125, 0.969, 0.941, 0.936, 0.952, 1.069],
        0.5, 1.5, unit="unadjusted / seasonally adjusted national unemployed, January..December",
        source=f"derived: {OBS}, whole country 2019: TEM end-of-month unemployed jobseekers over "
        "Statistics Finland's seasonally adjusted trend, normalised to mean 1 "
        "(model.observed.seasonal_factors)")
    seasonality: float = param(
        1.0, 0.0, 2.0, unit="scale on the national rate's seasonal swing (0 = none, 1 = as "
        "published); regional demand swings demand_elasticity times as much",
        source="assumption: the region's seasons are the nation's")
    initial_vacancy_rate: float = param(0.02, 0.0, 0.2, unit="open vacancies / jobs at 2018-01",
                                        source="assumption")
    firms_per_1000_jobs: float = param(80.0, 5.0, 500.0, unit="firms",
                                       source=f"{OBS}: Päijät-Häme ~14,000 establishments (2013)")
    firm_size_pareto: float = param(1.1, 0.5, 3.0, source=f"{EVID}firm sizes are highly skewed "
                                    "(Guerrero & Axtell 2013)", unit="tail index")
    firm_shock_sd: float = param(0.03, 0.0, 0.3, unit="log, per month",
                                 source=f"assumption: skewed firm growth ({EVID}Guerrero & Axtell)")
    quit_rate: float = param(0.008, 0.0, 0.1, unit="per month, average over the employed",
                             source="assumption: calibrated to the inflow into unemployment")
    separation_risk_elasticity: float = param(
        1.0, 0.0, 2.0, unit="exponent on the relative unemployment risk",
        source="assumption: separations differ by education, language, age and municipality in "
        "proportion to the observed unemployment differences (region.population rel_risk_*, the "
        "municipalities' 2018 rates); below 1 damps them, since employers' screening adds to them")
    layoff_speed: float = param(0.5, 0.0, 1.0, unit="share of excess shed a month", source="assumption")
    temporary_layoff_share: float = param(
        0.4, 0.0, 1.0, unit="share of layoffs", source=f"{OBS}: Hollola 2020-05, 602 of 1,546 "
        "unemployed were fully laid off")
    temporary_layoff_max_months: int = param(6, 1, 36, unit="months before a temporary layoff "
                                             "becomes permanent", source="assumption")
    recall_rate: float = param(0.35, 0.0, 1.0, unit="per month", source="assumption")
    short_layoff_rate: float = param(
        0.0005, 0.0, 0.05, unit="layoffs of under four weeks a month per regular employee",
        source="assumption, calibrated (bounds 0-0.002): over half of the layoffs of 2008 lasted "
        "under four weeks (Statistics Finland, Labour Force Survey, 2009-01-20), but the register's "
        "exit rate to work in the first month (0.183 in 2015, Labore) leaves room for about 0.05 % "
        "of employees a month beside the model's other short spells")
    short_layoff_days: float = param(
        14.0, 1.0, 28.0, unit="mean days of a short layoff (lengths uniform up to twice this)",
        source="assumption: uniform lengths under four weeks")
    vacancy_speed: float = param(0.6, 0.0, 1.0, unit="share of the hiring gap opened a month",
                                 source="assumption")
    vacancy_max_months: int = param(3, 1, 24, unit="months", source="assumption")
    public_vacancy_share: float = param(
        0.45, 0.0, 1.0, unit="share", source=f"{EVID}40-50 % of vacancies are notified to the PES "
        "(Huuskonen & Pehkonen 2023)")
    applications_per_month: float = param(
        4.0, 0.0, 30.0, unit="per searcher at effort 1", source=f"{EVID}the Nordic model asks for 4 "
        "applications a month")
    effort_returns: float = param(
        0.5, 0.0, 1.0, unit="elasticity of applications to extra search effort",
        source="assumption: diminishing returns to coaching-driven search; a 10 pp rise in the "
        "probability of an interview raised the hazard into work by 3.1 % (evidence.md, Huuskonen "
        "2023)")
    network_share: float = param(0.3, 0.0, 1.0, unit="share of applications to hidden vacancies",
                                 source="assumption: hidden vacancies are reached through networks")
    commute_friction_per_km: float = param(0.04, 0.0, 1.0, unit="per km",
                                           source=f"assumption: a third of the employed commute "
                                           f"across a municipal border ({OBS})")
    other_field_fit: float = param(0.35, 0.0, 1.0, unit="relative score", source="assumption")
    education_fit: list[float] = param([0.6, 0.9, 1.0], 0.0, 1.0, unit="basic/upper/tertiary",
                                       source="assumption: employers screen on qualifications")
    duration_penalty: float = param(
        0.12, 0.0, 1.0, unit="log score per month, over duration_penalty_months",
        source=f"{EVID}callbacks fall "
        "mostly during the first 8 months of unemployment")
    duration_penalty_months: int = param(8, 0, 60, unit="months", source=f"{EVID}callback studies")
    language_fit: float = param(0.6, 0.0, 1.0, unit="relative score, foreign-language",
                                source="assumption")
    partial_work_ability_fit: float = param(0.4, 0.0, 1.0, unit="relative score",
                                            source="assumption")
    employability_sd: float = param(1.0, 0.0, 3.0, unit="log sd",
                                    source="assumption: unobserved heterogeneity")
    hire_scale: float = param(1.5, 0.01, 50.0, unit="hire prob = 1 - exp(-scale * score)",
                              source="assumption: calibrated to the exit-to-work profile")
    score_noise_sd: float = param(0.5, 0.0, 3.0, unit="log sd", source="assumption")
    discouragement: float = param(0.02, 0.0, 0.5, unit="effort loss per month unemployed",
                                  source="assumption")
    self_employment_entry: float = param(0.002, 0.0, 0.05, unit="per month", source="assumption")
    self_employment_halflife: float = param(
        12.0, 1.0, 1e4, unit="months of unemployment (1e4: practically no decline)",
        source="assumption: the hazard of starting a business halves every this many months "
        "unemployed")
    self_employment_exit: float = param(0.006, 0.0, 0.1, unit="per month", source="assumption")
    self_employment_from_employment: float = param(
        1.0, 0.0, 3.0, unit="x the rate that keeps the 2018-01 self-employed stock stationary",
        source="assumption: most new entrepreneurs come from employment; the rate from "
        "employment is derived at 2018-01 so that exits equal entries from unemployment and "
        "employment (1), or a multiple of it (0: no entries from employment)")


# --------------------------------------------------------------------------------------- rules
@dataclass
class FinancingRegime(Settings):
    """Who pays unemployment benefits, in force from ``start``."""

    name: str = ""
    start: str = "2015-01"
    basis: str = "labour_market_subsidy_days"  # or "benefit_days"
    day_thresholds: list[float] = param([300.0, 1000.0], 0.0, 5000.0, unit="paid days",
                                        source="rules YAML")
    municipal_shares: list[float] = param([0.5, 0.7], 0.0, 1.0, unit="share above each threshold",
                                          source="rules YAML")
    during_services: bool = False
    source: str = ""


@dataclass
class ObligationRules(Settings):
    """The job-search obligations and their sanctions, each on its dates (docs/model.md 7.32).

    Benefit days here are payment days (5 a week). Sources: docs/rules_sources.md.
    """

    activation_model_start: str = "2018-01"  # Act 1138/2017 (HE 124/2017), from 2018-01-01
    activation_model_end: str = "2019-12"  # repealed from 2020-01-01 (HE 80/2019)
    activation_cut: float = param(
        0.0465, 0.0, 0.5, unit="share of the benefit cut for the next review period",
        source="Act 1138/2017, Unemployment Security Act 1290/2002 ch. 6 §3a: 4.65 % for the next "
        "65 payment days unless 18 hours of work, self-employment income (EUR 241.04 a month in "
        "2018) or 5 days of services in the previous 65 (not compounding)")
    activation_review_months: int = param(3, 1, 12, unit="months (65 payment days)",
                                          source="Act 1138/2017: a 65-payment-day review period")
    old_waiting_days: float = param(
        43.0, 0.0, 365.0, unit="payment days withheld for neglecting the job search, before "
        "nordic_start", source="Unemployment Security Act 1290/2002 ch. 2a as in force to "
        "2022-05-01: 60 calendar days (43 payment days) for not applying for a job the TE office "
        "offered (Aaria fund, 2022-04); refusals of work could bring up to 90 days")
    nordic_start: str = "2022-05"  # HE 167/2021; Acts 1379/2021 and 1380/2021, from 2022-05-02
    laid_off_exempt_months: int = param(
        3, 0, 24, unit="months at the start of a temporary layoff without the job-search "
        "obligation (no report, no sanction for not searching)", source="the job-search "
        "obligation binds the fully laid off once the layoff has lasted three months (HE 167/2021, "
        "from 2022-05; TYJ 2022-04). The same three months before 2022-05: assumption")
    report_detection: float = param(
        0.5, 0.0, 1.0, unit="probability the monthly job-search report shows an inactive "
        "recipient's failure", source="assumption: the report (4 applications a month as a rule, "
        "HE 167/2021) is checked by caseworkers")
    nordic_waiting_days: list[float] = param(
        [0.0, 5.0, 10.0], 0.0, 365.0, unit="payment days withheld at the 1st, 2nd, 3rd failure "
        "within 12 months (0: a reminder)", source="Act 1380/2021, Unemployment Security Act ch. "
        "2a: a reminder, then 7 and 14 calendar days (5 and 10 payment days, Kela)")
    work_requirement_days: float = param(
        60.0, 0.0, 365.0, unit="payment days withheld at the next failure (the work requirement)",
        source="Act 1380/2021: a work requirement of 12 weeks (of work or services) before the "
        "benefit returns; modelled as 12 weeks without benefit unless the person finds work")
    tyke_start: str = "2026-03"  # HE 108/2025: the stricter sanctions apply from 2026-03-01
    tyke_waiting_days: list[float] = param(
        [5.0], 0.0, 365.0, unit="payment days withheld at the 1st failure from tyke_start",
        source="HE 108/2025 (enacted; sanctions from 2026-03-01): 7 calendar days at the first "
        "failure, no reminder")
    tyke_work_requirement_days: float = param(
        30.0, 0.0, 365.0, unit="payment days withheld at the 2nd failure from tyke_start",
        source="HE 108/2025: a 6-week work requirement at the second failure")


@dataclass
class RulesConfig(Settings):
    """Benefit entitlement and financing rules."""

    name: str = "finland"
    basic_daily_allowance: float = param(37.21, 0.0, 500.0, unit="EUR/day",
                                         source=f"{OBS}: 2023-2027 basic allowance")
    days_per_month: float = param(21.5, 0.0, 31.0, unit="paid days",
                                  source=f"{OBS}: paid 5 days a week")
    earnings_related_multiplier: float = param(
        1.9, 1.0, 5.0, unit="x basic", source="assumption: the data give no average "
        "earnings-related daily amount")
    fund_membership: float = param(0.85, 0.0, 1.0, unit="share of employees",
                                   source="assumption: unemployment-fund membership")
    earnings_related_max_days: float = param(400.0, 0.0, 1000.0, unit="paid days",
                                             source="Unemployment Security Act 1290/2002 ch. 6 §7")
    work_condition_months: list[float] = param([6.0, 12.0], 0.0, 28.0,
                                               unit="months, before / from 2024-09",
                                               source=f"{OBS}: 26 weeks, 12 months from 2024-09-02")
    work_condition_change: str = "2024-09"
    subsidised_work_accrues_until: str = "2023-12"
    regimes: list[FinancingRegime] = field(default_factory=list)
    obligations: ObligationRules = field(default_factory=lambda: ObligationRules())


# ------------------------------------------------------------------------------------ scenario
@dataclass
class ContactRule(Settings):
    """What a client's contact time with a caseworker does: one rule every service uses.

    A *contact* is one face-to-face meeting's worth of caseworker time, weighted by the coach's
    effectiveness (a digital meeting counts ``digital_effect``); every effect is per contact, so a
    service acts through the contact time its capacity allows. The public service's values are the
    defaults; personal coaching and strong start set their own (their modules give the reasons).
    """

    effort_boost: float = param(0.25, 0.0, 3.0, unit="extra search effort per contact",
                                source=f"{EVID}Huuskonen 2023, interviews raise the hazard into work")
    vacancy_referral: float = param(0.3, 0.0, 1.0, unit="probability of a vacancy referral per contact",
                                    source="assumption")
    training_referral: float = param(0.08, 0.0, 1.0, unit="per contact", source="assumption: with "
                                     f"other services gives the exits to services of {EVID}TEM 2015")
    other_service_referral: float = param(0.12, 0.0, 1.0, unit="per contact",
                                          source="assumption: as training_referral")
    referral_age_decline: float = param(
        0.046, 0.0, 0.2, unit="log-decline a year of age of training and other-service referrals, "
        "relative to a 40-year-old", source=f"{OBS}: Lahti 2021-05 activation rate 32.1 % at "
        "ages 25-29, 6.4 % at 60-64; older jobseekers take part clearly less whatever their "
        "education (Aho et al. 2018, VN TEAS 19/2018); training participants are 4.6 years "
        "younger than other jobseekers (OECD 2023, Evaluation of ALMPs in Finland, ch. 6). "
        "Default ln(32.1 / 6.4) / 35 years between the bands' midpoints; 0: no gradient")
    subsidy_referral: float = param(0.06, 0.0, 1.0, unit="per contact, after 6 months unemployed "
                                    "or with partial work ability",
                                    source="assumption: calibrated to the services' volumes")
    detection: float = param(0.3, 0.0, 1.0, unit="probability per contact that a client's "
                             "inactivity (not searching, not available) comes to light",
                             source="assumption: monitoring works through meetings (Lalive, van "
                             "Ours & Zweimüller 2005, JEEA 3(6); Arni, Lalive & van Ours 2013, JAE 28)")
    digital_share: float = param(0.0, 0.0, 1.0, unit="share of meetings in digital channels",
                                 source="assumption: the public service meets face to face")
    digital_time: float = param(1.0, 0.05, 1.0, unit="coach time of a digital meeting",
                                source="assumption: digital is cheaper per contact")
    digital_effect: float = param(1.0, 0.0, 1.0, unit="effect of a digital meeting",
                                  source="assumption: digital is weaker")
    workplace_share: float = param(0.0, 0.0, 1.0, unit="share of meetings at employers",
                                   source="assumption: the public service meets at its office")
    specialist_bonus: float = param(0.0, 0.0, 2.0, unit="extra effectiveness of a specialist "
                                    "with their group", source="assumption")


@dataclass
class ServicesConfig(Settings):
    """The public employment service that serves jobseekers (the state TE office by default)."""

    caseload: float = param(180.0, 10.0, 1000.0, lever=(60, 300), unit="jobseekers per advisor",
                            source=f"{EVID}national average ~149 (2025), regions 100-200; Lahti high")
    meetings_per_advisor: float = param(60.0, 1.0, 400.0, unit="meetings a month",
                                        source="assumption: ~3 client meetings a working day")
    interview_interval_months: float = param(
        3.0, 0.5, 24.0, unit="months", source=f"{EVID}three-monthly interviews (2017)")
    nordic_model_start: str = "2022-05"
    nordic_extra_staff: float = param(
        0.4, 0.0, 3.0, unit="share added to the advisors from nordic_model_start",
        source=f"assumption: {OBS} gives ~1,200 extra TE-office and municipal staff nationally "
        "(70 M EUR a year) but not the staff they were added to")
    nordic_early_meetings: float = param(2.0, 0.0, 4.0, unit="meetings a month, first 3 months",
                                         source=f"{OBS}: Nordic model, every 2 weeks")
    contact: ContactRule = field(default_factory=ContactRule)
    effort_decay: float = param(0.6, 0.0, 1.0, unit="share of extra effort kept a month",
                                source="assumption")
    advisor_effect_sd: float = param(0.13, 0.0, 1.0, unit="sd of advisor effectiveness",
                                     source=f"{EVID}IFAU WP 2011:10, 1 sd ~ 13 %")
    referral_boost: float = param(3.0, 1.0, 10.0, unit="x score",
                                  source=f"{EVID}Bollens & Cockx 2017: matched referral triples exits")
    service_wait_months: float = param(
        1.5, 0.0, 12.0, unit="months, mean wait from a referral to the service's start",
        source=f"assumption, set to {EVID}TEM 2015 exits to services by duration: 0.080 a month in "
        "the first month, 0.064 in months 1-3, though the first interview is in the first weeks "
        "(0 starts every referral at once); intakes every 2 x mean months, so the wait is uniform "
        "up to the next")
    other_service_months: float = param(4.0, 1.0, 24.0, unit="months", source="assumption")
    service_chain_share: float = param(
        0.2, 0.0, 1.0, unit="share of ended training and other services",
        source="assumption: the register counts people who move from one service straight into "
        f"another (the fourth component of structural unemployment, {OBS}), but the project's data "
        "give no size; these go on into another service (a trial, rehabilitative work or a "
        "purchased service) without a spell of unemployment in between")
    other_service_gain: float = param(0.05, 0.0, 1.0, unit="employability gain",
                                      source="assumption: evidence on rehabilitative work is weak")
    training_effort: float = param(0.3, 0.0, 1.0, unit="x search effort while in training (lock-in)",
                                   source="assumption: lock-in effect of training")
    training_gain: float = param(0.3, 0.0, 2.0, unit="employability gain on completion",
                                 source="assumption")
    training_field_change: float = param(0.5, 0.0, 1.0, unit="share moving to the trained field",
                                         source="assumption")
    plan_valid_months: float = param(6.0, 1.0, 24.0, unit="months", source="assumption")
    advisor_cost_per_year: float = param(65000.0, 0.0, 500000.0, unit="EUR per person-year",
                                         source="assumption: salary and overheads")
    training_cost_per_month: float = param(1500.0, 0.0, 20000.0, unit="EUR per trainee-month",
                                           source="assumption")
    other_service_cost_per_month: float = param(600.0, 0.0, 20000.0, unit="EUR per client-month",
                                                source="assumption")


@dataclass
class ScenarioConfig(Settings):
    """A scenario: the public employment service, the wage-subsidy programme and the interventions.

    The interventions' parameters (``scenario.<name>``) are fields of :func:`scenario_schema`, the
    subclass made from the registered interventions; build a scenario with
    ``scenario_schema()(...)``.
    """

    wage_subsidy: WageSubsidyParams = field(default_factory=WageSubsidyParams)
    name: str = "te_office"
    description: str = ""
    order: int = 100  # position in the listings of scenarios (compare's default set, dashboard)
    services: ServicesConfig = field(default_factory=ServicesConfig)
    municipal_from: str = "2025-01"  # TE24: the municipalities serve every jobseeker from then

    @classmethod
    def schema(cls) -> type[ScenarioConfig]:
        """The class to build from a mapping: the one with every registered intervention."""
        return scenario_schema()

    def __reduce__(self) -> tuple:  # the class is made at run time: rebuild it where unpickled
        return (_scenario_from_fields, ({f.name: getattr(self, f.name) for f in fields(self)},))

    def interventions(self) -> dict[str, InterventionParams]:
        """The parameters of every registered intervention, by name, in their order."""
        return {name: getattr(self, name) for name in registered()}


_SCHEMAS: dict[tuple, type[ScenarioConfig]] = {}


def scenario_schema() -> type[ScenarioConfig]:
    """:class:`ScenarioConfig` with a field ``<name>`` for every registered intervention."""
    ivs = registered()
    key = tuple((name, cls.params) for name, cls in ivs.items())
    if key not in _SCHEMAS:
        core = {f.name: f.type for f in fields(ScenarioConfig)}
        extra = []
        for name, cls in ivs.items():
            if name in core:  # a lever on a part of the core (the wage subsidy)
                if core[name] not in (cls.params, cls.params.__name__):
                    raise ConfigError(f"intervention {name!r}: scenario.{name} holds "
                                      f"{core[name]}, not {cls.params.__name__}")
                continue
            extra.append((name, cls.params, field(default_factory=cls.params)))
        made = make_dataclass("ScenarioConfig", extra, bases=(ScenarioConfig,))
        made.__module__ = __name__
        made.__doc__ = ScenarioConfig.__doc__
        _SCHEMAS[key] = made
    return _SCHEMAS[key]


def _scenario_from_fields(values: dict[str, Any]) -> ScenarioConfig:
    return scenario_schema()(**values)


# --------------------------------------------------------------------------------------- whole
@dataclass
class ModelConfig(Settings):
    """Everything one model run needs."""

    seed: int = param(42, 0, 2**63 - 1, source="run setting")
    scale: float = param(1.0, 1e-4, 1.0, unit="simulated persons per real person",
                         source="run setting")
    start: str = "2018-01"
    end: str = "2028-12"
    region: RegionConfig = field(default_factory=RegionConfig)
    economy: EconomyConfig = field(default_factory=EconomyConfig)
    rules: RulesConfig = field(default_factory=RulesConfig)
    scenario: ScenarioConfig = field(default_factory=lambda: scenario_schema()())

    @property
    def start_index(self) -> int:
        """Month index of ``start``."""
        return parse_month(self.start, "start")

    @property
    def end_index(self) -> int:
        """Month index of ``end``."""
        return parse_month(self.end, "end")


MODEL_KEYS = ("seed", "scale", "start", "end", "region", "economy", "rules", "scenario")


def validate(cfg: ModelConfig) -> ModelConfig:
    """Check a config for values no model run can use; raise :class:`ConfigError` naming the field."""
    check_bounds(cfg)
    start, end = cfg.start_index, cfg.end_index
    if start < 0:
        raise ConfigError(f"start = {cfg.start} is before 2018-01, the first month with initial data")
    if end < start:
        raise ConfigError(f"end = {cfg.end} is before start = {cfg.start}; end must be >= start")
    if end > parse_month("2040-12"):
        raise ConfigError(f"end = {cfg.end} is after 2040-12, the last month allowed")
    munis = cfg.region.municipalities
    if not munis:
        raise ConfigError("region.municipalities is empty; at least one municipality is needed")
    names = [m.name for m in munis]
    if len(set(names)) != len(names) or any(not n for n in names):
        raise ConfigError(f"region.municipalities: names must be unique and non-empty, got {names}")
    if cfg.region.hub not in names:
        raise ConfigError(f"region.hub = {cfg.region.hub!r} is not a municipality; allowed: {names}")
    pop = cfg.region.population
    if pop.share_basic + pop.share_tertiary >= 1:
        raise ConfigError("region.population.share_basic + share_tertiary must be below 1")
    check_len("region.population.student_share_by_age", pop.student_share_by_age, 5)
    mig = cfg.region.migration
    for name in ("out_rate_by_age", "net_per_1000_by_age"):
        check_len(f"region.migration.{name}", getattr(mig, name), 5)
    check_len("region.migration.immigrant_status_shares", mig.immigrant_status_shares, 4)
    check_len("region.migration.immigration_per_year", mig.immigration_per_year, 2)
    check_len("region.migration.emigration_per_year", mig.emigration_per_year, 2)
    eco = cfg.economy
    if not eco.sectors:
        raise ConfigError("economy.sectors is empty; at least one sector is needed")
    sector_names = [s.name for s in eco.sectors]
    total = sum(s.job_share for s in eco.sectors)
    if abs(total - 1.0) > 0.01:
        raise ConfigError(f"economy.sectors job_share values sum to {total:.3f}; they must sum to 1")
    for i, s in enumerate(eco.sectors):
        check_len(f"economy.sectors[{i}].employer_type_shares", s.employer_type_shares, 3)
        if sum(s.employer_type_shares) <= 0:
            raise ConfigError(f"economy.sectors[{i}].employer_type_shares must not all be 0")
    if not eco.demand_path:
        raise ConfigError("economy.demand_path is empty; give at least one knot")
    knots = [parse_month(k.month, f"economy.demand_path[{i}].month")
             for i, k in enumerate(eco.demand_path)]
    if knots != sorted(knots) or len(set(knots)) != len(knots):
        raise ConfigError("economy.demand_path months must be strictly increasing")
    check_len("economy.education_fit", eco.education_fit, 3)
    check_len("economy.seasonal_factors", eco.seasonal_factors, 12)
    for i, ed in enumerate(cfg.region.educators):
        for j, prog in enumerate(ed.programmes):
            where = f"region.educators[{i}].programmes[{j}]"
            if prog.kind not in ("labour_market_training", "degree"):
                raise ConfigError(f"{where}.kind = {prog.kind!r}; allowed: labour_market_training, "
                                  "degree")
            if prog.field != "any" and prog.field not in sector_names:
                raise ConfigError(f"{where}.field = {prog.field!r}; allowed: any, "
                                  f"{', '.join(sector_names)}")
    rules = cfg.rules
    check_len("rules.work_condition_months", rules.work_condition_months, 2)
    parse_month(rules.work_condition_change, "rules.work_condition_change")
    parse_month(rules.subsidised_work_accrues_until, "rules.subsidised_work_accrues_until")
    if not rules.regimes:
        raise ConfigError("rules.regimes is empty; give at least one financing regime")
    for i, r in enumerate(rules.regimes):
        parse_month(r.start, f"rules.regimes[{i}].start")
        if r.basis not in ("labour_market_subsidy_days", "benefit_days"):
            raise ConfigError(f"rules.regimes[{i}].basis = {r.basis!r}; allowed: "
                              "labour_market_subsidy_days, benefit_days")
        if len(r.day_thresholds) != len(r.municipal_shares):
            raise ConfigError(f"rules.regimes[{i}]: day_thresholds and municipal_shares must have "
                              "the same length")
        if list(r.day_thresholds) != sorted(r.day_thresholds):
            raise ConfigError(f"rules.regimes[{i}].day_thresholds must be increasing")
    ob = rules.obligations
    for name in ("activation_model_start", "activation_model_end", "nordic_start", "tyke_start"):
        parse_month(getattr(ob, name), f"rules.obligations.{name}")
    for name in ("nordic_waiting_days", "tyke_waiting_days"):
        if not getattr(ob, name):
            raise ConfigError(f"rules.obligations.{name} is empty; give the days of at least the "
                              "first failure (0 for a reminder)")
    svc = cfg.scenario.services
    parse_month(svc.nordic_model_start, "scenario.services.nordic_model_start")
    parse_month(cfg.scenario.municipal_from, "scenario.municipal_from")
    muni_names = [m.name for m in munis]
    sc = cfg.scenario
    ivs = registered()
    for name, p in sc.interventions().items():
        validate_params(name, p, muni_names)
        ivs[name].check(p, cfg)
    ws = sc.wage_subsidy
    check_len("scenario.wage_subsidy.employer_weights", ws.employer_weights, 3)
    check_len("scenario.wage_subsidy.retention", ws.retention, 3)
    check_len("scenario.wage_subsidy.rates_before", ws.rates_before, 3)
    check_len("scenario.wage_subsidy.rate_steps_months", ws.rate_steps_months, 2)
    if list(ws.rate_steps_months) != sorted(ws.rate_steps_months):
        raise ConfigError("scenario.wage_subsidy.rate_steps_months must be increasing")
    parse_month(ws.reform_start, "scenario.wage_subsidy.reform_start")
    if not ws.months:
        raise ConfigError("scenario.wage_subsidy.months is empty; give at least one duration")
    return cfg


def check_len(name: str, values: list, n: int) -> None:
    """Refuse a list setting ``name`` that does not have ``n`` values."""
    if len(values) != n:
        raise ConfigError(f"{name} must have {n} values, got {len(values)}")


def config_from_dict(data: Mapping[str, Any]) -> ModelConfig:
    """Build and validate a :class:`ModelConfig` from a plain mapping (e.g. a resolved Hydra config).

    Keys that belong to the command-line apps rather than the model (``output`` and Hydra's own)
    are ignored.
    """
    model_part = {k: v for k, v in dict(data).items() if k in MODEL_KEYS}
    return validate(from_mapping(ModelConfig, model_part))
