from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from model.hydra_config import compose_config
from model.indicators import EVENTS, STOCKS
from model.observed import monthly_points
from model.region_model import RegionModel
from model.statuses import N_STATUS, Status


def test_builds_with_defaults_and_runs(small_run):
    m = small_run
    assert not m.running and m.month == "2021-01"
    assert m.people.n_active > 4000
    assert len(m.firms) > 100 and len(m.service.coaches) >= 1
    assert len(m.programmes.educators) == 3 and len(m.municipalities) == 5
    df = m.indicator_frame()
    assert set(df.columns) == {"month", "group", "municipality", "indicator", "value"}
    assert set(df.municipality.unique()) == {"Lahti", "Hollola", "Orimattila", "Asikkala",
                                             "Kärkölä", "region"}


def test_stocks_and_flows_balance_every_month(small_run):
    rec = small_run.recorder
    prev = rec.initial_by_status
    for t in range(small_run.t):
        f = rec.flows[t]  # from, to, municipality
        loops = np.einsum("ssm->sm", f)
        inflow = f.sum(axis=0) - loops
        outflow = f.sum(axis=1) - loops
        expected = prev + inflow - outflow
        # every real status (the last row counts free slots, which have no municipality)
        np.testing.assert_array_equal(rec.stock_by_status[t][:N_STATUS], expected[:N_STATUS],
                                      err_msg=f"month {t}")
        prev = rec.stock_by_status[t]


def test_recorded_stocks_match_the_population(small_run):
    m = small_run
    t = m.t - 1
    k = STOCKS.index("unemployed")
    for i in range(5):
        n = np.count_nonzero((m.people.status == Status.UNEMPLOYED) & (m.people.muni == i))
        assert m.recorder.stocks[t, 0, i, k] == n
    assert m.recorder.stock_by_status[t][:N_STATUS].sum() == m.people.n_active


def test_region_counts_are_sums_of_municipalities(small_run):
    df = small_run.indicator_frame()
    sel = df[(df.group == "all") & (df.indicator == "unemployed") & (df.month == "2020-06")]
    region = sel[sel.municipality == "region"].value.iloc[0]
    assert region == pytest.approx(sel[sel.municipality != "region"].value.sum())


def test_same_seed_identical_and_different_seeds_differ(small_config):
    short = replace(small_config, end="2018-12")
    a = RegionModel(short).run().recorder
    b = RegionModel(short).run().recorder
    c = RegionModel(replace(short, seed=short.seed + 1)).run().recorder
    np.testing.assert_array_equal(a.stocks, b.stocks)
    np.testing.assert_array_equal(a.events, b.events)
    assert not np.array_equal(a.stocks, c.stocks)


def test_vacancy_constraint_in_matching(small_run):
    """Every hire fills an open vacancy once; nobody is hired twice in a month."""
    from model.matching import MatchingInputs, match

    m = RegionModel(compose_config(["scale=0.05", "end=2019-06"]))
    for _ in range(6):
        m.step()
    p, firms = m.people, m.firms
    n_open = len(firms.vacancies)
    open_per_firm = np.bincount(firms.vacancies.firm, minlength=len(firms))
    searchers = np.flatnonzero(p.status == Status.UNEMPLOYED)
    hires = match(m.streams["matching"], p, firms, m.config.economy, m.app_weights, searchers,
                  np.ones(len(searchers), np.float32),
                  MatchingInputs(referred=np.zeros(0, np.int64), referral_boost=3.0))
    assert 0 < len(hires.person) <= n_open
    assert len(np.unique(hires.person)) == len(hires.person)
    assert (np.bincount(hires.firm, minlength=len(firms)) <= open_per_firm).all()
    assert len(firms.vacancies) == n_open - len(hires.person)


def test_people_and_firms_as_frames(small_run):
    pop = small_run.population_frame()
    assert len(pop) == small_run.people.n_active
    assert {"age", "status", "municipality", "field", "employability"} <= set(pop.columns)
    one = small_run.person(int(pop.index[0]))
    assert one["municipality"] in small_run.muni_names
    assert one["benefit"] in ("none", "earnings_related", "basic")
    firms = small_run.firm_frame()
    assert firms.employees.sum() == (small_run.people.status == Status.EMPLOYED).sum()
    assert firms.subsidised.sum() == (small_run.people.status == Status.SUBSIDISED).sum() > 0


def test_a_person_is_a_slot_and_a_cohort(small_config):
    m = RegionModel(small_config)
    p = m.people
    old = np.flatnonzero(p.status != Status.EMPTY)
    cohort = p.cohort[old].copy()
    for _ in range(12):
        m.step()
    reused = old[(p.status[old] != Status.EMPTY) & (p.cohort[old] != cohort)]
    assert len(reused) > 0  # slots of people who left now hold entrants
    i = int(reused[0])
    with pytest.raises(IndexError, match="holds someone else"):
        m.person(i, int(cohort[old == i][0]))
    assert m.person(i, int(p.cohort[i]))["cohort"] == p.cohort[i]


def test_a_built_model_has_its_own_read_only_configuration(small_config):
    from model.params import ConfigError

    a, b = RegionModel(small_config), RegionModel(small_config)
    assert a.config is not small_config and a.config is not b.config
    with pytest.raises(ConfigError, match="ServicesConfig.caseload: the configuration "
                                          "of a built model is read-only"):
        a.config.scenario.services.caseload = 90.0
    with pytest.raises(ConfigError, match="read-only"):
        a.interventions_by_name["coaching"].p.start = "2020-01"
    with pytest.raises(ConfigError, match="read-only"):
        a.config.economy.sectors[0].job_share = 0.5
    with pytest.raises(ConfigError, match="a list in the configuration of a built model"):
        a.config.scenario.wage_subsidy.rates_before[0] = 0.9
    with pytest.raises(ConfigError, match="read-only"):
        a.config.economy.seasonal_factors.append(1.0)
    assert a.config.economy.seasonal_factors == small_config.economy.seasonal_factors
    changed = replace(small_config, seed=small_config.seed + 1)  # the caller's copy is free
    assert RegionModel(changed).config.seed == small_config.seed + 1


def test_indicator_months_compare_in_time_order(small_run):
    df = small_run.indicator_frame()
    assert df.month.cat.ordered
    late = df[df.month >= "2019-01"]
    assert str(late.month.min()) == "2019-01" and str(df.month.max()) == small_run.config.end


def test_keyword_overrides_may_hold_any_string():
    from model.hydra_config import default_config

    cfg = default_config(scale=0.05, scenario="kuntakokeilu", **{"region.hub": "Kärkölä"})
    assert cfg.region.hub == "Kärkölä" and cfg.scenario.name == "kuntakokeilu"


def test_events_are_recorded(small_run):
    ev = small_run.recorder.events[:, 0].sum(axis=(0, 1))
    for name in ("spells_ended_to_work", "hires", "meetings", "referrals", "benefit_eur",
                 "benefit_eur_municipal", "inflow_to_unemployment", "training_starts"):
        assert ev[EVENTS.index(name)] > 0, name


def test_nordic_model_raises_meetings_of_new_jobseekers():
    """From 2022-05 new jobseekers are met twice a month: more meetings per unemployed."""
    m = RegionModel(compose_config(["scale=0.05", "end=2022-10"])).run()
    meet = m.series("meetings") / m.series("unemployed")
    assert meet["2022-06":"2022-10"].mean() > 1.1 * meet["2021-06":"2022-03"].mean()


@pytest.fixture(scope="module")
def default_run():
    """The default configuration at a fifth of the population, 2018-2022."""
    return RegionModel(compose_config(["scale=0.2", "end=2022-12"])).run()


def test_lahti_unemployment_rate_2018_2022_is_in_a_plausible_band(default_run):
    model = default_run.series("unemployment_rate", "Lahti")
    obs = monthly_points("unemployment_rate", ["Lahti"])
    obs = obs[(obs.month >= "2018-01") & (obs.month <= "2022-12")]
    assert len(obs) >= 15
    err = model.reindex(obs.month).to_numpy() - obs.value.to_numpy()
    assert np.abs(err).max() < 0.05, pd.Series(err, index=obs.month).round(3).to_dict()
    assert np.sqrt(np.mean(err**2)) < 0.03


def test_the_2020_shock_raises_unemployment(default_run):
    s = default_run.series("unemployment_rate", "Lahti")
    assert s["2020-05":"2020-09"].max() > s["2019-09":"2020-02"].mean() + 0.02


def test_running_history_counts_match_the_history_bits(small_run):
    from agents.people import popcount16, popcount32

    p = small_run.people
    act = p.active
    np.testing.assert_array_equal(p.unemp_months16[act], popcount16(p.unemp_hist[act]))
    np.testing.assert_array_equal(p.work_months28[act], popcount32(p.work_hist[act]))


def test_capacity_of_coaches_is_never_exceeded(small_run):
    for c in small_run.service.coaches:
        assert c.meetings <= c.capacity


def test_layoffs_select_by_risk_but_keep_each_firms_volume(small_run):
    """A shrinking firm sheds layoff_speed x its excess; riskier employees are likelier to go."""
    m, p = small_run, small_run.people
    firms = m.firms
    employed = (p.status == Status.EMPLOYED).nonzero()[0]
    at_risk = employed[:2000]
    p_lay = np.full(len(firms), 0.05)
    prob = firms.layoff_probability(p, at_risk, p_lay)
    firm = p.employer[at_risk]
    n = np.bincount(firm, minlength=len(firms))
    per_firm = np.bincount(firm, weights=prob, minlength=len(firms))
    np.testing.assert_allclose(per_firm[n > 0], 0.05 * n[n > 0])
    factor = firms.separation_risk.factor(p, at_risk)
    big = np.bincount(firm).argmax()
    mine = firm == big
    assert np.corrcoef(factor[mine], prob[mine])[0, 1] > 0.99


def test_entries_from_outside_scale_with_the_local_unemployment_odds(small_config):
    """Entry factors rise with the municipality's unemployment rate; their mean over those outside
    the labour force at the start is 1, and elasticity 0 makes them all 1."""
    m = RegionModel(small_config)
    ur = np.array([mu.unemployment_rate for mu in small_config.region.municipalities])
    order = np.argsort(ur)
    assert (np.diff(m.entry_factor[order]) >= 0).all() and m.entry_factor.std() > 0
    outside = m.people.muni[(m.people.status == Status.OUTSIDE).nonzero()[0]]
    assert m.entry_factor[outside].mean() == pytest.approx(1.0)
    pop = replace(small_config.region.population, entry_local_elasticity=0.0)
    flat = RegionModel(replace(small_config, region=replace(small_config.region, population=pop)))
    np.testing.assert_allclose(flat.entry_factor, 1.0)


def test_initial_unemployed_are_the_survivors_of_their_spells():
    """Initial conditions: the longer the spell, the lower the latent employability; no hazard
    means no selection."""
    from agents.population import survivors_z

    rng = np.random.default_rng(5)
    means = [survivors_z(rng, np.full(4000, s), 0.062, 1.0).mean() for s in (1, 6, 24, 60)]
    assert all(a > b + 0.1 for a, b in zip(means, means[1:], strict=False)), means
    assert means[-1] < -0.8
    flat = survivors_z(rng, np.full(20000, 60), 0.0, 1.0)
    assert abs(flat.mean()) < 0.03 and abs(flat.std() - 1.0) < 0.03


def test_the_initial_population_uses_survivor_selection(small_config):
    """In the synthesised 2018-01 population the long-term unemployed are the least employable
    (mean latent z about -1.1 beyond 24 months at the calibrated defaults; without selection 0)."""
    m = RegionModel(small_config)
    p = m.people
    un = (p.status == Status.UNEMPLOYED).nonzero()[0]
    z = np.log(p.employability[un]) / small_config.economy.employability_sd
    spell = p.spell[un]
    short, long = z[spell < 3].mean(), z[spell >= 24].mean()
    assert long < short - 0.5 and long < -0.7, (short, long)


def test_starting_a_business_gets_rarer_as_a_spell_lengthens(small_config):
    """With a short half-life the unemployed who become self-employed have shorter spells than with
    a practically flat hazard."""
    def entrants_spell(halflife: float) -> float:
        eco = replace(small_config.economy, self_employment_entry=0.05,
                      self_employment_halflife=halflife)
        m = RegionModel(replace(small_config, economy=eco, end="2018-06"))
        spells = []

        def observe(idx, old, new):
            sel = (old == Status.UNEMPLOYED) & (new == Status.SELF_EMPLOYED)
            spells.extend(m.people.spell[idx[sel]].tolist())

        m.people.observer = observe
        m.run()
        assert len(spells) > 30
        return float(np.mean(spells))

    assert entrants_spell(6.0) < 0.6 * entrants_spell(1e4)


def test_destination_shares_of_ended_spells(small_config):
    """Shares of ended spells by destination equal a count of every change of status out of
    unemployment seen by an observer of the population (people who left the model excluded),
    except the spells the register does not see: begun and ended in work within the month after
    a job, studies or a service whose end was known, other than a temporary layoff
    (``indicators.register_sees``), and with the share of exits to work the office is not told
    of counted as lapses (``unreported_work_share``)."""
    from model.indicators import DESTINATION, DESTINATIONS, IS_WORK, KNOWN_END

    m = RegionModel(replace(small_config, end="2018-12"))
    seen = np.zeros(len(DESTINATIONS))
    unseen = [0]

    def observe(idx, old, new):
        p = m.people
        out = (old == Status.UNEMPLOYED) & (new != Status.UNEMPLOYED)
        direct = (out & (p.spell[idx] == 0) & IS_WORK[new] & KNOWN_END[p.prev_status[idx]]
                  & ~p.temp_laid[idx])
        unseen[0] += int(direct.sum())
        out &= ~direct
        seen[:] += np.bincount(DESTINATION[new[out]], minlength=len(DESTINATIONS))

    m.people.observer = observe
    m.run()
    u = m.config.region.population.unreported_work_share
    assert u > 0
    work, lapsed = DESTINATIONS.index("work"), DESTINATIONS.index("lapsed")
    seen[lapsed] += u * seen[work]
    seen[work] *= 1.0 - u
    shares = m.recorder.destination_shares()
    assert shares.sum() == pytest.approx(1.0)
    kept = [d for d, name in enumerate(DESTINATIONS) if name != "leaving"]
    assert list(shares.index) == [DESTINATIONS[d] for d in kept]
    np.testing.assert_allclose(shares.to_numpy(), seen[kept] / seen[kept].sum(), rtol=1e-12)
    assert shares["work"] > 0.2 and shares["services"] > 0.1 and shares["lapsed"] > 0.02
    assert unseen[0] > 0  # such spells happen, and are left out


def test_self_employment_share_is_stationary_with_the_derived_entry_from_employment(small_config):
    """The derived entry rate from employment keeps the self-employed share near its 2018 level;
    without it the share drifts down (entries from unemployment alone do not replace the exits)."""
    def share_change(factor: float) -> float:
        eco = replace(small_config.economy, self_employment_from_employment=factor)
        m = RegionModel(replace(small_config, economy=eco, end="2023-12")).run()
        se, emp = m.series("self_employed"), m.series("employed")
        share = se / (se + emp)
        return float(share["2023-01":].mean() - share.iloc[0])

    assert abs(share_change(1.0)) < 0.012
    assert share_change(0.0) < -0.02


def test_seasonal_factors_are_derived_from_the_observed_national_series(small_config):
    """The declared factors are the ones the observed national counts give; they average 1,
    peak in July and December and bottom out in spring and autumn."""
    from model.observed import seasonal_factors

    f = np.array(small_config.economy.seasonal_factors)
    assert f.tolist() == seasonal_factors()
    assert abs(f.mean() - 1) < 1e-3
    assert f.argmax() == 6 and f[11] > f[10] + 0.1 and f[4] < f[0] - 0.1


def test_the_national_path_keeps_its_knots_and_has_seasons(small_config):
    """Every knot month keeps its published figure; between knots December is above November;
    with seasonality 0 the path is the plain linear interpolation."""
    from agents.firms import national_rate_path
    from model.calendar import parse_month

    eco = replace(small_config.economy, seasonality=1.0)
    n = parse_month("2028-12") + 1
    path = national_rate_path(eco, n)
    for k in eco.demand_path:
        assert path[parse_month(k.month)] == pytest.approx(k.national_unemployment_rate)
    assert path[parse_month("2021-12")] > path[parse_month("2021-11")] * 1.08
    flat = national_rate_path(replace(eco, seasonality=0.0), n)
    x = [parse_month(k.month) for k in eco.demand_path]
    u = [k.national_unemployment_rate for k in eco.demand_path]
    assert np.allclose(flat, np.interp(np.arange(n), x, u))


def test_a_regional_trend_moves_demand_by_its_rate_a_year(small_config):
    from agents.firms import demand_index

    eco = replace(small_config.economy, regional_trend=0.0)
    base = demand_index(eco, 61)
    drift = demand_index(replace(eco, regional_trend=-0.01), 61)
    assert drift[0] == base[0] == 1.0
    assert drift[12] / base[12] == pytest.approx(0.99) and drift[60] / base[60] == pytest.approx(
        0.99 ** 5)


def test_seasonal_demand_raises_unemployment_in_the_summer(small_config):
    """Between two December knots (2021-12, 2022-12) the summer's end of seasonal jobs raises the
    regional rate from May to July with the seasons, and not without them."""
    def summer_rise(seasonality: float) -> float:
        eco = replace(small_config.economy, seasonality=seasonality)
        s = RegionModel(replace(small_config, economy=eco, scale=0.2, end="2022-07")).run().series(
            "unemployment_rate")
        return float(s["2022-07"] - s["2022-05"])

    flat, seasonal = summer_rise(0.0), summer_rise(1.0)
    assert seasonal > flat + 0.01, (flat, seasonal)


def test_a_fall_in_demand_lays_off_that_share_temporarily(small_config):
    """When demand falls by 5 %, firms lay off about 5 % of their employees temporarily: they are
    unemployed, keep the link to their firm, and the firms' employment counts stay exact."""
    m = RegionModel(small_config)
    p, f = m.people, m.firms
    employed = int(np.count_nonzero(p.status == Status.EMPLOYED))
    laid_before = int(np.count_nonzero(p.temp_laid))
    emp = f.employment(p)
    out = f.separations(np.random.default_rng(3), p, small_config.economy, 0, emp, drop=0.05)
    new = out["temporary_layoffs"]
    short = out["short_layoffs"]  # layoffs of under four weeks, beside the fall in demand
    assert int(np.count_nonzero(p.temp_laid)) - laid_before == len(new) + len(short)
    assert 0.04 * employed < len(new) < 0.07 * employed
    assert np.all(p.status[new] == Status.UNEMPLOYED) and np.all(p.employer[new] >= 0)
    assert np.array_equal(emp, f.employment(p))


def test_demand_drop_is_the_fall_from_the_month_before():
    from agents.firms import demand_drop

    d = demand_drop(np.array([1.0, 0.9, 0.95, 0.95, 0.76]))
    assert np.allclose(d, [0.0, 0.1, 0.0, 0.0, 0.2])


def test_workers_laid_off_this_month_are_recalled_from_the_next(small_config):
    """Recalls skip this month's layoffs even where firms want staff; a month later they count."""
    m = RegionModel(small_config)
    p, f, eco = m.people, m.firms, small_config.economy
    emp = f.employment(p)
    new = f.separations(np.random.default_rng(3), p, eco, 0, emp, drop=0.05)["temporary_layoffs"]
    f.desired = f.desired + 1000.0  # every firm wants staff
    back = f.recalls(np.random.default_rng(4), p, eco, 0, emp)
    assert len(new) > 100 and not np.isin(back, new).any()
    p.spell[new] = 1
    back = f.recalls(np.random.default_rng(5), p, eco, 1, emp)
    assert np.isin(new, back).mean() > 0.5 * eco.recall_rate


def test_in_movers_unemployed_share_follows_the_destination(small_config):
    """Domestic in-movers' unemployed share scales with the destination's factor."""
    from agents.migration import in_migration

    m = RegionModel(small_config)
    p = m.people
    factor = np.array([2.0, 0.0, 1.0, 1.0, 1.0])
    out = in_migration(np.random.default_rng(7), p, small_config, 0, np.full(5, 400.0),
                       len(m.sector_names), lambda idx: np.zeros(len(idx), np.int64), factor)
    dom = out["domestic"]
    adult = dom[p.age_m[dom] >= 20 * 12]
    unemployed = p.status[adult] == Status.UNEMPLOYED
    share = [unemployed[p.muni[adult] == k].mean() for k in (0, 1, 2)]
    base = small_config.region.migration.in_unemployed_share
    assert share[1] == 0.0
    assert abs(share[0] - 2 * base) < 0.06 and abs(share[2] - base) < 0.06, share


def test_emigration_abroad_matches_the_observed_flow_and_its_language_share(small_config):
    """Expected emigrants equal the sourced yearly figure; the foreign-language share is kept."""
    from agents.migration import emigration, emigration_per_month, out_migration

    cfg = replace(small_config, scale=1.0)
    m = RegionModel(cfg)
    p = m.people
    _, expected = out_migration(np.random.default_rng(0), p, cfg, 0)
    draws = [emigration(np.random.default_rng(s), p, cfg, 0, expected) for s in range(300)]
    n = np.array([len(d) for d in draws])
    foreign = np.array([p.foreign[d].sum() for d in draws])
    target = emigration_per_month(cfg, 0)  # 2018-01: half a year from 2017's 270 towards 219
    assert target == pytest.approx((270 + (219 - 270) * 0.5 / 6) * 1.15 * 0.8 / 12)
    assert n.mean() == pytest.approx(target, rel=0.05)
    assert foreign.sum() / n.sum() == pytest.approx(cfg.region.migration.emigrant_foreign_share,
                                                    abs=0.04)
    young = np.concatenate(draws)
    assert np.mean(p.age_m[young] < 30 * 12) > np.mean(p.age_m[p.active] < 30 * 12)


@pytest.mark.parametrize("share", [0.0, 0.4])
def test_local_labour_demand_follows_the_working_age_population(share):
    """With a local share, residents who leave take part of the region's labour demand with
    them; at 0 the demand follows the national path alone, whoever lives in the region."""
    t = 5
    runs = []
    for remove in (False, True):
        m = RegionModel(scale=0.05, end="2018-12", **{"economy.local_demand_share": share})
        while m.t < t:
            m.step()
        if remove:  # a tenth of the working-age residents move away
            gone = np.nonzero(m.people.status != Status.EMPTY)[0][::10]
            m.people.leave(gone, t)
        m.open_month(t)
        m.demography(t)
        m.adjust_firms(t)
        runs.append((m.labour_demand_index(t), m.firms.desired.sum()))
    (index, desired), (index_after, desired_after) = runs
    if share == 0:
        assert index_after == index and desired_after == pytest.approx(desired)
    else:
        assert index_after < index - 0.03 * share and desired_after < desired


def test_short_layoffs_end_on_their_date_whatever_the_firms_demand(small_config):
    """Layoffs under four weeks end within the month or early the next, even where firms want
    nobody back, and the register counts them as spells ended in their first month."""
    from model.calendar import DAYS_PER_MONTH
    from model.indicators import register_sees

    eco = replace(small_config.economy, short_layoff_rate=0.02, short_layoff_days=14.0)
    m = RegionModel(replace(small_config, economy=eco))
    p, f = m.people, m.firms
    employed = int(np.count_nonzero(p.status == Status.EMPLOYED))
    emp = f.employment(p)
    p.take_transitions()
    short = f.separations(np.random.default_rng(3), p, eco, 0, emp)["short_layoffs"]
    assert 0.01 * employed < len(short) < 0.03 * employed
    assert p.temp_laid[short].all() and (p.employer[short] >= 0).all()
    end = p.layoff_end[short]
    assert set(np.unique(end)) == {0, 1}
    # a layoff begun on a random day outlasts the month with probability mean length / month
    assert abs((end == 1).mean() - 14.0 / DAYS_PER_MONTH) < 0.08
    firm = p.employer[short]
    f.desired = f.desired * 0.5  # no firm wants staff
    back = f.recalls(np.random.default_rng(4), p, eco, 0, emp)
    assert np.array_equal(np.sort(back), np.sort(short[end == 0]))
    later = short[end == 1]
    assert (p.status[later] == Status.UNEMPLOYED).all()
    p.spell[later] = 1  # the month closes
    p.take_transitions()
    back = f.recalls(np.random.default_rng(5), p, eco, 1, emp)
    assert np.array_equal(np.sort(back), np.sort(later))
    assert (p.status[short] == Status.EMPLOYED).all() and np.array_equal(p.employer[short], firm)
    assert np.array_equal(emp, f.employment(p))
    tr = p.take_transitions()
    assert (tr.spell == 0).all() and tr.laid_off.all() and register_sees(tr).all()


def test_short_layoffs_add_spells_that_end_in_work_within_their_first_month(small_config):
    """Exits to work under one month rise with the rate of short layoffs; later ones do not."""
    profiles = []
    for rate in (0.0, 0.003):
        eco = replace(small_config.economy, short_layoff_rate=rate)
        run = RegionModel(replace(small_config, economy=eco, end="2019-12")).run()
        profiles.append(run.recorder.duration_profile(0, 23)["exit_to_work"])
    assert profiles[1]["<1"] > 1.3 * profiles[0]["<1"]
    assert abs(profiles[1]["3-6"] / profiles[0]["3-6"] - 1) < 0.2


def test_the_register_sees_a_layoff_however_soon_it_ends():
    """A hire in the layoff's own month ends a registered spell; after a job's notice it does not."""
    from agents.people import Transitions
    from model.indicators import register_sees

    u, e = np.uint8(Status.UNEMPLOYED), np.uint8(Status.EMPLOYED)
    tr = Transitions(np.array([u, u]), np.array([e, e]), np.zeros(2, np.int8),
                     np.zeros(2, np.uint8), np.zeros(2, np.int16), 5, np.array([e, e]),
                     np.array([True, False]))
    assert register_sees(tr).tolist() == [True, False]
