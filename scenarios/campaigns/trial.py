"""Virtual randomised trials: ``kohtaanto trial``.

At the assignment month, the people eligible for one intervention form the trial cohort; a random
share of them (``trial.share``) is treated — the intervention takes in only them — and the rest are
controls. Their statuses are followed 6, 12, 24 and 36 months later (employed, unemployed, in
services, outside the labour force, left the region). Each replication runs twice with the same
seed: with the trial, and with nobody treated. The treated-minus-control difference is the effect
on the treated cohort (an intention-to-treat estimate among the eligible); the controls' outcomes
against the same people in the run without treatment are the **spillovers** (for example
displacement: treated people taking the vacancies controls would have got).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from model.calendar import DAYS_PER_MONTH, parse_month
from model.params import ConfigError
from model.statuses import Status
from scenarios.campaigns.runner import Workers

CATEGORIES = ("employed", "unemployed", "in_services", "outside_labour_force", "left_region",
              "lapsed")
_CATEGORY = np.full(Status.EMPTY + 1, 3, np.int64)
_CATEGORY[[Status.EMPLOYED, Status.SELF_EMPLOYED]] = 0
_CATEGORY[Status.UNEMPLOYED] = 1
_CATEGORY[[Status.SUBSIDISED, Status.TRAINING, Status.OTHER_SERVICE]] = 2
_CATEGORY[[Status.OUTSIDE, Status.STUDENT]] = 3
_CATEGORY[Status.LAPSED] = 5  # registration lapsed: without work, off the register
_CATEGORY[Status.EMPTY] = 4
#: Cumulative outcomes over the follow-up, per cohort member: calendar days employed (open labour
#: market), registered unemployed, in services, outside the register (lapsed or outside the
#: labour force), benefit payment days, and benefit euros (simulated people's euros).
DAY_OUTCOMES = ("days_employed", "days_unemployed", "days_in_services", "days_outside_register",
                "benefit_days", "benefit_eur")
_DAY_CATEGORIES = ((0,), (1,), (2,), (3, 5))
#: What an interval that spans zero says.
UNDECIDED = "sign not decided at these settings: raise replications or scale"


@dataclass
class Trial:
    """A trial inside one model run: assignment, the treated set, follow-up of the cohort."""

    intervention: str
    share: float
    assign_month: int
    follow_up: tuple[int, ...] = (6, 12, 24, 36)
    #: Months from assignment (the assignment month first) over which days are counted.
    days_months: int = 24

    def __post_init__(self) -> None:
        self.cohort = np.zeros(0, np.int64)
        self.cohort_mark = np.zeros(0, np.int16)
        self.treated = np.zeros(0, bool)
        self.status = {}  # follow-up month -> category of each cohort member
        self.days = np.zeros((0, len(DAY_OUTCOMES)))  # cumulative days (and euros) per member

    def month_start(self, model, t: int) -> None:
        """At the assignment month, draw the treated share of the eligible."""
        if t != self.assign_month:
            return
        iv = model.interventions_by_name[self.intervention]
        iv.trial = self  # the intervention now takes in only the treated
        eligible = iv.eligible(ignore_trial=True)
        rng = np.random.default_rng([model.config.seed, zlib.crc32(b"trial"), 104729])
        self.cohort = eligible
        self.cohort_mark = model.people.cohort[eligible].copy()
        self.treated = rng.random(len(eligible)) < self.share
        self.days = np.zeros((len(eligible), len(DAY_OUTCOMES)))
        self._mask = np.zeros(model.people.capacity, bool)
        self._mask[eligible[self.treated]] = True

    def treated_among(self, model, idx: np.ndarray) -> np.ndarray:
        """Which of ``idx`` are treated (still the same person as at assignment)."""
        if len(self.cohort) == 0:
            return np.zeros(len(idx), bool)
        mask = self._mask
        if len(mask) < model.people.capacity:
            mask = np.concatenate([mask, np.zeros(model.people.capacity - len(mask), bool)])
            self._mask = mask
        mark = np.full(model.people.capacity, -2, np.int16)
        mark[self.cohort] = self.cohort_mark
        return mask[idx] & (model.people.cohort[idx] == mark[idx])

    def month_end(self, model, t: int) -> None:
        """Add the month's days by status and benefit; record the statuses at each follow-up."""
        k = t - self.assign_month
        if not len(self.cohort) or k < 0:
            return
        p = model.people
        same = p.cohort[self.cohort] == self.cohort_mark
        cat = np.where(same, _CATEGORY[p.status[self.cohort]], 4)
        if k < self.days_months:
            for j, c in enumerate(_DAY_CATEGORIES):
                self.days[:, j] += np.isin(cat, c) * DAYS_PER_MONTH
            pay = getattr(model, "_pay", None)
            if pay is not None and len(pay.person):
                days = np.zeros(p.capacity)
                euros = np.zeros(p.capacity)
                lost = pay.days_lost if pay.days_lost is not None else 0.0
                days[pay.person] = model.config.rules.days_per_month - lost
                euros[pay.person] = pay.euros
                self.days[:, -2] += np.where(same, days[self.cohort], 0.0)
                self.days[:, -1] += np.where(same, euros[self.cohort], 0.0)
        if k in self.follow_up:
            self.status[k] = cat

    def table(self) -> pd.DataFrame:
        """One row per cohort member: id, treated, category at each follow-up."""
        df = pd.DataFrame({"person": self.cohort, "treated": self.treated})
        for k, cat in sorted(self.status.items()):
            df[f"m{k}"] = cat
        for j, name in enumerate(DAY_OUTCOMES):
            df[name] = self.days[:, j]
        return df


def validate_trial(intervention: str, share: float, assign: str, replications: int,
                   follow_up: list[int]) -> int:
    """Check the trial settings; returns the assignment month index."""
    from model.intervention import registered

    if intervention not in registered():
        raise ConfigError(f"trial.intervention = {intervention!r}; allowed: {', '.join(registered())}")
    if not 0.0 < share < 1.0:
        raise ConfigError(f"trial.share = {share} is outside the allowed range (0, 1): both arms "
                          "need people")
    if replications < 2:
        raise ConfigError(f"trial.replications = {replications}; at least 2 are needed")
    if not follow_up or min(follow_up) < 1:
        raise ConfigError("trial.follow_up must list months after assignment, each >= 1")
    t0 = parse_month(assign, "trial.assign")
    if t0 < 1:
        raise ConfigError(f"trial.assign = {assign}; allowed: 2018-02 ... 2040-12 (the model starts "
                          "in 2018-01)")
    last = parse_month("2040-12")
    if t0 + max(follow_up) > last:
        raise ConfigError(f"trial.follow_up = {list(follow_up)}: the last follow-up "
                          f"({max(follow_up)} months after {assign}) is after 2040-12, the last "
                          f"month allowed; at most {last - t0} months")
    return t0


def run_trial_job(job) -> pd.DataFrame:
    """Run one arm of one replication; returns the cohort table."""
    from model.region_model import RegionModel

    spec = dict(job.extra)
    trial = Trial(spec["intervention"], spec["share"], spec["assign"], tuple(spec["follow_up"]),
                  spec.get("days_months", 24))
    RegionModel(job.config, trial=trial).run()
    df = trial.table()
    df["arm"] = job.label
    df["replication"] = job.replication
    return df


def trial_config(base, intervention: str, assign: str, follow_up: list[int]):
    """The base configuration with the intervention switched on from the assignment month.

    The run ends at the last follow-up: later months cannot change the trial's results.
    """
    from model.calendar import month_label

    end = month_label(parse_month(assign) + max(follow_up))
    sc = base.scenario
    params = replace(getattr(sc, intervention), enabled=True, start=assign,
                     end=max(getattr(sc, intervention).end, end))
    return replace(base, end=end, scenario=replace(sc, **{intervention: params}))


def analyse(tables: pd.DataFrame, follow_up: list[int], confidence: float = 0.95) -> pd.DataFrame:
    """Treated vs control shares per follow-up and category, and the controls' spillovers."""
    rows = []
    tq = None
    for r, part in tables.groupby("replication"):
        t = part[part.arm == "trial"].set_index("person")
        u = part[part.arm == "no_treatment"].set_index("person")
        for k in follow_up:
            col = f"m{k}"
            if col not in t:
                continue
            for c, name in enumerate(CATEGORIES):
                treated = t.loc[t.treated, col] == c
                control = t.loc[~t.treated, col] == c
                same = u.reindex(control.index)[col] == c
                rows.append({"replication": r, "months": k, "outcome": name,
                             "treated": treated.mean() if len(treated) else np.nan,
                             "control": control.mean() if len(control) else np.nan,
                             "control_without_trial": same.mean() if len(same) else np.nan,
                             "n_treated": int(len(treated)), "n_control": int(len(control))})
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    df["effect"] = df.treated - df.control
    df["spillover"] = df.control - df.control_without_trial
    g = df.groupby(["months", "outcome"], sort=False)
    out = g[["treated", "control", "control_without_trial", "effect", "spillover", "n_treated",
             "n_control"]].mean()
    n = g.size()
    tq = stats.t.ppf(0.5 + confidence / 2, np.maximum(n - 1, 1))
    for col in ("effect", "spillover"):
        half = tq * g[col].std().fillna(0.0) / np.sqrt(n)
        out[f"{col}_low"], out[f"{col}_high"] = out[col] - half, out[col] + half
    out["mde"] = mde(g["effect"].std().fillna(0.0) / np.sqrt(n), n, confidence)
    out["replications"] = n
    out["note"] = np.where((out.effect_low < 0) & (out.effect_high > 0), UNDECIDED, "")
    return out.reset_index()


def mde(se: pd.Series | float, n: pd.Series | int, confidence: float = 0.95,
        power: float = 0.8) -> pd.Series | float:
    """Minimum detectable effect: the smallest true effect the replications find with ``power``.

    ``(t_{1-α/2} + t_{power}) × se`` with ``n − 1`` degrees of freedom, ``se`` the standard error
    of the mean paired effect across the replications.
    """
    df = np.maximum(np.asarray(n) - 1, 1)
    return (stats.t.ppf(0.5 + confidence / 2, df) + stats.t.ppf(power, df)) * se


def analyse_days(tables: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Cumulative days per treated and per control person over the follow-up, with intervals.

    The effect is the treated mean minus the control mean within each replication, averaged over
    the replications, with a t-interval and the minimum detectable effect (:func:`mde`).
    """
    rows = []
    for r, part in tables.groupby("replication"):
        t = part[part.arm == "trial"]
        for name in DAY_OUTCOMES:
            if name not in t:
                continue
            rows.append({"replication": r, "outcome": name,
                         "treated": t.loc[t.treated, name].mean(),
                         "control": t.loc[~t.treated, name].mean()})
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    df["effect"] = df.treated - df.control
    g = df.groupby("outcome", sort=False)
    out = g[["treated", "control", "effect"]].mean()
    n = g.size()
    se = g["effect"].std().fillna(0.0) / np.sqrt(n)
    half = stats.t.ppf(0.5 + confidence / 2, np.maximum(n - 1, 1)) * se
    out["effect_low"], out["effect_high"] = out.effect - half, out.effect + half
    out["mde"] = mde(se, n, confidence)
    out["replications"] = n
    out["note"] = np.where((out.effect_low < 0) & (out.effect_high > 0), UNDECIDED, "")
    return out.reset_index()


def run_trial(base_overrides: list[str], intervention: str, share: float, assign: str,
              replications: int, follow_up: list[int], seed: int, out: Path,
              workers: Workers = 0, progress: bool = True, days_months: int = 24) -> pd.DataFrame:
    """Run the trial and its untreated twin for every replication; write the results.

    Returns the shares at each follow-up; the cumulative days over the first ``days_months``
    months (at most the last follow-up) are in ``result.attrs["days"]`` and ``trial_days.csv``.
    """
    from model.hydra_config import compose_config
    from model.intervention import registered
    from model.output import write_model_config, write_table, write_text
    from scenarios.campaigns.runner import (
        Job,
        claim_directory,
        load_results,
        model_digest,
        replication_seed,
        run_jobs,
    )

    t0 = validate_trial(intervention, share, assign, replications, follow_up)
    if days_months < 1:
        raise ConfigError(f"trial.days_months = {days_months}; allowed: 1 or more")
    days_months = min(days_months, max(follow_up))  # the runs end at the last follow-up
    base = compose_config(list(base_overrides) + [f"seed={seed}"])
    cfg = trial_config(base, intervention, assign, follow_up)
    obstacle = registered()[intervention].trial_obstacle(getattr(cfg.scenario, intervention))
    if obstacle:
        raise ConfigError(f"trial.intervention = {intervention!r} cannot be trialled: {obstacle}")
    claim_directory(Path(out), {"intervention": intervention, "share": share, "assign": assign,
                                "replications": replications, "follow_up": list(follow_up),
                                "overrides": list(base_overrides), "seed": seed,
                                "days_months": days_months, "model": model_digest([cfg])},
                   "trial")
    write_model_config(Path(out) / "configs" / "trial.yaml", cfg)
    jobs = []
    for r in range(replications):
        c = replace(cfg, seed=replication_seed(seed, r))
        for arm, s in (("trial", share), ("no_treatment", 0.0)):
            extra = (("intervention", intervention), ("share", s), ("assign", t0),
                     ("follow_up", tuple(follow_up)), ("days_months", days_months))
            jobs.append(Job(arm, r, c, extra))
    files = run_jobs(jobs, Path(out) / "jobs", run_trial_job, workers, progress)
    tables = load_results(files)
    res = analyse(tables, follow_up)
    days = analyse_days(tables)
    write_table(Path(out) / "trial.parquet", res)
    write_table(Path(out) / "trial.csv", res)
    write_table(Path(out) / "trial_days.parquet", days)
    write_table(Path(out) / "trial_days.csv", days)
    write_text(Path(out) / "trial.md", _markdown(res, intervention, share, assign, replications)
               + _days_markdown(days, days_months, Path(out)))
    res.attrs["days"] = days
    return res


def _days_markdown(days: pd.DataFrame, months: int, out: Path) -> str:
    if days.empty:
        return ""
    lines = ["", f"## Over the first {months} months: days per person", "",
             "Calendar days employed (open labour market), registered unemployed, in services and "
             "outside the register (lapsed or outside the labour force); benefit payment days and "
             "benefit euros. Effect = treated − control per person; 95 % interval and the minimum "
             "detectable effect (80 % power) across replications.", "",
             "| outcome | treated | control | effect [95 %] | MDE | |", "|---|---|---|---|---|---|"]
    for r in days.itertuples():
        lines.append(f"| {r.outcome} | {r.treated:,.1f} | {r.control:,.1f} | {r.effect:+,.1f} "
                     f"[{r.effect_low:+,.1f}, {r.effect_high:+,.1f}] | {r.mde:,.1f} | {r.note} |")
    return "\n".join(lines) + "\n"


def _markdown(res: pd.DataFrame, intervention: str, share: float, assign: str, reps: int) -> str:
    lines = [f"# Virtual trial: {intervention}", "",
             f"{share:.0%} of the eligible assigned to treatment in {assign}; {reps} replications. "
             "Shares of the cohort; effect = treated − control; spillover = controls − the same "
             "people without any treatment. 95 % intervals across replications.", "",
             "| months | outcome | treated | control | effect [95 %] | MDE | spillover [95 %] | |",
             "|---|---|---|---|---|---|---|---|"]
    for _, r in res.iterrows():
        lines.append(f"| {r.months} | {r.outcome} | {r.treated:.3f} | {r.control:.3f} | "
                     f"{r.effect:+.3f} [{r.effect_low:+.3f}, {r.effect_high:+.3f}] | {r.mde:.3f} | "
                     f"{r.spillover:+.3f} [{r.spillover_low:+.3f}, {r.spillover_high:+.3f}] | "
                     f"{r.note} |")
    return "\n".join(lines) + "\n"
