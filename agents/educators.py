"""Educators: vocational institutions and higher education, running programmes with capacity.

An educator is a ``mesa.Agent`` holding programmes: degree programmes (students, who graduate into
the labour market with a higher education level) and labour-market training (short courses for
jobseekers, with lock-in while they last and skills or a new field at completion). The programmes
of all educators are also kept as flat arrays so that enrolment and completion are vectorised.
"""

from __future__ import annotations

import mesa
import numpy as np

from agents.people import People
from model.config import EducatorConfig, ServicesConfig
from model.indices import nonzero

DEGREE, TRAINING = 0, 1


class Educator(mesa.Agent):
    """An educational institution."""

    def __init__(self, model: mesa.Model, cfg: EducatorConfig, programme_ids: list[int]):
        super().__init__(model)
        self.name = cfg.name
        self.kind = cfg.kind
        self.programme_ids = programme_ids
        self.enrolled = 0  # students and trainees at the last count
        self.graduates = 0  # completions this month

    def __repr__(self) -> str:
        return f"Educator({self.name!r}, {self.kind}, enrolled={self.enrolled})"


class Programmes:
    """All programmes of all educators as arrays; enrolment, completion and graduation."""

    def __init__(self, model: mesa.Model, educators: list[EducatorConfig], sector_names: list[str],
                 scale: float):
        kind, field, level, places, duration, completion, owner = [], [], [], [], [], [], []
        self.educators: list[Educator] = []
        for cfg in educators:
            ids = []
            for p in cfg.programmes:
                ids.append(len(kind))
                kind.append(DEGREE if p.kind == "degree" else TRAINING)
                field.append(-1 if p.field == "any" else sector_names.index(p.field))
                level.append(p.level)
                places.append(p.places * scale)
                duration.append(p.duration_months)
                completion.append(p.completion)
                owner.append(len(self.educators))
            self.educators.append(Educator(model, cfg, ids))
        self.kind = np.array(kind, dtype=np.int8)
        self.field = np.array(field, dtype=np.int8)
        self.level = np.array(level, dtype=np.int8)
        self.places = np.array(places, dtype=float)
        self.duration = np.array(duration, dtype=float)
        self.completion = np.array(completion, dtype=float)
        self.owner = np.array(owner, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.kind)

    def enrolled(self, people: People) -> np.ndarray:
        """People currently in each programme (counted afresh)."""
        prog = people.programme[nonzero(people.programme >= 0)]
        return np.bincount(prog, minlength=len(self))

    def count(self, people: People) -> None:
        """Recount enrolment; :meth:`place` keeps the count up to date until the next recount."""
        self._count = self.enrolled(people)

    def free_places(self, people: People) -> np.ndarray:
        """Places left in each programme (from the current count)."""
        if getattr(self, "_count", None) is None:
            self.count(people)
        return np.maximum(self.places - self._count, 0.0)

    def add(self, educator: str, kind: str, fields: list[int], level: int, places: float,
            duration: float, completion: float) -> np.ndarray:
        """Add programmes (one per field) to an existing educator; returns their indices."""
        owner = [e.name for e in self.educators].index(educator)
        n = len(fields)
        ids = np.arange(len(self), len(self) + n)
        self.kind = np.concatenate([self.kind, np.full(n, DEGREE if kind == "degree" else TRAINING,
                                                        np.int8)])
        self.field = np.concatenate([self.field, np.asarray(fields, np.int8)])
        self.level = np.concatenate([self.level, np.full(n, level, np.int8)])
        self.places = np.concatenate([self.places, np.full(n, places, float)])
        self.duration = np.concatenate([self.duration, np.full(n, duration, float)])
        self.completion = np.concatenate([self.completion, np.full(n, completion, float)])
        self.owner = np.concatenate([self.owner, np.full(n, owner, np.int64)])
        self.educators[owner].programme_ids += ids.tolist()
        if getattr(self, "_count", None) is not None:
            self._count = np.concatenate([self._count, np.zeros(n, self._count.dtype)])
        return ids

    def place(self, rng: np.random.Generator, people: People, idx: np.ndarray, kind: int,
              level: np.ndarray | None, only: np.ndarray | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
        """Choose programmes of ``kind`` (and ``level`` per person if given) that have room.

        Programmes are drawn in proportion to their free places and never overbooked; people
        beyond the free places get none. Returns (placed people, their programmes).
        """
        empty = np.zeros(0, np.int64)
        if len(idx) == 0:
            return empty, empty
        free = np.floor(self.free_places(people)).astype(np.int64)
        free[self.kind != kind] = 0
        if only is not None:
            keep = np.zeros(len(self), bool)
            keep[only] = True
            free[~keep] = 0
        perm = rng.permutation(len(idx))
        idx = idx[perm]
        chosen = np.full(len(idx), -1, dtype=np.int64)
        levels = np.full(len(idx), -1, np.int8) if level is None else np.asarray(level)[perm]
        for lev in ((-1,) if level is None else np.unique(levels)):
            who = nonzero(levels == lev)
            room = free if lev < 0 else free * (self.level == lev)
            if room.sum() == 0:
                continue
            seats = np.repeat(np.arange(len(self)), room)
            take = min(len(who), len(seats))
            picked = rng.choice(seats, size=take, replace=False)
            chosen[who[:take]] = picked
            free -= np.bincount(picked, minlength=len(self))
        ok = chosen >= 0
        self._count = self._count + np.bincount(chosen[ok], minlength=len(self))
        return idx[ok], chosen[ok]

    def enrol(self, rng: np.random.Generator, people: People, idx: np.ndarray, kind: int,
              level: np.ndarray | None, t: int, status: int,
              only: np.ndarray | None = None) -> np.ndarray:
        """Move people into ``status`` in a programme with room; returns who was enrolled."""
        got, prog = self.place(rng, people, idx, kind, level, only)
        people.move(got, status, t)
        self._start(rng, people, got, prog, t, 1.0)
        return got

    def _start(self, rng: np.random.Generator, people: People, idx: np.ndarray, prog: np.ndarray,
               t: int, remaining: float | np.ndarray) -> None:
        people.programme[idx] = prog
        months = self.duration[prog] * rng.uniform(0.75, 1.25, len(idx)) * remaining
        people.service_end[idx] = (t + np.maximum(1, np.round(months))).astype(np.int16)

    def place_initial(self, rng: np.random.Generator, people: People, idx: np.ndarray,
                      kind: int, level: np.ndarray | None, t: int) -> None:
        """Put people already studying into programmes, part-way through (initial state)."""
        got, prog = self.place(rng, people, idx, kind, level)
        self._start(rng, people, got, prog, t, rng.uniform(0.0, 1.0, len(got)))

    def finishing(self, people: People, status: int, t: int,
                  among: np.ndarray | None = None) -> np.ndarray:
        """People in ``status`` whose programme ends this month (only ``among`` them, if given)."""
        if among is None:
            return nonzero((people.status == status) & (people.service_end >= 0)
                           & (people.service_end <= t))
        end = people.service_end[among]
        return among[(people.status[among] == status) & (end >= 0) & (end <= t)]

    def complete(self, rng: np.random.Generator, people: People, idx: np.ndarray,
                 svc: ServicesConfig | None) -> np.ndarray:
        """Apply completion to people ending a programme; returns who completed.

        Completers reach the programme's education level; trainees also gain employability and may
        move to the programme's field (conversion training).
        """
        prog = people.programme[idx]
        done = rng.random(len(idx)) < self.completion[prog]
        c, p = idx[done], prog[done]
        people.edu[c] = np.maximum(people.edu[c], self.level[p])
        if svc is not None:
            people.employability[c] *= np.float32(1.0 + svc.training_gain)
            fieldwise = (self.field[p] >= 0) & (rng.random(len(c)) < svc.training_field_change)
            people.field[c[fieldwise]] = self.field[p[fieldwise]]
        grads = np.bincount(self.owner[p], minlength=len(self.educators))
        for e, g in zip(self.educators, grads, strict=True):
            e.graduates += int(g)
        return c

    def tally(self, people: People) -> None:
        """Write enrolment counts back to the educator agents."""
        self.count(people)
        per = np.bincount(self.owner, weights=self._count, minlength=len(self.educators))
        for e, n in zip(self.educators, per, strict=True):
            e.enrolled = int(n)
