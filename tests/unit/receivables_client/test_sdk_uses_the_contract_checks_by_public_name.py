"""The SDK checks before sending what the contract would refuse with the contract's own checks, by their public
names (``chaincode.receivables.arguments.require_text``...): a private name is its module's to rename, and a rename
there would break the SDK with nothing public changed."""

from __future__ import annotations

import ast
from pathlib import Path

SDK = Path(__file__).parents[3] / "client" / "receivables"


def _private_names_imported_from_the_contract(module: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"), str(module))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "chaincode":
            found += [f"{module.name}:{node.lineno} from {node.module} import {alias.name}" for alias in node.names
                      if alias.name.startswith("_") and not alias.name.endswith("__")]
    return found


def test_no_module_of_the_sdk_imports_a_private_name_of_the_contract():
    modules = sorted(SDK.glob("*.py"))
    assert modules
    assert [found for module in modules for found in _private_names_imported_from_the_contract(module)] == []
