"""A campaign's progress: what every follower (the terminal bar, the dashboard) is told.

:func:`~scenarios.campaigns.runner.run_jobs` calls each follower with a :class:`Progress` once at
the start (with the jobs found finished) and after every job. :class:`TerminalBar` is the one
follower the commands use: a tqdm bar on standard error, only when that is a terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    """Where a campaign stands."""

    finished: int  # jobs with a result, including those found finished (``skipped``)
    total: int
    job: str | None  # the key of the job that just finished (None at the start)
    elapsed: float  # seconds since the campaign started
    skipped: int = 0  # jobs whose result files were there already

    @property
    def remaining(self) -> float | None:
        """Seconds left, from the mean time per job run so far (None before the first one)."""
        ran = self.finished - self.skipped
        if ran <= 0:
            return None
        return self.elapsed / ran * (self.total - self.finished)

    @property
    def fraction(self) -> float:
        """The share of jobs finished."""
        return self.finished / self.total if self.total else 1.0


#: A follower of a campaign.
ProgressCallback = Callable[[Progress], None]


class TerminalBar:
    """A tqdm bar on standard error while standard error is a terminal; silent otherwise."""

    def __init__(self, description: str = "", stream=None):
        self.stream = stream or sys.stderr
        self.description = description
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self._bar = None

    def __call__(self, p: Progress) -> None:
        """Show ``p``; the bar closes with the last job."""
        if not self.enabled:
            return
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=p.total, initial=p.finished, file=self.stream, unit="run",
                             desc=self.description or None, dynamic_ncols=True, leave=True)
            if p.skipped:
                self._bar.write(f"{p.skipped} finished job(s) found, skipped", file=self.stream)
        else:
            self._bar.update(p.finished - self._bar.n)
        if p.job:
            self._bar.set_postfix_str(p.job, refresh=True)
        if p.finished >= p.total:
            self.close()

    def close(self) -> None:
        """End the bar (also when the campaign stops early)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
