"""Offline: a quote's probability_late in fixed point, as rates are written; and a compared offer's ranks said of
that offer, before the id of the other one it is measured against."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance

SAMPLE = str(Path(__file__).resolve().parents[3] / "client/pricing/samples/offers.json")
QUOTE = ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due", "2027-03-01", "--on", "2026-12-01"]


@pytest.mark.parametrize(("given", "written"), [("0.0000001", "0.0000001"), ("-0", "0"), ("0.010", "0.010")])
def test_probability_late_is_written_in_fixed_point(given, written):
    result = CliRunner().invoke(finance, [*QUOTE, "--json", "--probability", given])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["probability_late"] == written
    table = CliRunner().invoke(finance, [*QUOTE, "--probability", given])
    assert table.exit_code == 0, table.output
    (line,) = [line for line in table.output.splitlines() if line.startswith("probability_late")]
    assert line.split()[-1] == written


def test_the_most_cash_takeable_now_is_said_of_the_offer_it_is():
    result = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", SAMPLE, "--on", "2026-12-01", "--json"])
    assert result.exit_code == 0, result.output
    why = {p["offer_id"]: p["why"] for p in json.loads(result.stdout)["proposals"]}
    assert "#2 by cash, the most cash takeable now: CNY 97,171.23 less now than DD-1;" in why["OF-A"]
