"""The model description and the generated parameter table are present and current."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _gen(name: str = "gen_parameters"):
    spec = importlib.util.spec_from_file_location(name, ROOT / "docs" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_parameter_table_is_current():
    assert (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8") == _gen().render(), (
        "docs/parameters.md is out of date: run python docs/gen_parameters.py")


def test_the_readme_lists_the_declared_levers():
    gen = _gen()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert gen.documented_levers(readme) == gen.render_levers(), (
        "README.md's levers table is out of date: run python docs/gen_parameters.py")
    assert "`scenario.coaching.caseload`" in gen.render_levers()


def test_the_month_plan_in_the_model_description_is_the_one_that_runs():
    import subprocess
    import sys

    gen = _gen("gen_plan")
    doc = gen.documented((ROOT / "docs" / "model.md").read_text(encoding="utf-8"))
    assert doc == gen.render(), "docs/model.md's plan is out of date: run python docs/gen_plan.py"
    # the command line prints the same plan, and a built model runs it
    out = subprocess.run([sys.executable, "-m", "scenarios.apps.cli", "plan", "--all"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == doc
    from model.region_model import RegionModel

    m = RegionModel(scale=0.01, end="2018-01")
    assert m.plan_table() == doc


def test_model_description_follows_odd():
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    for heading in ("Purpose and patterns", "Entities, state variables and scales",
                    "Process overview and scheduling", "Design concepts", "Initialisation",
                    "Input data", "Submodels", "Assumptions"):
        assert heading in text, heading
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/model.md" in readme and "docs/parameters.md" in readme


def test_relative_links_in_the_documentation_resolve():
    import re

    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"
