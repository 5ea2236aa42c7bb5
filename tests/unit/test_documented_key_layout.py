"""docs/receivables.md ("Key layout") names every kind of key the contract writes, and no other.

An auditor or a ledger tool reads the world state by that table: a kind the contract writes that the table
leaves out is a key nobody knows what to make of, and a kind the table names that the contract no longer
writes is one looked for in vain. The kinds are ``chaincode.receivables.keys``' ``recfin.`` object types; the
table's first column names the public ones, the private line after it those of the collections. The id
prefixes the section gives are those the contract derives ids with.
"""
from __future__ import annotations

import ast
import re

from chaincode.receivables import keys
from tests.unit.test_documented_python import ROOT

SECTION = (ROOT / "docs" / "receivables.md").read_text(encoding="utf-8").split("\n## Key layout\n", 1)[1] \
    .split("\n## ", 1)[0]
CONTRACT = ROOT / "chaincode" / "receivables"


def test_the_table_names_every_kind_of_key_and_no_other():
    public = set(re.findall(r"^\| `(recfin\.[a-z-]+)` \|", SECTION, re.MULTILINE))
    private = set(re.findall(r"`(recfin\.[a-z-]+) \[", SECTION.split("Private (per collection):", 1)[1]
                             .split("\n\n", 1)[0]))
    written = {value for name, value in vars(keys).items()
               if name.isupper() and isinstance(value, str) and value.startswith("recfin.")}
    assert public | private == written, \
        f"Key layout and chaincode.receivables.keys differ in {sorted((public | private) ^ written)}"


def test_the_id_prefixes_are_those_the_contract_derives():
    said = set(re.findall(r"`([A-Z])-`", SECTION.split("Ids are derived", 1)[1].split("\n\n", 1)[0]))
    derived = {call.args[0].value for path in CONTRACT.glob("*.py")
               for call in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(call, ast.Call) and getattr(call.func, "id", getattr(call.func, "attr", None)) == "new_id"
               and call.args and isinstance(call.args[0], ast.Constant)}
    assert said == derived, f"the id prefixes said and derived differ in {sorted(said ^ derived)}"
