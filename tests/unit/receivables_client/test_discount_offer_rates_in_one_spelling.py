"""A discount offer's rates go out in one spelling per value, so a retry with its request id gets the first offer
however the rate was written (the contract binds a request id to its arguments' text); financing terms keep the
spelling given (their hash is of it). Rates written with other digits than ASCII 0-9 are refused by the SDK."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from chaincode.receivables.daycount import parse_rate
from cli import connection
from client.money import canonical_rate_text, rate_text
from client.receivables import DiscountOfferRequest, FinancingTerms, OfferTerms

from ..ledger_contract import Channel
from .test_cli_pages_and_currencies import parties_on_the_contract
from .test_cli_party_commands import ok, recfin


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)


def _publish(*rate: str, request_id: str):
    return recfin("discount", "publish", *rate, "--expires", "2026-04-01", "--as", "coreenterprise",
                  "--request-id", request_id, "--json")


@pytest.mark.parametrize("first, again", [(["--apr", "0.05"], ["--apr", "0.050"]),
                                          (["--apr", "0.050"], ["--apr", "5E-2"]),
                                          (["--tier", "30:0.04", "--tier", "60:0.05"],
                                           ["--tier", "30:0.0400", "--tier", "60:0.050"])])
def test_a_retry_with_the_rate_written_otherwise_returns_the_first_offer(channel, first, again):
    published = ok("discount", "publish", *first, "--expires", "2026-04-01", "--as", "coreenterprise",
                   "--request-id", "D-1")
    retried = _publish(*again, request_id="D-1")
    assert retried.exit_code == 0, retried.output   # was: RULE request-id-reused
    assert json.loads(retried.stdout) == published
    assert list(channel.documents("recfin.discount")) == [published["id"]]   # one offer published
    assert ok("request", "get", "D-1", "--as", "coreenterprise")["tx_id"] == published["last"]["tx_id"]


def test_the_sdk_sends_a_discount_offers_rates_in_one_spelling_and_terms_as_given(channel):
    spellings = ["0.05", "0.050", "0.0500", "5E-2", "50E-3"]
    sent = {DiscountOfferRequest(apr=Decimal(s), expires_on=date(2026, 4, 1)).to_json()["apr"] for s in spellings}
    assert sent == {"0.05"}
    with connection.open_session("coreenterprise") as core:
        first = core.client.publish_discount_offer(
            DiscountOfferRequest(apr="0.05", expires_on=date(2026, 4, 1)), request_id="D-2")
        again = core.client.publish_discount_offer(
            DiscountOfferRequest(apr=Decimal("0.0500"), expires_on=date(2026, 4, 1)), request_id="D-2")
    assert (again.id, again.tx_id) == (first.id, first.tx_id)

    # terms are hashed as spelled, and acceptance and disbursement repeat them: no spelling is changed
    terms = FinancingTerms(advance_rate="0.90", discount_rate="0.0360", recourse=True, expires_on=date(2026, 4, 30))
    assert (terms.advance_rate, terms.discount_rate) == ("0.90", "0.0360")
    stored = OfferTerms.model_validate({**terms.to_json(), "fees": 0})
    assert stored.as_request().transient() == terms.transient()


@pytest.mark.parametrize("rate, canonical", [
    ("0", "0"), ("0.0", "0"), ("0E-10", "0"), ("0.0000000000", "0"), ("1", "1"), ("1.000", "1"), ("0.5", "0.5"),
    ("0.0000000001", "0.0000000001"), ("0.1000000000", "0.1"), (Decimal("5E-2"), "0.05"), ("00.050", "0.05"),
    (Decimal("1E+0"), "1"), ("0.036", "0.036")])
def test_every_canonical_spelling_is_one_the_contracts_rate_rule_reads(rate, canonical):
    text = canonical_rate_text(rate)
    assert text == canonical
    assert parse_rate(text, "apr") == Decimal(rate)


@pytest.mark.parametrize("rate, digit", [("０.０５", "'０' (U+FF10 FULLWIDTH DIGIT ZERO)"),
                                         ("0.0٥", "'٥' (U+0665 ARABIC-INDIC DIGIT FIVE)"),
                                         ("0.5\N{DEVANAGARI DIGIT ONE}", "'१' (U+0967 DEVANAGARI DIGIT ONE)")])
def test_a_rate_string_with_digits_other_than_ascii_is_refused_naming_the_digit(rate, digit):
    with pytest.raises(ValueError, match=re.escape(f"has the digit {digit}, which is not ASCII")):
        rate_text(rate)
    with pytest.raises(ValidationError, match="not ASCII"):
        DiscountOfferRequest(apr=rate, expires_on=date(2026, 4, 1))
    with pytest.raises(ValidationError, match="not ASCII"):
        FinancingTerms(advance_rate=rate, discount_rate="0.036", recourse=True, expires_on=date(2026, 4, 30))
