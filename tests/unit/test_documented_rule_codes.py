"""The rule codes table of docs/receivables.md ("Rule codes") names exactly the codes the contract raises.

A caller reads ``RULE <code>: ...`` and looks the code up in the table, so a code the contract raises must have
its row, and a row must not name a code no refusal carries any more (a reader would handle a refusal that never
comes). The codes raised are read from the contract's source: the first argument of ``rule(...)``, of a
``RuleViolation`` or any subclass of it, and of a subclass's ``super().__init__(...)``, and a text given to a function
of the contract where it takes the code it raises with ``rule(code, ...)``. A row may name several
codes (``not-the-debtor`` / ``not-the-holder``); every code in the first column counts.

Every code the document's prose names after ``RULE`` must be one of them too.
"""
from __future__ import annotations

import ast
import re
from functools import cache

from tests.unit.test_documented_python import ROOT

PAGE = ROOT / "docs" / "receivables.md"
CONTRACT = ROOT / "chaincode" / "receivables"
CODE = r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+"


def _first_text_argument(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def _violation_classes(trees: list[ast.Module]) -> set[str]:
    """``RuleViolation`` and every class of the contract that derives from it, however far down."""
    bases = {node.name: {base.id for base in node.bases if isinstance(base, ast.Name)}
             for tree in trees for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}
    found = {"RuleViolation"}
    while grown := {name for name, parents in bases.items() if parents & found} - found:
        found |= grown
    return found


def _forwarders(trees: list[ast.Module], raisers: set[str]) -> dict[str, int]:
    """Each function of the contract that raises ``rule(p, ...)`` (or a violation) with its own parameter ``p`` as
    the code -> that parameter's position: a code given there is raised too (``_text_checked(check, "code")``)."""
    found = {}
    for tree in trees:
        for function in [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]:
            parameters = [argument.arg for argument in function.args.args]
            for call in [node for node in ast.walk(function) if isinstance(node, ast.Call)]:
                if (isinstance(call.func, ast.Name) and call.func.id in raisers and call.args
                        and isinstance(call.args[0], ast.Name) and call.args[0].id in parameters):
                    found[function.name] = parameters.index(call.args[0].id)
    return found


@cache
def raised_codes() -> dict[str, str]:
    """Each rule code the contract's source raises -> the first module that raises it."""
    modules = sorted(CONTRACT.glob("*.py"))
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in modules]
    violations = _violation_classes(trees)
    forwarders = _forwarders(trees, violations | {"rule"})
    codes: dict[str, str] = {}
    for path, tree in zip(modules, trees):
        for cls in [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]:
            if cls.name not in violations:
                continue
            for call in [node for node in ast.walk(cls) if isinstance(node, ast.Call)]:
                func = call.func
                if (isinstance(func, ast.Attribute) and func.attr == "__init__"
                        and isinstance(func.value, ast.Call) and isinstance(func.value.func, ast.Name)
                        and func.value.func.id == "super" and cls.name != "RuleViolation"
                        and (code := _first_text_argument(call))):
                    codes.setdefault(code, path.name)
        for call in [node for node in ast.walk(tree) if isinstance(node, ast.Call)]:
            if (isinstance(call.func, ast.Name) and call.func.id in violations | {"rule"}
                    and (code := _first_text_argument(call))):
                codes.setdefault(code, path.name)
            if isinstance(call.func, ast.Name) and (position := forwarders.get(call.func.id)) is not None:
                argument = call.args[position] if position < len(call.args) else None
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    codes.setdefault(argument.value, path.name)
    return codes


def documented_codes() -> set[str]:
    section = PAGE.read_text(encoding="utf-8").split("\n## Rule codes\n", 1)[1].split("\n## ", 1)[0]
    first_columns = re.findall(r"^\| (.+?) \| .+ \|$", section, re.MULTILINE)
    return {code for column in first_columns for code in re.findall(rf"`({CODE})`", column)}


def test_the_source_is_read_for_codes():
    codes = raised_codes()
    # one of each way a code is raised: rule(), a subclass's constructor, a subclass's super().__init__, and a
    # function given the code that it raises with rule()
    assert {"argument-invalid", "record-unreadable", "history-unavailable", "invoice-number-invalid"} <= set(codes)


def test_every_code_raised_has_its_row():
    missing = {code: module for code, module in raised_codes().items() if code not in documented_codes()}
    assert not missing, f"rule codes the contract raises with no row in the Rule codes table: {missing}"


def test_every_row_names_a_code_the_contract_raises():
    stale = sorted(documented_codes() - set(raised_codes()))
    assert not stale, f"the Rule codes table names codes no refusal of the contract carries: {stale}"


def test_every_code_after_RULE_in_the_docs_is_raised():
    named = {}
    for page in [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]:
        for code in re.findall(rf"\bRULE ({CODE})", page.read_text(encoding="utf-8")):
            named.setdefault(code, page.name)
    unknown = {code: page for code, page in named.items() if code not in raised_codes()}
    assert not unknown, f"the docs quote refusals with codes the contract does not raise: {unknown}"
