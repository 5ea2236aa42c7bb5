"""chaincode/ imports nothing of the repository's other packages (client/, cli/, network/, bench/, tests/).

The chaincode server's image holds chaincode/ alone (the Dockerfile copies that folder and installs
chaincode/requirements.txt), and so does a host that runs only a chaincode server: an import of the SDK would
fail there when the server starts, not in a checkout, where every package is at hand.
"""
from __future__ import annotations

import ast

from tests.unit.test_documented_python import ROOT

OTHER_PACKAGES = {"client", "cli", "network", "bench", "tests"}


def imports_of_other_packages(source: str, path: str) -> list[str]:
    """Each absolute import in ``source`` (a function's too) of a module of ``OTHER_PACKAGES``, as ``path:line
    module``."""
    found = []
    for node in ast.walk(ast.parse(source, path)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            continue
        found += [f"{path}:{node.lineno} {module}" for module in modules if module.split(".")[0] in OTHER_PACKAGES]
    return found


def test_no_module_of_chaincode_imports_another_package_of_the_repository():
    modules = sorted((ROOT / "chaincode").rglob("*.py"))
    assert modules
    found = [line for module in modules
             for line in imports_of_other_packages(module.read_text(encoding="utf-8"), str(module.relative_to(ROOT)))]
    assert found == []


def test_an_import_of_the_sdk_inside_a_function_is_found():
    source = "import json\n\ndef read():\n    from client.receivables import Financing\n    import network.crypto\n"
    assert imports_of_other_packages(source, "chaincode/x.py") == [
        "chaincode/x.py:4 client.receivables", "chaincode/x.py:5 network.crypto"]
