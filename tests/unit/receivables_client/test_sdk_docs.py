"""docs/sdk-receivables.md says what the SDK's code is: the signatures in its method table, and what it imports."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import click

from client.receivables import ReceivablesClient

ROOT = Path(__file__).parents[3]
DOC = (ROOT / "docs" / "sdk-receivables.md").read_text(encoding="utf-8")
SDK = ROOT / "client" / "receivables"


def documented_signatures() -> list[tuple[str, str]]:
    """Every ``(method, "(params)")`` of the Methods table; a signature in its own code span, as in
    ``list_by_holder``, ``list_by_debtor`` ``(value, *, ...)``, belongs to each method named before it."""
    table = DOC.split("## Methods", 1)[1].split("\n### ", 1)[0]
    found = []
    for row in table.splitlines():
        if not row.startswith("| `"):
            continue
        named: list[str] = []
        for span in re.findall(r"`([^`]*)`", row.strip("|").split(" | ")[0]):
            match = re.fullmatch(r"([a-z_]+)?(\(.*\))?", span.strip())
            if match is None:
                continue
            name, params = match.groups()
            named += [name] if name else []
            if params is not None:
                found += [(method, params) for method in named]
                named = []
    return found


def test_the_method_table_writes_keyword_only_parameters_and_defaults_as_the_code_has_them():
    problems = []
    signatures = documented_signatures()
    assert {"list_by_holder", "iter_receivables", "record_payment"} <= {m for m, _ in signatures}
    for method, params in signatures:
        real = [p for p in inspect.signature(getattr(ReceivablesClient, method)).parameters.values()
                if p.name != "self"]
        keyword_only, position = False, 0
        for written in (p.strip() for p in params[1:-1].split(",") if p.strip()):
            if written == "*":
                keyword_only = True
                continue
            name, _, default = written.partition("=")
            # the table may shorten a name (``id`` for ``receivable_id``): then it is the parameter in its place
            parameter = next((p for p in real if p.name == name), real[position] if position < len(real) else None)
            position += 1
            if parameter is None:
                problems.append(f"{method}{params}: no parameter {name}")
                continue
            if keyword_only != (parameter.kind is inspect.Parameter.KEYWORD_ONLY):
                problems.append(f"{method}{params}: {name} is {parameter.kind.description} in the code")
            if default and default != repr(parameter.default).replace("'", '"'):
                problems.append(f"{method}{params}: {name} defaults to {parameter.default!r} in the code")
    assert problems == []


def test_the_opening_names_every_chaincode_function_the_sdk_runs():
    imported = set()
    for source in SDK.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "chaincode":
                imported |= {f"{node.module}.{alias.name}" for alias in node.names}
    opening = DOC.split("\n## ", 1)[0]
    assert imported and {name for name in imported if f"`{name}`" not in opening} == set()
    assert "never on the" not in " ".join(opening.split())


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield " ".join((*path, name)), command


def test_the_cli_section_names_exactly_the_commands_that_take_as_without_the_org_and_user_aliases():
    from cli.main import main

    takes_as_only, takes_aliases = set(), set()
    for name, command in _commands(main):
        options = {opt: param for param in command.params for opt in param.opts}
        if "ORG[/USER]" not in (getattr(options.get("--as"), "metavar", None) or ""):
            continue                                      # no profile user named (org sign: --as ORG)
        if "--org" in options and "--user" in options:
            takes_aliases.add(name)
        else:
            takes_as_only.add(name)
    section = " ".join(DOC.split("## CLI", 1)[1].split("\n## ", 1)[0].split())   # lines joined
    sentence = re.search(r"\. ((?:`[a-z -]+`,? (?:and )?)+)take `--as` only", section)
    assert sentence, "the CLI section lists the commands that take --as only"
    assert set(re.findall(r"`([a-z -]+)`", sentence.group(1))) == takes_as_only
    assert {"receivable register", "finance offer", "invoice verify", "events", "hsm check"} <= takes_aliases
