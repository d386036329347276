"""The interleaved comparison against a git revision runs both versions and reports them."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_compare_with_a_revision_runs_both_sides(capsys):
    if subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True).returncode:
        pytest.skip("not a git checkout")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench_compare
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    times = bench_compare.main(["HEAD", "--scale", "0.01", "--end", "2018-02", "--rounds", "2",
                                "--repeat", "1"])
    assert set(times) == {"working tree", "HEAD"}
    assert all(len(ts) == 2 and all(t > 0 for t in ts) for ts in times.values())
    out = capsys.readouterr().out
    assert "working tree / HEAD" in out
