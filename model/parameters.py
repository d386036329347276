"""The declared parameters as a space to sample: names, ranges, and setting them on a config.

Every scalar numeric parameter declared with :func:`model.params.param` is addressable by its
dotted path (``economy.quit_rate``, ``scenario.coaching.caseload``). A selection takes names or
group prefixes (``economy``, ``scenario.wage_subsidy``). The sampling range of a parameter is its
declared bounds narrowed to ``[default × (1 - spread), default × (1 + spread)]`` (declared bounds
are validity limits, often far wider than plausible values); any range can be overridden.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from model.config import ModelConfig
from model.params import ConfigError, ParamInfo, iter_params


@dataclass(frozen=True)
class Parameter:
    """One sampled parameter."""

    name: str
    low: float
    high: float
    default: float
    integer: bool
    source: str


def declared(cfg: ModelConfig) -> dict[str, ParamInfo]:
    """Every scalar numeric declared parameter of ``cfg`` by dotted path."""
    out = {}
    for p in iter_params(cfg):
        if isinstance(p.value, bool) or not isinstance(p.value, int | float):
            continue
        if p.path in ("seed", "scale"):
            continue
        out[p.path] = p
    return out


def levers(cfg: ModelConfig) -> list[ParamInfo]:
    """The policy levers of ``cfg`` (declared with ``param(lever=...)``), in declaration order.

    The public service's levers always; an intervention's only when the scenario enables it.
    """
    out = []
    for p in iter_params(cfg):
        if p.lever is None:
            continue
        parts = p.path.split(".")
        if parts[0] == "scenario" and len(parts) > 2:
            section = getattr(cfg.scenario, parts[1])
            if not getattr(section, "enabled", True):
                continue
        out.append(p)
    return out


def selected_names(cfg: ModelConfig, names: list[str], app: str = "sensitivity") -> list[str]:
    """Declared parameters named exactly or by a group prefix, in order, without repeats.

    ``app`` names the command in messages (``sensitivity`` or ``calibrate``).
    """
    space = declared(cfg)
    chosen: list[str] = []
    for n in names:
        hits = [k for k in space if k == n or k.startswith(n + ".")]
        if not hits:
            raise ConfigError(f"{app}.parameters: unknown parameter or group {n!r}; e.g. "
                              f"{', '.join(list(space)[:6])} … (all of them: docs/parameters.md)")
        chosen += [h for h in hits if h not in chosen]
    return chosen


def select(cfg: ModelConfig, names: list[str], spread: float = 0.5,
           bounds: dict[str, list[float]] | None = None, app: str = "sensitivity") -> list[Parameter]:
    """The parameters named (exactly, or by a group prefix) with their sampling ranges."""
    if not spread > 0:
        raise ConfigError(f"{app}.spread = {spread}; it must be > 0 (the relative half-width of "
                          "a parameter's range, e.g. 0.5)")
    space = declared(cfg)
    chosen = selected_names(cfg, names, app)
    bounds = dict(bounds or {})
    out = []
    for name in chosen:
        p = space[name]
        lo_decl = -float("inf") if p.lo is None else float(p.lo)
        hi_decl = float("inf") if p.hi is None else float(p.hi)
        d = float(p.value)
        if name in bounds:
            given = bounds.pop(name)
            pair = list(given) if isinstance(given, (list, tuple)) else [given]
            if len(pair) != 2 or not all(isinstance(x, (int, float)) and not isinstance(x, bool)
                                         for x in pair):
                raise ConfigError(f"{app}.bounds of {name} = {given!r} must be two numbers "
                                  "[low, high]")
            lo, hi = float(pair[0]), float(pair[1])
            if not lo_decl <= lo < hi <= hi_decl:
                raise ConfigError(f"{app}.bounds of {name} = [{lo}, {hi}] must lie inside its "
                                  f"declared range [{lo_decl}, {hi_decl}] with low < high")
        else:
            width = abs(d) * spread if d != 0 else spread
            lo, hi = max(lo_decl, d - width), min(hi_decl, d + width)
            if lo >= hi:
                raise ConfigError(f"{name} has no room to vary around {d} inside "
                                  f"[{lo_decl}, {hi_decl}] with {app}.spread = {spread}; give its "
                                  f"{app}.bounds")
        out.append(Parameter(name, lo, hi, d, isinstance(p.value, int), p.source))
    if bounds:
        raise ConfigError(f"{app}.bounds given for {sorted(bounds)[0]!r}, which is not among the "
                          f"selected {app}.parameters")
    return out


def apply(cfg: ModelConfig, values: dict[str, float]) -> ModelConfig:
    """A copy of ``cfg`` with the parameters at ``values`` (dotted paths)."""
    for path, value in values.items():
        cfg = _set(cfg, path.split("."), value)
    return cfg


def _set(obj: Any, parts: list[str], value: float) -> Any:
    name = parts[0]
    if len(parts) == 1:
        old = getattr(obj, name)
        new = int(round(value)) if isinstance(old, int) and not isinstance(old, bool) else float(value)
        return dataclasses.replace(obj, **{name: new})
    return dataclasses.replace(obj, **{name: _set(getattr(obj, name), parts[1:], value)})
