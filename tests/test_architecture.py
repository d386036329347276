"""The architecture is checked, not hoped for: import contracts, and no import circle anywhere.

``lint-imports`` (run by ``make test``) checks the contracts in ``pyproject.toml``: the layers, and
no circle among the modules of any package. This test also runs it, and checks with the same
library's import graph (grimp) that no module imports one that imports it back, across packages too.
"""

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("model", "agents", "scenarios", "calibration")


def test_the_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    res = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-3000:]
    assert "0 broken" in res.stdout


def test_no_module_imports_one_that_imports_it_back():
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)
    circles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain:
                circles.append(" -> ".join((module, *chain)))
    assert not circles, "import circles:\n" + "\n".join(circles)


def test_the_core_knows_no_intervention_by_name():
    for path in [*ROOT.glob("model/*.py"), *ROOT.glob("agents/*.py")]:
        text = path.read_text(encoding="utf-8")
        assert "interventions_by_name[" not in text, path
        assert "hasattr(iv" not in text, path
