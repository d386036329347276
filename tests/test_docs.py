"""The model description and the generated parameter table are present and current."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _gen():
    spec = importlib.util.spec_from_file_location("gen_parameters",
                                                  ROOT / "docs" / "gen_parameters.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_parameter_table_is_current():
    assert (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8") == _gen().render(), (
        "docs/parameters.md is out of date: run python docs/gen_parameters.py")


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
