"""The packages depend one way: the SDK (client/) on neither the network tooling (network/), the CLI (cli/)
nor the benchmarks (bench/, which drive the SDK), network/ not on cli/, and the chaincode (chaincode/) on no
other package of the repository, tests/ included.

Integrators embed client/ alone, and a module of it importing network/ or cli/ drags the operator tooling (and
its own imports) into their process; two packages importing each other also load in an order that one change
can break. The chaincode server's image holds chaincode/ alone (the Dockerfile copies that folder and installs
chaincode/requirements.txt), and so does a host that runs only a chaincode server: an import of another package
would fail there when the server starts, not in a checkout, where every package is at hand. Every module is
parsed, not imported, so an import inside a function counts as much as one at the top.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# package -> the packages it must not import
FORBIDDEN = {"client": ("network", "cli", "bench"), "network": ("cli",),
             "chaincode": ("client", "cli", "network", "bench", "tests")}


def _imported(module: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, module name) of each import anywhere in the module (in a function too), a relative one resolved
    against the module's place under root."""
    # a.b.c and a.b.__init__ alike: level 1 is a.b, level 2 is a
    parts = module.relative_to(root).with_suffix("").parts
    found = []
    for node in ast.walk(ast.parse(module.read_text(), str(module))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(parts[:len(parts) - node.level]) if node.level else []
            found.append((node.lineno, ".".join([*base, node.module] if node.module else base)))
    return found


def _crossings(package: str) -> list[str]:
    forbidden = FORBIDDEN[package]
    return [f"{module.relative_to(ROOT)}:{line} imports {name}"
            for module in sorted((ROOT / package).rglob("*.py"))
            for line, name in _imported(module)
            if name.split(".")[0] in forbidden]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_none_of_the_packages_above_it(package):
    assert _crossings(package) == [], f"{package}/ must not import {' or '.join(FORBIDDEN[package])}"


def test_an_import_inside_a_function_and_a_relative_one_are_found(tmp_path):
    module = tmp_path / "client" / "ledger" / "late.py"
    module.parent.mkdir(parents=True)
    module.write_text("from . import msp\nfrom ..gateway import Identity\n\n\ndef later():\n"
                      "    from network.config_policy import evaluate\n    import cli.options\n")
    assert sorted(name for _, name in _imported(module, tmp_path)) == [
        "cli.options", "client.gateway", "client.ledger", "network.config_policy"]
