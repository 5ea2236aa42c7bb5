"""docs/receivables.md ("Modules") says which of the contract's modules load the chaincode runtime
(``chaincode.shim``) when imported: the ones it names as loading none are exactly those that do not.

An integrator's process imports the contract's domain modules (the SDK checks requests with them), so whether
that brings the peer protocol in with it is something the page must not get wrong. Each module is imported
in a fresh interpreter, as a process importing only it would.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys

from tests.unit.test_documented_python import ROOT

PAGE = (ROOT / "docs" / "receivables.md").read_text(encoding="utf-8")
MODULES = ROOT / "chaincode" / "receivables"

LOADS_THE_SHIM = """
import importlib, json, sys
found = {}
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m.startswith("chaincode")]:
        del sys.modules[loaded]
    importlib.import_module(f"chaincode.receivables.{name}")
    found[name] = "chaincode.shim" in sys.modules
print(json.dumps(found))
"""


def _loading_the_shim(names: list[str]) -> dict[str, bool]:
    ran = subprocess.run([sys.executable, "-c", LOADS_THE_SHIM, *names], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    return json.loads(ran.stdout.splitlines()[-1])


def test_the_modules_said_to_load_no_runtime_are_those_that_load_none():
    modules = sorted(p.stem for p in MODULES.glob("*.py") if p.stem != "__init__")
    section = PAGE.split("## Modules", 1)[1].split("\n## ", 1)[0]
    table = set(re.findall(r"^\| `(\w+)\.py` \|", section, re.M))
    assert table == set(modules), f"the Modules table lists {sorted(table ^ set(modules))} wrongly"
    text = " ".join(section.split())
    assert "of the table but " in text, "the Modules section does not say which modules load no chaincode.shim"
    note = text.split("of the table but ", 1)[1].split(")", 1)[0]
    said_free = set(re.findall(r"`(\w+)\.py`", note))
    loads = _loading_the_shim(modules)
    free = {name for name, loaded in loads.items() if not loaded}
    assert said_free == free, (f"the page says only {sorted(said_free)} load no chaincode.shim; "
                               f"importing each, {sorted(free)} load none")
