"""The modules of chaincode/ that the SDK (client/) and the CLI (cli/) import load no chaincode runtime:
neither the peer protocol (``chaincode.shim``), nor the contract API (``chaincode.contract``), nor the Fabric
protos they stand on.

They import the contract's own checks to refuse a request before sending it, in the contract's words. Were one of
those checks to reach into the runtime for a helper, every integrator's process would load the whole shim, its gRPC
server and Fabric's protos to check a date. Each module is imported with no other of chaincode/ loaded.
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys

from tests.unit.test_documented_python import ROOT

RUNTIME = ("chaincode.shim", "chaincode.contract")
# what it does is read Fabric's policy protos (a channel config's, a chaincode definition's): it needs them
READS_FABRIC_PROTOS = {"chaincode.signature_policy"}
# `recfin chaincode deploy --contract` imports the named contract as a server will, to refuse one that cannot run
# before any org approves it: that loads the runtime by nature, so it is imported only inside that check
LOADS_THE_RUNTIME_WHEN_CALLED = {"chaincode.shim.server"}

WHAT_EACH_LOADS = """
import importlib, json, sys
found = {}
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m.startswith("chaincode")]:
        del sys.modules[loaded]
    protos_before = any(m.startswith("fabric_protos") for m in sys.modules)
    importlib.import_module(name)
    found[name] = [m for m in sys.modules if m in %r]
    if not protos_before and any(m.startswith("fabric_protos") for m in sys.modules):
        found[name].append("fabric_protos")
print(json.dumps(found))
""" % (RUNTIME,)


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def chaincode_modules_imported_by(*packages: str) -> list[str]:
    """Each module of chaincode/ a module of ``packages`` imports (``from chaincode.receivables import uscc``
    imports ``chaincode.receivables.uscc``), in a function too."""
    found = set()
    for package in packages:
        for module in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"), str(module))):
                if isinstance(node, ast.Import):
                    found.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.update(f"{node.module}.{alias.name}" if _is_module(f"{node.module}.{alias.name}")
                                 else node.module for alias in node.names)
    return sorted(name for name in found if name.split(".")[0] == "chaincode")


def _imported_at_the_top(module: ast.Module) -> set[str]:
    names = set()
    for node in module.body:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_what_loads_the_runtime_when_called_is_imported_only_where_it_is_called():
    for package in ("client", "cli"):
        for module in (ROOT / package).rglob("*.py"):
            top = _imported_at_the_top(ast.parse(module.read_text(encoding="utf-8"), str(module)))
            assert not top & LOADS_THE_RUNTIME_WHEN_CALLED, (
                f"{module.relative_to(ROOT)} imports {sorted(top & LOADS_THE_RUNTIME_WHEN_CALLED)} at its top: "
                "every command of the CLI would load the chaincode runtime")


def test_the_chaincode_modules_clients_import_load_no_runtime():
    modules = [name for name in chaincode_modules_imported_by("client", "cli")
               if name not in LOADS_THE_RUNTIME_WHEN_CALLED]
    assert "chaincode.receivables.dates" in modules and "chaincode.receivables.model" in modules, modules
    ran = subprocess.run([sys.executable, "-c", WHAT_EACH_LOADS, *modules], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    loads = json.loads(ran.stdout.splitlines()[-1])
    wrong = {name: sorted(set(loaded) - ({"fabric_protos"} if name in READS_FABRIC_PROTOS else set()))
             for name, loaded in loads.items()}
    assert {name: loaded for name, loaded in wrong.items() if loaded} == {}, (
        "client/ and cli/ import these modules of chaincode/ to check a request before sending it; importing "
        "them loads the runtime")
