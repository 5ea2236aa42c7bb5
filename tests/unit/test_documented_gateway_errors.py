"""The error tree of docs/sdk-gateway.md ("Errors") is the one ``client.gateway.errors`` defines.

An integrator writes its ``except`` clauses from that tree and reads the fields each line names: every error
class the module exports has its line under its own base class, and each line names every field its class sets
beside its base's (an attribute its ``__init__`` assigns, or a value its class declares, such as ``result``).
"""
from __future__ import annotations

import ast
import inspect
import re

from client.gateway import errors
from tests.unit.test_documented_python import ROOT

PAGE = (ROOT / "docs" / "sdk-gateway.md").read_text(encoding="utf-8")
# The tree's branches and indentation: "├── ", "│   ", "└── " and spaces, four characters a level.
BRANCH = re.compile(r"^((?:[│ ]   )*)(?:[├└]── )?(\w+)\s*(.*)$")


def tree() -> dict[str, tuple[str | None, str]]:
    """Each class the tree shows -> (the class it sits under, the rest of its line)."""
    block = PAGE.split("\n## Errors\n", 1)[1].split("```", 2)[1].strip("\n")
    shown: dict[str, tuple[str | None, str]] = {}
    parents: list[str] = []
    for line in block.splitlines():
        indent, name, rest = BRANCH.match(line).groups()
        depth = len(indent) // 4 + (0 if line.startswith(name) else 1)
        del parents[depth:]
        shown[name] = (parents[-1] if parents else None, rest)
        parents.append(name)
    return shown


def own_fields(cls: type) -> set[str]:
    """The public attributes ``cls`` itself sets: assigned in its ``__init__``, or declared on the class."""
    source = ast.parse(inspect.getsource(cls).lstrip())
    fields = {target.attr for node in ast.walk(source) if isinstance(node, ast.FunctionDef)
              and node.name == "__init__" for target in ast.walk(node)
              if isinstance(target, ast.Attribute) and isinstance(target.ctx, ast.Store)
              and isinstance(target.value, ast.Name) and target.value.id == "self"}
    fields |= {node.target.id for node in source.body[0].body
               if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)}
    return {name for name in fields if not name.startswith("_")}


def exported_errors() -> dict[str, type]:
    return {name: getattr(errors, name) for name in errors.__all__
            if isinstance(getattr(errors, name), type) and issubclass(getattr(errors, name), Exception)}


def test_the_tree_shows_every_error_under_its_base():
    shown = tree()
    assert set(shown) == set(exported_errors()), \
        f"the tree and client.gateway.errors differ in {sorted(set(shown) ^ set(exported_errors()))}"
    for name, cls in exported_errors().items():
        base = cls.__bases__[0].__name__
        assert shown[name][0] == (None if base == "Exception" else base), f"{name} is shown under {shown[name][0]}"


def test_each_line_names_the_fields_its_class_sets():
    shown = tree()
    for name, cls in exported_errors().items():
        words = set(re.findall(r"\w+", shown[name][1]))
        unnamed = own_fields(cls) - words
        assert not unnamed, f"the Errors tree's {name} line does not name its fields {sorted(unnamed)}"
