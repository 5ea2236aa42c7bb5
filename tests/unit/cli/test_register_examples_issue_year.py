"""The registration examples a reader copies (`recfin receivable register --help`, the JSON of
docs/receivables.md) give a fully digitalised invoice's 20-digit number opening with its issue year's last two
digits, the rule the client checks before a registration (chaincode/receivables/fingerprint.py,
``issue_year_problem``): an example the rule refuses would fail for everyone who copies it."""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from chaincode.receivables.fingerprint import issue_year_problem
from cli.main import main

DOCS = Path(__file__).resolve().parents[3] / "docs"
_INVOICE_OPTION = re.compile(r"--invoice (?P<number>[0-9]{20}),(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2}),")
_JSON_BLOCK = re.compile(r"```json\n(.*?)```", re.DOTALL)


def _dated_numbers(document):
    """(number, date) of every object in a JSON document giving a 20-digit number and a date."""
    if isinstance(document, list):
        for item in document:
            yield from _dated_numbers(item)
    elif isinstance(document, dict):
        number, day = document.get("number"), document.get("date") or document.get("issue_date")
        if isinstance(number, str) and re.fullmatch(r"[0-9]{20}", number) and isinstance(day, str):
            yield number, day
        for value in document.values():
            yield from _dated_numbers(value)


def test_the_register_help_examples_open_their_numbers_with_the_issue_year():
    result = CliRunner().invoke(main, ["receivable", "register", "--help"])
    assert result.exit_code == 0, result.output
    examples = list(_INVOICE_OPTION.finditer(result.output))
    assert len(examples) >= 3
    for example in examples:
        assert issue_year_problem(example["number"], date.fromisoformat(example["date"])) is None, example[0]


def test_the_invoices_in_the_receivables_guides_json_open_their_numbers_with_the_issue_year():
    dated = []
    for block in _JSON_BLOCK.findall((DOCS / "receivables.md").read_text(encoding="utf-8")):
        try:
            document = json.loads(block)
        except ValueError:
            continue        # a block with placeholders outside strings is no example of a request
        dated += _dated_numbers(document)
    assert dated, "found no invoice in docs/receivables.md's JSON examples"
    for number, day in dated:
        assert issue_year_problem(number, date.fromisoformat(day)) is None, (number, day)
