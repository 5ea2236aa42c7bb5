"""An --offers file (or a part of it) that is not an object of named fields, a JSON list say, is refused naming what
it should be, an object, and what it is, rather than the class the file is read into ("a valid dictionary or
instance of ProposalInputs"), which names nothing in the file or the docs."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance


@pytest.mark.parametrize("body, where, what", [
    ([], "", "a list"),
    ({"receivable": [], "bank_offers": []}, "receivable: ", "a list"),
    ({"receivable": {"receivable_id": "RCV-1", "face_amount": 100, "due_date": "2027-03-01"},
      "bank_offers": ["OF-A"]}, "bank_offers.0: ", "a string"),
])
def test_a_part_that_is_not_an_object_says_so(tmp_path, body, where, what):
    path = tmp_path / "offers.json"
    path.write_text(json.dumps(body))
    refused = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", str(path), "--on", "2026-12-01"])
    assert refused.exit_code == 2, refused.output
    line = refused.output.splitlines()[-1]
    assert f"{where}should be an object of named fields (a JSON object, a YAML mapping), not {what}" in line, line
    assert "instance of" not in line
