"""A rate option refused for its form gives an example that fits what the option is. Before, every rate
option's error ended "e.g. 0.036 for 3.6%", a discount rate's example: under --advance-rate, a share of the
claim advanced (0.9 for 90%), it pointed a bank at a figure that would advance 3.6% of the claim.

Refused while the options are read, before anything connects (no network here)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import main

OFFER = ["finance", "offer", "F-1", "--expires", "2030-04-30"]


def _refusal(*args: str) -> str:
    res = CliRunner().invoke(main, list(args))
    assert res.exit_code == 2, res.output
    return res.output


@pytest.mark.parametrize("bad", ["abc", "1.5", "0"])
def test_an_advance_rate_refused_gives_a_share_of_the_claim_as_its_example(bad):
    said = _refusal(*OFFER, "--advance-rate", bad, "--discount-rate", "0.036")
    assert "Invalid value for '--advance-rate'" in said
    assert "e.g. 0.9 for 90% of what the debtor owes" in said and "3.6%" not in said


@pytest.mark.parametrize("bad", ["abc", "1.5"])
def test_a_discount_rate_refused_gives_an_annual_rate_as_its_example(bad):
    said = _refusal(*OFFER, "--advance-rate", "0.9", "--discount-rate", bad)
    assert "Invalid value for '--discount-rate'" in said and "e.g. 0.036 for 3.6% a year" in said


@pytest.mark.parametrize("rate", [["--apr", "abc"], ["--tier", "30:abc"]])
def test_a_discount_offers_apr_refused_gives_an_annual_rate_as_its_example(rate):
    said = _refusal("discount", "publish", *rate, "--expires", "2030-04-30")
    assert "e.g. 0.05 for 5% a year" in said and "90%" not in said
