"""Mesa's ``DataCollector`` over the model's recorder: filled when read, at no cost per month.

The recorder already holds every indicator month by month; :class:`RecorderCollector` reads the
headline ones from it whenever Mesa's tools (``batch_run``, ``get_model_vars_dataframe``) look at
``model_vars``, one row per simulated month, numbered as Mesa numbers steps (the month index + 1).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import mesa
import numpy as np

from model.indicators import EVENTS, STOCKS, _derive
from model.statuses import GROUPS


def _headline(model: Any, indicator: str) -> float:
    """A reporter (for Mesa's bookkeeping): ``indicator`` in the last simulated month."""
    return model.headline[indicator]


class RecorderCollector(mesa.DataCollector):
    """The headline ``indicators`` of ``model``'s recorder (region, group "all") as model vars."""

    def __init__(self, model: Any, indicators: tuple[str, ...]):
        self._model = model
        self._names = indicators
        self._at = [model.recorder.indicator_names.index(k) for k in indicators]
        self._synced = 0
        super().__init__(model_reporters={k: partial(_headline, indicator=k) for k in indicators})

    # Mesa reads and sets these two; reading brings them up to the model's last month.
    @property
    def model_vars(self) -> dict[str, list]:
        """Each indicator's values, month by month (as ``DataCollector.model_vars``)."""
        self._sync()
        return self._model_vars

    @model_vars.setter
    def model_vars(self, value: dict[str, list]) -> None:
        self._model_vars = value

    @property
    def _collection_steps(self) -> list:
        self._sync()
        return self._steps

    @_collection_steps.setter
    def _collection_steps(self, value: list) -> None:
        self._steps = value

    def collect(self, model: Any) -> None:
        """Bring the table up to the model's last simulated month."""
        self._sync()

    def values(self, first: int, last: int) -> np.ndarray:
        """The indicators of months ``first … last`` (rows), with ``Recorder.values``'s arithmetic."""
        rec, g = self._model.recorder, GROUPS.index("all")
        sl = slice(first, last + 1)
        counts = np.concatenate([rec.stocks[sl, g], rec.events[sl, g]], axis=-1) * (1.0 / rec.scale)
        counts = counts.sum(axis=1)
        derived, _ = _derive(counts, STOCKS + EVENTS)
        return np.concatenate([counts, derived], axis=-1)[:, self._at]

    def _sync(self) -> None:
        if not hasattr(self, "_steps"):  # during DataCollector.__init__
            return
        done = self._model.t
        if self._synced >= done:
            return
        rows = self.values(self._synced, done - 1)
        for j, name in enumerate(self._names):
            self._model_vars[name].extend(rows[:, j].tolist())
        self._steps.extend(range(self._synced + 1, done + 1))
        self._synced = done
