"""Check that the working tree gives the same results as another git revision, array by array.

Usage: ``python benchmarks/check_identical.py REV [--scales 0.1 1.0] [--seeds 42 1]
[--scenarios te_office kuntakokeilu] [--end 2028-12]``

For every combination of scenario, scale and seed, both versions run the model in a fresh process
(``REV`` exported with ``git archive``) and save every array their recorder holds; the arrays must
be equal, element by element (NaN equal to NaN). A change that is meant to leave results as they
are (a restructuring, a speed-up) is checked with this before it is committed. Exit status 1 if
anything differs.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_compare import ROOT, export  # noqa: E402

CHILD = r"""
import sys
import numpy as np
from model.hydra_config import compose_config
from model.region_model import RegionModel
scale, end, scenario, seed, out = sys.argv[1:6]
m = RegionModel(compose_config([f"scale={scale}", f"end={end}", f"scenario={scenario}",
                                f"seed={seed}"])).run()
arrays = {k: v for k, v in vars(m.recorder).items() if isinstance(v, np.ndarray)}
arrays["cost_names"] = np.array(m.recorder.cost_names)
np.savez(out, **arrays)
"""


def record(tree: Path, scale: float, end: str, scenario: str, seed: int, out: Path) -> dict:
    """Run one model in a fresh process importing the code in ``tree``; its recorder's arrays."""
    subprocess.run([sys.executable, "-c", CHILD, str(scale), end, scenario, str(seed), str(out)],
                   cwd=tree, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
                   check=True, capture_output=True, text=True)
    with np.load(out) as data:
        return {k: data[k] for k in data.files}


def differences(new: dict, old: dict) -> list[str]:
    """Names of the arrays that differ (or exist on one side only), with what differs."""
    out = [f"{k}: only in the working tree" for k in new.keys() - old.keys()]
    out += [f"{k}: only in the revision" for k in old.keys() - new.keys()]
    for k in sorted(new.keys() & old.keys()):
        a, b = new[k], old[k]
        if a.shape != b.shape:
            out.append(f"{k}: shape {a.shape} against {b.shape}")
        elif not np.array_equal(a, b, equal_nan=a.dtype.kind == "f"):
            n = int(np.count_nonzero(~((a == b) | (np.isnan(a) & np.isnan(b))))) \
                if a.dtype.kind == "f" else int(np.count_nonzero(a != b))
            out.append(f"{k}: {n} of {a.size} elements differ")
    return out


def main(argv: list[str] | None = None) -> int:
    """Compare; print one line a run and return the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rev", help="git revision to compare with (e.g. c910801)")
    ap.add_argument("--scales", type=float, nargs="+", default=[0.1, 1.0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[42, 1])
    ap.add_argument("--scenarios", nargs="+", default=["te_office", "kuntakokeilu"])
    ap.add_argument("--end", default="2028-12")
    args = ap.parse_args(argv)
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        export(args.rev, Path(tmp))
        tree = Path(tmp) / "tree"
        for scenario in args.scenarios:
            for scale in args.scales:
                for seed in args.seeds:
                    new = record(ROOT, scale, args.end, scenario, seed, Path(tmp) / "new.npz")
                    old = record(tree, scale, args.end, scenario, seed, Path(tmp) / "old.npz")
                    diff = differences(new, old)
                    bad += bool(diff)
                    print(f"{scenario}, scale {scale:g}, seed {seed}: "
                          f"{'identical' if not diff else 'DIFFERENT'} ({len(new)} arrays)")
                    for d in diff:
                        print(f"    {d}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
