"""Run time of the working tree against another git revision, interleaved.

Usage: ``python benchmarks/bench_compare.py REV [--scale 1.0] [--scenario te_office]
[--end 2028-12] [--rounds 3] [--repeat 2]``

The speed of a shared or virtual machine drifts by several per cent within minutes, so two
versions measured one after the other can differ by more than the change between them. This
script exports ``REV`` (``git archive``) to a temporary directory and alternates fresh processes of
the two versions, ``rounds`` times each; every process builds the model once to warm up, then
reports the best of ``repeat`` runs (imports and model construction excluded). It prints the best
and median of each side and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import sys, time
from model.hydra_config import compose_config
from model.region_model import RegionModel
cfg = compose_config([f"scale={sys.argv[1]}", f"end={sys.argv[2]}", f"scenario={sys.argv[3]}"])
RegionModel(cfg)
best = float("inf")
for _ in range(int(sys.argv[4])):
    m = RegionModel(cfg)
    t0 = time.perf_counter()
    m.run()
    best = min(best, time.perf_counter() - t0)
print(best)
"""


def export(rev: str, into: Path) -> None:
    """Write the tree of git revision ``rev`` into the directory ``into``."""
    archive = into / "rev.tar"
    subprocess.run(["git", "archive", "--format=tar", "-o", str(archive), rev], cwd=ROOT,
                   check=True, capture_output=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")
    archive.unlink()


def time_once(tree: Path, scale: float, end: str, scenario: str, repeat: int) -> float:
    """Best run time (s) of ``repeat`` runs in a fresh process importing the code in ``tree``."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(scale), end, scenario, str(repeat)],
                         cwd=tree, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict[str, list[float]]:
    """Run the comparison, print it and return the times of both sides."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rev", help="git revision to compare with (e.g. HEAD~3, a tag)")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--scenario", default="te_office")
    ap.add_argument("--end", default="2028-12")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)
    times: dict[str, list[float]] = {"working tree": [], args.rev: []}
    with tempfile.TemporaryDirectory() as tmp:
        export(args.rev, Path(tmp))
        trees = {"working tree": ROOT, args.rev: Path(tmp) / "tree"}
        for _ in range(args.rounds):
            for label, tree in trees.items():
                times[label].append(time_once(tree, args.scale, args.end, args.scenario,
                                              args.repeat))
    print(f"{args.scenario}, scale {args.scale:g}, 2018-01..{args.end}: best of {args.repeat} "
          f"runs a process, {args.rounds} processes a side, alternating")
    for label, ts in times.items():
        print(f"  {label:>14}: best {min(ts):.3f} s, median {statistics.median(ts):.3f} s  "
              f"({', '.join(f'{t:.3f}' for t in ts)})")
    new, old = times["working tree"], times[args.rev]
    print(f"  working tree / {args.rev}: {min(new) / min(old):.3f} (best), "
          f"{statistics.median(new) / statistics.median(old):.3f} (median)")
    return times


if __name__ == "__main__":
    main()
