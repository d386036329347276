"""Calendar months: the model's clock counts whole months from the initial month 2018-01."""

from __future__ import annotations

import re

from model.params import ConfigError

ORIGIN_YEAR = 2018
ORIGIN = "2018-01"
#: Mean calendar days in a month.
DAYS_PER_MONTH = 365.25 / 12
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str, name: str = "month") -> int:
    """Return the month index (0 = 2018-01) of a ``YYYY-MM`` string; refuse malformed input."""
    m = _MONTH.match(str(text).strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ConfigError(f"{name} = {text!r} is not a month; write it as YYYY-MM, e.g. 2021-03")
    return (int(m.group(1)) - ORIGIN_YEAR) * 12 + int(m.group(2)) - 1


def month_label(index: int) -> str:
    """Return the ``YYYY-MM`` label of a month index."""
    year, month0 = divmod(int(index), 12)
    return f"{ORIGIN_YEAR + year:04d}-{month0 + 1:02d}"


def month_of_year(index: int) -> int:
    """Calendar month 1..12 of a month index."""
    return int(index) % 12 + 1
