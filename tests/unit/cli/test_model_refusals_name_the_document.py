"""A document a model refuses is named on the refusal's line with the field that is wrong: the request a command
built (``connection.describe``), and the discount offer ``discount accept --as-read`` reads, whose misspelt key is
named with the keys an offer does take, as a JSON object's: the document is JSON, whose objects were called YAML
blocks ("debtr is no key of this block"), the words of the pricing and topology files."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pydantic import ValidationError

from cli import connection
from cli.main import main
from client.receivables import DiscountOffer, ReceivableRegistration, ScaleTier


def test_a_request_the_sdk_refused_is_named_with_its_field():
    with pytest.raises(ValidationError) as refused:
        ReceivableRegistration(debtor="91310000MA1K000019", face_amount=-5, issue_date=date(2026, 3, 2),
                               due_date=date(2026, 5, 31), invoices=[], contract_hash="c" * 64)
    line = connection.describe(refused.value)
    assert line.startswith("not a valid receivable registration: "), line
    assert "face_amount" in line, line
    assert "\n" not in line


def test_a_discount_offer_read_with_a_misspelt_key_names_the_keys_an_offer_takes(runner, tmp_path):
    offer = tmp_path / "offer.json"
    offer.write_text(json.dumps({"id": "D-1", "debtr": "91310000MA1K000019"}))
    res = runner.invoke(main, ["discount", "accept", "D-1", "R-1", "--as-read", str(offer)])
    assert res.exit_code == 2, res.output
    line = res.output.strip().splitlines()[-1]
    assert "is not a discount offer's document" in line, line
    assert f"debtr is no key of this object, which takes {', '.join(DiscountOffer.model_fields)}" in line, line
    assert "block" not in line, line


def test_a_misspelt_key_of_a_tier_of_the_offer_read_from_stdin_is_named_as_a_json_objects(runner):
    offer = {"id": "D-1", "scale": [{"min_days_erly": 10, "apr": "0.05"}]}
    res = runner.invoke(main, ["discount", "accept", "D-1", "R-1", "--as-read", "-"], input=json.dumps(offer))
    assert res.exit_code == 2, res.output
    line = " ".join(res.output.split())
    assert ("scale.0.min_days_erly: Extra inputs are not permitted: min_days_erly is no key of this object, which "
            f"takes {', '.join(ScaleTier.model_fields)}") in line, line
    assert "block" not in line, line
