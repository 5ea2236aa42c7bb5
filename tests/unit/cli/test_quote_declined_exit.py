"""`finance quote` that the bank declines exits 1, so that a script can tell it from a priced quote: the table
and the JSON say why, as before."""
from __future__ import annotations

import json

from click.testing import CliRunner

from cli.main import main

QUOTE = ["finance", "quote", "RCV-1", "--as", "bank", "--grade", "B", "--face", "100,000", "--on", "2026-12-01"]
DECLINED = "365 days to the due date; bank finances at most 360"


def test_a_declined_quote_exits_1_saying_why():
    result = CliRunner().invoke(main, [*QUOTE, "--due", "2027-12-01"])
    assert result.exit_code == 1, result.output
    assert f"declined: {DECLINED}" in result.stdout.splitlines()


def test_a_declined_quote_in_json_is_the_same_document_and_exits_1():
    result = CliRunner().invoke(main, [*QUOTE, "--due", "2027-12-01", "--json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["declined"] == DECLINED and data["offer"] is None and data["priced"] is None


def test_a_priced_quote_exits_0():
    result = CliRunner().invoke(main, [*QUOTE, "--due", "2027-03-01", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["declined"] is None


def test_the_help_says_a_declined_quote_exits_1():
    help_text = " ".join(CliRunner().invoke(main, ["finance", "quote", "--help"]).output.split())
    assert "offers nothing and exits 1" in help_text
