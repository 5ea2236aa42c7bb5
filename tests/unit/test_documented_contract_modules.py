"""docs/receivables.md ("Modules") says which of the contract's modules import the chaincode runtime: the ones
it marks no are exactly those whose import loads neither ``chaincode.shim`` nor ``chaincode.contract``.

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
RUNTIME = ("chaincode.shim", "chaincode.contract")

LOADS_THE_RUNTIME = """
import importlib, json, sys
found = {}
for name in sys.argv[2:]:
    for loaded in [m for m in sys.modules if m.startswith("chaincode")]:
        del sys.modules[loaded]
    importlib.import_module(f"chaincode.receivables.{name}")
    found[name] = any(package in sys.modules for package in json.loads(sys.argv[1]))
print(json.dumps(found))
"""


def _loading_the_runtime(names: list[str]) -> dict[str, bool]:
    ran = subprocess.run([sys.executable, "-c", LOADS_THE_RUNTIME, json.dumps(RUNTIME), *names], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return json.loads(ran.stdout.splitlines()[-1])


def test_the_modules_said_to_load_no_runtime_are_those_that_load_none():
    modules = sorted(p.stem for p in MODULES.glob("*.py") if p.stem != "__init__")
    section = PAGE.split("## Modules", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| `(\w+)\.py` \|.*\| (\w+) \|$", section, re.M))
    assert set(rows) == set(modules), f"the Modules table lists {sorted(set(rows) ^ set(modules))} wrongly"
    assert set(rows.values()) <= {"yes", "no"}, "the Modules table says more than yes or no of a module's imports"
    said_free = {name for name, imports in rows.items() if imports == "no"}
    free = {name for name, loaded in _loading_the_runtime(modules).items() if not loaded}
    assert said_free == free, (f"the page marks {sorted(said_free)} as importing no runtime; importing each, "
                               f"{sorted(free)} load neither of {RUNTIME}")
