"""A count of days `recfin finance compare` prints is in words that fit it: "1 day early", never "1 days"
(the contract's own refusals write them so, with chaincode.receivables.dates.days_text)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance

# Due 2027-03-01; an early payment whose scale starts at 30 days early, so a day before is no tier of it.
OFFERS = {
    "receivable": {"receivable_id": "RCV-1", "face_amount": 100_000_000, "due_date": "2027-03-01",
                   "financing_id": "F-1"},
    "bank_offers": [],
    "early_payment": {"offer_id": "DD-1", "debtor": "core", "day_count": "ACT/365", "expires_on": "2027-04-01",
                      "scale": [{"min_days_early": 30, "apr": "0.05"}]},
}


def compare_on(day: str, tmp_path) -> str:
    offers = tmp_path / "offers.json"
    offers.write_text(json.dumps(OFFERS))
    result = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", str(offers), "--on", day])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("day, timing", [("2027-02-28", "(1 day early)"), ("2027-02-27", "(2 days early)"),
                                         ("2027-03-02", "(1 day after the due date)"),
                                         ("2027-03-03", "(2 days after the due date)")])
def test_the_header_counts_one_day_as_a_day(day, timing, tmp_path):
    """Bug: the header printed "cash taken on 2027-02-28 (1 days early)"."""
    header = compare_on(day, tmp_path).splitlines()[0]
    assert f"cash taken on {day} {timing}; ordered by cost" in header


def test_a_scale_not_reached_says_how_many_days_early_in_words(tmp_path):
    """Bug: "the scale starts at 30 days early, this is 1" left the count without its unit."""
    assert ("DD-1: not eligible: the scale starts at 30 days early, this is 1 day early "
            "(rule discount-not-applicable)") in compare_on("2027-02-28", tmp_path)
