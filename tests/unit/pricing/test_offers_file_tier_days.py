"""A scale tier's days early are held to the contract's bounds when an offer is read from a file: a tier
starting more than 3660 days early (or none) is in no offer the contract publishes, and was compared as one
that the claim's remaining days did not reach."""
import json
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from cli.finance_commands import finance
from client.pricing import EarlyPaymentOffer

from ..cli_errors import error_line, invoke

SAMPLE = Path(__file__).parents[3] / "client" / "pricing" / "samples" / "offers.json"
OFFERS = json.loads(SAMPLE.read_text())
BOUNDS = ("a tier starts from 1 to 3660 days early, as the contract takes it (PublishDiscountOffer refuses "
          "any other, so no offer on the ledger holds one); give a number of days in that range")


def _compare_with_a_tier_at(tmp_path, days):
    data = json.loads(json.dumps(OFFERS))
    data["early_payments"][0] = {**data["early_payments"][0], "apr": None,
                                 "scale": [{"min_days_early": days, "apr": "0.05"}]}
    path = tmp_path / "offers.json"
    path.write_text(json.dumps(data))
    return invoke(finance, "compare", "RCV-1", "--offers", path, "--on", "2026-12-01")


@pytest.mark.parametrize("days", [3661, 10**6, 0])
def test_an_offers_file_with_a_tier_the_contract_refuses_is_refused_naming_the_field_and_the_bounds(tmp_path,
                                                                                                       days):
    result = _compare_with_a_tier_at(tmp_path, days)
    assert result.exit_code == 2 and result.stdout == ""
    assert error_line(result).endswith(f"offers.json: early_payments.0.scale.0.min_days_early: {days} days: "
                                       + BOUNDS)


def test_a_tier_at_the_bound_is_compared(tmp_path):
    result = _compare_with_a_tier_at(tmp_path, 3660)
    assert result.exit_code == 0, result.output
    assert "DD-1: not eligible: the scale starts at 3660 days early" in result.output


def test_the_offer_model_refuses_it_too_wherever_it_is_read_from():
    offer = {"offer_id": "DD-1", "debtor": "core-co", "expires_on": date(2027, 1, 1),
             "scale": [{"min_days_early": 3661, "apr": "0.05"}]}
    refused = "min_days_early\n  Value error, 3661 days: a tier starts from 1 to 3660 days early"
    with pytest.raises(ValidationError, match=refused):
        EarlyPaymentOffer.model_validate(offer)
