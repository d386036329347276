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

from model.calendar import parse_month
from model.params import ConfigError
from model.statuses import Status

CATEGORIES = ("employed", "unemployed", "in_services", "outside_labour_force", "left_region",
              "lapsed")
_CATEGORY = np.full(Status.EMPTY + 1, 3, np.int64)
_CATEGORY[[Status.EMPLOYED, Status.SELF_EMPLOYED]] = 0
_CATEGORY[Status.UNEMPLOYED] = 1
_CATEGORY[[Status.SUBSIDISED, Status.TRAINING, Status.OTHER_SERVICE]] = 2
_CATEGORY[[Status.OUTSIDE, Status.STUDENT]] = 3
_CATEGORY[Status.LAPSED] = 5  # registration lapsed: without work, off the register
_CATEGORY[Status.EMPTY] = 4


@dataclass
class Trial:
    """A trial inside one model run: assignment, the treated set, follow-up of the cohort."""

    intervention: str
    share: float
    assign_month: int
    follow_up: tuple[int, ...] = (6, 12, 24, 36)

    def __post_init__(self) -> None:
        self.cohort = np.zeros(0, np.int64)
        self.cohort_mark = np.zeros(0, np.int16)
        self.treated = np.zeros(0, bool)
        self.status = {}  # follow-up month -> category of each cohort member

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
        """Record the cohort's statuses at each follow-up."""
        k = t - self.assign_month
        if k in self.follow_up and len(self.cohort):
            p = model.people
            same = p.cohort[self.cohort] == self.cohort_mark
            cat = np.where(same, _CATEGORY[p.status[self.cohort]], 4)
            self.status[k] = cat

    def table(self) -> pd.DataFrame:
        """One row per cohort member: id, treated, category at each follow-up."""
        df = pd.DataFrame({"person": self.cohort, "treated": self.treated})
        for k, cat in sorted(self.status.items()):
            df[f"m{k}"] = cat
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
    trial = Trial(spec["intervention"], spec["share"], spec["assign"], tuple(spec["follow_up"]))
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
    out["replications"] = n
    return out.reset_index()


def run_trial(base_overrides: list[str], intervention: str, share: float, assign: str,
              replications: int, follow_up: list[int], seed: int, out: Path,
              workers: int = 0, progress: bool = True) -> pd.DataFrame:
    """Run the trial and its untreated twin for every replication; write the results."""
    from model.hydra_config import compose_config
    from model.intervention import registered
    from model.output import write_model_config, write_table, write_text
    from scenarios.campaigns.runner import Job, claim_directory, load_results, replication_seed, run_jobs

    t0 = validate_trial(intervention, share, assign, replications, follow_up)
    base = compose_config(list(base_overrides) + [f"seed={seed}"])
    cfg = trial_config(base, intervention, assign, follow_up)
    obstacle = registered()[intervention].trial_obstacle(getattr(cfg.scenario, intervention))
    if obstacle:
        raise ConfigError(f"trial.intervention = {intervention!r} cannot be trialled: {obstacle}")
    claim_directory(Path(out), {"intervention": intervention, "share": share, "assign": assign,
                                "replications": replications, "follow_up": list(follow_up),
                                "overrides": list(base_overrides), "seed": seed}, "trial")
    write_model_config(Path(out) / "configs" / "trial.yaml", cfg)
    jobs = []
    for r in range(replications):
        c = replace(cfg, seed=replication_seed(seed, r))
        for arm, s in (("trial", share), ("no_treatment", 0.0)):
            extra = (("intervention", intervention), ("share", s), ("assign", t0),
                     ("follow_up", tuple(follow_up)))
            jobs.append(Job(arm, r, c, extra))
    files = run_jobs(jobs, Path(out) / "jobs", run_trial_job, workers, progress)
    tables = load_results(files)
    res = analyse(tables, follow_up)
    write_table(Path(out) / "trial.parquet", res)
    write_table(Path(out) / "trial.csv", res)
    write_text(Path(out) / "trial.md", _markdown(res, intervention, share, assign, replications))
    return res


def _markdown(res: pd.DataFrame, intervention: str, share: float, assign: str, reps: int) -> str:
    lines = [f"# Virtual trial: {intervention}", "",
             f"{share:.0%} of the eligible assigned to treatment in {assign}; {reps} replications. "
             "Shares of the cohort; effect = treated − control; spillover = controls − the same "
             "people without any treatment. 95 % intervals across replications.", "",
             "| months | outcome | treated | control | effect [95 %] | spillover [95 %] |",
             "|---|---|---|---|---|---|"]
    for _, r in res.iterrows():
        lines.append(f"| {r.months} | {r.outcome} | {r.treated:.3f} | {r.control:.3f} | "
                     f"{r.effect:+.3f} [{r.effect_low:+.3f}, {r.effect_high:+.3f}] | "
                     f"{r.spillover:+.3f} [{r.spillover_low:+.3f}, {r.spillover_high:+.3f}] |")
    return "\n".join(lines) + "\n"
