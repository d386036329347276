"""Labour-market statuses, person groups and their codes (Finnish employment-service statistics)."""

from __future__ import annotations

import numpy as np


class Status:
    """Each working-age person is in exactly one status each month.

    The codes are plain ``int`` class attributes rather than an ``IntEnum``: NumPy compares a
    ``uint8`` array with a plain ``int`` in ``uint8``, but with an ``int`` subclass (an enum member)
    it first casts the whole array to ``int64`` -- ten times slower on the population arrays.
    """

    EMPLOYED = 0
    SELF_EMPLOYED = 1
    SUBSIDISED = 2  # wage-subsidised job: a service, and employment
    UNEMPLOYED = 3
    TRAINING = 4  # labour-market training
    OTHER_SERVICE = 5  # work or training trial, rehabilitative work activity, purchased service
    STUDENT = 6
    OUTSIDE = 7  # outside the labour force, incl. disability pension
    LAPSED = 8  # registration lapsed: without work, not registered, searching on one's own
    EMPTY = 9  # a free slot in the arrays (nobody)


N_STATUS = 9
#: Status names by code (``STATUS_LABELS[Status.EMPTY] == "empty"``).
STATUS_LABELS = ["employed", "self_employed", "subsidised", "unemployed", "training",
                 "other_service", "student", "outside", "lapsed", "empty"]
STATUS_NAMES = STATUS_LABELS[:N_STATUS]
assert all(getattr(Status, n.upper()) == i for i, n in enumerate(STATUS_LABELS))

#: Statuses counted as "in services" (activation) — jobseekers who are not unemployed.
SERVICES = np.array([Status.SUBSIDISED, Status.TRAINING, Status.OTHER_SERVICE], dtype=np.uint8)

IS_SERVICE = np.zeros(Status.EMPTY + 1, dtype=bool)
IS_SERVICE[SERVICES] = True
#: Statuses with an employer (a firm): the self-employed have none.
HAS_EMPLOYER = np.zeros(Status.EMPTY + 1, dtype=bool)
HAS_EMPLOYER[[Status.EMPLOYED, Status.SUBSIDISED]] = True
IS_JOBSEEKER = IS_SERVICE.copy()
IS_JOBSEEKER[Status.UNEMPLOYED] = True


class Benefit:
    """Unemployment benefit being paid (plain ``int`` codes, see :class:`Status`)."""

    NONE = 0
    EARNINGS_RELATED = 1
    BASIC = 2  # labour-market subsidy / basic allowance


BENEFIT_LABELS = ["none", "earnings_related", "basic"]


class EmployerType:
    """Employer types of firms (plain ``int`` codes, see :class:`Status`)."""

    PRIVATE = 0
    MUNICIPALITY = 1
    THIRD_SECTOR = 2


EMPLOYER_TYPE_NAMES = ["private", "municipality", "third_sector"]
assert all(getattr(EmployerType, n.upper()) == i for i, n in enumerate(EMPLOYER_TYPE_NAMES))

#: Reported person groups; "target" is the experiment's target group (see docs/model.md).
GROUPS = ["all", "target", "non_target", "under30", "foreign_language", "no_earnings_related"]
#: Group flags of a person (``People.group_code``): flag name -> its bit, in bit order. "target"
#: (the experiment's target group) is set when any of the other three is.
GROUP_FLAGS: dict[str, int] = {"target": 1, "under30": 2, "foreign_language": 4,
                               "no_earnings_related": 8}
assert list(GROUP_FLAGS.values()) == [1 << i for i in range(len(GROUP_FLAGS))]
assert set(GROUPS) == {"all", "non_target", *GROUP_FLAGS}
#: Number of flag combinations (codes ``0 … N_COMBO - 1``).
N_COMBO = 1 << len(GROUP_FLAGS)
_FLAG = {name: np.uint8(bit) for name, bit in GROUP_FLAGS.items()}


def compose_group_code(under30: np.ndarray, foreign_language: np.ndarray,
                       no_earnings_related: np.ndarray) -> np.ndarray:
    """Group flags (``uint8``, :data:`GROUP_FLAGS`) from the three boolean conditions."""
    u8 = np.uint8
    young, foreign, no_erb = under30.view(u8), foreign_language.view(u8), no_earnings_related.view(u8)
    return ((young | foreign | no_erb) * _FLAG["target"] | young * _FLAG["under30"]
            | foreign * _FLAG["foreign_language"] | no_erb * _FLAG["no_earnings_related"])


def group_member(code: np.ndarray, group: str) -> np.ndarray:
    """Membership of a reported group (one of :data:`GROUPS`) from the group flags ``code``."""
    if group == "all":
        return np.ones(len(code), bool)
    if group == "non_target":
        return (code & GROUP_FLAGS["target"]) == 0
    return (code & GROUP_FLAGS[group]) > 0


#: Group membership of each flag combination (rows follow ``GROUPS``).
GROUP_MATRIX = np.array([group_member(np.arange(N_COMBO), g) for g in GROUPS], dtype=float)


# Fast predicates on whole status arrays (comparisons are much cheaper than table look-ups).
def is_jobseeker(status: np.ndarray) -> np.ndarray:
    """Unemployed or in a service (statuses 2-5)."""
    return (status >= Status.SUBSIDISED) & (status <= Status.OTHER_SERVICE)


def is_service(status: np.ndarray) -> np.ndarray:
    """Wage-subsidised, in labour-market training or in another service."""
    return (status == Status.SUBSIDISED) | (status == Status.TRAINING) | (
        status == Status.OTHER_SERVICE)


def is_employment(status: np.ndarray) -> np.ndarray:
    """Employed, self-employed or wage-subsidised (statuses 0-2)."""
    return status <= Status.SUBSIDISED


def is_benefit_status(status: np.ndarray) -> np.ndarray:
    """Statuses in which unemployment benefit is paid: unemployed, training, other services."""
    return (status >= Status.UNEMPLOYED) & (status <= Status.OTHER_SERVICE)
