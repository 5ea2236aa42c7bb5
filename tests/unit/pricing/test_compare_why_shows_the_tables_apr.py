"""The lines under `recfin finance compare`'s table say each offer's APR, and its gap to the cheapest, to the places
the table's APR column shows them (4, or more where two different APRs would look alike at 4): "4.33% a year"
under a column reading 4.3265% read as a second figure, and a gap of "0.74 points" as one the table's APRs do not
give (5.0624% - 4.3265% = 0.7359). --json's why says the same."""
from __future__ import annotations

import json

from click.testing import CliRunner

from cli.finance_commands import finance

from .test_compare_apr_shows_its_order import RECEIVABLE, bank
from .test_compare_table_names import table_rows
from .test_pricing_cli import offers_file

SAMPLE = ["compare", "RCV-1", "--offers", "client/pricing/samples/offers.json", "--on", "2026-12-01"]


def _said(output: str) -> dict[str, str]:
    """Each offer's line under the table, by its id."""
    lines = output.split("\n\n", 1)[1].splitlines()
    return dict(line.split(": ", 1) for line in lines if line)


def test_the_sample_comparison_says_the_aprs_the_table_shows():
    shown = CliRunner().invoke(finance, SAMPLE)
    assert shown.exit_code == 0, shown.output
    apr = {row["OFFER_ID"]: row["APR"] for row in table_rows(shown.stdout)}
    assert apr == {"OF-A": "4.3265%", "DD-1": "5.0624%"}
    said = _said(shown.stdout)
    assert said["OF-A"].startswith("cheapest of 2 at 4.3265% a year all-in;"), said["OF-A"]
    assert "taken then: #2 by cost: 5.0624% a year, 0.7359 points above OF-A;" in said["DD-1"], said["DD-1"]


def test_json_why_says_them_to_the_same_places():
    shown = CliRunner().invoke(finance, [*SAMPLE, "--json"])
    assert shown.exit_code == 0, shown.output
    why = {p["offer_id"]: p["why"] for p in json.loads(shown.stdout)["proposals"]}
    assert why["OF-A"].startswith("cheapest of 2 at 4.3265% a year all-in;")
    assert "#2 by cost: 5.0624% a year, 0.7359 points above OF-A;" in why["DD-1"]


def test_aprs_the_table_shows_to_more_places_are_said_to_them_too(tmp_path):
    # fees 1 fen apart: APRs about 0.00001 points apart, alike at 4 places, so the column shows more
    data = {"receivable": RECEIVABLE, "bank_offers": [bank("OF-B", "0.04", fees=50_001), bank("OF-A", "0.04")],
            "early_payments": []}
    shown = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", offers_file(tmp_path, data),
                                         "--on", "2026-12-01"])
    assert shown.exit_code == 0, shown.output
    apr = {row["OFFER_ID"]: row["APR"] for row in table_rows(shown.stdout)}
    said = _said(shown.stdout)
    assert said["OF-A"].startswith(f"cheapest of 2 at {apr['OF-A']} a year all-in;"), said["OF-A"]
    assert said["OF-B"].startswith(f"#2 by cost: {apr['OF-B']} a year, "), said["OF-B"]

