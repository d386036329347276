"""Parameter declarations: one place for a parameter's default, bounds, unit and source.

Every numeric model parameter is declared with :func:`param`, which stores its bounds and source in
the dataclass field's metadata. Validation, sensitivity analysis and documentation all read the
same declaration (:func:`iter_params`).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


class ConfigError(ValueError):
    """Invalid configuration; the message names the field and what is allowed."""


class Settings:
    """Base of the configuration dataclasses: read-only once :func:`freeze` has been applied.

    A model reads most of its configuration when it is built, so a change to a built model's
    configuration would be partly ignored; :class:`~model.region_model.RegionModel` therefore
    keeps a frozen copy, and assigning to it raises :class:`ConfigError`.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if self.__dict__.get("_frozen", False):
            raise ConfigError(
                f"{type(self).__name__}.{name}: the configuration of a built model is read-only "
                "(most of it is read when the model is built); build a new model instead, e.g. "
                "RegionModel(**{'scenario.services.caseload': 60}) or "
                "RegionModel(dataclasses.replace(cfg, ...))")
        object.__setattr__(self, name, value)


class FrozenList(list):
    """A list of a frozen configuration: reading works as for any list, changing it raises."""

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise ConfigError("a list in the configuration of a built model is read-only; build a new "
                          "model with the change")

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse

    def __reduce__(self) -> tuple:  # copies and pickles are frozen lists again
        return (FrozenList, (list(self),))


def freeze(obj: Any) -> Any:
    """Make a configuration tree read-only and return it.

    Dataclass fields refuse assignment (:class:`Settings`) and their lists become
    :class:`FrozenList`, recursively.
    """
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            value = freeze(getattr(obj, f.name))
            if isinstance(value, list) and not isinstance(value, FrozenList):
                object.__setattr__(obj, f.name, FrozenList(value))
        if isinstance(obj, Settings):
            object.__setattr__(obj, "_frozen", True)
    elif isinstance(obj, list | tuple):
        for x in obj:
            freeze(x)
    elif isinstance(obj, dict):
        for x in obj.values():
            freeze(x)
    return obj


def param(
    default: Any,
    lo: float | None = None,
    hi: float | None = None,
    *,
    source: str,
    unit: str = "",
    doc: str = "",
    lever: tuple[float, float] | None = None,
) -> Any:
    """Declare a parameter field with its bounds and source.

    Args:
        default: The default value (a list default is copied per instance).
        lo: Smallest allowed value (inclusive), or None for no bound.
        hi: Largest allowed value (inclusive), or None for no bound.
        source: Where the default comes from, or ``"assumption: ..."`` saying why it was chosen.
        unit: Unit of the value.
        doc: One line on what the parameter does.
        lever: Marks a policy lever — what a planner would set (capacity, caseload, intensity,
            a rate) — with the range the dashboard offers, inside ``[lo, hi]``.
    """
    if lever is not None:
        a, b = lever
        if not ((lo is None or lo <= a) and a < b and (hi is None or b <= hi)):
            raise ValueError(f"lever range {lever} must lie inside [{lo}, {hi}] with low < high")
    meta = {"bounds": (lo, hi), "source": source, "unit": unit, "doc": doc, "lever": lever}
    if isinstance(default, list | dict):
        return field(default_factory=lambda d=default: _copy(d), metadata=meta)
    return field(default=default, metadata=meta)


def _copy(value: Any) -> Any:
    import copy

    return copy.deepcopy(value)


@dataclass(frozen=True)
class ParamInfo:
    """A declared parameter, found by :func:`iter_params`."""

    path: str
    value: Any
    lo: float | None
    hi: float | None
    source: str
    unit: str
    doc: str
    lever: tuple[float, float] | None = None  # a policy lever, with the dashboard's range


def iter_params(obj: Any, prefix: str = "") -> Iterator[ParamInfo]:
    """Yield every declared parameter of a config dataclass tree, with its dotted path."""
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        path = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(value):
            yield from iter_params(value, path + ".")
        elif "bounds" in f.metadata:
            lo, hi = f.metadata["bounds"]
            yield ParamInfo(path, value, lo, hi, f.metadata["source"], f.metadata["unit"],
                            f.metadata["doc"], f.metadata.get("lever"))


def check_bounds(obj: Any, prefix: str = "") -> None:
    """Raise :class:`ConfigError` for the first declared parameter outside its bounds."""
    for p in iter_params(obj, prefix):
        values = p.value if isinstance(p.value, list | tuple) else [p.value]
        for i, v in enumerate(values):
            if not isinstance(v, int | float) or isinstance(v, bool):
                continue
            where = p.path if len(values) == 1 and not isinstance(p.value, list) else f"{p.path}[{i}]"
            if v != v:  # NaN
                raise ConfigError(f"{where} is NaN; allowed range is {_range(p.lo, p.hi)}")
            if (p.lo is not None and v < p.lo) or (p.hi is not None and v > p.hi):
                raise ConfigError(
                    f"{where} = {v} is outside the allowed range {_range(p.lo, p.hi)}"
                    f"{' ' + p.unit if p.unit else ''}"
                )


def _range(lo: float | None, hi: float | None) -> str:
    return f"[{'-inf' if lo is None else lo}, {'inf' if hi is None else hi}]"


def from_mapping(cls: type, data: Mapping[str, Any] | None, prefix: str = "") -> Any:
    """Build dataclass ``cls`` from a plain mapping, refusing unknown keys and wrong types.

    Missing keys take the dataclass defaults. Nested dataclasses and lists of dataclasses are
    converted recursively. Errors name the dotted path of the offending field.
    """
    data = dict(data or {})
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        where = prefix.rstrip(".") or "config"
        raise ConfigError(
            f"unknown field {prefix}{unknown[0]!s} in {where}; allowed fields: {', '.join(sorted(names))}"
        )
    kwargs = {}
    for name, value in data.items():
        kwargs[name] = _convert(hints[name], value, f"{prefix}{name}")
    try:
        return cls(**kwargs)
    except TypeError as exc:  # a required field is missing
        raise ConfigError(f"{prefix.rstrip('.') or 'config'}: {exc}") from exc


def _convert(tp: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _convert(args[0], value, path)
    if dataclasses.is_dataclass(tp):
        if hasattr(tp, "schema"):  # a class whose fields are made at run time (the scenario)
            tp = tp.schema()
        if not isinstance(value, Mapping):
            raise ConfigError(f"{path} must be a mapping, got {type(value).__name__}")
        return from_mapping(tp, value, path + ".")
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        if not isinstance(value, list | tuple):
            raise ConfigError(f"{path} must be a list, got {type(value).__name__}")
        return [_convert(item_tp, v, f"{path}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, Mapping):
            raise ConfigError(f"{path} must be a mapping, got {type(value).__name__}")
        _, val_tp = typing.get_args(tp)
        return {str(k): _convert(val_tp, v, f"{path}.{k}") for k, v in value.items()}
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{path} must be a number, got {value!r}")
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise ConfigError(f"{path} must be a whole number, got {value!r}")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{path} must be true or false, got {value!r}")
        return value
    if tp is str:
        if not isinstance(value, str):
            return str(value)
        return value
    return value
