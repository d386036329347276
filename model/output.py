"""Writing results: whole files or none (temporary name, then rename), with provenance."""

from __future__ import annotations

import json
import os
import platform
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

PACKAGES = ("kohtaanto", "mesa", "numpy", "scipy", "pandas", "pyarrow", "matplotlib",
            "hydra-core", "omegaconf", "SALib")


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it to ``path``.

    An interrupted write leaves no partial file under the final name.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text(path: str | Path, text: str) -> Path:
    """Write a text file atomically."""
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_table(path: str | Path, df: pd.DataFrame) -> Path:
    """Write a DataFrame atomically as Parquet (``.parquet``) or CSV (``.csv``)."""
    path = Path(path)
    if path.suffix == ".parquet":
        return atomic_write(path, lambda p: df.to_parquet(p, index=False))
    if path.suffix == ".csv":
        return atomic_write(path, lambda p: df.to_csv(p, index=False))
    raise ValueError(f"unknown table format {path.suffix!r}; use .parquet or .csv")


def package_versions() -> dict[str, str]:
    """Versions of the packages a result depends on, and Python's."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def provenance(config: Any, **extra: Any) -> dict[str, Any]:
    """The record written beside every output: resolved config, seed, versions and extras."""
    cfg = asdict(config) if hasattr(config, "__dataclass_fields__") else config
    return {"seed": cfg.get("seed"), "versions": package_versions(), "config": cfg, **extra}


def write_model_config(path: str | Path, config: Any) -> Path:
    """Write a model configuration actually run (a ``ModelConfig``) as YAML, atomically."""
    import yaml

    return write_text(path, yaml.safe_dump(json.loads(json.dumps(asdict(config), default=str)),
                                           sort_keys=False, allow_unicode=True))


def write_json(path: str | Path, data: dict[str, Any]) -> Path:
    """Write JSON atomically."""
    return write_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=str))
